-- Append-only: who changed a community from the browser, when, and its
-- fields before and after (JSON; the boundary as its number of points and
-- a digest, not the whole polygon).
CREATE TABLE community_history (
    id        INTEGER PRIMARY KEY,
    community TEXT    NOT NULL REFERENCES communities(code),
    at        INTEGER NOT NULL,
    actor     INTEGER REFERENCES users(id),
    -- created, edited
    kind      TEXT    NOT NULL,
    before    TEXT    NOT NULL DEFAULT '',
    after     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX community_history_by_community ON community_history(community, at);
