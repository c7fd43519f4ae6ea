-- Files the issuing body publishes with a registered document (its annexes, 政策解读, 起草说明,
-- other material). The file itself is stored under `file_id` (random) in the attachments folder,
-- written before this row is committed. A document is public once registered, so its files are
-- never removed: a corrected file is added beside the mistaken one (after_publication: added
-- after the day of registration, shown with its date).
CREATE TABLE document_files (
    id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES normative_documents (id),
    kind TEXT NOT NULL CHECK (kind IN ('annex', 'interpretation', 'explanation', 'other')),
    title TEXT NOT NULL,
    file_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL,
    after_publication INTEGER NOT NULL
);
CREATE INDEX document_files_in_order ON document_files (document_id, id);
