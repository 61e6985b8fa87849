-- Communities (社区 / 街道) and the facilities residents look for.
-- Portable SQL: the same statements run on PostgreSQL apart from the
-- id column (see migrations/README.md).

CREATE TABLE communities (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    district_zh TEXT NOT NULL DEFAULT '',
    district_en TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE facilities (
    id          INTEGER PRIMARY KEY,
    source_ref  TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('meal', 'reading', 'sorting')),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    address_zh  TEXT NOT NULL,
    address_en  TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    community   TEXT NOT NULL DEFAULT '',
    -- Opening hours in the OSM-like text form (domain::hours).
    hours       TEXT NOT NULL,
    -- Kind-specific services as JSON (domain::facility::Services).
    services    TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX facilities_kind ON facilities (kind);
