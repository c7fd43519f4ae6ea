-- Every correction of a call for legislative proposals, in public: what it was and what it became
-- (a part left as it was is NULL on both sides), when, and the reason the office gave.
CREATE TABLE call_changes (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES proposal_calls (id),
    changed_by INTEGER NOT NULL REFERENCES users (id),
    changed_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    old_title TEXT,
    new_title TEXT,
    old_description TEXT,
    new_description TEXT,
    old_opens_at INTEGER,
    new_opens_at INTEGER,
    old_closes_at INTEGER,
    new_closes_at INTEGER,
    -- the parts as shown: JSON of [{part, anchor, pieces}], worked out once when the correction was made
    parts TEXT NOT NULL
);
CREATE INDEX call_changes_by_call ON call_changes (call_id, id);
