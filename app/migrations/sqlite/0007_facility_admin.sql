-- What the administration area adds to facilities: temporary closures and
-- special hours (JSON, domain::closures), when staff last confirmed the
-- details, retirement instead of deletion, and the history of every change.
-- The new columns are part of the facility row, so an edit stamps a new
-- revision and every server's index and offline download follow.

ALTER TABLE facilities ADD COLUMN closures TEXT NOT NULL DEFAULT '[]';
ALTER TABLE facilities ADD COLUMN checked_at INTEGER;
ALTER TABLE facilities ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));

-- Append-only: who changed what, when, before and after.
CREATE TABLE facility_history (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    at          INTEGER NOT NULL,
    -- NULL: the command line (`server import`).
    actor       INTEGER REFERENCES users(id),
    -- created, edited, closures, checked, retired, restored, imported
    kind        TEXT    NOT NULL,
    -- The facility's fields before and after, as JSON ('' for none).
    before      TEXT    NOT NULL DEFAULT '',
    after       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX facility_history_by_facility ON facility_history(facility_id, at);
