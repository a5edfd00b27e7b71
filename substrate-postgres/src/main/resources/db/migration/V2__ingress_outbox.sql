-- The gate's transactional outbox (ARCHITECTURE.md §3; design in AdmissionRelay): a claimed event's record waits
-- here, durable, until the relay has published it; its ADMITTED receipt then names the outbox row it came from.
CREATE TABLE ingress.outbox (
  seq              bigserial PRIMARY KEY,
  receipt_id       text NOT NULL UNIQUE,
  platform_run_id  text NOT NULL,
  event_class      text NOT NULL,
  event_id         text NOT NULL,
  payload_hash     text NOT NULL,
  topic            text NOT NULL,
  record_key       text,
  record_value     bytea NOT NULL,
  record_timestamp bigint NOT NULL,
  record_headers   text NOT NULL,
  received_at      timestamptz NOT NULL
);

ALTER TABLE ingress.receipts ADD COLUMN outbox_seq bigint;
CREATE INDEX receipts_by_outbox_seq ON ingress.receipts (outbox_seq) WHERE outbox_seq IS NOT NULL;

-- The bus offsets of publication markers whose receipts are recorded: recovery reads markers after the last one.
CREATE TABLE ingress.relay_progress (
  marker_offset bigint PRIMARY KEY,
  recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ingress.outbox', 'ingress.relay_progress'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;
