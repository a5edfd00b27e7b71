-- Producers' API keys, as SHA-256 hashes only (ARCHITECTURE.md §9; the key is shown once when issued).
CREATE TABLE ingress.producer_keys (
  key_sha256  text PRIMARY KEY,
  producer_id text NOT NULL,
  issued_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON ingress.producer_keys FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON ingress.producer_keys FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change();
