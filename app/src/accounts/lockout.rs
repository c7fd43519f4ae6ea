//! Account lockout after repeated failed sign-ins, held in the database so every node enforces it.
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// Failed sign-ins within one window that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// The window over which failures count, and how long a lock lasts (seconds).
pub const WINDOW: i64 = 15 * 60;

/// `LockedOut` while the account is locked.
pub async fn check(db: &AnyPool, account: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let locked_until: Option<i64> = sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE account = $1")
        .bind(account)
        .fetch_optional(db)
        .await?;
    match locked_until {
        Some(until) if until > now => Err(AppError::LockedOut((until - now) as u64)),
        _ => Ok(()),
    }
}

/// Count a failed sign-in; the one that reaches `MAX_FAILURES` locks the account for `WINDOW`.
/// One atomic upsert, so attempts on several nodes at once are all counted.
pub async fn record_failure(db: &AnyPool, account: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_failures (account, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (account) DO UPDATE SET
             failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,
             window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END
         RETURNING failures",
    )
    .bind(account)
    .bind(now)
    .bind(now - WINDOW)
    .fetch_one(db)
    .await?;
    if failures >= MAX_FAILURES {
        // The lock starts a fresh window: after it, the account gets its full number of tries again.
        sqlx::query("UPDATE login_failures SET locked_until = $2, failures = 0, window_start = $2 WHERE account = $1")
            .bind(account)
            .bind(now + WINDOW)
            .execute(db)
            .await?;
        tracing::warn!("account locked after repeated failed sign-ins");
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
