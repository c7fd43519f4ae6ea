-- Objection reviews (异议审查) joined to the registry: an application names a registered document;
-- what the public may know of it (dates, the issuing body's decision and its public answer, never
-- the applicant nor the case) is kept here, apart from the case, for the document's page.
ALTER TABLE cases ADD COLUMN document_id BIGINT REFERENCES normative_documents (id);

CREATE TABLE document_objections (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases (id),
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    received_on TEXT NOT NULL,
    -- The issuing body's 30 days (configurable) from receipt.
    due_on TEXT NOT NULL,
    -- Shown to the public once the issuing body accepts it (a flood of filings hides nothing).
    accepted_on TEXT,
    -- Why it ended without an answer (not accepted, sent to a legal procedure).
    ended TEXT,
    answered_at BIGINT,
    decision TEXT,
    decision_label TEXT,
    public_answer TEXT
);
CREATE INDEX document_objections_of ON document_objections (document_id, id);

-- A status change the issuing body made because of an objection review.
ALTER TABLE document_statuses ADD COLUMN objection_id BIGINT REFERENCES document_objections (id);
