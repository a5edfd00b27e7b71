-- The investigators' queue at 100,000 cases (fp bench cases): the open cases of a run, one partial index per sort,
-- so that a page at any depth is one index seek (keyset pagination on the sort key as a row comparison) and a
-- filtered total is an index-only range scan. Priority sorts highest first through the expression (-priority), so
-- that (-priority, opened_at, case_id) is ascending and one row comparison seeks past the cursor; priority itself is
-- included so the planner can answer from the index alone. V8's indexes stay for queries across runs and on CLOSED.
CREATE INDEX cases_open_by_priority ON casework.cases (platform_run_id, (-priority), opened_at, case_id)
  INCLUDE (priority) WHERE state <> 'CLOSED';
CREATE INDEX cases_open_by_age ON casework.cases (platform_run_id, opened_at, case_id) WHERE state <> 'CLOSED';
CREATE INDEX cases_open_by_updated ON casework.cases (platform_run_id, updated_at, case_id) WHERE state <> 'CLOSED';
CREATE INDEX cases_open_by_owner ON casework.cases (platform_run_id, owner, (-priority), opened_at, case_id)
  INCLUDE (priority) WHERE state <> 'CLOSED';
