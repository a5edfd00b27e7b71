-- Case and label plane (ARCHITECTURE.md §9): the Label Store's assertions, Case Management's cases and timelines,
-- and the casework projection of account activity that investigators read.
CREATE SCHEMA IF NOT EXISTS casework;

-- Label Store: immutable assertions. (run, assertion id) is the idempotency key; the id derives from the provenance
-- (the label event, or the case's disposition). An assertion is never updated: a newer one supersedes it.
CREATE TABLE casework.label_assertions (
  seq             bigserial NOT NULL,
  platform_run_id text NOT NULL,
  assertion_id    text NOT NULL,
  subject_kind    text NOT NULL CHECK (subject_kind IN ('TRANSACTION', 'ACCOUNT', 'CARD')),
  subject_id      text NOT NULL,
  account_id      text,
  card_id         text,
  value           text NOT NULL CHECK (value IN ('FRAUD', 'LEGITIMATE')),
  typology        text,
  source          text NOT NULL,
  source_rank     smallint NOT NULL,
  label_type      text NOT NULL,
  reason_code     text,
  effective_time  timestamptz NOT NULL,
  observed_time   timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  provenance      text NOT NULL,
  actor           text,
  event_id        text,
  amount_minor    bigint,
  PRIMARY KEY (platform_run_id, assertion_id)
);
-- As-of lookup of one subject: the standing assertion is the first in (rank, observed, recorded, id) descending
-- among those observed by T.
CREATE INDEX label_assertions_as_of ON casework.label_assertions
  (platform_run_id, subject_kind, subject_id, source_rank DESC, observed_time DESC, recorded_at DESC, assertion_id DESC);
CREATE INDEX label_assertions_effective ON casework.label_assertions (platform_run_id, effective_time);

-- Label events the gate admitted that the Label Store could not take, once each.
CREATE TABLE casework.label_rejections (
  platform_run_id text NOT NULL,
  event_id        text NOT NULL,
  reason          text NOT NULL,
  detail          text,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (platform_run_id, event_id)
);

-- Admitted transactions and context events by account: recent activity, linked context, shared entities.
CREATE TABLE casework.activity (
  platform_run_id text NOT NULL,
  event_id        text NOT NULL,
  event_class     text NOT NULL,
  account_id      text NOT NULL,
  event_time      timestamptz NOT NULL,
  txn_id          text,
  card_id         text,
  device_id       text,
  ip              text,
  merchant_id     text,
  amount_minor    bigint,
  flow_id         text,
  payload         text NOT NULL,
  PRIMARY KEY (platform_run_id, event_id)
);
CREATE INDEX activity_by_account ON casework.activity (platform_run_id, account_id, event_time DESC);
CREATE INDEX activity_by_txn ON casework.activity (platform_run_id, txn_id) WHERE txn_id IS NOT NULL;
CREATE INDEX activity_by_device ON casework.activity (platform_run_id, device_id) WHERE device_id IS NOT NULL;
CREATE INDEX activity_by_ip ON casework.activity (platform_run_id, ip) WHERE ip IS NOT NULL;
CREATE INDEX activity_by_card ON casework.activity (platform_run_id, card_id) WHERE card_id IS NOT NULL;

-- Cases: the head is the one row that changes (state, owner, priority, version), always together with a timeline
-- entry; it is never deleted. One case that is not CLOSED per account and run.
CREATE TABLE casework.cases (
  case_id          text PRIMARY KEY,
  platform_run_id  text NOT NULL,
  account_id       text NOT NULL,
  state            text NOT NULL CHECK (state IN ('OPEN', 'IN_PROGRESS', 'WAITING', 'CLOSED')),
  priority         integer NOT NULL CHECK (priority BETWEEN 0 AND 100),
  owner            text,
  opened_at        timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  decisions        integer NOT NULL,
  max_score        double precision NOT NULL,
  max_amount_minor bigint NOT NULL,
  disposition      text CHECK (disposition IN ('CONFIRMED_FRAUD', 'LEGITIMATE', 'INCONCLUSIVE')),
  version          bigint NOT NULL
);
CREATE UNIQUE INDEX cases_one_open_per_account ON casework.cases (platform_run_id, account_id) WHERE state <> 'CLOSED';
CREATE INDEX cases_by_priority ON casework.cases (priority DESC, opened_at, case_id);
CREATE INDEX cases_by_age ON casework.cases (opened_at, case_id);
CREATE INDEX cases_by_updated ON casework.cases (updated_at DESC, case_id);
CREATE INDEX cases_by_state_priority ON casework.cases (state, priority DESC, opened_at, case_id);
CREATE INDEX cases_by_owner ON casework.cases (owner, priority DESC, opened_at, case_id);
CREATE INDEX cases_by_run ON casework.cases (platform_run_id, state);

-- The decisions attached to cases: (run, decision id) is the idempotency key of Case Management.
CREATE TABLE casework.case_decisions (
  platform_run_id text NOT NULL,
  decision_id     text NOT NULL,
  case_id         text NOT NULL REFERENCES casework.cases (case_id),
  event_id        text,
  action          text NOT NULL,
  score           double precision NOT NULL,
  amount_minor    bigint,
  event_time      timestamptz,
  decision        text NOT NULL,
  attached_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (platform_run_id, decision_id)
);
CREATE INDEX case_decisions_by_case ON casework.case_decisions (case_id, attached_at);

-- A case's timeline: append-only; opened, disposed, labels asserted and closed happen once per case.
CREATE TABLE casework.case_timeline (
  case_id text NOT NULL REFERENCES casework.cases (case_id),
  seq     bigint NOT NULL,
  type    text NOT NULL CHECK (type IN ('OPENED', 'DECISION_ATTACHED', 'ASSIGNED', 'STATE_CHANGED', 'NOTE',
                                        'DISPOSITION', 'LABEL_ASSERTED', 'CLOSED')),
  actor   text NOT NULL,
  at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  detail  text NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE UNIQUE INDEX case_timeline_once ON casework.case_timeline (case_id, type)
  WHERE type IN ('OPENED', 'DISPOSITION', 'LABEL_ASSERTED', 'CLOSED');
CREATE INDEX case_timeline_pending_labels ON casework.case_timeline (type, case_id) WHERE type = 'DISPOSITION';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['casework.label_assertions', 'casework.label_rejections', 'casework.activity',
                           'casework.case_decisions', 'casework.case_timeline'] LOOP
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change()', t);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change()', t);
  END LOOP;
END
$$;
-- A case head changes but is never deleted.
CREATE TRIGGER never_deleted BEFORE DELETE ON casework.cases FOR EACH ROW EXECUTE FUNCTION public.fp_refuse_change();
CREATE TRIGGER never_truncated BEFORE TRUNCATE ON casework.cases FOR EACH STATEMENT EXECUTE FUNCTION public.fp_refuse_change();
