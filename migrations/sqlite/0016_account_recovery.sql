-- Accounts a citizen can get back into and leave (issue 13).
-- A phone-login account's e-mail address for recovery and notices: only ever an address proven by a
-- mailed code (NULL until then).
ALTER TABLE users ADD COLUMN email TEXT;
-- When the citizen agreed to the privacy notice at registration (NULL for accounts made before it,
-- and for staff, whose accounts the administrator makes).
ALTER TABLE users ADD COLUMN privacy_consent_at INTEGER;
-- A citizen who deleted the account: the row stays as an empty tombstone (no login anyone can use,
-- no name, no e-mail) so its id is never given to someone else.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;

-- Single-use, short-lived codes mailed to a citizen: to set a new password ('reset'), or to prove
-- an e-mail address ('email', with the address). Only their SHA-256 is kept.
CREATE TABLE account_codes (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'email')),
    email TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX account_codes_by_user ON account_codes (user_id, purpose);
