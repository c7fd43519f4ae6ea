-- The registry of normative documents (规范性文件库): registered, numbered and published in one
-- place. Dates are the start of their day (China time), in seconds, like every date here.

-- The code (代字) an agency's documents are numbered under, e.g. 长政发: set by the administrator.
ALTER TABLE agencies ADD COLUMN document_code TEXT;

-- The last number given in each code's sequence of a year: numbers are never reused, even when a
-- registration is abandoned after its number was drawn.
CREATE TABLE document_sequences (
    code TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (code, year)
);

CREATE TABLE normative_documents (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    title TEXT NOT NULL,
    -- 长政发〔2026〕12号, from code, year and seq; unique, a stable name for citing.
    number TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    -- 暂行 or 试行: valid 2 years by default instead of 5.
    provisional BIGINT NOT NULL,
    adopted_on BIGINT NOT NULL,
    published_on BIGINT NOT NULL,
    effective_on BIGINT NOT NULL,
    -- The last day it is valid; after it the document expires by itself.
    valid_until BIGINT NOT NULL,
    -- in_force, amended, repealed, expired, to_clean_up
    status TEXT NOT NULL,
    consultation_id BIGINT REFERENCES consultations (id),
    -- The notices of coming expiry already sent: 90 and 30 days before.
    warned_90 BIGINT NOT NULL DEFAULT 0,
    warned_30 BIGINT NOT NULL DEFAULT 0,
    registered_by BIGINT NOT NULL REFERENCES users (id),
    registered_at BIGINT NOT NULL,
    UNIQUE (code, year, seq)
);
CREATE INDEX documents_by_agency ON normative_documents (agency_id, published_on);
CREATE INDEX documents_by_status ON normative_documents (status, valid_until);
CREATE INDEX documents_in_order ON normative_documents (published_on, id);

-- Every text a document has had: version 1 as registered, one more for each amendment, with the
-- document that amended it.
CREATE TABLE document_versions (
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    version BIGINT NOT NULL,
    full_text TEXT NOT NULL,
    amended_by BIGINT REFERENCES normative_documents (id),
    effective_on BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, version)
);

-- Every status a document has had, dated, with why and (for amended or repealed) by which document.
CREATE TABLE document_statuses (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES normative_documents (id),
    status TEXT NOT NULL,
    on_date BIGINT NOT NULL,
    reason TEXT NOT NULL,
    related_document BIGINT REFERENCES normative_documents (id),
    -- NULL: by the clock (expiry).
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX document_statuses_of ON document_statuses (document_id, id);
