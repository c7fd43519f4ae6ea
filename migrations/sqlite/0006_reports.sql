-- Near-duplicate groups of comments, the adoption report, and the citizens' inbox.

-- The representative (smallest id) of the comment's near-duplicate group; NULL until grouped.
ALTER TABLE comments ADD COLUMN group_id INTEGER;
-- Split off from its group by staff: always a group of its own.
ALTER TABLE comments ADD COLUMN split_off INTEGER NOT NULL DEFAULT 0 CHECK (split_off IN (0, 1));
CREATE INDEX comments_by_group ON comments (consultation_id, group_id);

-- The drafting agency's adoption report (意见采纳情况说明): a draft until published, then fixed.
CREATE TABLE adoption_reports (
    consultation_id INTEGER PRIMARY KEY REFERENCES consultations (id),
    summary TEXT NOT NULL,
    -- Why comments are still unanswered, when the report is published with some.
    unanswered_reason TEXT,
    -- The revised draft's full text, compared article by article with the draft consulted on.
    revised_text TEXT,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES users (id),
    published_at INTEGER
);

-- Messages to a signed-in citizen, such as "the answers to your comments are published".
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_by_user ON notifications (user_id, read_at);

-- E-mail waiting for the SMTP relay (written in the same transaction as what it reports).
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at INTEGER,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
