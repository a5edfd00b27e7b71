-- The degrade mode each applied decision was made in: the live view and the metrics count decisions by mode per run
-- from the ledger, without reading the audit. Nullable: effects applied before this column have none.
ALTER TABLE actions.effects ADD COLUMN degrade_mode text;
