-- The outbox kept every admitted event's bus record (its envelope, key and headers) for ever, beside its dedupe claim:
-- the largest table of a run (about 1.1 KiB an event of PostgreSQL's 2.4), and a second copy of what fp.traffic
-- holds once the record is published. The claim stays (it is the dedupe index, and the receipt names its sequence);
-- the record now waits in ingress.outbox_records only until the relay has published it: the transaction that appends
-- the ADMITTED receipts and the relay's progress deletes the published records with them. A work queue, not evidence:
-- the receipt keeps the payload's hash, the bus and the archive keep the record.
CREATE TABLE ingress.outbox_records (
  seq              bigint PRIMARY KEY,
  topic            text NOT NULL,
  record_key       text,
  record_value     bytea NOT NULL,
  record_timestamp bigint NOT NULL,
  record_headers   text NOT NULL
);

-- Records not yet published when this migration runs (a gate stopped with work in its outbox) move over; the
-- published ones are on the bus already.
INSERT INTO ingress.outbox_records (seq, topic, record_key, record_value, record_timestamp, record_headers)
SELECT seq, topic, record_key, record_value, record_timestamp, record_headers FROM ingress.outbox
WHERE seq > (SELECT coalesce(max(max_outbox_seq), 0) FROM ingress.relay_progress);

ALTER TABLE ingress.outbox DROP COLUMN topic;
ALTER TABLE ingress.outbox DROP COLUMN record_key;
ALTER TABLE ingress.outbox DROP COLUMN record_value;
ALTER TABLE ingress.outbox DROP COLUMN record_timestamp;
ALTER TABLE ingress.outbox DROP COLUMN record_headers;
