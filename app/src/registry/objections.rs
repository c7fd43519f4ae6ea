//! Objection reviews (异议审查) as the registry sees them: the registered document an application
//! names, and what the public may know of each review on that document's page — when it was
//! received, when the issuing body must answer, its decision and its public answer. The case
//! itself (the applicant, their reasons, every step) stays with the cases; nothing here names the
//! applicant.
use super::{number, DocStatus, ObjectionReview};
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// Reviews shown on a document's page, newest first.
pub const SHOWN: i64 = 100;

/// Longest public answer (characters).
pub const MAX_ANSWER: usize = 5_000;

/// The document an application is against.
#[derive(Debug, Clone)]
pub struct Named {
    pub id: i64,
    pub agency_id: i64,
    pub title: String,
    pub number: String,
}

/// The registered document an application names: by id (the form reached from the document's
/// page) or by its number, however its brackets were typed. Only a document that still binds can
/// be objected to.
pub async fn named(conn: &mut AnyConnection, id: Option<i64>, typed: &str) -> AppResult<Named> {
    let not_found = || {
        AppError::field(
            "document_number",
            "文件库中没有这个文号的规范性文件，请核对文号，或在文件库中找到该文件后从文件页面提出申请",
        )
    };
    let row: Option<(i64, i64, String, String, String)> = match (id, number::normalise(typed)) {
        (Some(id), _) => {
            sqlx::query_as("SELECT id, agency_id, title, number, status FROM normative_documents WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        (None, Some(n)) => {
            sqlx::query_as("SELECT id, agency_id, title, number, status FROM normative_documents WHERE number = $1")
                .bind(n)
                .fetch_optional(&mut *conn)
                .await?
        }
        (None, None) if typed.trim().is_empty() => {
            return Err(AppError::field("document_number", "请填写规范性文件的文号（如：长政发〔2026〕12号）"))
        }
        (None, None) => return Err(not_found()),
    };
    let (id, agency_id, title, number, status) = row.ok_or_else(not_found)?;
    let status = AppError::stored(DocStatus::parse(&status), "normative_documents.status", &status)?;
    if !status.binding() {
        return Err(AppError::field(
            "document_number",
            &format!("《{title}》（{number}）{}，不再适用，不能对其提出异议审查申请", status.label()),
        ));
    }
    Ok(Named { id, agency_id, title, number })
}

/// Note a received application against `document` (in the filing's transaction), with the date
/// the issuing body must answer by.
pub async fn received(conn: &mut AnyConnection, case: i64, document: i64, on: Date, due: Date) -> AppResult<()> {
    sqlx::query("UPDATE cases SET document_id = $1 WHERE id = $2")
        .bind(document)
        .bind(case)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO document_objections (case_id, document_id, received_on, due_on) VALUES ($1, $2, $3, $4)")
        .bind(case)
        .bind(document)
        .bind(on.to_string())
        .bind(due.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the case is an application against a registered document (its answer is then public).
pub async fn is_against_a_document(conn: &mut AnyConnection, case: i64) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT case_id FROM document_objections WHERE case_id = $1")
        .bind(case)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// The issuing body's answer, as the public sees it (in the decision's transaction). `private`
/// holds what identifies the applicant (name, phone, e-mail, address): an answer that repeats any
/// of it is refused, not published.
pub async fn answered(
    conn: &mut AnyConnection,
    case: i64,
    (decision, label): (&str, &str),
    answer: &str,
    private: &[&str],
) -> AppResult<()> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(AppError::field("public_answer", "请填写公开答复：将在文件页面公布，不含申请人的任何信息"));
    }
    if answer.chars().count() > MAX_ANSWER {
        return Err(AppError::field("public_answer", &format!("公开答复不能超过{MAX_ANSWER}字")));
    }
    if answer.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(AppError::field("public_answer", "公开答复含有无法显示的控制字符"));
    }
    let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let plain = squeezed(answer);
    if private.iter().map(|p| squeezed(p)).any(|p| p.chars().count() >= 2 && plain.contains(&p)) {
        return Err(AppError::field(
            "public_answer",
            "公开答复中出现了申请人的姓名、电话、电子邮箱或地址，请删去后再出具（公开答复将在文件页面公布）",
        ));
    }
    sqlx::query(
        "UPDATE document_objections SET answered_at = $1, decision = $2, decision_label = $3, public_answer = $4
         WHERE case_id = $5",
    )
    .bind(clock::now())
    .bind(decision)
    .bind(label)
    .bind(answer)
    .bind(case)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

type Row = (i64, String, String, Option<i64>, Option<String>, Option<String>);

fn review((case, received_on, due_on, answered_at, label, answer): Row) -> ObjectionReview {
    let answered_on = answered_at.map(|t| clock::date_of(t).to_string());
    let late = match &answered_on {
        Some(on) => on.as_str() > due_on.as_str(),
        None => clock::today().to_string() > due_on,
    };
    ObjectionReview { key: case, received_on, due_on, answered_on, late, decision_label: label, public_answer: answer }
}

/// The reviews of a document, newest first (at most [`SHOWN`]).
pub async fn of_document(db: &AnyPool, document: i64) -> AppResult<Vec<ObjectionReview>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT case_id, received_on, due_on, answered_at, decision_label, public_answer FROM document_objections
         WHERE document_id = $1 ORDER BY case_id DESC LIMIT $2",
    )
    .bind(document)
    .bind(SHOWN)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(review).collect())
}

/// Mark the status change just recorded for `document` as made because of its answered
/// objection review `key` (as the document's page lists it); only an amendment or a repeal can be.
pub async fn because_of(conn: &mut AnyConnection, document: i64, to: DocStatus, key: i64) -> AppResult<()> {
    if !matches!(to, DocStatus::Amended | DocStatus::Repealed) {
        return Err(AppError::field("objection", "只有修改或废止可以注明是因异议审查申请作出的"));
    }
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT case_id FROM document_objections WHERE case_id = $1 AND document_id = $2 AND answered_at IS NOT NULL",
    )
    .bind(key)
    .bind(document)
    .fetch_optional(&mut *conn)
    .await?;
    let case = found.ok_or_else(|| AppError::field("objection", "只能选择本文件已答复的异议审查申请"))?;
    sqlx::query(
        "UPDATE document_statuses SET objection_case = $1
         WHERE id = (SELECT MAX(id) FROM document_statuses WHERE document_id = $2)",
    )
    .bind(case)
    .bind(document)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The body that issued the document an application is against (id, name), which handles it;
/// None when the case is not against a registered document.
pub async fn issuer(conn: &mut AnyConnection, case: i64) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.name FROM document_objections o JOIN normative_documents d ON d.id = o.document_id
         JOIN agencies a ON a.id = d.agency_id WHERE o.case_id = $1",
    )
    .bind(case)
    .fetch_optional(&mut *conn)
    .await?)
}
