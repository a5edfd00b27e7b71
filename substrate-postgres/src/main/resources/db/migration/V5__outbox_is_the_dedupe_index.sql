-- The outbox is the dedupe index: a tuple is claimed by inserting its outbox row, so each admitted event costs one
-- row and one unique index fewer. ingress.dedupe_index keeps the claims made before this migration; their runs can
-- no longer take traffic (only READY or STREAMING runs do), so new claims need not consult it.
CREATE UNIQUE INDEX outbox_tuple ON ingress.outbox (platform_run_id, event_class, event_id);

-- Recovery finds unpublished outbox rows above the highest sequence a recorded marker covered.
ALTER TABLE ingress.relay_progress ADD COLUMN max_outbox_seq bigint;
DROP INDEX ingress.receipts_by_outbox_seq;

-- Progress rows are appended in order; a marker offset is not unique across bus incarnations (an embedded broker
-- starts a new log), so it cannot be the key.
ALTER TABLE ingress.relay_progress DROP CONSTRAINT relay_progress_pkey;
ALTER TABLE ingress.relay_progress ADD COLUMN id bigserial PRIMARY KEY;

-- Progress recorded before this migration lives in the receipts: carry its high-water mark over, so recovery does
-- not take every earlier outbox row for unpublished.
INSERT INTO ingress.relay_progress (marker_offset, max_outbox_seq)
SELECT -1, max(outbox_seq) FROM ingress.receipts WHERE outbox_seq IS NOT NULL HAVING max(outbox_seq) IS NOT NULL;
