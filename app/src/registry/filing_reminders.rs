//! Reminders of filing for review (备案, 备案审查): the issuing body's staff are told when a
//! document's filing is due within three days or overdue, and the reviewing office (holders of the
//! legal-affairs power, other than the issuing body's) when its review is; once each per round.
use crate::clock::{self, Date};
use crate::error::AppResult;
use crate::grants::Grant;
use sqlx::AnyPool;

/// Days before a due day that the reminder is given (as for a case's steps).
pub const DAYS_BEFORE: i64 = 3;

/// Most reminders of each kind given in one turn; the rest follow at the next.
const BATCH: i64 = 500;

/// Give the reminders due on `today`. Returns how many documents' reminders were given.
pub async fn remind(db: &AnyPool, today: Date) -> AppResult<u64> {
    let horizon = today.add_days(DAYS_BEFORE).to_string();
    let mut told = 0;
    // Filing: the issuing body's staff.
    let unfiled: Vec<(i64, i64, String, String, String)> = sqlx::query_as(&format!(
        "SELECT d.id, d.agency_id, d.number, d.title, f.file_by FROM document_filings f
         JOIN normative_documents d ON d.id = f.document_id
         WHERE f.filed_at IS NULL AND f.file_reminded = 0 AND f.file_by <= $1 AND d.status IN {}
         ORDER BY f.file_by, d.id LIMIT {BATCH}",
        super::DocStatus::BINDING
    ))
    .bind(&horizon)
    .fetch_all(db)
    .await?;
    for (id, agency, number, title, due) in unfiled {
        let message = format!("规范性文件应于{}前报送备案：{number}《{title}》", long(&due));
        let recipients = crate::inbox::store::AGENCY_STAFF_SQL;
        told +=
            tell(db, id, "file_reminded = 1", "filed_at IS NULL AND file_reminded = 0", &message, recipients, agency)
                .await?;
    }
    // Review: the reviewing office, not the issuing body's own staff.
    let waiting: Vec<(i64, i64, String, String, String)> = sqlx::query_as(&format!(
        "SELECT d.id, d.agency_id, d.number, d.title, f.review_by FROM document_filings f
         JOIN normative_documents d ON d.id = f.document_id
         WHERE f.filed_at IS NOT NULL AND f.reviewed_at IS NULL AND f.review_reminded = 0 AND f.review_by <= $1
           AND d.status IN {} ORDER BY f.review_by, d.id LIMIT {BATCH}",
        super::DocStatus::BINDING
    ))
    .bind(&horizon)
    .fetch_all(db)
    .await?;
    for (id, agency, number, title, due) in waiting {
        let message = format!("报送备案的规范性文件应于{}前完成审查：{number}《{title}》", long(&due));
        let recipients = format!(
            "SELECT u.id FROM users u JOIN user_grants g ON g.user_id = u.id AND g.grant_name = '{}'
             WHERE u.role = 'staff' AND u.disabled_at IS NULL AND u.agency_id <> $1",
            Grant::LegalAffairs.as_str()
        );
        let still = "filed_at IS NOT NULL AND reviewed_at IS NULL AND review_reminded = 0";
        told += tell(db, id, "review_reminded = 1", still, &message, &recipients, agency).await?;
    }
    if told > 0 {
        tracing::info!(told, "told of filings and reviews coming due");
    }
    Ok(told)
}

/// A stored due day ("2026-12-31") as a page writes it; as stored if unreadable.
fn long(day: &str) -> String {
    match clock::parse_date(day) {
        Some(d) => clock::long_date(d),
        None => day.to_string(),
    }
}

/// Mark document `id`'s filing (`set`, where `still` holds, so two nodes or a filing meanwhile do
/// not tell twice or wrongly) and tell `recipients` (a query of user ids given the issuing agency
/// as `$1`), in one transaction. Returns 1 when told.
async fn tell(
    db: &AnyPool,
    id: i64,
    set: &str,
    still: &str,
    message: &str,
    recipients: &str,
    agency: i64,
) -> AppResult<u64> {
    let mut tx = crate::db::begin_write(db).await?;
    let marked = sqlx::query(&format!("UPDATE document_filings SET {set} WHERE document_id = $1 AND {still}"))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if marked != 1 {
        return Ok(0);
    }
    sqlx::query(&format!(
        "INSERT INTO notifications (user_id, title, link, created_at) SELECT r.id, $2, $3, $4 FROM ({recipients}) r"
    ))
    .bind(agency)
    .bind(message)
    .bind(format!("/documents/{id}"))
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(1)
}
