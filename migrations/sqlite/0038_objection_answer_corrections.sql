-- A published objection-review answer can be corrected by its issuing body (say it repeated something
-- of the applicant's that the check could not know): the page says when and why.
ALTER TABLE document_objections ADD COLUMN corrected_at INTEGER;
ALTER TABLE document_objections ADD COLUMN correction_reason TEXT;
