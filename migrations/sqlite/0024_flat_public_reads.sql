-- Public reads that cost the same at 100 comments as at 500,000.

-- The published comments of one article (or of the draft as a whole: article_id NULL), in the order
-- of receipt, read through an index from a cursor instead of sorted per request. In SQLite every
-- index ends with the rowid (the comment's id), so (consultation, article, status) is already in id
-- order within each article and state; `comments_by_consultation` (consultation, status) serves the
-- consultation-wide list the same way.
CREATE INDEX comments_by_article_in_order ON comments (consultation_id, article_id, status);
