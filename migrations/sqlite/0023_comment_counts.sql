-- Comment counts kept beside what they count, so a draft's page and the list of consultations cost
-- the same at 100 comments as at 500,000: per article (received, published), per consultation for
-- comments on the draft as a whole, and the consultation's published total. Triggers keep them in
-- the same transaction as the comment's own change, whatever path makes it.
ALTER TABLE articles ADD COLUMN received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN whole_received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN whole_approved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN approved_total INTEGER NOT NULL DEFAULT 0;

UPDATE articles SET
    received = (SELECT COUNT(*) FROM comments m WHERE m.article_id = articles.id),
    approved = (SELECT COUNT(*) FROM comments m WHERE m.article_id = articles.id AND m.status = 'approved');
UPDATE consultations SET
    whole_received = (SELECT COUNT(*) FROM comments m WHERE m.consultation_id = consultations.id AND m.article_id IS NULL),
    whole_approved = (SELECT COUNT(*) FROM comments m
                      WHERE m.consultation_id = consultations.id AND m.article_id IS NULL AND m.status = 'approved'),
    approved_total = (SELECT COUNT(*) FROM comments m WHERE m.consultation_id = consultations.id AND m.status = 'approved');

CREATE TRIGGER comments_counted_in AFTER INSERT ON comments BEGIN
    UPDATE articles SET received = received + 1, approved = approved + (NEW.status = 'approved')
        WHERE id = NEW.article_id;
    UPDATE consultations SET
        whole_received = whole_received + (NEW.article_id IS NULL),
        whole_approved = whole_approved + (NEW.article_id IS NULL AND NEW.status = 'approved'),
        approved_total = approved_total + (NEW.status = 'approved')
        WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER comments_counted_on_decision AFTER UPDATE OF status ON comments
WHEN (OLD.status = 'approved') <> (NEW.status = 'approved') BEGIN
    UPDATE articles SET approved = approved + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END)
        WHERE id = NEW.article_id;
    UPDATE consultations SET
        whole_approved = whole_approved
            + (CASE WHEN NEW.article_id IS NULL THEN (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END) ELSE 0 END),
        approved_total = approved_total + (CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END)
        WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER comments_counted_out AFTER DELETE ON comments BEGIN
    UPDATE articles SET received = received - 1, approved = approved - (OLD.status = 'approved')
        WHERE id = OLD.article_id;
    UPDATE consultations SET
        whole_received = whole_received - (OLD.article_id IS NULL),
        whole_approved = whole_approved - (OLD.article_id IS NULL AND OLD.status = 'approved'),
        approved_total = approved_total - (OLD.status = 'approved')
        WHERE id = OLD.consultation_id;
END;
