//! Clean-ups in the database: published all or none by the agency, read by anyone.
use super::cleanup::{Candidate, CleanupDetail, CleanupItem, CleanupPage, CleanupSummary, Decision};
use super::{DocLink, DocStatus, PER_PAGE};
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult, FieldError};
use sqlx::AnyPool;

/// Most documents one clean-up decides on.
pub const MAX_ITEMS: usize = 500;

/// One decision as the agency typed it.
#[derive(Debug, Clone)]
pub struct Typed {
    pub document: i64,
    pub decision: String,
    pub reason: String,
}

/// Publish a clean-up of the staff member's agency: every decision applied, or none. Any of the
/// agency's binding documents may be decided on, whether or not it was put to the clean-up
/// beforehand: kept, it stays (or is binding again); to be amended, it stays under clean-up until
/// the amendment is registered; repealed or declared expired, it is at once. Returns its id.
pub async fn publish(db: &AnyPool, staff: &CurrentUser, title: &str, typed: &[Typed]) -> AppResult<i64> {
    let agency = staff.staff_agency()?;
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "请填写清理结果的标题（200字以内）"));
    }
    if typed.is_empty() {
        errors.push(FieldError::new("form", "请至少对一件文件作出清理结论"));
    }
    if typed.len() > MAX_ITEMS {
        errors.push(FieldError::new("form", "一次清理最多500件文件"));
    }
    let mut decided = Vec::with_capacity(typed.len());
    for t in typed {
        let reason = t.reason.trim();
        if reason.is_empty() || reason.chars().count() > super::store::MAX_REASON {
            errors.push(FieldError::new(&format!("reason_{}", t.document), "请说明理由（2000字以内）"));
        }
        match Decision::parse(&t.decision) {
            Some(d) => decided.push((t.document, d, reason.to_string())),
            None => errors.push(FieldError::new(&format!("decision_{}", t.document), "请选择清理结论")),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = clock::now();
    let today = clock::start_of_day(clock::today());
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO document_cleanups (agency_id, title, published_by, published_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(agency)
    .bind(title)
    .bind(staff.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (document, decision, reason) in &decided {
        // The agency's own, still binding: anything else is refused, and nothing is published.
        let status: Option<String> = sqlx::query_scalar(&format!(
            "SELECT status FROM normative_documents WHERE id = $1 AND agency_id = $2 AND status IN {}",
            super::DocStatus::BINDING
        ))
        .bind(document)
        .bind(agency)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(from) = status.as_deref().and_then(DocStatus::parse) else {
            return Err(AppError::Conflict(
                "所选文件中有的不是本单位现行有效的文件（可能刚被变更），清理结果未发布；请刷新页面后重新选择".into(),
            ));
        };
        let added = sqlx::query(
            "INSERT INTO document_cleanup_items (cleanup_id, document_id, decision, reason) VALUES ($1, $2, $3, $4)
             ON CONFLICT (cleanup_id, document_id) DO NOTHING",
        )
        .bind(id)
        .bind(document)
        .bind(decision.as_str())
        .bind(reason)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            continue;
        }
        let to = match (decision, from) {
            // Kept while not under clean-up, or to be amended while it is: it stays as it is.
            (Decision::Keep, DocStatus::InForce | DocStatus::Amended) | (Decision::Amend, DocStatus::ToCleanUp) => None,
            // To be amended: under clean-up until the amendment is registered.
            (Decision::Amend, _) => Some(DocStatus::ToCleanUp),
            (d, _) => match d.status() {
                Some(to) => Some(super::store::kept(&mut tx, *document, to).await?),
                None => None,
            },
        };
        if let Some(to) = to {
            let why = format!("清理（{title}）：{reason}");
            if !super::store::set_status(&mut tx, *document, (from, to), today, &why, Some(staff.id)).await? {
                return Err(AppError::Conflict("文件状态刚被变更，清理结果未发布，请刷新页面后重试".into()));
            }
        }
    }
    crate::changes::record_change(&mut tx, "cleanup", id).await?;
    tx.commit().await?;
    tracing::info!(cleanup = id, agency, documents = decided.len(), "clean-up published");
    Ok(id)
}

type SummaryRow = (i64, String, String, i64, i64);

const SUMMARY: &str = "SELECT k.id, k.title, a.name, k.published_at,
    (SELECT COUNT(*) FROM document_cleanup_items i WHERE i.cleanup_id = k.id)
    FROM document_cleanups k JOIN agencies a ON a.id = k.agency_id";

fn summary((id, title, agency_name, published_at, documents): SummaryRow) -> CleanupSummary {
    CleanupSummary { id, title, agency_name, published_at, documents }
}

/// A page of published clean-ups, newest first.
pub async fn list(db: &AnyPool, page: Option<u32>) -> AppResult<CleanupPage> {
    let page = crate::paging::check(page)?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_cleanups").fetch_one(db).await?;
    let (page, pages, offset) = crate::paging::place(total, page, PER_PAGE);
    let rows: Vec<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY} ORDER BY k.published_at DESC, k.id DESC LIMIT $1 OFFSET $2"))
            .bind(PER_PAGE)
            .bind(offset)
            .fetch_all(db)
            .await?;
    Ok(CleanupPage { cleanups: rows.into_iter().map(summary).collect(), page, pages })
}

/// One published clean-up with its decisions, in the order of the documents' numbers.
pub async fn detail(db: &AnyPool, id: i64) -> AppResult<CleanupDetail> {
    let row: Option<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY} WHERE k.id = $1")).bind(id).fetch_optional(db).await?;
    let summary = summary(row.ok_or(AppError::NotFound)?);
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT d.id, d.number, d.title, i.decision, i.reason FROM document_cleanup_items i
         JOIN normative_documents d ON d.id = i.document_id WHERE i.cleanup_id = $1
         ORDER BY d.year, d.seq, d.id LIMIT 1000",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for (doc, number, title, decision, reason) in rows {
        let decision = AppError::stored(Decision::parse(&decision), "document_cleanup_items.decision", &decision)?;
        items.push(CleanupItem { document: DocLink { id: doc, number, title }, decision, reason });
    }
    Ok(CleanupDetail { summary, items })
}

/// The staff member's agency's documents under clean-up (at most 500), by number.
pub async fn candidates(db: &AnyPool, staff: &CurrentUser) -> AppResult<Vec<Candidate>> {
    let agency = staff.staff_agency()?;
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(&format!(
        "SELECT id, number, title, status FROM normative_documents WHERE agency_id = $1 AND status IN {}
         ORDER BY CASE WHEN status = 'to_clean_up' THEN 0 ELSE 1 END, year, seq, id LIMIT 500",
        super::DocStatus::BINDING
    ))
    .bind(agency)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(id, number, title, status)| {
            let status = AppError::stored(DocStatus::parse(&status), "document status", &status)?;
            Ok(Candidate { document: DocLink { id, number, title }, status })
        })
        .collect()
}
