-- Quarantine index: the receipts carry the reason and the raw bytes' object key; a release links a quarantined
-- input to the receipt of its corrected resubmission (once: a quarantined input is released at most once).
CREATE INDEX receipts_quarantined ON ingress.receipts (platform_run_id, received_at) WHERE outcome = 'QUARANTINED';

CREATE TABLE ingress.quarantine_releases (
  quarantine_receipt_id text PRIMARY KEY REFERENCES ingress.receipts (receipt_id),
  release_receipt_id    text NOT NULL REFERENCES ingress.receipts (receipt_id),
  released_by           text NOT NULL,
  released_at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON ingress.quarantine_releases FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON ingress.quarantine_releases FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change();
