-- Model and Policy Registry (ARCHITECTURE.md §2, §9): the registered decision bundles (their files are in the object
-- store under bundles/<bundle_id>) and the append-only history of their states. A bundle's state is its latest change.
CREATE SCHEMA IF NOT EXISTS registry;

CREATE TABLE registry.bundles (
  bundle_id       text PRIMARY KEY CHECK (bundle_id ~ '^[a-z0-9][a-z0-9._-]{0,127}$'),
  bundle_digest   text NOT NULL,
  manifest_digest text NOT NULL,
  location        text NOT NULL,
  registered_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Every change is a row: who, when, why. seq is the registry's one total order.
CREATE TABLE registry.bundle_changes (
  seq       bigserial PRIMARY KEY,
  bundle_id text NOT NULL REFERENCES registry.bundles (bundle_id),
  state     text NOT NULL CHECK (state IN ('CANDIDATE', 'SHADOW', 'ACTIVE', 'RETIRED')),
  actor     text NOT NULL CHECK (actor <> ''),
  reason    text NOT NULL CHECK (btrim(reason) <> ''),
  detail    text,
  at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX bundle_changes_by_bundle ON registry.bundle_changes (bundle_id, seq DESC);
CREATE INDEX bundle_changes_by_state ON registry.bundle_changes (state, seq DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['registry.bundles', 'registry.bundle_changes'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;

-- At most one ACTIVE and at most one SHADOW bundle, checked when a transaction commits (a promotion writes the
-- retirement of the old holder and the promotion of the new one together): a second line of defence behind the
-- adapter's own checks, which hold the registry's lock while they read and write.
CREATE OR REPLACE FUNCTION registry.refuse_two_holders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE holders integer;
BEGIN
  SELECT count(*) INTO holders FROM (
    SELECT DISTINCT ON (bundle_id) bundle_id, state FROM registry.bundle_changes ORDER BY bundle_id, seq DESC
  ) latest WHERE latest.state = NEW.state;
  IF NEW.state IN ('ACTIVE', 'SHADOW') AND holders > 1 THEN
    RAISE EXCEPTION 'registry: % bundles would be %; at most one may be', holders, NEW.state
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER one_active_one_shadow AFTER INSERT ON registry.bundle_changes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry.refuse_two_holders();
