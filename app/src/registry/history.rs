//! A document's versions and status changes, as its page shows the latest of them and as the API
//! pages through every one (oldest first), so that none is out of reach however long its life.
use super::{DocLink, DocStatus, DocVersion, HistoryPage, StatusChange, VersionPage};
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// Versions on one page of the API (each may be a whole text of up to 200,000 characters).
pub const VERSIONS_PER_PAGE: i64 = 5;
/// Status changes on one page of the API.
pub const CHANGES_PER_PAGE: i64 = 100;

pub(super) fn link(id: Option<i64>, number: Option<String>, title: Option<String>) -> Option<DocLink> {
    Some(DocLink { id: id?, number: number?, title: title? })
}

/// Which rows: the latest `n` (shown oldest first), or the rows from `offset` in order.
#[derive(Clone, Copy)]
pub(super) enum Rows {
    Latest(i64),
    From { offset: i64, limit: i64 },
}

impl Rows {
    fn order_and_window(self) -> (&'static str, i64, i64) {
        match self {
            Rows::Latest(n) => ("DESC", n, 0),
            Rows::From { offset, limit } => ("ASC", limit, offset),
        }
    }
}

/// Document `id`'s versions (oldest first within the rows asked for), each with what amended it.
pub(super) async fn versions(db: &AnyPool, id: i64, rows: Rows) -> AppResult<Vec<DocVersion>> {
    let (order, limit, offset) = rows.order_and_window();
    // The linked documents come with each row (one join), not one query per version.
    type VersionRow = (i64, String, i64, Option<i64>, Option<String>, Option<String>);
    let mut found: Vec<VersionRow> = sqlx::query_as(&format!(
        "SELECT v.version, v.full_text, v.effective_on, l.id, l.number, l.title FROM document_versions v
         LEFT JOIN normative_documents l ON l.id = v.amended_by
         WHERE v.document_id = $1 ORDER BY v.version {order} LIMIT $2 OFFSET $3"
    ))
    .bind(id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    if matches!(rows, Rows::Latest(_)) {
        found.reverse();
    }
    Ok(found
        .into_iter()
        .map(|(version, full_text, effective_on, l, number, title)| DocVersion {
            version,
            full_text,
            effective_on,
            amended_by: link(l, number, title),
        })
        .collect())
}

/// Document `id`'s status changes (oldest first within the rows asked for).
pub(super) async fn changes(db: &AnyPool, id: i64, rows: Rows) -> AppResult<Vec<StatusChange>> {
    let (order, limit, offset) = rows.order_and_window();
    type StatusRow = (String, i64, String, Option<i64>, Option<i64>, Option<String>, Option<String>, Option<String>);
    let mut found: Vec<StatusRow> = sqlx::query_as(&format!(
        "SELECT s.status, s.on_date, s.reason, s.recorded_by, l.id, l.number, l.title, o.received_on
         FROM document_statuses s
         LEFT JOIN normative_documents l ON l.id = s.related_document
         LEFT JOIN document_objections o ON o.id = s.objection_id
         WHERE s.document_id = $1 ORDER BY s.id {order} LIMIT $2 OFFSET $3"
    ))
    .bind(id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    if matches!(rows, Rows::Latest(_)) {
        found.reverse();
    }
    found
        .into_iter()
        .map(|(status, on_date, reason, by, l, number, title, objection)| {
            Ok(StatusChange {
                status: AppError::stored(DocStatus::parse(&status), "document_statuses.status", &status)?,
                on_date,
                reason,
                related: link(l, number, title),
                by_clock: by.is_none(),
                objection_received_on: objection,
            })
        })
        .collect()
}

/// How many rows of `table` document `id` has; not found when there is no such document.
async fn count(db: &AnyPool, id: i64, table: &str) -> AppResult<i64> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM normative_documents WHERE id = $1").bind(id).fetch_optional(db).await?;
    exists.ok_or(AppError::NotFound)?;
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE document_id = $1"))
        .bind(id)
        .fetch_one(db)
        .await?)
}

/// One page of document `id`'s versions, oldest first.
pub async fn versions_page(db: &AnyPool, id: i64, page: Option<u32>) -> AppResult<VersionPage> {
    let requested = crate::paging::check(page)?;
    let total = count(db, id, "document_versions").await?;
    let (page, pages, offset) = crate::paging::place(total, requested, VERSIONS_PER_PAGE);
    let versions = versions(db, id, Rows::From { offset, limit: VERSIONS_PER_PAGE }).await?;
    Ok(VersionPage { versions, total, page, pages })
}

/// One page of document `id`'s status changes, oldest first.
pub async fn history_page(db: &AnyPool, id: i64, page: Option<u32>) -> AppResult<HistoryPage> {
    let requested = crate::paging::check(page)?;
    let total = count(db, id, "document_statuses").await?;
    let (page, pages, offset) = crate::paging::place(total, requested, CHANGES_PER_PAGE);
    let history = changes(db, id, Rows::From { offset, limit: CHANGES_PER_PAGE }).await?;
    Ok(HistoryPage { history, total, page, pages })
}
