-- The waste-sorting dictionary (seeds/sorting.csv). Lists are stored as
-- '|'-separated text, the same form as the CSV it is imported from. Ids are
-- the curated order, given by the importer.

CREATE TABLE sorting_items (
    id              BIGINT PRIMARY KEY,
    name_zh         TEXT COLLATE "C" NOT NULL UNIQUE,
    aliases_zh      TEXT COLLATE "C" NOT NULL DEFAULT '',
    name_en         TEXT COLLATE "C" NOT NULL DEFAULT '',
    aliases_en      TEXT COLLATE "C" NOT NULL DEFAULT '',
    category        TEXT COLLATE "C" NOT NULL CHECK (category IN ('recyclable', 'hazardous', 'food', 'residual')),
    tip_zh          TEXT COLLATE "C" NOT NULL DEFAULT '',
    tip_en          TEXT COLLATE "C" NOT NULL DEFAULT '',
    pinyin          TEXT COLLATE "C" NOT NULL,
    aliases_pinyin  TEXT COLLATE "C" NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
