//! Dispositions in the database: set (for one comment or many), with every change recorded.
use super::Disposition;
use crate::accounts::user::CurrentUser;
use crate::changes::record_change;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The longest reason accepted.
pub const MAX_REASON: usize = 2_000;

/// Give `disposition` (with `reason`) to each of `comments`, all of the staff member's own agency
/// and published, before the report is published; all or none. Every change is recorded (who, when, old → new). Returns how
/// many comments changed.
pub async fn dispose(
    db: &AnyPool,
    staff: &CurrentUser,
    comments: &[i64],
    disposition: Disposition,
    reason: &str,
) -> AppResult<u64> {
    let agency = staff.staff_agency()?;
    let reason = reason.trim();
    if disposition.needs_reason() && reason.is_empty() {
        return Err(AppError::field("reason", "除“采纳”外，须填写理由"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::field("reason", "理由不能超过2000字"));
    }
    let reason = (!reason.is_empty()).then_some(reason);
    let now = crate::clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    let mut changed = 0;
    for &id in comments {
        // The agency check is in the statement itself, so another agency's comment is not found.
        let row: Option<(String, Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT m.status, m.disposition, m.disposition_reason, r.published_at
             FROM comments m JOIN consultations c ON c.id = m.consultation_id
             LEFT JOIN adoption_reports r ON r.consultation_id = c.id
             WHERE m.id = $1 AND c.agency_id = $2",
        )
        .bind(id)
        .bind(agency)
        .fetch_optional(&mut *tx)
        .await?;
        let (status, old, old_reason, published) = row.ok_or(AppError::NotFound)?;
        if published.is_some() {
            return Err(AppError::Conflict("意见采纳情况说明已经发布，答复不能再修改".into()));
        }
        match status.as_str() {
            "pending" => return Err(AppError::Conflict("请先审核该意见，再答复".into())),
            "rejected" => return Err(AppError::Conflict("未予公开的意见不需答复".into())),
            _ => {}
        }
        if old.as_deref() == Some(disposition.as_str()) && old_reason.as_deref() == reason {
            continue;
        }
        sqlx::query("UPDATE comments SET disposition = $1, disposition_reason = $2, disposed_at = $3 WHERE id = $4")
            .bind(disposition.as_str())
            .bind(reason)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO disposition_changes
                 (comment_id, changed_by, changed_at, old_disposition, old_reason, new_disposition, new_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(staff.id)
        .bind(now)
        .bind(old)
        .bind(old_reason)
        .bind(disposition.as_str())
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        record_change(&mut tx, "comment", id).await?;
        changed += 1;
    }
    tx.commit().await?;
    tracing::info!(comments = comments.len(), changed, disposition = disposition.as_str(), "comments answered");
    Ok(changed)
}
