-- Accounts managed from the browser: one-time invitation links with which
-- a member sets their own password, a label for each session so a member
-- can tell their devices apart and end one, and a record of every change
-- made to an account. Times are Unix milliseconds.

-- An invitation is found by the SHA-256 of its link's token, like a
-- session; the token itself is shown once and never stored.
CREATE TABLE invitations (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    -- NULL: the command line.
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Set when the link is used; a used link never works again.
    used_at    INTEGER
);
CREATE INDEX invitations_by_user ON invitations(user_id);

-- The browser a session was opened in (its User-Agent, shortened).
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- When the account last signed in (NULL: never, or before this column).
ALTER TABLE users ADD COLUMN last_sign_in INTEGER;

-- Append-only: who did what to which account, and when.
CREATE TABLE account_events (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    -- NULL: the command line.
    actor   INTEGER REFERENCES users(id),
    -- created, invited, linked, activated, password, disabled
    kind    TEXT    NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX account_events_by_user ON account_events(user_id, at);
