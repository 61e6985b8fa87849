-- Each facility row carries the catalogue revision that last wrote it, so
-- a server applies the rows that changed since its last look instead of
-- reading the whole city again.
--
-- The revision is the catalogue counter, bumped once per transaction by
-- its first facility row (the value is kept for the rest of the
-- transaction in a transaction-local setting). The bump locks the counter's
-- row until commit, so writers take revisions in commit order: a reader
-- that sees counter N in its snapshot sees every row stamped N or less.

ALTER TABLE facilities ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
UPDATE facilities SET revision = (SELECT facilities FROM catalog_version WHERE id = 1);
CREATE INDEX facilities_revision ON facilities (revision);

CREATE FUNCTION stamp_facility_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r BIGINT := NULLIF(current_setting('linli.facility_revision', true), '')::BIGINT;
BEGIN
    IF r IS NULL THEN
        UPDATE catalog_version SET facilities = facilities + 1 WHERE id = 1 RETURNING facilities INTO r;
        PERFORM set_config('linli.facility_revision', r::TEXT, true);
    END IF;
    NEW.revision := r;
    RETURN NEW;
END
$$;

-- Inserts and updates are stamped row by row; deletes (never made by
-- Linli, which retires facilities) still bump the counter once per
-- statement, and servers then notice the count changed and reload all.
DROP TRIGGER facilities_changed ON facilities;
CREATE TRIGGER facilities_stamped BEFORE INSERT OR UPDATE ON facilities
    FOR EACH ROW EXECUTE FUNCTION stamp_facility_revision();
CREATE TRIGGER facilities_removed AFTER DELETE OR TRUNCATE ON facilities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_facilities_version();
