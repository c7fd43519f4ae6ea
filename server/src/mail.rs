//! E-mail: the outbox written with the data it reports on, sent to an SMTP relay by a background job.
//!
//! By default the client speaks plain SMTP to a relay on this host (e.g. Postfix), which does TLS
//! and authentication onward; `smtp.starttls` and `smtp.username`/`smtp.password` let it talk to a
//! mail server elsewhere instead. Delivery is at least once: a mail is leased before it is sent, so
//! two nodes never send it together, and a node that stops mid-send leaves it to be sent again once
//! the lease runs out.
mod message;
mod settings;
mod smtp;

pub use settings::{Smtp, StartTls};
pub use smtp::{send, Failure};
use sqlx::AnyPool;

/// Most mails sent in one run.
const BATCH: i64 = 100;
/// How long a mail being sent is kept from other nodes (longer than a conversation can take).
const LEASE: i64 = 600;
/// After this many failed attempts a mail is given up on.
pub const MAX_ATTEMPTS: i64 = 10;
/// `next_attempt_at` of a mail given up on: it keeps `sent_at` NULL and its `last_error`.
pub const NEVER: i64 = i64::MAX;

/// Send the outbox's due mails, oldest first, at most `BATCH` per run; returns how many were sent.
/// A failed mail is tried again after 2^attempts minutes (at most 6 hours), and given up on after
/// `MAX_ATTEMPTS`, or at once when the relay refuses its recipient or content (5xx): it keeps
/// `sent_at` NULL and its `last_error`, and `next_attempt_at` becomes `NEVER`. A failure that may
/// be the relay's ends the run: the other mails wait for the next turn, not for every time-out.
pub async fn deliver_due(db: &AnyPool, smtp: &Smtp) -> usize {
    let now = app::clock::now();
    let due: Vec<(i64, String, String, String, i64)> = match sqlx::query_as(
        "SELECT id, recipient, subject, body, attempts FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db)
    .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the mail outbox");
            return 0;
        }
    };
    let mut sent = 0;
    for (id, to, subject, body, attempts) in due {
        match lease(db, id).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, outbox_id = id, "could not lease a mail");
                break;
            }
        }
        let outcome = send(smtp, &to, &subject, &body).await;
        let recorded = match &outcome {
            Ok(()) => mark_sent(db, id).await,
            Err(failure) => mark_failed(db, id, attempts + 1, failure).await,
        };
        if let Err(e) = recorded {
            tracing::warn!(error = %e, outbox_id = id, "could not record a mail's delivery");
        }
        match outcome {
            Ok(()) => sent += 1,
            Err(f) if !f.permanent => break,
            Err(_) => {}
        }
    }
    if sent > 0 {
        tracing::info!(sent, "mail handed to the relay");
    }
    sent
}

/// Keep a due mail from other nodes while this one sends it; false if another node has it.
async fn lease(db: &AnyPool, id: i64) -> Result<bool, sqlx::Error> {
    let now = app::clock::now();
    let done = sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3",
    )
    .bind(now + LEASE)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A sent mail keeps its recipient, subject and times, not its text: a body may hold a setup code
/// (and every body is someone's correspondence), which the database need not keep once the relay
/// has it.
async fn mark_sent(db: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mail_outbox SET sent_at = $1, body = '' WHERE id = $2")
        .bind(app::clock::now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

async fn mark_failed(db: &AnyPool, id: i64, attempts: i64, failure: &Failure) -> Result<(), sqlx::Error> {
    let give_up = failure.permanent || attempts >= MAX_ATTEMPTS;
    let next = if give_up { NEVER } else { app::clock::now() + backoff(attempts) };
    let error: String = format!("{}: {}", failure.stage, failure.detail).chars().take(500).collect();
    sqlx::query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
        .bind(error)
        .bind(next)
        .bind(id)
        .execute(db)
        .await?;
    tracing::warn!(outbox_id = id, attempts, stage = failure.stage, gave_up = give_up, "mail not delivered");
    Ok(())
}

/// Seconds to wait after the `attempts`-th failure: 2^attempts minutes, at most 6 hours.
fn backoff(attempts: i64) -> i64 {
    (60_i64 << attempts.clamp(0, 9)).min(6 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_two_minutes_to_six_hours() {
        assert_eq!(backoff(1), 120);
        assert_eq!(backoff(4), 960);
        assert_eq!(backoff(9), 6 * 3600);
        assert_eq!(backoff(40), 6 * 3600);
    }
}
