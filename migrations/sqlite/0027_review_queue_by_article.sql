-- The review queue's figures per near-duplicate group on each article, so that the queue's
-- one-article view reads one index range instead of grouping the article's comments on every
-- request (at 500,000 comments, an article carrying a campaign of 100,000 took most of a second).
-- Kept by triggers in the same transaction as the comment's change, beside those of 0025. A
-- comment's article does not change once it is filed.
CREATE TABLE comment_group_articles (
    group_key INTEGER NOT NULL,
    -- The article's id; 0 for comments on the draft as a whole.
    article_key INTEGER NOT NULL,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    size INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    unanswered INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_key, article_key)
);
CREATE INDEX comment_group_articles_in_order ON comment_group_articles (consultation_id, article_key, group_key);

INSERT INTO comment_group_articles (group_key, article_key, consultation_id, size, pending, rejected, unanswered, answered)
SELECT COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0), MIN(m.consultation_id), COUNT(*),
       SUM(m.status = 'pending'), SUM(m.status = 'rejected'),
       SUM(m.status = 'approved' AND m.disposition IS NULL), SUM(m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0);

CREATE TRIGGER comments_queued_by_article_in AFTER INSERT ON comments BEGIN
    INSERT INTO comment_group_articles (group_key, article_key, consultation_id, size, pending, rejected, unanswered, answered)
    VALUES (COALESCE(NEW.group_id, NEW.id), COALESCE(NEW.article_id, 0), NEW.consultation_id,
            1, NEW.status = 'pending', NEW.status = 'rejected',
            NEW.status = 'approved' AND NEW.disposition IS NULL, NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
    ON CONFLICT (group_key, article_key) DO UPDATE SET size = size + 1, pending = pending + excluded.pending,
        rejected = rejected + excluded.rejected, unanswered = unanswered + excluded.unanswered,
        answered = answered + excluded.answered;
END;

CREATE TRIGGER comments_queued_by_article_again AFTER UPDATE OF group_id, status, disposition ON comments
WHEN COALESCE(OLD.group_id, OLD.id) <> COALESCE(NEW.group_id, NEW.id) OR OLD.status <> NEW.status
     OR (OLD.disposition IS NULL) <> (NEW.disposition IS NULL) BEGIN
    UPDATE comment_group_articles SET size = size - 1, pending = pending - (OLD.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
        WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND article_key = COALESCE(OLD.article_id, 0);
    INSERT INTO comment_group_articles (group_key, article_key, consultation_id, size, pending, rejected, unanswered, answered)
    VALUES (COALESCE(NEW.group_id, NEW.id), COALESCE(NEW.article_id, 0), NEW.consultation_id,
            1, NEW.status = 'pending', NEW.status = 'rejected',
            NEW.status = 'approved' AND NEW.disposition IS NULL, NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
    ON CONFLICT (group_key, article_key) DO UPDATE SET size = size + 1, pending = pending + excluded.pending,
        rejected = rejected + excluded.rejected, unanswered = unanswered + excluded.unanswered,
        answered = answered + excluded.answered;
    DELETE FROM comment_group_articles
        WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND article_key = COALESCE(OLD.article_id, 0) AND size = 0;
END;

CREATE TRIGGER comments_queued_by_article_out AFTER DELETE ON comments BEGIN
    UPDATE comment_group_articles SET size = size - 1, pending = pending - (OLD.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
        WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND article_key = COALESCE(OLD.article_id, 0);
    DELETE FROM comment_group_articles
        WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND article_key = COALESCE(OLD.article_id, 0) AND size = 0;
END;
