-- A key is revoked by appending its revocation: keys and their history stay as they were (append-only evidence).
CREATE TABLE ingress.producer_key_revocations (
  key_sha256 text PRIMARY KEY REFERENCES ingress.producer_keys (key_sha256),
  reason     text,
  revoked_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- The producers allowed to write into a run: granted before the run is READY, never taken back while it runs.
CREATE TABLE runs.run_producers (
  platform_run_id text NOT NULL REFERENCES runs.run_facts (platform_run_id),
  producer_id     text NOT NULL,
  granted_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (platform_run_id, producer_id)
);
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ingress.producer_key_revocations', 'runs.run_producers'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;
