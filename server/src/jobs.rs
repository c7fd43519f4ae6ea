//! Background work that runs on one node at a time, however many nodes share the database.
use sqlx::AnyPool;
use std::time::Duration;

/// Change records are kept this long (seconds) after they are written; a node whose index is
/// further behind rebuilds it.
pub const CHANGE_RETENTION: i64 = 7 * 24 * 3600;

/// Claim the job `name` for this node if it is due, and set when it is due next (`every` seconds).
/// One conditional update: on PostgreSQL a second node's update waits for the first to commit, then
/// finds the job no longer due; SQLite runs one write at a time. So exactly one node wins each turn.
pub async fn claim(db: &AnyPool, name: &str, every: i64) -> Result<bool, sqlx::Error> {
    let now = app::clock::now();
    sqlx::query("INSERT INTO jobs (name, next_run) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(db)
        .await?;
    let won = sqlx::query("UPDATE jobs SET next_run = $2 WHERE name = $1 AND next_run <= $3")
        .bind(name)
        .bind(now + every)
        .bind(now)
        .execute(db)
        .await?;
    Ok(won.rows_affected() == 1)
}

/// Database housekeeping, once a minute across all nodes: expired sessions, expired sign-in
/// failure counts, and change records past their retention.
pub async fn maintenance(db: &AnyPool) {
    match claim(db, "maintenance", 60).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return tracing::warn!(error = %e, "could not claim the maintenance job"),
    }
    if let Err(e) = app::accounts::store::delete_expired_sessions(db).await {
        tracing::warn!(error = %e, "could not delete expired sessions");
    }
    if let Err(e) = app::accounts::lockout::prune(db).await {
        tracing::warn!(error = %e, "could not prune sign-in failures");
    }
    if let Err(e) = app::accounts::onetime::prune(db).await {
        tracing::warn!(error = %e, "could not prune spent account codes");
    }
    match app::search::indexer::prune_changes(db, app::clock::now() - CHANGE_RETENTION).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(records = n, "pruned search change records past retention"),
        Err(e) => tracing::warn!(error = %e, "could not prune search change records"),
    }
}

/// How often the coming deadlines are checked (seconds). Each deadline is told once however often
/// this runs, so checking hourly rather than daily only means a deadline set during the day, or a
/// run that failed, is caught up within the hour.
pub const DEADLINE_CHECK: i64 = 3600;

/// Tell the staff who owe a case's step of its deadline coming within three days (one node per
/// turn). A failed run is logged and taken up again at the next turn: the cases already told are
/// marked, the rest are told then.
pub async fn deadline_reminders(db: &AnyPool) {
    match claim(db, "case_deadlines", DEADLINE_CHECK).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return tracing::warn!(error = %e, "could not claim the deadline reminder job"),
    }
    match app::cases::store::remind_deadlines(db, app::clock::today()).await {
        Ok(0) => {}
        Ok(cases) => tracing::info!(cases, "told staff of deadlines coming"),
        Err(e) => tracing::warn!(error = %e, "deadline reminders stopped; the rest are told next turn"),
    }
}

/// Normative documents past the last day of their validity expire by themselves, and agencies are
/// told 90 and 30 days before; issuing bodies and the reviewing office are told three days before a
/// filing or its review is due (one node per turn, hourly). A failed run is logged; what is still
/// due is done at the next turn.
pub async fn document_expiry(db: &AnyPool) {
    match claim(db, "document_expiry", DEADLINE_CHECK).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return tracing::warn!(error = %e, "could not claim the document expiry job"),
    }
    if let Err(e) = app::registry::expiry::expire_due(db, app::clock::today()).await {
        tracing::warn!(error = %e, "document expiry stopped; the rest expire next turn");
    }
    if let Err(e) = app::registry::expiry::warn_of_expiry(db, app::clock::today()).await {
        tracing::warn!(error = %e, "expiry notices stopped; the rest are given next turn");
    }
    if let Err(e) = app::registry::filing_reminders::remind(db, app::clock::today()).await {
        tracing::warn!(error = %e, "filing reminders stopped; the rest are given next turn");
    }
}

/// Hand the mail outbox to the SMTP relay every `interval` (each node tries; one wins each turn).
/// Only started when a relay is configured.
pub async fn mail(db: AnyPool, smtp: crate::mail::Smtp, interval: Duration) {
    // Whole seconds: below one second (tests) every turn is due.
    let every = interval.as_secs() as i64;
    loop {
        tokio::time::sleep(interval).await;
        match claim(&db, "mail", every).await {
            Ok(true) => {
                crate::mail::deliver_due(&db, &smtp).await;
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim the mail job"),
        }
    }
}

/// Run `maintenance` and the deadline reminders every `interval` (each node tries; one wins each
/// turn of each).
pub async fn run(db: AnyPool, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        maintenance(&db).await;
        deadline_reminders(&db).await;
        document_expiry(&db).await;
    }
}
