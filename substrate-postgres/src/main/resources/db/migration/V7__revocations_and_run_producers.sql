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
-- A run that ended stays ended: after COMPLETED or FAILED only a further FAILED (another reason) may follow. So a
-- process that lost its run to the abandoned-run sweep cannot carry the run on as if nothing had happened.
CREATE OR REPLACE FUNCTION runs.fp_refuse_after_end() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE latest text;
BEGIN
  SELECT state INTO latest FROM runs.run_transitions WHERE platform_run_id = NEW.platform_run_id ORDER BY seq DESC LIMIT 1;
  IF latest IN ('COMPLETED', 'FAILED') AND NEW.state <> 'FAILED' THEN
    RAISE EXCEPTION 'run % has ended (%): % refused', NEW.platform_run_id, latest, NEW.state USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER ended_stays_ended BEFORE INSERT ON runs.run_transitions FOR EACH ROW EXECUTE FUNCTION runs.fp_refuse_after_end();
