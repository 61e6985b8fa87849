-- Each facility row carries the catalogue revision that last wrote it, so
-- a server applies the rows that changed since its last look instead of
-- reading the whole city again. SQLite has one writer at a time, so
-- revisions follow commit order by themselves; each row bumps the counter
-- and takes its new value.

ALTER TABLE facilities ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
UPDATE facilities SET revision = (SELECT facilities FROM catalog_version);
CREATE INDEX facilities_revision ON facilities (revision);

DROP TRIGGER facilities_inserted;
DROP TRIGGER facilities_updated;
CREATE TRIGGER facilities_inserted AFTER INSERT ON facilities BEGIN
    UPDATE catalog_version SET facilities = facilities + 1;
    UPDATE facilities SET revision = (SELECT facilities FROM catalog_version) WHERE id = NEW.id;
END;
-- Not when the revision itself moved: that is the stamp (a new counter
-- value always differs from the old revision).
CREATE TRIGGER facilities_updated AFTER UPDATE ON facilities
    WHEN NEW.revision IS OLD.revision BEGIN
    UPDATE catalog_version SET facilities = facilities + 1;
    UPDATE facilities SET revision = (SELECT facilities FROM catalog_version) WHERE id = NEW.id;
END;
