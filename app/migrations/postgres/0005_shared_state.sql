-- What several app servers must share, kept in the database: versions
-- that every change to the catalogue bumps (servers poll them to rebuild
-- what changed: facilities and communities, or the sorting dictionary), write rate limits, sign-in failures and photo bytes.

CREATE TABLE catalog_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    facilities BIGINT NOT NULL,
    sorting    BIGINT NOT NULL
);
INSERT INTO catalog_version (id, facilities, sorting) VALUES (1, 0, 0);

-- One bump per statement, whatever it touched (an import of 100 000 rows
-- is one change); TRUNCATE too.
CREATE FUNCTION bump_facilities_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET facilities = facilities + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE FUNCTION bump_sorting_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET sorting = sorting + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER facilities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_facilities_version();
CREATE TRIGGER communities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_facilities_version();
CREATE TRIGGER sorting_items_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sorting_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_sorting_version();

-- Generic cell rate algorithm: `tat` is the theoretical arrival time (Unix
-- ms) after which the key has its whole burst again; `allowed` is the
-- answer to the request that wrote the row last. UNLOGGED: no WAL, so
-- a limit check costs no disk flush; after a database crash the table is
-- empty and everyone starts with a full burst, which is harmless.
CREATE UNLOGGED TABLE rate_limits (
    key     TEXT COLLATE "C" PRIMARY KEY,
    tat     BIGINT NOT NULL,
    allowed BIGINT NOT NULL
);

-- Failed sign-ins per account name within the current window. Logged: a
-- crash must not hand an attacker a fresh set of guesses.
CREATE TABLE login_failures (
    username     TEXT COLLATE "C" PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);

-- Re-encoded photos by content key (SHA-256): with PostgreSQL and no
-- shared disk configured, every app server serves every photo from here.
-- created_at is refreshed when the same photo is stored again, so the
-- sweep of unreferenced photos spares a retried upload.
CREATE TABLE photo_blobs (
    key        TEXT COLLATE "C" PRIMARY KEY,
    bytes      BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
