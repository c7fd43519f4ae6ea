-- Whether the issuing body has been told that a document's filing for review is due within three
-- days (or overdue), and whether the reviewing office has been told the same of its review; each
-- once per round (filing again after a correction starts a new review, told again).
ALTER TABLE document_filings ADD COLUMN file_reminded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE document_filings ADD COLUMN review_reminded BIGINT NOT NULL DEFAULT 0;
