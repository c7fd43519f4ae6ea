-- Failed sign-ins per account, shared by every server node: enough failures lock the account for a
-- while, whichever node the attempts reach. Rows for unknown accounts are kept too (so the answer
-- never tells whether an account exists) and pruned when they expire.
CREATE TABLE login_failures (
    account TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);
