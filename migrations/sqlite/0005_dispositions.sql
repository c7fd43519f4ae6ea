-- Adoption feedback: the drafting agency's answer to each comment, and every change to it.
ALTER TABLE comments ADD COLUMN disposition TEXT
    CHECK (disposition IN ('adopted', 'partly_adopted', 'not_adopted', 'already_provided', 'out_of_scope'));
ALTER TABLE comments ADD COLUMN disposition_reason TEXT;
ALTER TABLE comments ADD COLUMN disposed_at INTEGER;

-- Who changed an answer, when, and from what to what.
CREATE TABLE disposition_changes (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments (id),
    changed_by INTEGER NOT NULL REFERENCES users (id),
    changed_at INTEGER NOT NULL,
    old_disposition TEXT,
    old_reason TEXT,
    new_disposition TEXT NOT NULL,
    new_reason TEXT
);
CREATE INDEX disposition_changes_by_comment ON disposition_changes (comment_id, id);
