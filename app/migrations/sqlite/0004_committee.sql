-- Committee members and admins, their sessions, reply templates, and what
-- the review workflow adds to suggestions. Times are Unix milliseconds.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    -- argon2id, PHC string format (salt and parameters included).
    password_hash TEXT    NOT NULL,
    -- 'committee' (one community) or 'admin' (every community).
    role          TEXT    NOT NULL,
    community     TEXT    REFERENCES communities(code),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    -- A committee member always has a community; only admins see all.
    CHECK (role = 'admin' OR (role = 'committee' AND community IS NOT NULL))
);

-- A session is found by the SHA-256 of its cookie; the cookie itself is
-- never stored, so a copy of the database opens no sessions.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    -- Sent in every committee form; a POST without it is refused (CSRF).
    csrf_token TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    community  TEXT    NOT NULL REFERENCES communities(code),
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX reply_templates_by_community ON reply_templates(community);

ALTER TABLE suggestions ADD COLUMN assigned_to INTEGER REFERENCES users(id);
-- Audit detail of an event: what changed, before and after (JSON).
ALTER TABLE suggestion_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
