-- A file uploaded to the browser's import, kept between its preview and
-- the clerk's confirmation (any app server can confirm it). Only the member
-- who uploaded it can confirm it, within an hour; it is deleted when
-- confirmed, and stale ones when the next is staged.
CREATE TABLE import_stages (
    -- Random; names the upload in the confirmation form.
    token          TEXT COLLATE "C" PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    file_name      TEXT COLLATE "C" NOT NULL,
    -- csv, geojson or xlsx
    format         TEXT COLLATE "C" NOT NULL,
    -- wgs84, gcj02 or bd09
    crs            TEXT COLLATE "C" NOT NULL,
    content        BYTEA NOT NULL
);
