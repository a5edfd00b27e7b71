-- What each applied decision said, beside what was done: its score, reasons (one per line, most telling first), the
-- bundle that decided and why it was made in its degrade mode. GET /v1/decisions/{id} answers from here once the
-- gate's recent decisions no longer hold it. Nullable: effects applied before these columns say no more than before.
ALTER TABLE actions.effects ADD COLUMN score double precision;
ALTER TABLE actions.effects ADD COLUMN reasons text;
ALTER TABLE actions.effects ADD COLUMN bundle_id text;
ALTER TABLE actions.effects ADD COLUMN degrade_reason text;
