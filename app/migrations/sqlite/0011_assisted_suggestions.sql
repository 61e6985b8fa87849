-- Suggestions a committee member filed for a resident who phoned or came
-- in: where it came from ('' online by the resident; 'phone', 'visit'),
-- and who filed it.
ALTER TABLE suggestions ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN filed_by INTEGER REFERENCES users(id);
