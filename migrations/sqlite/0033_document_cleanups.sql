-- Clean-ups (清理): an agency decides, for each of its documents under review, to keep, amend,
-- repeal or declare it expired, each with a reason, and the decisions are published as one list.
CREATE TABLE document_cleanups (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    title TEXT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at BIGINT NOT NULL
);
CREATE INDEX document_cleanups_in_order ON document_cleanups (published_at, id);

CREATE TABLE document_cleanup_items (
    cleanup_id BIGINT NOT NULL REFERENCES document_cleanups (id),
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    -- keep, amend, repeal, expire
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (cleanup_id, document_id)
);
CREATE INDEX document_cleanup_items_of ON document_cleanup_items (document_id);

-- One agency to a code: two agencies sharing one would share its numbers.
CREATE UNIQUE INDEX agencies_by_document_code ON agencies (document_code);
