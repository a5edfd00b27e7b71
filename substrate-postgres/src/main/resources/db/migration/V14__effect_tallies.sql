-- How many effects each run has applied, kept by the statement that inserts them (a running tally, not evidence: the
-- rows of actions.effects are the record, and a run's report counts them). A run's progress and its drain asked
-- count(*) of actions.effects every 100-500 ms: a scan of every effect of the run, each time, so the cost of asking
-- grew with the run (730 ms of three PostgreSQL processes at 3.6M effects, nearly a core of a 2-core box, and the
-- streamer waiting on it). The tally answers in a few rows whatever the run's size. Each ledger adds to a slot of
-- its own choosing, so that Action Layers in several processes do not queue on one row.
CREATE TABLE actions.effect_tallies (
  platform_run_id text NOT NULL,
  slot            smallint NOT NULL,
  applied         bigint NOT NULL,
  PRIMARY KEY (platform_run_id, slot)
);

-- Effects applied before this migration are tallied once, in slot 0.
INSERT INTO actions.effect_tallies (platform_run_id, slot, applied)
SELECT platform_run_id, 0, count(*) FROM actions.effects GROUP BY platform_run_id;
