-- The review queue's figures kept beside the comments, so that a queue page costs the same at 100
-- comments as at 500,000: per near-duplicate group (its size, and how many of its members await
-- moderation, were kept from publication, await an answer, or are answered) and per article (the
-- same four counts). A comment not yet grouped is a group of its own, keyed by its own id; a
-- group's key is its smallest id, which is what grouping stores in `group_id`. Triggers keep both
-- in the same transaction as the comment's change, whatever path makes it.
CREATE TABLE comment_groups (
    group_key INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    -- The position of the article its first comment is on; -1 for the draft as a whole. The
    -- queue lists groups in this order.
    home INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    unanswered INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    -- Set by grouping: enough members within a minute to look machine-made.
    burst INTEGER NOT NULL DEFAULT 0 CHECK (burst IN (0, 1))
);
CREATE INDEX comment_groups_in_order ON comment_groups (consultation_id, home, group_key);

CREATE TABLE comment_tallies (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    -- The article's id; 0 for comments on the draft as a whole.
    article_key INTEGER NOT NULL,
    pending INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    unanswered INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (consultation_id, article_key)
);

INSERT INTO comment_groups (group_key, consultation_id, home, size, pending, rejected, unanswered, answered)
SELECT COALESCE(m.group_id, m.id), MIN(m.consultation_id), -1, COUNT(*),
       SUM(m.status = 'pending'), SUM(m.status = 'rejected'),
       SUM(m.status = 'approved' AND m.disposition IS NULL), SUM(m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY COALESCE(m.group_id, m.id);
UPDATE comment_groups SET home = COALESCE(
    (SELECT a.position FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = comment_groups.group_key), -1);

INSERT INTO comment_tallies (consultation_id, article_key, pending, rejected, unanswered, answered)
SELECT m.consultation_id, COALESCE(m.article_id, 0),
       SUM(m.status = 'pending'), SUM(m.status = 'rejected'),
       SUM(m.status = 'approved' AND m.disposition IS NULL), SUM(m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY m.consultation_id, COALESCE(m.article_id, 0);

CREATE TRIGGER comments_queued_in AFTER INSERT ON comments BEGIN
    INSERT INTO comment_groups (group_key, consultation_id, home, size, pending, rejected, unanswered, answered)
    VALUES (COALESCE(NEW.group_id, NEW.id), NEW.consultation_id,
            COALESCE((SELECT a.position FROM comments c JOIN articles a ON a.id = c.article_id
                      WHERE c.id = COALESCE(NEW.group_id, NEW.id)), -1),
            1, NEW.status = 'pending', NEW.status = 'rejected',
            NEW.status = 'approved' AND NEW.disposition IS NULL, NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
    ON CONFLICT (group_key) DO UPDATE SET size = size + 1, pending = pending + excluded.pending,
        rejected = rejected + excluded.rejected, unanswered = unanswered + excluded.unanswered,
        answered = answered + excluded.answered;
    INSERT INTO comment_tallies (consultation_id, article_key, pending, rejected, unanswered, answered)
    VALUES (NEW.consultation_id, COALESCE(NEW.article_id, 0), NEW.status = 'pending', NEW.status = 'rejected',
            NEW.status = 'approved' AND NEW.disposition IS NULL, NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
    ON CONFLICT (consultation_id, article_key) DO UPDATE SET pending = pending + excluded.pending,
        rejected = rejected + excluded.rejected, unanswered = unanswered + excluded.unanswered,
        answered = answered + excluded.answered;
END;

CREATE TRIGGER comments_queued_again AFTER UPDATE OF group_id, status, disposition ON comments
WHEN COALESCE(OLD.group_id, OLD.id) <> COALESCE(NEW.group_id, NEW.id) OR OLD.status <> NEW.status
     OR (OLD.disposition IS NULL) <> (NEW.disposition IS NULL) BEGIN
    UPDATE comment_groups SET size = size - 1, pending = pending - (OLD.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
        WHERE group_key = COALESCE(OLD.group_id, OLD.id);
    INSERT INTO comment_groups (group_key, consultation_id, home, size, pending, rejected, unanswered, answered)
    VALUES (COALESCE(NEW.group_id, NEW.id), NEW.consultation_id,
            COALESCE((SELECT a.position FROM comments c JOIN articles a ON a.id = c.article_id
                      WHERE c.id = COALESCE(NEW.group_id, NEW.id)), -1),
            1, NEW.status = 'pending', NEW.status = 'rejected',
            NEW.status = 'approved' AND NEW.disposition IS NULL, NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
    ON CONFLICT (group_key) DO UPDATE SET size = size + 1, pending = pending + excluded.pending,
        rejected = rejected + excluded.rejected, unanswered = unanswered + excluded.unanswered,
        answered = answered + excluded.answered;
    DELETE FROM comment_groups WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND size = 0;
    UPDATE comment_tallies SET
        pending = pending - (OLD.status = 'pending') + (NEW.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected') + (NEW.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL)
                                + (NEW.status = 'approved' AND NEW.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
                            + (NEW.status = 'approved' AND NEW.disposition IS NOT NULL)
        WHERE consultation_id = NEW.consultation_id AND article_key = COALESCE(NEW.article_id, 0);
END;

CREATE TRIGGER comments_queued_out AFTER DELETE ON comments BEGIN
    UPDATE comment_groups SET size = size - 1, pending = pending - (OLD.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
        WHERE group_key = COALESCE(OLD.group_id, OLD.id);
    DELETE FROM comment_groups WHERE group_key = COALESCE(OLD.group_id, OLD.id) AND size = 0;
    UPDATE comment_tallies SET pending = pending - (OLD.status = 'pending'),
        rejected = rejected - (OLD.status = 'rejected'),
        unanswered = unanswered - (OLD.status = 'approved' AND OLD.disposition IS NULL),
        answered = answered - (OLD.status = 'approved' AND OLD.disposition IS NOT NULL)
        WHERE consultation_id = OLD.consultation_id AND article_key = COALESCE(OLD.article_id, 0);
END;
