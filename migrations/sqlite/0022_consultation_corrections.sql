-- A published draft's wording corrected by its agency, with a public note and what changed (the
-- before-and-after of each corrected part, kept as JSON at the time of the correction).
CREATE TABLE consultation_changes_next (
    id INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    kind TEXT NOT NULL CHECK (kind IN ('extended', 'withdrawn', 'corrected')),
    note TEXT NOT NULL,
    from_closes_at INTEGER,
    to_closes_at INTEGER,
    changed_by INTEGER NOT NULL REFERENCES users (id),
    changed_at INTEGER NOT NULL,
    detail TEXT
);
INSERT INTO consultation_changes_next (id, consultation_id, kind, note, from_closes_at, to_closes_at, changed_by, changed_at)
    SELECT id, consultation_id, kind, note, from_closes_at, to_closes_at, changed_by, changed_at FROM consultation_changes;
DROP TABLE consultation_changes;
ALTER TABLE consultation_changes_next RENAME TO consultation_changes;
CREATE INDEX consultation_changes_in_order ON consultation_changes (consultation_id, id);
