//! Filing for review (备案审查): a registered document is filed by its issuing body with the
//! reviewing office within a period of its publication; the office (staff granted `legal_affairs`,
//! never of the issuing body) records the outcome — filed, or correction required with reasons —
//! within a period of the filing. Both periods come from configuration and are counted on the
//! holiday calendar (`crate::deadlines`). The outcome, the dates and the filing report are public.

use super::{DocFiling, FilingEntry, FilingOutcome, FilingQueue, FilingRound};
use crate::accounts::CurrentUser;
use crate::clock::{self, Date};
use crate::deadlines::{Calendar, Period};
use crate::error::{AppError, AppResult};
use crate::grants::Grant;
use sqlx::{AnyConnection, AnyPool};

/// Longest filing report and longest reasons (characters).
pub const MAX_TEXT: usize = 2_000;

/// The statuses in which a document binds (and so is filed and reviewed).
const BINDING: &str = super::DocStatus::BINDING;

/// Earlier rounds shown on a document's page.
pub const ROUNDS_SHOWN: i64 = 20;

/// Documents on one page of the reviewing office's list.
pub const PER_PAGE: i64 = 50;

/// The clock a registration and its filing run on: the holiday calendar, the two configured
/// periods of filing, and the configured validity.
pub struct FilingClock {
    pub cal: Calendar,
    /// From publication to filing.
    pub file_within: Period,
    /// From filing to the outcome.
    pub review_within: Period,
    /// How long a document registered now is valid by default, and at most.
    pub validity: crate::deadlines::Validity,
}

/// Open a just-registered document's filing (in its registration's transaction): due a period
/// after its publication.
pub async fn opened(conn: &mut AnyConnection, document: i64, published: Date, clock: &FilingClock) -> AppResult<()> {
    let file_by = clock.file_within.due(&clock.cal, published);
    sqlx::query("INSERT INTO document_filings (document_id, file_by) VALUES ($1, $2)")
        .bind(document)
        .bind(file_by.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The issuing body files one of its documents, with its filing report; again after a correction
/// was required. Another body's document is not found.
pub async fn file(
    db: &AnyPool,
    staff: &CurrentUser,
    document: i64,
    report: &str,
    clock: &FilingClock,
) -> AppResult<()> {
    let agency = staff.staff_agency()?;
    let report = crate::text::published("report", report, "备案报告（制定情况说明）", MAX_TEXT, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT d.status, f.filed_at, f.outcome FROM normative_documents d
         JOIN document_filings f ON f.document_id = d.id WHERE d.id = $1 AND d.agency_id = $2",
    )
    .bind(document)
    .bind(agency)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, filed_at, outcome) = row.ok_or(AppError::NotFound)?;
    if !super::DocStatus::parse(&status).is_some_and(|s| s.binding()) {
        return Err(AppError::Conflict("文件已不再有效，无须报送备案".into()));
    }
    match (filed_at, outcome.as_deref()) {
        (None, _) | (Some(_), Some("correction")) => {}
        (Some(_), None) => return Err(AppError::Conflict("已报送备案，正在审查".into())),
        (Some(_), Some(_)) => return Err(AppError::Conflict("已准予备案".into())),
    }
    if outcome.is_some() {
        // Filed again after a correction: the round before stays on the public record.
        sqlx::query(
            "INSERT INTO document_filing_rounds (document_id, filed_at, report, reviewed_at, outcome, reasons)
             SELECT document_id, filed_at, report, reviewed_at, outcome, reasons FROM document_filings
             WHERE document_id = $1 AND outcome = 'correction'",
        )
        .bind(document)
        .execute(&mut *tx)
        .await?;
    }
    let review_by = clock.review_within.due(&clock.cal, clock::today());
    // Only from the state read: two staff filing at once file once.
    let moved = sqlx::query(
        "UPDATE document_filings SET filed_at = $1, filed_by = $2, report = $3, review_by = $4,
                reviewed_at = NULL, reviewed_by = NULL, outcome = NULL, reasons = NULL, review_reminded = 0
         WHERE document_id = $5 AND (filed_at IS NULL OR outcome = 'correction')",
    )
    .bind(clock::now())
    .bind(staff.id)
    .bind(&report)
    .bind(review_by.to_string())
    .bind(document)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict("已报送备案，正在审查".into()));
    }
    tx.commit().await?;
    tracing::info!(document, "document filed for review");
    Ok(())
}

/// Whether `user` reviews filings (holds the power) and may review `agency`'s: never their own.
async fn reviewer(conn: &mut AnyConnection, user: &CurrentUser) -> AppResult<i64> {
    let agency = user.staff_agency()?;
    let held: Option<String> =
        sqlx::query_scalar("SELECT grant_name FROM user_grants WHERE user_id = $1 AND grant_name = $2")
            .bind(user.id)
            .bind(Grant::LegalAffairs.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    held.map(|_| agency).ok_or(AppError::Forbidden)
}

/// Whether the viewer may record the review of `document` (for the page to offer the form).
pub async fn may_review(db: &AnyPool, user: &CurrentUser, document: i64) -> AppResult<bool> {
    let mut conn = db.acquire().await?;
    let Ok(agency) = reviewer(&mut conn, user).await else { return Ok(false) };
    let issuer: Option<i64> =
        sqlx::query_scalar(&format!("SELECT agency_id FROM normative_documents WHERE id = $1 AND status IN {BINDING}"))
            .bind(document)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(issuer.is_some_and(|a| a != agency))
}

/// The reviewing office records the outcome of a filed document; the issuing body's staff are told.
pub async fn review(db: &AnyPool, user: &CurrentUser, document: i64, outcome: &str, reasons: &str) -> AppResult<()> {
    let outcome = FilingOutcome::parse(outcome).ok_or_else(|| AppError::field("outcome", "请选择审查结论"))?;
    let reasons = crate::text::published("reasons", reasons, "理由", MAX_TEXT, outcome == FilingOutcome::Correction)?;
    let mut tx = crate::db::begin_write(db).await?;
    let own = reviewer(&mut tx, user).await?;
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT agency_id, number, title, status FROM normative_documents WHERE id = $1")
            .bind(document)
            .fetch_optional(&mut *tx)
            .await?;
    let (issuer, number, title, status) = row.ok_or(AppError::NotFound)?;
    if !super::DocStatus::parse(&status).is_some_and(|s| s.binding()) {
        return Err(AppError::Conflict("文件已不再有效，无须审查".into()));
    }
    if issuer == own {
        return Err(AppError::Conflict("本单位制定的文件由上一级机关审查，不能自行审查".into()));
    }
    let moved = sqlx::query(
        "UPDATE document_filings SET reviewed_at = $1, reviewed_by = $2, outcome = $3, reasons = $4
         WHERE document_id = $5 AND filed_at IS NOT NULL AND reviewed_at IS NULL",
    )
    .bind(clock::now())
    .bind(user.id)
    .bind(outcome.as_str())
    .bind((!reasons.is_empty()).then_some(reasons.as_str()))
    .bind(document)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict("该文件尚未报送备案，或已审查".into()));
    }
    let told = format!("备案审查结论：{number}《{title}》{}", outcome.label());
    crate::inbox::store::tell_agency(&mut tx, issuer, &told, &format!("/documents/{document}")).await?;
    tx.commit().await?;
    tracing::info!(document, outcome = outcome.as_str(), "filing reviewed");
    Ok(())
}

type Row = (String, Option<i64>, Option<String>, Option<String>, Option<i64>, Option<String>, Option<String>, String);

/// A document's filing, for its page. Nothing is late once the document no longer binds.
pub async fn of_document(db: &AnyPool, document: i64) -> AppResult<Option<DocFiling>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT f.file_by, f.filed_at, f.report, f.review_by, f.reviewed_at, f.outcome, f.reasons, d.status
         FROM document_filings f JOIN normative_documents d ON d.id = f.document_id WHERE f.document_id = $1",
    )
    .bind(document)
    .fetch_optional(db)
    .await?;
    let Some((file_by, filed_at, report, review_by, reviewed_at, outcome, reasons, status)) = row else {
        return Ok(None);
    };
    let binding = super::DocStatus::parse(&status).is_some_and(|s| s.binding());
    let outcome =
        outcome.map(|o| AppError::stored(FilingOutcome::parse(&o), "document_filings.outcome", &o)).transpose()?;
    let day = |t: Option<i64>| t.map(|t| clock::date_of(t).to_string());
    let (filed_on, reviewed_on) = (day(filed_at), day(reviewed_at));
    let today = clock::today().to_string();
    let late = |done: &Option<String>, due: &str| match done {
        Some(on) => on.as_str() > due,
        None => binding && today.as_str() > due,
    };
    let filed_late = late(&filed_on, &file_by);
    let reviewed_late = review_by.as_deref().is_some_and(|due| late(&reviewed_on, due));
    let rounds: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT filed_at, reviewed_at, reasons FROM document_filing_rounds WHERE document_id = $1
         ORDER BY filed_at LIMIT $2",
    )
    .bind(document)
    .bind(ROUNDS_SHOWN)
    .fetch_all(db)
    .await?;
    let earlier = rounds
        .into_iter()
        .map(|(filed, reviewed, reasons)| FilingRound {
            filed_on: clock::date_of(filed).to_string(),
            reviewed_on: clock::date_of(reviewed).to_string(),
            reasons: reasons.unwrap_or_default(),
        })
        .collect();
    Ok(Some(DocFiling {
        file_by,
        filed_on,
        report,
        review_by,
        reviewed_on,
        outcome,
        reasons,
        filed_late,
        reviewed_late,
        earlier,
    }))
}

/// The reviewing office's list, one page: filed documents awaiting review (the earliest due
/// first), or binding documents not yet filed (likewise). Only for those who review filings.
pub async fn queue(db: &AnyPool, user: &CurrentUser, unfiled: bool, page: Option<u32>) -> AppResult<FilingQueue> {
    let requested = crate::paging::check(page)?;
    let mut conn = db.acquire().await?;
    reviewer(&mut conn, user).await?;
    let (which, due) = match unfiled {
        true => ("f.filed_at IS NULL", "f.file_by"),
        false => ("f.filed_at IS NOT NULL AND f.reviewed_at IS NULL", "f.review_by"),
    };
    let from = format!(
        "FROM document_filings f JOIN normative_documents d ON d.id = f.document_id JOIN agencies a ON a.id = d.agency_id
         WHERE {which} AND d.status IN {BINDING}"
    );
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {from}")).fetch_one(&mut *conn).await?;
    let (page, pages, offset) = crate::paging::place(total, requested, PER_PAGE);
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT d.id, d.number, d.title, a.name, {due} {from} ORDER BY {due}, d.id LIMIT $1 OFFSET $2"
    ))
    .bind(PER_PAGE)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let today = clock::today().to_string();
    let entries = rows
        .into_iter()
        .map(|(id, number, title, agency_name, due)| FilingEntry {
            late: today > due,
            id,
            number,
            title,
            agency_name,
            due,
        })
        .collect();
    Ok(FilingQueue { unfiled, entries, total, page, pages })
}
