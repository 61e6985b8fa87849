-- Communities have boundaries (a GeoJSON Polygon or MultiPolygon in
-- WGS-84, '' when none is known yet): a suggestion belongs to the
-- community whose boundary contains it. Where no boundary contains a
-- place, the nearest centre is used and the suggestion is marked as a
-- guess for the committee to confirm or hand on.

ALTER TABLE communities ADD COLUMN boundary TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN community_guessed INTEGER NOT NULL DEFAULT 0 CHECK (community_guessed IN (0, 1));
