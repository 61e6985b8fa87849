-- Residential compounds (小区/院落) for coverage planning: where they are,
-- which community they belong to and how many live there, of whom how many
-- are 60 or older. Aggregate figures only: no person is recorded.
CREATE TABLE residences (
    id          INTEGER PRIMARY KEY,
    source_ref  TEXT    NOT NULL UNIQUE,
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL DEFAULT '',
    community   TEXT    NOT NULL REFERENCES communities(code),
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    residents   INTEGER NOT NULL CHECK (residents >= 0),
    elderly     INTEGER NOT NULL CHECK (elderly >= 0 AND elderly <= residents),
    updated_at  INTEGER NOT NULL
);
CREATE INDEX residences_by_community ON residences(community);
