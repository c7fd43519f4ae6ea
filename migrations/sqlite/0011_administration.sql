-- Administration under four eyes, on the record.
--
-- admin_events: everything administrators (and the operator's command line) do, and each staff
-- account's first password, in one append-only, hash-chained record like case_events: each entry's
-- keyed hash covers the one before, and `state` is a digest of every power held after the step,
-- so a grant written straight into user_grants, or an entry removed, shows in `canyu verify-record`.
CREATE TABLE admin_events (
    seq INTEGER PRIMARY KEY CHECK (seq > 0),
    at INTEGER NOT NULL,
    -- NULL: the operator, from the command line.
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    -- The account acted on, if any.
    target_id INTEGER REFERENCES users (id),
    detail TEXT NOT NULL,
    state TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE admin_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO admin_chain (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER admin_events_no_update BEFORE UPDATE ON admin_events
BEGIN
    SELECT RAISE(ABORT, 'admin_events is append-only');
END;
CREATE TRIGGER admin_events_no_delete BEFORE DELETE ON admin_events
BEGIN
    SELECT RAISE(ABORT, 'admin_events is append-only');
END;

-- A power that takes two people (revealing identities, the discipline channel): one administrator
-- (or the operator) proposes, another approves or refuses; the proposer may withdraw.
CREATE TABLE grant_proposals (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grant_name TEXT NOT NULL CHECK (grant_name IN ('legal_channel', 'discipline_channel', 'reveal_identity')),
    -- NULL: the operator, from the command line.
    proposed_by INTEGER REFERENCES users (id),
    proposed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at INTEGER,
    outcome TEXT CHECK (outcome IN ('approved', 'refused', 'withdrawn'))
);
CREATE INDEX grant_proposals_open ON grant_proposals (outcome, expires_at);

-- A staff account's first password is set by its holder with a one-time setup code (sent to an
-- e-mail login directly, or handed over in person); only the code's hash is kept.
CREATE TABLE setup_codes (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX setup_codes_by_user ON setup_codes (user_id);
