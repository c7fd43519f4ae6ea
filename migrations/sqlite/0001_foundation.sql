-- Accounts, agencies, sessions, consultations with their articles, comments.
-- Instants are UTC seconds and flags 0/1 (INTEGER) so the same queries work on PostgreSQL
-- through sqlx's Any driver (which reads no SQLite BOOLEAN).

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    real_name TEXT,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'staff', 'petition_officer', 'admin')),
    agency_id INTEGER REFERENCES agencies (id),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    kind TEXT NOT NULL CHECK (kind IN ('regulation', 'rule', 'normative', 'decision')),
    title TEXT NOT NULL,
    explanation TEXT NOT NULL,
    full_text TEXT NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    short_window_reason TEXT,
    allow_anonymous INTEGER NOT NULL DEFAULT 0 CHECK (allow_anonymous IN (0, 1)),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX consultations_by_agency ON consultations (agency_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    anchor TEXT NOT NULL,
    is_article INTEGER NOT NULL CHECK (is_article IN (0, 1)),
    label TEXT NOT NULL,
    part TEXT,
    chapter TEXT,
    section TEXT,
    body TEXT NOT NULL,
    UNIQUE (consultation_id, anchor)
);

CREATE TABLE unrecognised_lines (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (consultation_id, line)
);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    article_id INTEGER REFERENCES articles (id),
    -- NULL for an anonymous comment (only where the consultation allows it).
    author_id INTEGER REFERENCES users (id),
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    moderation_reason TEXT,
    moderated_by INTEGER REFERENCES users (id),
    moderated_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_by_consultation ON comments (consultation_id, status);
CREATE INDEX comments_by_article ON comments (article_id);
CREATE INDEX comments_by_author ON comments (author_id);
