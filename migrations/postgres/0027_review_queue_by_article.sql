-- The review queue's figures per near-duplicate group on each article, so that the queue's
-- one-article view reads one index range instead of grouping the article's comments on every
-- request (at 500,000 comments, an article carrying a campaign of 100,000 took most of a second).
-- Kept once per statement by the triggers of 0025, through `comments_moved`. A comment's article
-- does not change once it is filed.
CREATE TABLE comment_group_articles (
    group_key BIGINT NOT NULL,
    -- The article's id; 0 for comments on the draft as a whole.
    article_key BIGINT NOT NULL,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    size BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    unanswered BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (group_key, article_key)
);
CREATE INDEX comment_group_articles_in_order ON comment_group_articles (consultation_id, article_key, group_key);

INSERT INTO comment_group_articles (group_key, article_key, consultation_id, size, pending, rejected, unanswered, answered)
SELECT COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0), MIN(m.consultation_id), COUNT(*),
       COUNT(*) FILTER (WHERE m.status = 'pending'), COUNT(*) FILTER (WHERE m.status = 'rejected'),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NULL),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0);

-- A group's first member (on an article, in a state) is found through this index in id order.
CREATE INDEX comments_by_group_in_order ON comments (consultation_id, group_id, id);
DROP INDEX comments_by_group;

-- The figures of 0025 stay as they are; the per-article ones are applied after them, from the
-- same comments that left and arrived.
ALTER FUNCTION comments_moved(BIGINT[], BIGINT[], BIGINT[], BIGINT[], TEXT[]) RENAME TO comments_moved_by_group;

CREATE FUNCTION comments_moved(keys BIGINT[], cons BIGINT[], arts BIGINT[], signs BIGINT[], states TEXT[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM comments_moved_by_group(keys, cons, arts, signs, states);

    INSERT INTO comment_group_articles AS g (group_key, article_key, consultation_id, size, pending, rejected, unanswered, answered)
    SELECT d.k, COALESCE(d.a, 0), MIN(d.c),
           SUM(d.s), SUM(CASE WHEN d.st = 'pending' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'rejected' THEN d.s ELSE 0 END),
           SUM(CASE WHEN d.st = 'unanswered' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'answered' THEN d.s ELSE 0 END)
    FROM unnest(keys, cons, arts, signs, states) AS d(k, c, a, s, st)
    GROUP BY d.k, COALESCE(d.a, 0)
    HAVING SUM(d.s) <> 0 OR SUM(CASE WHEN d.st = 'pending' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'rejected' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'unanswered' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'answered' THEN d.s ELSE 0 END) <> 0
    ON CONFLICT (group_key, article_key) DO UPDATE SET size = g.size + excluded.size, pending = g.pending + excluded.pending,
        rejected = g.rejected + excluded.rejected, unanswered = g.unanswered + excluded.unanswered,
        answered = g.answered + excluded.answered;
    DELETE FROM comment_group_articles WHERE group_key = ANY (keys) AND size = 0;
END
$$;
