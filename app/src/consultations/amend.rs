//! Changes to a published consultation by its agency: the window extended (later only, while it is
//! still open or to come, with a public reason), or the consultation withdrawn (with a public
//! reason; no comments are taken after it). Each is kept and shown on the draft's page; nobody is
//! told anything else (no message claims an answer or a new draft).
use super::Change;
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The changes of a consultation, oldest first.
pub async fn changes(db: &AnyPool, consultation: i64) -> AppResult<Vec<Change>> {
    let rows: Vec<(String, String, Option<i64>, Option<i64>, i64, Option<String>)> = sqlx::query_as(
        "SELECT kind, note, from_closes_at, to_closes_at, changed_at, detail FROM consultation_changes
         WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(kind, note, from_closes_at, to_closes_at, at, detail)| {
            let corrected = match detail {
                Some(json) => serde_json::from_str(&json).map_err(|e| {
                    tracing::error!(consultation, error = %e, "a correction's record does not read back");
                    AppError::Internal
                })?,
                None => vec![],
            };
            Ok(Change { kind, note, from_closes_at, to_closes_at, at, corrected })
        })
        .collect()
}

/// The reason given for a change: required, at most 500 characters.
pub(super) fn reason(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 500 {
        return Err(AppError::field("reason", "请说明理由（500字以内），理由将公开"));
    }
    Ok(text.to_string())
}

/// The consultation, if it is the staff member's agency's and not withdrawn: (opens, closes).
async fn own_live(conn: &mut sqlx::AnyConnection, staff: &CurrentUser, id: i64) -> AppResult<(i64, i64)> {
    let agency = staff.staff_agency()?;
    let row: Option<(i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT opens_at, closes_at, withdrawn_at FROM consultations WHERE id = $1 AND agency_id = $2")
            .bind(id)
            .bind(agency)
            .fetch_optional(&mut *conn)
            .await?;
    match row.ok_or(AppError::NotFound)? {
        (_, _, Some(_)) => Err(AppError::Conflict("该征求意见已撤回".into())),
        (opens, closes, None) => Ok((opens, closes)),
    }
}

/// Extend the window to `last_day` (inclusive), later than it is now, while it has not closed.
pub async fn extend(db: &AnyPool, staff: &CurrentUser, id: i64, last_day: &str, why: &str) -> AppResult<()> {
    let why = reason(why)?;
    let day = clock::parse_date(last_day).ok_or_else(|| AppError::field("closes_on", "请填写新的截止日期"))?;
    let new_closes = clock::start_of_day(day.next_day());
    let mut tx = crate::db::begin_write(db).await?;
    let (_, closes) = own_live(&mut tx, staff, id).await?;
    if clock::now() >= closes {
        return Err(AppError::Conflict("征求意见期已经结束，不能再延长".into()));
    }
    if new_closes <= closes {
        return Err(AppError::field("closes_on", "新的截止日期须晚于原截止日期"));
    }
    if new_closes - closes > 366 * 86_400 {
        return Err(AppError::field("closes_on", "一次延长不超过一年"));
    }
    sqlx::query("UPDATE consultations SET closes_at = $1 WHERE id = $2")
        .bind(new_closes)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO consultation_changes (consultation_id, kind, note, from_closes_at, to_closes_at, changed_by, changed_at)
         VALUES ($1, 'extended', $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(&why)
    .bind(closes)
    .bind(new_closes)
    .bind(staff.id)
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, "consultation window extended");
    Ok(())
}

/// Withdraw the consultation with a public reason: it takes no more comments.
pub async fn withdraw(db: &AnyPool, staff: &CurrentUser, id: i64, why: &str) -> AppResult<()> {
    let why = reason(why)?;
    let mut tx = crate::db::begin_write(db).await?;
    own_live(&mut tx, staff, id).await?;
    let now = clock::now();
    sqlx::query("UPDATE consultations SET withdrawn_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO consultation_changes (consultation_id, kind, note, changed_by, changed_at)
         VALUES ($1, 'withdrawn', $2, $3, $4)",
    )
    .bind(id)
    .bind(&why)
    .bind(staff.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, "consultation withdrawn");
    Ok(())
}
