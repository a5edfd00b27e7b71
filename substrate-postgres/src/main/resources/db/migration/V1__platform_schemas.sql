-- The platform's stores, one schema per plane (ARCHITECTURE.md §9).
CREATE SCHEMA IF NOT EXISTS ingress;
CREATE SCHEMA IF NOT EXISTS actions;
CREATE SCHEMA IF NOT EXISTS runs;

-- Append-only evidence: a trigger refuses every UPDATE, DELETE and TRUNCATE.
CREATE OR REPLACE FUNCTION public.fp_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only table %.%: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Ingestion Gate: one receipt per input, and one dedupe row per admitted tuple.
CREATE TABLE ingress.receipts (
  receipt_id      text PRIMARY KEY,
  platform_run_id text,
  event_class     text,
  event_id        text,
  outcome         text NOT NULL CHECK (outcome IN ('ADMITTED', 'DUPLICATE', 'QUARANTINED')),
  reason          text,
  detail          text,
  payload_hash    text,
  topic           text,
  kafka_partition integer,
  kafka_offset    bigint,
  raw_object_key  text,
  received_at     timestamptz NOT NULL,
  CHECK ((outcome = 'QUARANTINED') = (reason IS NOT NULL)),
  CHECK ((outcome = 'ADMITTED') = (kafka_offset IS NOT NULL))
);
CREATE INDEX receipts_by_run ON ingress.receipts (platform_run_id, outcome, reason);

CREATE TABLE ingress.dedupe_index (
  platform_run_id text NOT NULL,
  event_class     text NOT NULL,
  event_id        text NOT NULL,
  payload_hash    text NOT NULL,
  receipt_id      text NOT NULL,
  PRIMARY KEY (platform_run_id, event_class, event_id)
);

-- Action Layer: the effect ledger; (run, decision id) is the idempotency key. Decision ids derive from event
-- ids, so a replay of the same world in another run has the same decision ids: the run keeps them apart.
CREATE TABLE actions.effects (
  platform_run_id     text NOT NULL,
  decision_id         text NOT NULL,
  event_id            text NOT NULL,
  action              text NOT NULL,
  effect_type         text NOT NULL,
  admitted_at         timestamptz,
  decision_visible_at timestamptz,
  applied_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (platform_run_id, decision_id)
);

-- Runs: pinned facts and the lifecycle history (the current state is the latest transition).
CREATE TABLE runs.run_facts (
  platform_run_id   text PRIMARY KEY,
  world_id          text NOT NULL,
  world_fingerprint text NOT NULL,
  bundle_id         text NOT NULL,
  bundle_digest     text NOT NULL,
  config_digest     text NOT NULL,
  code_version      text NOT NULL,
  created_at        timestamptz NOT NULL
);

CREATE TABLE runs.run_transitions (
  seq             bigserial PRIMARY KEY,
  platform_run_id text NOT NULL REFERENCES runs.run_facts (platform_run_id),
  state           text NOT NULL,
  reason          text,
  at              timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX run_transitions_by_run ON runs.run_transitions (platform_run_id, seq);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ingress.receipts', 'ingress.dedupe_index', 'actions.effects',
                           'runs.run_facts', 'runs.run_transitions'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;
