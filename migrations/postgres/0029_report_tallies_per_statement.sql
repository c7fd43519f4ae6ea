-- Published comments' tallies follow later approvals once per statement, not once per row: a bulk
-- approval of 100,000 comments pending at publication would otherwise update the same three rows
-- 100,000 times in one transaction, and PostgreSQL walks every earlier version of a row updated
-- again in the same transaction (quadratic; see 0025). An AFTER statement trigger sees the whole
-- statement's rows: the comments whose being published changed (`moved`) are counted in (or out),
-- and an author counts as one more person in a scope (all comments, the draft as a whole, one
-- article) when they have a published comment there now and had none before the statement.
-- Transition tables cannot name columns, so the trigger fires on every update of comments and
-- does nothing unless a comment of a consultation with a published report changed its status.
DROP TRIGGER report_tallies_follow ON comments;
DROP FUNCTION report_tallies_follow();

CREATE FUNCTION report_tallies_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT n.id, n.consultation_id AS c, n.article_id AS a, n.author_id AS au, n.disposition AS d,
               CASE WHEN n.status = 'approved' THEN 1 ELSE -1 END AS by_
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (o.status = 'approved') IS DISTINCT FROM (n.status = 'approved')
          AND EXISTS (SELECT 1 FROM report_tallies t WHERE t.consultation_id = n.consultation_id)
    ),
    scoped AS (
        SELECT m.*, 'all' AS scope, NULL::BIGINT AS sa FROM moved m
        UNION ALL SELECT m.*, 'whole', NULL FROM moved m WHERE m.a IS NULL
        UNION ALL SELECT m.*, 'article', m.a FROM moved m WHERE m.a IS NOT NULL
    ),
    -- Per author and scope: published there now, and before the statement (an unchanged
    -- published comment, or one this statement unpublished).
    people AS (
        SELECT s.c, s.scope, s.sa,
               CASE WHEN EXISTS (
                   SELECT 1 FROM comments x WHERE x.author_id = s.au AND x.consultation_id = s.c AND x.status = 'approved'
                     AND (s.scope = 'all' OR x.article_id IS NOT DISTINCT FROM s.sa)) THEN 1 ELSE 0 END
             - CASE WHEN EXISTS (
                   SELECT 1 FROM comments x WHERE x.author_id = s.au AND x.consultation_id = s.c AND x.status = 'approved'
                     AND (s.scope = 'all' OR x.article_id IS NOT DISTINCT FROM s.sa)
                     AND NOT EXISTS (SELECT 1 FROM moved m WHERE m.id = x.id AND m.by_ = 1))
                   OR EXISTS (
                   SELECT 1 FROM moved m WHERE m.by_ = -1 AND m.au = s.au AND m.c = s.c
                     AND (s.scope = 'all' OR m.a IS NOT DISTINCT FROM s.sa)) THEN 1 ELSE 0 END AS joined
        FROM (SELECT DISTINCT c, scope, sa, au FROM scoped WHERE au IS NOT NULL) s
    ),
    counted AS (
        SELECT c, scope, sa, SUM(by_) AS comments,
               SUM(CASE WHEN au IS NULL THEN by_ ELSE 0 END) AS anonymous,
               SUM(CASE WHEN d = 'adopted' THEN by_ ELSE 0 END) AS adopted,
               SUM(CASE WHEN d = 'partly_adopted' THEN by_ ELSE 0 END) AS partly_adopted,
               SUM(CASE WHEN d = 'not_adopted' THEN by_ ELSE 0 END) AS not_adopted,
               SUM(CASE WHEN d = 'already_provided' THEN by_ ELSE 0 END) AS already_provided,
               SUM(CASE WHEN d = 'out_of_scope' THEN by_ ELSE 0 END) AS out_of_scope
        FROM scoped GROUP BY c, scope, sa
    ),
    changed AS (
        UPDATE report_tallies t SET
            comments = t.comments + k.comments,
            participants = t.participants + k.anonymous
                + COALESCE((SELECT SUM(p.joined) FROM people p
                            WHERE p.c = k.c AND p.scope = k.scope AND p.sa IS NOT DISTINCT FROM k.sa), 0),
            adopted = t.adopted + k.adopted, partly_adopted = t.partly_adopted + k.partly_adopted,
            not_adopted = t.not_adopted + k.not_adopted, already_provided = t.already_provided + k.already_provided,
            out_of_scope = t.out_of_scope + k.out_of_scope
        FROM counted k
        WHERE t.consultation_id = k.c AND t.scope = k.scope AND t.article_id IS NOT DISTINCT FROM k.sa
        RETURNING t.consultation_id
    )
    UPDATE adoption_reports SET version = version + 1 WHERE consultation_id IN (SELECT consultation_id FROM changed);
    RETURN NULL;
END
$$;

CREATE TRIGGER report_tallies_follow AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_follow();
