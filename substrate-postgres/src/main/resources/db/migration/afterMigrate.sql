-- After every migration (Flyway callback, run as the administrator): the platform's own role, and what it may do.
-- It logs in, reads and appends; it owns nothing and is no superuser, so it can neither change evidence nor switch
-- the append-only triggers off (ALTER TABLE needs the owner; session_replication_role needs a superuser).
-- Every open runs this (an admin command beside a running platform too): one at a time, or concurrent GRANTs on the
-- same objects fail with "tuple concurrently updated".
DO $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('fp-after-migrate'));
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${app_role}') THEN
    CREATE ROLE ${app_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of the same server created it at the same moment
END
$$;
DO $$
DECLARE s text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('fp-after-migrate'));
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${app_role}', current_database());
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
             AND nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%' LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${app_role}', s);
    EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA %I TO ${app_role}', s);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ${app_role}', s);
  END LOOP;
END
$$;
-- The few rows that change in place, and nothing else: a case's head (its timeline is append-only); a run's tally of
-- applied effects (the effects themselves are append-only); and the one work queue whose rows go once done: an
-- outbox record, deleted when the relay has published it.
DO $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('fp-after-migrate'));
  IF to_regclass('casework.cases') IS NOT NULL THEN
    GRANT UPDATE ON casework.cases TO ${app_role};
  END IF;
  IF to_regclass('actions.effect_tallies') IS NOT NULL THEN
    GRANT UPDATE ON actions.effect_tallies TO ${app_role};
  END IF;
  IF to_regclass('ingress.outbox_records') IS NOT NULL THEN
    GRANT DELETE ON ingress.outbox_records TO ${app_role};
  END IF;
END
$$;
