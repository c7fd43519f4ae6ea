-- The review queue's figures kept beside the comments, so that a queue page costs the same at 100
-- comments as at 500,000: per near-duplicate group (its size, and how many of its members await
-- moderation, were kept from publication, await an answer, or are answered) and per article (the
-- same four counts). A comment not yet grouped is a group of its own, keyed by its own id; a
-- group's key is its smallest id, which is what grouping stores in `group_id`. A trigger keeps both
-- in the same transaction as the comment's change, whatever path makes it.
CREATE TABLE comment_groups (
    group_key BIGINT PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    -- The position of the article its first comment is on; -1 for the draft as a whole. The
    -- queue lists groups in this order.
    home BIGINT NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    unanswered BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    -- Set by grouping: enough members within a minute to look machine-made.
    burst BIGINT NOT NULL DEFAULT 0 CHECK (burst IN (0, 1))
);
CREATE INDEX comment_groups_in_order ON comment_groups (consultation_id, home, group_key);

CREATE TABLE comment_tallies (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    -- The article's id; 0 for comments on the draft as a whole.
    article_key BIGINT NOT NULL,
    pending BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    unanswered BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (consultation_id, article_key)
);

INSERT INTO comment_groups (group_key, consultation_id, home, size, pending, rejected, unanswered, answered)
SELECT COALESCE(m.group_id, m.id), MIN(m.consultation_id), -1, COUNT(*),
       COUNT(*) FILTER (WHERE m.status = 'pending'), COUNT(*) FILTER (WHERE m.status = 'rejected'),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NULL),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY COALESCE(m.group_id, m.id);
UPDATE comment_groups SET home = COALESCE(
    (SELECT a.position FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = comment_groups.group_key), -1);

INSERT INTO comment_tallies (consultation_id, article_key, pending, rejected, unanswered, answered)
SELECT m.consultation_id, COALESCE(m.article_id, 0),
       COUNT(*) FILTER (WHERE m.status = 'pending'), COUNT(*) FILTER (WHERE m.status = 'rejected'),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NULL),
       COUNT(*) FILTER (WHERE m.status = 'approved' AND m.disposition IS NOT NULL)
FROM comments m GROUP BY m.consultation_id, COALESCE(m.article_id, 0);

-- The figures change once per statement, not once per row: a bulk decision over 100,000 comments
-- in one transaction would otherwise update the same few rows 100,000 times, and PostgreSQL must
-- walk every earlier version of a row updated again in the same transaction. The comment counts
-- of migration 0023 move to the same statement-level triggers.
DROP TRIGGER comments_counted ON comments;
DROP FUNCTION comments_counted();

-- Apply the comments that left (sign -1) and arrived (sign +1) in one statement: per comment its
-- group key, consultation, article and state (pending, rejected, unanswered, answered).
CREATE FUNCTION comments_moved(keys BIGINT[], cons BIGINT[], arts BIGINT[], signs BIGINT[], states TEXT[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_groups AS g (group_key, consultation_id, home, size, pending, rejected, unanswered, answered)
    SELECT d.k, MIN(d.c),
           COALESCE((SELECT ar.position FROM comments x JOIN articles ar ON ar.id = x.article_id WHERE x.id = d.k), -1),
           SUM(d.s), SUM(CASE WHEN d.st = 'pending' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'rejected' THEN d.s ELSE 0 END),
           SUM(CASE WHEN d.st = 'unanswered' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'answered' THEN d.s ELSE 0 END)
    FROM unnest(keys, cons, arts, signs, states) AS d(k, c, a, s, st)
    GROUP BY d.k
    HAVING SUM(d.s) <> 0 OR SUM(CASE WHEN d.st = 'pending' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'rejected' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'unanswered' THEN d.s ELSE 0 END) <> 0
        OR SUM(CASE WHEN d.st = 'answered' THEN d.s ELSE 0 END) <> 0
    ON CONFLICT (group_key) DO UPDATE SET size = g.size + excluded.size, pending = g.pending + excluded.pending,
        rejected = g.rejected + excluded.rejected, unanswered = g.unanswered + excluded.unanswered,
        answered = g.answered + excluded.answered;
    DELETE FROM comment_groups WHERE group_key = ANY (keys) AND size = 0;

    INSERT INTO comment_tallies AS t (consultation_id, article_key, pending, rejected, unanswered, answered)
    SELECT d.c, COALESCE(d.a, 0),
           SUM(CASE WHEN d.st = 'pending' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'rejected' THEN d.s ELSE 0 END),
           SUM(CASE WHEN d.st = 'unanswered' THEN d.s ELSE 0 END), SUM(CASE WHEN d.st = 'answered' THEN d.s ELSE 0 END)
    FROM unnest(keys, cons, arts, signs, states) AS d(k, c, a, s, st)
    GROUP BY d.c, COALESCE(d.a, 0)
    ON CONFLICT (consultation_id, article_key) DO UPDATE SET pending = t.pending + excluded.pending,
        rejected = t.rejected + excluded.rejected, unanswered = t.unanswered + excluded.unanswered,
        answered = t.answered + excluded.answered;

    UPDATE articles ar SET received = ar.received + x.received, approved = ar.approved + x.approved
    FROM (SELECT d.a, SUM(d.s) AS received,
                 SUM(CASE WHEN d.st IN ('unanswered', 'answered') THEN d.s ELSE 0 END) AS approved
          FROM unnest(keys, cons, arts, signs, states) AS d(k, c, a, s, st)
          WHERE d.a IS NOT NULL GROUP BY d.a) x
    WHERE ar.id = x.a AND (x.received <> 0 OR x.approved <> 0);

    UPDATE consultations co SET whole_received = co.whole_received + x.whole_received,
        whole_approved = co.whole_approved + x.whole_approved, approved_total = co.approved_total + x.approved
    FROM (SELECT d.c,
                 SUM(CASE WHEN d.a IS NULL THEN d.s ELSE 0 END) AS whole_received,
                 SUM(CASE WHEN d.a IS NULL AND d.st IN ('unanswered', 'answered') THEN d.s ELSE 0 END) AS whole_approved,
                 SUM(CASE WHEN d.st IN ('unanswered', 'answered') THEN d.s ELSE 0 END) AS approved
          FROM unnest(keys, cons, arts, signs, states) AS d(k, c, a, s, st) GROUP BY d.c) x
    WHERE co.id = x.c AND (x.whole_received <> 0 OR x.whole_approved <> 0 OR x.approved <> 0);
END
$$;

-- A comment's state as the figures count it.
CREATE FUNCTION comment_state(status TEXT, disposition TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN status = 'approved' AND disposition IS NOT NULL THEN 'answered'
                WHEN status = 'approved' THEN 'unanswered' ELSE status END
$$;

CREATE FUNCTION comments_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM comments_moved(array_agg(COALESCE(n.group_id, n.id)), array_agg(n.consultation_id), array_agg(n.article_id),
                           array_agg(1::BIGINT), array_agg(comment_state(n.status, n.disposition)))
    FROM new_rows n HAVING COUNT(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION comments_left() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM comments_moved(array_agg(COALESCE(o.group_id, o.id)), array_agg(o.consultation_id), array_agg(o.article_id),
                           array_agg(-1::BIGINT), array_agg(comment_state(o.status, o.disposition)))
    FROM old_rows o HAVING COUNT(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION comments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM comments_moved(array_agg(d.k), array_agg(d.c), array_agg(d.a), array_agg(d.s), array_agg(d.st))
    FROM (SELECT COALESCE(o.group_id, o.id) AS k, o.consultation_id AS c, o.article_id AS a, -1::BIGINT AS s,
                 comment_state(o.status, o.disposition) AS st
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE COALESCE(o.group_id, o.id) <> COALESCE(n.group_id, n.id)
             OR comment_state(o.status, o.disposition) <> comment_state(n.status, n.disposition)
             OR o.article_id IS DISTINCT FROM n.article_id OR o.consultation_id <> n.consultation_id
          UNION ALL
          SELECT COALESCE(n.group_id, n.id), n.consultation_id, n.article_id, 1::BIGINT, comment_state(n.status, n.disposition)
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE COALESCE(o.group_id, o.id) <> COALESCE(n.group_id, n.id)
             OR comment_state(o.status, o.disposition) <> comment_state(n.status, n.disposition)
             OR o.article_id IS DISTINCT FROM n.article_id OR o.consultation_id <> n.consultation_id) d
    HAVING COUNT(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER comments_arrived AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_arrived();
CREATE TRIGGER comments_left AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_left();
CREATE TRIGGER comments_changed AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_changed();
