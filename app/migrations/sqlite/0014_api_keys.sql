-- Keys of city systems that file suggestions through Open311: a name, an
-- optional community they may file into, and the SHA-256 of the key (the
-- key itself is printed once, when it is made). Revoked keys stay, so the
-- suggestions filed with them still say which system sent them.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    community     TEXT    REFERENCES communities(code),
    key_hash      TEXT    NOT NULL UNIQUE,
    per_minute    INTEGER NOT NULL CHECK (per_minute > 0),
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
-- A suggestion filed through Open311 (source 'open311') names its key.
ALTER TABLE suggestions ADD COLUMN api_key_id INTEGER REFERENCES api_keys(id);
