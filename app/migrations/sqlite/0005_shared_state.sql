-- What several app servers must share, kept in the database: versions
-- that every change to the catalogue bumps (servers poll them to rebuild
-- what changed: facilities and communities, or the sorting dictionary), write rate limits, sign-in failures and photo bytes.
-- On SQLite (one server) the limits live in the process and photos on disk;
-- the tables exist so both backends have one schema.

CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    facilities BIGINT NOT NULL,
    sorting    BIGINT NOT NULL
);
INSERT INTO catalog_version (id, facilities, sorting) VALUES (1, 0, 0);

-- SQLite has only row triggers: an import of N rows bumps N times, in its
-- own transaction, which readers see as one change.
CREATE TRIGGER facilities_inserted AFTER INSERT ON facilities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER facilities_updated AFTER UPDATE ON facilities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER facilities_deleted AFTER DELETE ON facilities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER communities_inserted AFTER INSERT ON communities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER communities_updated AFTER UPDATE ON communities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER communities_deleted AFTER DELETE ON communities
    BEGIN UPDATE catalog_version SET facilities = facilities + 1; END;
CREATE TRIGGER sorting_items_inserted AFTER INSERT ON sorting_items
    BEGIN UPDATE catalog_version SET sorting = sorting + 1; END;
CREATE TRIGGER sorting_items_updated AFTER UPDATE ON sorting_items
    BEGIN UPDATE catalog_version SET sorting = sorting + 1; END;
CREATE TRIGGER sorting_items_deleted AFTER DELETE ON sorting_items
    BEGIN UPDATE catalog_version SET sorting = sorting + 1; END;

-- Generic cell rate algorithm: `tat` is the theoretical arrival time (Unix
-- ms) after which the key has its whole burst again; `allowed` is the
-- answer to the request that wrote the row last.
CREATE TABLE rate_limits (
    key     TEXT PRIMARY KEY,
    tat     BIGINT NOT NULL,
    allowed BIGINT NOT NULL
);

-- Failed sign-ins per account name within the current window.
CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);

-- Re-encoded photos by content key (SHA-256), for servers without a shared
-- disk. created_at is refreshed when the same photo is stored again, so
-- the sweep of unreferenced photos spares a retried upload.
CREATE TABLE photo_blobs (
    key        TEXT PRIMARY KEY,
    bytes      BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
