-- Comment counts kept beside what they count, so a draft's page and the list of consultations cost
-- the same at 100 comments as at 500,000: per article (received, published), per consultation for
-- comments on the draft as a whole, and the consultation's published total. A trigger keeps them in
-- the same transaction as the comment's own change, whatever path makes it.
ALTER TABLE articles ADD COLUMN received BIGINT NOT NULL DEFAULT 0, ADD COLUMN approved BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN whole_received BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN whole_approved BIGINT NOT NULL DEFAULT 0, ADD COLUMN approved_total BIGINT NOT NULL DEFAULT 0;

UPDATE articles SET
    received = (SELECT COUNT(*) FROM comments m WHERE m.article_id = articles.id),
    approved = (SELECT COUNT(*) FROM comments m WHERE m.article_id = articles.id AND m.status = 'approved');
UPDATE consultations SET
    whole_received = (SELECT COUNT(*) FROM comments m WHERE m.consultation_id = consultations.id AND m.article_id IS NULL),
    whole_approved = (SELECT COUNT(*) FROM comments m
                      WHERE m.consultation_id = consultations.id AND m.article_id IS NULL AND m.status = 'approved'),
    approved_total = (SELECT COUNT(*) FROM comments m WHERE m.consultation_id = consultations.id AND m.status = 'approved');

CREATE FUNCTION comments_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    received_by BIGINT := 0;
    approved_by BIGINT := 0;
    row_ comments%ROWTYPE;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_ := NEW;
        received_by := 1;
        approved_by := CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END;
    ELSIF TG_OP = 'DELETE' THEN
        row_ := OLD;
        received_by := -1;
        approved_by := CASE WHEN OLD.status = 'approved' THEN -1 ELSE 0 END;
    ELSE
        row_ := NEW;
        approved_by := (CASE WHEN NEW.status = 'approved' THEN 1 ELSE 0 END)
                     - (CASE WHEN OLD.status = 'approved' THEN 1 ELSE 0 END);
        IF approved_by = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    IF row_.article_id IS NOT NULL THEN
        UPDATE articles SET received = received + received_by, approved = approved + approved_by
            WHERE id = row_.article_id;
        UPDATE consultations SET approved_total = approved_total + approved_by WHERE id = row_.consultation_id;
    ELSE
        UPDATE consultations SET whole_received = whole_received + received_by,
            whole_approved = whole_approved + approved_by, approved_total = approved_total + approved_by
            WHERE id = row_.consultation_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER comments_counted AFTER INSERT OR DELETE OR UPDATE OF status ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_counted();
