-- Public reads that cost the same at 100 comments as at 500,000.

-- The published comments of one article (or of the draft as a whole: article_id NULL), in the order
-- of receipt, read through an index from a cursor instead of sorted per request; the
-- consultation-wide list likewise (the index it replaces had no id, so each page was sorted).
CREATE INDEX comments_by_article_in_order ON comments (consultation_id, article_id, status, id);
DROP INDEX comments_by_consultation;
CREATE INDEX comments_by_consultation ON comments (consultation_id, status, id);
