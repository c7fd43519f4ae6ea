-- When each consultation's comments were last grouped all together (how many there were), and how
-- many new ones have been grouped since against its groups alone: grouping is incremental, and
-- the whole consultation is grouped again only once the newcomers reach a tenth of it.
CREATE TABLE comment_grouping (
    consultation_id INTEGER PRIMARY KEY REFERENCES consultations (id),
    grouped_together INTEGER NOT NULL,
    added_since INTEGER NOT NULL DEFAULT 0
);
