-- Filing for review (备案审查): each document registered from now on is filed by its issuing body
-- with the reviewing office (the government's legal-affairs office) within a period of its
-- publication, and the office records the outcome within a period of the filing. Both periods are
-- configuration (`[periods] document_filing`, `filing_review`); the dates are counted when the
-- step happens, on the holiday calendar. Documents registered before this have no filing row.
CREATE TABLE document_filings (
    document_id BIGINT PRIMARY KEY REFERENCES normative_documents (id),
    file_by TEXT NOT NULL,
    filed_at BIGINT,
    filed_by BIGINT REFERENCES users (id),
    report TEXT,
    review_by TEXT,
    reviewed_at BIGINT,
    reviewed_by BIGINT REFERENCES users (id),
    -- filed (准予备案) or correction (责令纠正), with the reasons
    outcome TEXT,
    reasons TEXT
);
-- The reviewing office's queue (filed, not yet reviewed, by due day) and the documents not filed.
CREATE INDEX document_filings_waiting ON document_filings (reviewed_at, review_by);
CREATE INDEX document_filings_unfiled ON document_filings (filed_at, file_by);

-- Earlier rounds, kept when a document is filed again after a correction was required: the public
-- record keeps every correction and its reasons.
CREATE TABLE document_filing_rounds (
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    filed_at BIGINT NOT NULL,
    report TEXT NOT NULL,
    reviewed_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    reasons TEXT
);
CREATE INDEX document_filing_rounds_of ON document_filing_rounds (document_id, filed_at);

-- The legal-affairs office's power (filing review, the legislative plan) (granted like the others). SQLite cannot change a CHECK in place, so
-- the table is rebuilt with the same columns and rows.
CREATE TABLE user_grants_new (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grant_name TEXT NOT NULL
        CHECK (grant_name IN ('legal_channel', 'discipline_channel', 'reveal_identity', 'legal_affairs')),
    -- NULL: granted from the command line.
    granted_by INTEGER REFERENCES users (id),
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, grant_name)
);
INSERT INTO user_grants_new (user_id, grant_name, granted_by, granted_at)
    SELECT user_id, grant_name, granted_by, granted_at FROM user_grants;
DROP TABLE user_grants;
ALTER TABLE user_grants_new RENAME TO user_grants;
