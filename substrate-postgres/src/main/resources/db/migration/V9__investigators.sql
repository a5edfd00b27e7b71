-- The investigator's console (casework): accounts and sessions. Only hashes are kept: the password's (PBKDF2, salted)
-- and the session cookie's (SHA-256), so a copy of these tables signs no one in.

-- An account is written once: a new password or role is a new account, never an update.
CREATE TABLE casework.investigators (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9._-]{0,63}$'),
  role          text NOT NULL CHECK (role IN ('ANALYST', 'LEAD')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A session as it opened. It ends by expiring (expires_at) or by a sign-out, which appends to session_ends: sessions
-- are evidence of who could act when, so they are never changed or removed either.
CREATE TABLE casework.sessions (
  session_hash text PRIMARY KEY,
  username     text NOT NULL REFERENCES casework.investigators (username),
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX sessions_by_user ON casework.sessions (username, created_at);

CREATE TABLE casework.session_ends (
  session_hash text PRIMARY KEY REFERENCES casework.sessions (session_hash),
  ended_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['casework.investigators', 'casework.sessions', 'casework.session_ends'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;
