-- Public reads that cost the same at 100 comments as at 500,000.

-- The published comments of one article (or of the draft as a whole: article_id NULL), in the order
-- of receipt, read through an index from a cursor instead of sorted per request. In SQLite every
-- index ends with the rowid (the comment's id), so (consultation, article, status) is already in id
-- order within each article and state; `comments_by_consultation` (consultation, status) serves the
-- consultation-wide list the same way.
CREATE INDEX comments_by_article_in_order ON comments (consultation_id, article_id, status);

-- The adoption report's figures, counted once at publication (inside its transaction) and kept,
-- instead of counted over every comment on each view: every comment received and the people who
-- sent them (NULL until published) ...
ALTER TABLE adoption_reports ADD COLUMN received INTEGER;
ALTER TABLE adoption_reports ADD COLUMN participants INTEGER;
-- ... bumped with every change to the published comments after publication (a pending comment
-- approved later), so that what is built from the published report (its CSV file) knows it is out
-- of date ...
ALTER TABLE adoption_reports ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- ... and the published comments' tally: of them all, of those on the draft as a whole, and of each
-- article (a row for every article, with or without comments, so a later approval always has a row
-- to count in). Unanswered = comments less those with a disposition.
CREATE TABLE report_tallies (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    scope TEXT NOT NULL CHECK (scope IN ('all', 'whole', 'article')),
    article_id INTEGER REFERENCES articles (id),
    comments INTEGER NOT NULL,
    -- Distinct authors, each anonymous comment counting as one person.
    participants INTEGER NOT NULL,
    adopted INTEGER NOT NULL,
    partly_adopted INTEGER NOT NULL,
    not_adopted INTEGER NOT NULL,
    already_provided INTEGER NOT NULL,
    out_of_scope INTEGER NOT NULL,
    CHECK ((scope = 'article') = (article_id IS NOT NULL))
);
CREATE UNIQUE INDEX report_tallies_once ON report_tallies (consultation_id, scope, COALESCE(article_id, 0));

-- The comments adopted (wholly or partly) that the report's revised articles link to, the first 50
-- of each article by number, chosen at publication (answers are final from then on).
CREATE TABLE report_adopted (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    article_id INTEGER NOT NULL REFERENCES articles (id),
    comment_id INTEGER NOT NULL REFERENCES comments (id),
    PRIMARY KEY (consultation_id, comment_id)
);

-- Moderation goes on after publication (a comment pending then may be approved, and is then
-- published unanswered): its comment is counted in at once, in the moderation's transaction,
-- whatever path approves it. Only the status changes in such an update, so the row's author,
-- article and disposition are those it had. Rows are processed one by one, each seeing the ones
-- before, so an author with two comments approved in one statement is one more person, not two.
CREATE TRIGGER report_tallies_follow_moderation AFTER UPDATE OF status ON comments
WHEN (OLD.status = 'approved') <> (NEW.status = 'approved')
 AND EXISTS (SELECT 1 FROM adoption_reports r WHERE r.consultation_id = NEW.consultation_id AND r.published_at IS NOT NULL)
BEGIN
    UPDATE report_tallies SET
        comments = comments + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END),
        participants = participants + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (
            NEW.author_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM comments o
                WHERE o.author_id = NEW.author_id AND o.consultation_id = NEW.consultation_id
                  AND o.status = 'approved' AND o.id <> NEW.id
                  AND (report_tallies.scope = 'all' OR o.article_id IS NEW.article_id))),
        adopted = adopted + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (NEW.disposition IS 'adopted'),
        partly_adopted = partly_adopted
            + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (NEW.disposition IS 'partly_adopted'),
        not_adopted = not_adopted
            + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (NEW.disposition IS 'not_adopted'),
        already_provided = already_provided
            + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (NEW.disposition IS 'already_provided'),
        out_of_scope = out_of_scope
            + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) * (NEW.disposition IS 'out_of_scope')
    WHERE consultation_id = NEW.consultation_id
      AND (scope = 'all' OR (scope = 'whole' AND NEW.article_id IS NULL) OR article_id = NEW.article_id);
    UPDATE adoption_reports SET version = version + 1 WHERE consultation_id = NEW.consultation_id;
END;

-- Reports published before this migration: their figures and links, counted now.
UPDATE adoption_reports SET
    received = (SELECT COUNT(*) FROM comments m WHERE m.consultation_id = adoption_reports.consultation_id),
    participants = (SELECT COUNT(DISTINCT m.author_id) + COALESCE(SUM(CASE WHEN m.author_id IS NULL THEN 1 ELSE 0 END), 0)
                    FROM comments m WHERE m.consultation_id = adoption_reports.consultation_id)
WHERE published_at IS NOT NULL;
INSERT INTO report_tallies (consultation_id, scope, article_id, comments, participants,
                            adopted, partly_adopted, not_adopted, already_provided, out_of_scope)
SELECT r.consultation_id, 'all', NULL, COUNT(m.id),
       COUNT(DISTINCT m.author_id) + COALESCE(SUM(CASE WHEN m.id IS NOT NULL AND m.author_id IS NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'partly_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'not_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'already_provided' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'out_of_scope' THEN 1 ELSE 0 END), 0)
FROM adoption_reports r LEFT JOIN comments m ON m.consultation_id = r.consultation_id AND m.status = 'approved'
WHERE r.published_at IS NOT NULL GROUP BY r.consultation_id;
INSERT INTO report_tallies (consultation_id, scope, article_id, comments, participants,
                            adopted, partly_adopted, not_adopted, already_provided, out_of_scope)
SELECT r.consultation_id, 'whole', NULL, COUNT(m.id),
       COUNT(DISTINCT m.author_id) + COALESCE(SUM(CASE WHEN m.id IS NOT NULL AND m.author_id IS NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'partly_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'not_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'already_provided' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'out_of_scope' THEN 1 ELSE 0 END), 0)
FROM adoption_reports r
LEFT JOIN comments m ON m.consultation_id = r.consultation_id AND m.article_id IS NULL AND m.status = 'approved'
WHERE r.published_at IS NOT NULL GROUP BY r.consultation_id;
INSERT INTO report_tallies (consultation_id, scope, article_id, comments, participants,
                            adopted, partly_adopted, not_adopted, already_provided, out_of_scope)
SELECT r.consultation_id, 'article', a.id, COUNT(m.id),
       COUNT(DISTINCT m.author_id) + COALESCE(SUM(CASE WHEN m.id IS NOT NULL AND m.author_id IS NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'partly_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'not_adopted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'already_provided' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN m.disposition = 'out_of_scope' THEN 1 ELSE 0 END), 0)
FROM adoption_reports r JOIN articles a ON a.consultation_id = r.consultation_id
LEFT JOIN comments m ON m.article_id = a.id AND m.status = 'approved'
WHERE r.published_at IS NOT NULL GROUP BY r.consultation_id, a.id;
INSERT INTO report_adopted (consultation_id, article_id, comment_id)
SELECT consultation_id, article_id, id FROM (
    SELECT m.consultation_id, m.article_id, m.id,
           ROW_NUMBER() OVER (PARTITION BY m.article_id ORDER BY m.id) AS n
    FROM comments m JOIN adoption_reports r ON r.consultation_id = m.consultation_id
    WHERE r.published_at IS NOT NULL AND r.revised_text IS NOT NULL AND m.status = 'approved'
      AND m.article_id IS NOT NULL AND m.disposition IN ('adopted', 'partly_adopted')
) linked WHERE n <= 50;
