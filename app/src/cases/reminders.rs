//! Deadlines coming: the staff who owe a case's step hear of it when the step falls due within
//! [`DAYS_AHEAD`] days, once per deadline (`cases.reminded_due_on`): a job may run as often as it
//! likes, and a deadline moved by an extension or a new step is told again. Each case is told and
//! marked in its own transaction, so a run cut short leaves the rest to the next run.
use super::handlers::{self, Work};
use super::CaseStatus;
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
}

/// Tell the staff who owe a step falling due from `today` to [`DAYS_AHEAD`] days later (not yet
/// told); returns how many cases were told of. Err only when the cases could not be read.
pub async fn remind_deadlines(db: &AnyPool, today: Date) -> AppResult<usize> {
    // Only a step someone still owes: a decided case's date is the filer's (the period to ask for
    // a review), not staff's.
    let owed: Vec<String> =
        CaseStatus::ALL.iter().filter(|s| s.in_progress()).map(|s| format!("'{}'", s.as_str())).collect();
    let coming: Vec<Coming> = sqlx::query_as(&format!(
        "SELECT id, due_on FROM cases
         WHERE due_on >= $1 AND due_on <= $2 AND (reminded_due_on IS NULL OR reminded_due_on <> due_on)
           AND status IN ({})
         ORDER BY due_on, id LIMIT $3",
        owed.join(", ")
    ))
    .bind(today.to_string())
    .bind(today.add_days(DAYS_AHEAD).to_string())
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    let mut told = 0;
    for c in coming {
        // One case that cannot be told (logged) does not hold up the others; it is tried again
        // next run, since it is not marked.
        match remind(db, &c).await {
            Ok(true) => told += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(case = c.id, error = %e, "could not tell of a deadline coming; tried again next run")
            }
        }
    }
    Ok(told)
}

/// Tell of one case's deadline and mark it told, in one transaction; false if there was nothing to
/// tell (the deadline moved since it was read). A step that ended the case meanwhile leaves nobody
/// owing it: marked, nobody told.
async fn remind(db: &AnyPool, c: &Coming) -> AppResult<bool> {
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
    if marked.rows_affected() == 0 {
        return Ok(false);
    }
    let staff = handlers::tell(&mut tx, c.id, Work::Deadline, clock::parse_date(&c.due_on)).await?;
    tx.commit().await?;
    tracing::info!(case = c.id, staff, "told of a deadline coming");
    Ok(true)
}
