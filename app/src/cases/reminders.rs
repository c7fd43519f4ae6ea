//! Deadlines coming: the staff who owe a case's step hear of it when the step falls due within
//! [`DAYS_AHEAD`] days, once per deadline (`cases.reminded_due_on`): a job may run as often as it
//! likes, and a deadline moved by an extension or a new step is told again. Each case is told and
//! marked in its own transaction, so a run cut short leaves the rest to the next run.
use super::handlers::{self, Work};
use super::rows;
use crate::clock::{self, Date};
use crate::error::AppResult;
use sqlx::AnyPool;

/// How many days ahead a coming deadline is told.
pub const DAYS_AHEAD: i64 = 3;

/// Most cases told in one run (the rest are told by the next one).
const BATCH: i64 = 1_000;

/// A case with a deadline coming that has not been told.
#[derive(sqlx::FromRow)]
struct Coming {
    id: i64,
    due_on: String,
    status: String,
}

/// Tell the staff who owe a step falling due from `today` to [`DAYS_AHEAD`] days later (not yet
/// told); returns how many cases were told of.
pub async fn remind_deadlines(db: &AnyPool, today: Date) -> AppResult<usize> {
    let coming: Vec<Coming> = sqlx::query_as(
        "SELECT id, due_on, status FROM cases
         WHERE due_on >= $1 AND due_on <= $2 AND (reminded_due_on IS NULL OR reminded_due_on <> due_on)
         ORDER BY due_on, id LIMIT $3",
    )
    .bind(today.to_string())
    .bind(today.add_days(DAYS_AHEAD).to_string())
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    let mut told = 0;
    for c in coming {
        // A decided case's date is the filer's (the period to ask for a review), not staff's.
        if !rows::status(&c.status)?.in_progress() {
            continue;
        }
        let mut tx = crate::db::begin_write(db).await?;
        // Marked only if the deadline is still the one read: a step since may have moved it.
        let marked = sqlx::query(
            "UPDATE cases SET reminded_due_on = due_on
             WHERE id = $1 AND due_on = $2 AND (reminded_due_on IS NULL OR reminded_due_on <> due_on)",
        )
        .bind(c.id)
        .bind(&c.due_on)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 1 {
            let staff = handlers::tell(&mut tx, c.id, Work::Deadline, clock::parse_date(&c.due_on)).await?;
            tracing::info!(case = c.id, staff, "told of a deadline coming");
            told += 1;
        }
        tx.commit().await?;
    }
    Ok(told)
}
