-- Failed sign-ins per account AND per client address (IPv6: per /64), shared by every node. Failures
-- from one address lock only that address, for longer each time, so nobody can keep an account
-- locked for its owner by guessing from elsewhere. Failures from all addresses together (a spread
-- guessing attack) lock the account for addresses it has never signed in from; the owner's own
-- addresses (login_known) still get in. Addresses are stored as SHA-256 hashes.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    strikes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, source)
);
CREATE TABLE login_known (
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    last_success INTEGER NOT NULL,
    PRIMARY KEY (account, source)
);
