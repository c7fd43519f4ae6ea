//! Queueing an e-mail: a row in `mail_outbox`, written in the caller's transaction so the mail goes
//! out if and only if what it reports on was saved (the server's mail job sends it).
use crate::error::AppResult;
use sqlx::AnyConnection;

/// Queue one plain-text mail to `to`, due at once.
pub async fn queue(conn: &mut AnyConnection, to: &str, subject: &str, body: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(crate::clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
