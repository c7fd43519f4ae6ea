-- Objection reviews (异议审查) joined to the registry: an application names a registered document;
-- what the public may know of it (dates, the issuing body's decision and its public answer, never
-- the applicant) is kept here, apart from the case, for the document's page.
ALTER TABLE cases ADD COLUMN document_id BIGINT REFERENCES normative_documents (id);

CREATE TABLE document_objections (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id),
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    received_on TEXT NOT NULL,
    -- The issuing body's 30 days (configurable) from receipt.
    due_on TEXT NOT NULL,
    answered_at BIGINT,
    decision TEXT,
    decision_label TEXT,
    public_answer TEXT
);
CREATE INDEX document_objections_of ON document_objections (document_id, case_id);

-- A status change the issuing body made because of an objection review.
ALTER TABLE document_statuses ADD COLUMN objection_case BIGINT REFERENCES cases (id);
