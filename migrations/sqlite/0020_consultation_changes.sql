-- A published consultation's window extended, or the consultation withdrawn, each with its reason,
-- who did it and when: shown on the draft's page.
ALTER TABLE consultations ADD COLUMN withdrawn_at INTEGER;
CREATE TABLE consultation_changes (
    id INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    kind TEXT NOT NULL CHECK (kind IN ('extended', 'withdrawn')),
    note TEXT NOT NULL,
    from_closes_at INTEGER,
    to_closes_at INTEGER,
    changed_by INTEGER NOT NULL REFERENCES users (id),
    changed_at INTEGER NOT NULL
);
CREATE INDEX consultation_changes_in_order ON consultation_changes (consultation_id, id);
