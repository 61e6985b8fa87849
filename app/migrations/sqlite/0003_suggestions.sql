-- Residents' micro-renewal suggestions and everything that happens to them.
-- Times are Unix milliseconds (UTC). Statuses and categories are the names in
-- app/src/domain/suggestion. The committee's side (users, assignments,
-- internal notes) adds to these tables rather than changing them.

CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    receipt_code    TEXT    NOT NULL UNIQUE,
    -- A client's Idempotency-Key: a retry returns this row instead of a new one.
    idempotency_key TEXT    UNIQUE,
    -- SHA-256 of what was submitted, to refuse a key reused for other content.
    request_hash    TEXT    NOT NULL,
    community       TEXT    NOT NULL REFERENCES communities(code),
    category        TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    lat             REAL,
    lng             REAL,
    location_text   TEXT    NOT NULL DEFAULT '',
    -- Private: shown only to the community's committee.
    contact_name    TEXT    NOT NULL DEFAULT '',
    contact_phone   TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'received',
    hidden          INTEGER NOT NULL DEFAULT 0,
    duplicate_of    INTEGER REFERENCES suggestions(id),
    supports        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX suggestions_by_community ON suggestions(community, created_at);
CREATE INDEX suggestions_by_place ON suggestions(lat, lng);

CREATE TABLE suggestion_photos (
    id            INTEGER PRIMARY KEY,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    position      INTEGER NOT NULL,
    storage_key   TEXT    NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (suggestion_id, position)
);
CREATE INDEX suggestion_photos_by_key ON suggestion_photos(storage_key);

-- Append-only: the timeline residents see and the committee's audit trail.
-- actor is NULL for the resident's own actions.
CREATE TABLE suggestion_events (
    id            INTEGER PRIMARY KEY,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    at            INTEGER NOT NULL,
    actor         INTEGER,
    kind          TEXT    NOT NULL,
    from_status   TEXT,
    to_status     TEXT,
    public_text   TEXT    NOT NULL DEFAULT '',
    private_text  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX suggestion_events_by_suggestion ON suggestion_events(suggestion_id, at);

-- One +1 per device: the SHA-256 of a random device cookie, never the cookie.
CREATE TABLE suggestion_supports (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    device_hash   TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (suggestion_id, device_hash)
);

-- Photos uploaded during the step-by-step form before the suggestion exists.
-- The token is a secret known only to the resident's form.
CREATE TABLE staged_photos (
    token       TEXT    PRIMARY KEY,
    storage_key TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
