//! Account lockout after repeated failed sign-ins, held in the database so every node enforces it.
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// Failed sign-ins within one window after which the next attempt is refused and locks the account.
pub const MAX_FAILURES: i64 = 5;
/// The window over which failures count, and how long a lock lasts (seconds).
pub const WINDOW: i64 = 15 * 60;

/// Count a sign-in attempt before the password is checked, so that attempts in flight at once
/// (on one node or several) are all counted. `LockedOut` while the account is locked, or when this
/// attempt is one more than `MAX_FAILURES` in the window, which locks it for `WINDOW`. A successful
/// sign-in then calls `clear`. One atomic upsert does the counting.
pub async fn attempt(db: &AnyPool, account: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let (attempts, locked_until): (i64, i64) = sqlx::query_as(
        "INSERT INTO login_failures (account, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (account) DO UPDATE SET
             failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,
             window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END
         RETURNING failures, locked_until",
    )
    .bind(account)
    .bind(now)
    .bind(now - WINDOW)
    .fetch_one(db)
    .await?;
    if locked_until > now {
        return Err(AppError::LockedOut((locked_until - now) as u64));
    }
    if attempts > MAX_FAILURES {
        // The lock starts a fresh window: after it, the account gets its full number of tries again.
        sqlx::query("UPDATE login_failures SET locked_until = $2, failures = 0, window_start = $3 WHERE account = $1")
            .bind(account)
            .bind(now + WINDOW)
            .bind(now)
            .execute(db)
            .await?;
        tracing::warn!("account locked after repeated failed sign-ins");
        return Err(AppError::LockedOut(WINDOW as u64));
    }
    Ok(())
}

/// A successful sign-in clears the count.
pub async fn clear(db: &AnyPool, account: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE account = $1").bind(account).execute(db).await?;
    Ok(())
}

/// Forget expired windows and locks (run by the maintenance job).
pub async fn prune(db: &AnyPool) -> AppResult<u64> {
    let now = crate::clock::now();
    let done = sqlx::query("DELETE FROM login_failures WHERE window_start <= $1 AND locked_until <= $2")
        .bind(now - WINDOW)
        .bind(now)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
