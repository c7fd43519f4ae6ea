-- Failed sign-ins per account AND per client address (IPv6: per /64), shared by every node. Failures
-- from one address lock only that address, for longer each time, so nobody can keep an account
-- locked for its owner by guessing from elsewhere. Failures from all addresses together (a spread
-- guessing attack) lock the account for addresses it has never signed in from; the owner's own
-- addresses (login_known) still get in. Addresses are stored as SHA-256 hashes.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    strikes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account, source)
);
CREATE TABLE login_known (
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    last_success BIGINT NOT NULL,
    PRIMARY KEY (account, source)
);
