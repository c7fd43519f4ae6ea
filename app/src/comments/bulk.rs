//! Moderation of many comments at once (a ticked selection, a near-duplicate group, or all that a
//! filter selects): all or none, in set-based statements so a hundred thousand take seconds.
use super::status::CommentStatus;
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::db::{placeholders_from, IDS_PER_STATEMENT};
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The reason a moderation decision carries: required to keep a comment from publication, at most
/// 500 characters; `None` when empty.
pub fn decision_reason(approve: bool, reason: &str) -> AppResult<Option<String>> {
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(AppError::field("reason", "不予公开的，须填写理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "理由不能超过500字"));
    }
    Ok((!reason.is_empty()).then(|| reason.to_string()))
}

/// Approve or reject (with one reason) every one of `ids`, pending comments of the staff member's
/// own consultation `consultation`: all or none — if any is no longer pending (a colleague got
/// there first) or is not of this consultation, nothing changes. Returns how many were moderated.
pub async fn moderate_many(
    db: &AnyPool,
    staff: &CurrentUser,
    consultation: i64,
    ids: &[i64],
    approve: bool,
    reason: &str,
) -> AppResult<u64> {
    let agency = staff.staff_agency()?;
    let reason = decision_reason(approve, reason)?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::field("ids", "请先勾选要审核的意见"));
    }
    let status = if approve { CommentStatus::Approved } else { CommentStatus::Rejected };
    let now = clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    let own: Option<i64> = sqlx::query_scalar("SELECT id FROM consultations WHERE id = $1 AND agency_id = $2")
        .bind(consultation)
        .bind(agency)
        .fetch_optional(&mut *tx)
        .await?;
    own.ok_or(AppError::NotFound)?;
    let mut changed = 0;
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let update = format!(
            "UPDATE comments SET status = $1, moderation_reason = $2, moderated_by = $3, moderated_at = $4
             WHERE consultation_id = $5 AND status = 'pending' AND id IN ({})",
            placeholders_from(6, chunk.len())
        );
        let mut q =
            sqlx::query(&update).bind(status.as_str()).bind(&reason).bind(staff.id).bind(now).bind(consultation);
        for id in chunk {
            q = q.bind(*id);
        }
        changed += q.execute(&mut *tx).await?.rows_affected();
        let record = format!(
            "INSERT INTO search_changes (entity, entity_id, created_at)
             SELECT 'comment', id, $1 FROM comments WHERE +consultation_id = $2 AND id IN ({})",
            placeholders_from(3, chunk.len())
        );
        let mut q = sqlx::query(&record).bind(now).bind(consultation);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    if changed != ids.len() as u64 {
        // Dropping the transaction undoes every chunk already changed.
        let gone = ids.len() as u64 - changed;
        return Err(AppError::Conflict(format!(
            "所选{}条意见中有{gone}条已被审核或不属于本项目，全部未作处理，请刷新后重试",
            ids.len()
        )));
    }
    tx.commit().await?;
    tracing::info!(consultation, comments = changed, approved = approve, "comments moderated together");
    Ok(changed)
}
