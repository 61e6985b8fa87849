-- The waste-sorting dictionary (seeds/sorting.csv). Lists are stored as
-- '|'-separated text, the same form as the CSV it is imported from.

CREATE TABLE sorting_items (
    id              INTEGER PRIMARY KEY,
    name_zh         TEXT NOT NULL UNIQUE,
    aliases_zh      TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    aliases_en      TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL CHECK (category IN ('recyclable', 'hazardous', 'food', 'residual')),
    tip_zh          TEXT NOT NULL DEFAULT '',
    tip_en          TEXT NOT NULL DEFAULT '',
    pinyin          TEXT NOT NULL,
    aliases_pinyin  TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
