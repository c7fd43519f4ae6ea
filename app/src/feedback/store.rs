//! Dispositions in the database: set (for one comment or many), with every change recorded.
use super::Disposition;
use crate::accounts::user::CurrentUser;
use crate::db::{placeholders_from, IDS_PER_STATEMENT};
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The longest reason accepted.
pub const MAX_REASON: usize = 2_000;

/// Give `disposition` (with `reason`) to each of `comments`, all of the staff member's own agency
/// (and of consultation `within`, when given) and published, before the report is published; all or
/// none. Every change is recorded (who, when, old → new). Set-based, a thousand ids a statement, so
/// a hundred thousand comments hold the write lock for seconds, not minutes. Returns how many
/// comments changed (one given the answer it already has is not changed again).
pub async fn dispose(
    db: &AnyPool,
    staff: &CurrentUser,
    within: Option<i64>,
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
    let mut ids = comments.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let now = crate::clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    let postgres = tx.backend_name() == "PostgreSQL";
    let mut changed = 0;
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        if postgres {
            // A publication of these comments' report in progress is waited for (it locks the same
            // rows first), so no answer changes after the report's figures are counted.
            let lock = format!(
                "SELECT id FROM consultations WHERE id IN (SELECT consultation_id FROM comments WHERE id IN ({}))
                 ORDER BY id FOR UPDATE",
                placeholders_from(1, chunk.len())
            );
            let mut q = sqlx::query_scalar::<_, i64>(&lock);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *tx).await?;
        }
        // Each must be the agency's (the consultation's), published, its report not yet published.
        let check = format!(
            // Read by the ids (see `db::IDS_PER_STATEMENT`): the comments first (CROSS JOIN keeps SQLite from
            // starting at the agency's consultations and walking their comments).
            "SELECT m.status, r.published_at FROM comments m CROSS JOIN consultations c
             LEFT JOIN adoption_reports r ON r.consultation_id = c.id
             WHERE c.id = m.consultation_id AND c.agency_id = $1 AND ($2 IS NULL OR +m.consultation_id = $2)
               AND m.id IN ({})",
            placeholders_from(3, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, Option<i64>)>(&check).bind(agency).bind(within);
        for id in chunk {
            q = q.bind(*id);
        }
        let found = q.fetch_all(&mut *tx).await?;
        if found.len() != chunk.len() {
            return Err(AppError::NotFound);
        }
        if found.iter().any(|(_, published)| published.is_some()) {
            return Err(AppError::Conflict("意见采纳情况说明已经发布，答复不能再修改".into()));
        }
        if found.iter().any(|(status, _)| status == "pending") {
            return Err(AppError::Conflict("请先审核该意见，再答复".into()));
        }
        if found.iter().any(|(status, _)| status == "rejected") {
            return Err(AppError::Conflict("未予公开的意见不需答复".into()));
        }
        // Those whose answer changes: recorded (old → new), marked for search, then changed.
        let differs = "NOT (COALESCE(disposition, '') = $1 AND COALESCE(disposition_reason, '') = COALESCE($2, ''))";
        let record = format!(
            "INSERT INTO disposition_changes
                 (comment_id, changed_by, changed_at, old_disposition, old_reason, new_disposition, new_reason)
             SELECT id, $3, $4, disposition, disposition_reason, $1, $2 FROM comments
             WHERE {differs} AND id IN ({})",
            placeholders_from(5, chunk.len())
        );
        let mut q = sqlx::query(&record).bind(disposition.as_str()).bind(reason).bind(staff.id).bind(now);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
        let list = placeholders_from(4, chunk.len());
        let mark = format!(
            "INSERT INTO search_changes (entity, entity_id, created_at)
             SELECT 'comment', id, $3 FROM comments WHERE {differs} AND id IN ({list})"
        );
        let change = format!(
            "UPDATE comments SET disposition = $1, disposition_reason = $2, disposed_at = $3
             WHERE {differs} AND id IN ({list})"
        );
        for (i, sql) in [mark, change].iter().enumerate() {
            let mut q = sqlx::query(sql).bind(disposition.as_str()).bind(reason).bind(now);
            for id in chunk {
                q = q.bind(*id);
            }
            let done = q.execute(&mut *tx).await?.rows_affected();
            // The last statement is the change itself.
            if i == 1 {
                changed += done;
            }
        }
    }
    tx.commit().await?;
    tracing::info!(comments = ids.len(), changed, disposition = disposition.as_str(), "comments answered");
    Ok(changed)
}
