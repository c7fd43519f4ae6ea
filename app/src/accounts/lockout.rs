//! Throttling failed sign-ins, held in the database so every node enforces it. Guessing is slowed
//! per account *and* client address: one address that fails too often is locked out of that
//! account for a while, longer each time (1, 2, 4 … 64 minutes), but the owner signing in from
//! elsewhere is not. Guessing spread over many addresses trips an account-wide limit, which locks
//! the account for every address that has never signed in to it; the owner's own addresses still
//! get in. So brute force does not work, and nobody can keep someone else's account locked.
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// Failed sign-ins from one address within one window after which that address is locked out.
pub const MAX_FAILURES: i64 = 5;
/// The window over which failures count (seconds).
pub const WINDOW: i64 = 15 * 60;
/// The first lock of an address (seconds); each further lock doubles it, up to [`MAX_LOCK`].
pub const FIRST_LOCK: i64 = 60;
/// The longest lock of an address (seconds).
pub const MAX_LOCK: i64 = 64 * 60;
/// Failed sign-ins from all addresses together within one window after which addresses new to the
/// account are locked out of it for a window.
pub const ACCOUNT_FAILURES: i64 = 50;
/// How long an address the account signed in from counts as its owner's (seconds).
const KNOWN_FOR: i64 = 90 * 24 * 3600;
/// The row that counts failures from every address together.
const EVERYWHERE: &str = "*";

/// A client address as stored: a hash, so the table is no list of who tried what from where.
fn source_key(source: &str) -> String {
    crate::codes::sha256_hex(source)
}

/// Count one failure-to-be for `(account, source)` and return (failures in the window, locked until).
async fn count(db: &AnyPool, account: &str, source: &str, now: i64) -> AppResult<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        "INSERT INTO login_throttle (account, source, failures, window_start, locked_until, strikes)
         VALUES ($1, $2, 1, $3, 0, 0)
         ON CONFLICT (account, source) DO UPDATE SET
             failures = CASE WHEN login_throttle.window_start <= $4 THEN 1 ELSE login_throttle.failures + 1 END,
             window_start = CASE WHEN login_throttle.window_start <= $4 THEN $3 ELSE login_throttle.window_start END
         RETURNING failures, locked_until, strikes",
    )
    .bind(account)
    .bind(source)
    .bind(now)
    .bind(now - WINDOW)
    .fetch_one(db)
    .await?)
}

/// Lock `(account, source)` for `seconds`, starting a fresh window after it.
async fn lock(db: &AnyPool, account: &str, source: &str, now: i64, seconds: i64) -> AppResult<()> {
    sqlx::query(
        "UPDATE login_throttle SET locked_until = $3, failures = 0, window_start = $4, strikes = strikes + 1
         WHERE account = $1 AND source = $2",
    )
    .bind(account)
    .bind(source)
    .bind(now + seconds)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The lock after `strikes` earlier ones: 1, 2, 4 … 64 minutes.
pub fn lock_seconds(strikes: i64) -> i64 {
    (FIRST_LOCK << strikes.clamp(0, 6)).min(MAX_LOCK)
}

/// Count a sign-in attempt from `source` (the client's address) before the password is checked, so
/// attempts in flight at once (on one node or several) are all counted. `LockedOut` while this
/// address is locked out of the account, when this attempt locks it, or while the account is
/// locked to addresses it has never signed in from. A successful sign-in then calls [`succeeded`].
pub async fn attempt(db: &AnyPool, account: &str, source: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let source = source_key(source);
    let (failures, locked_until, strikes) = count(db, account, &source, now).await?;
    if locked_until > now {
        return Err(AppError::LockedOut((locked_until - now) as u64));
    }
    if failures > MAX_FAILURES {
        let seconds = lock_seconds(strikes);
        lock(db, account, &source, now, seconds).await?;
        tracing::warn!(minutes = seconds / 60, "sign-in locked for one address after repeated failures");
        return Err(AppError::LockedOut(seconds as u64));
    }
    let (everywhere, account_locked, _) = count(db, account, EVERYWHERE, now).await?;
    let wide = account_locked > now || everywhere > ACCOUNT_FAILURES;
    if wide && !known(db, account, &source, now).await? {
        let until = if account_locked > now {
            account_locked
        } else {
            lock(db, account, EVERYWHERE, now, WINDOW).await?;
            tracing::warn!("sign-in locked for new addresses after failures from many addresses");
            now + WINDOW
        };
        return Err(AppError::LockedOut((until - now) as u64));
    }
    Ok(())
}

/// Whether the account signed in from this (hashed) address recently.
async fn known(db: &AnyPool, account: &str, source: &str, now: i64) -> AppResult<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_known WHERE account = $1 AND source = $2 AND last_success > $3")
            .bind(account)
            .bind(source)
            .bind(now - KNOWN_FOR)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}

/// A successful sign-in from `source`: that address's failures and strikes are forgiven, it counts
/// as the owner's from now on, and the attempt is taken off the account-wide count.
pub async fn succeeded(db: &AnyPool, account: &str, source: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let source = source_key(source);
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM login_throttle WHERE account = $1 AND source = $2")
        .bind(account)
        .bind(&source)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE login_throttle SET failures = failures - 1 WHERE account = $1 AND source = $2 AND failures > 0",
    )
    .bind(account)
    .bind(EVERYWHERE)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO login_known (account, source, last_success) VALUES ($1, $2, $3)
         ON CONFLICT (account, source) DO UPDATE SET last_success = excluded.last_success",
    )
    .bind(account)
    .bind(&source)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Lift every lock on an account (an administrator's password reset).
pub async fn clear(db: &AnyPool, account: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_throttle WHERE account = $1").bind(account).execute(db).await?;
    Ok(())
}

/// Forget expired windows and locks, and addresses not used for a long time (maintenance job).
pub async fn prune(db: &AnyPool) -> AppResult<u64> {
    let now = crate::clock::now();
    // An address's strikes are kept while its last lock is recent, so repeat offenders wait longer.
    let done = sqlx::query("DELETE FROM login_throttle WHERE window_start <= $1 AND locked_until <= $2")
        .bind(now - WINDOW)
        .bind(now - MAX_LOCK)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM login_known WHERE last_success <= $1").bind(now - KNOWN_FOR).execute(db).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lock_of_one_address_lasts_twice_as_long_up_to_an_hour() {
        let minutes: Vec<i64> = (0..9).map(|s| lock_seconds(s) / 60).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
    }
}
