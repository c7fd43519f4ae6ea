-- Files an agency attaches to its consultation (起草说明, 对照表, other material). The file itself
-- is stored under `file_id` (random) in the attachments folder, written before this row is committed.
CREATE TABLE consultation_files (
    id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL UNIQUE,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    kind TEXT NOT NULL CHECK (kind IN ('explanation', 'comparison', 'other')),
    title TEXT NOT NULL,
    file_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL,
    after_publication INTEGER NOT NULL
);
CREATE INDEX consultation_files_in_order ON consultation_files (consultation_id, id);
