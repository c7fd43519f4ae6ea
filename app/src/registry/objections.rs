//! Objection reviews (异议审查) as the registry sees them: the registered document an application
//! names, and what the public may know of each review on that document's page — when it was
//! received, accepted and due, its decision and its public answer. The case itself (the applicant,
//! their reasons, every step, its number) stays with the cases; nothing here names the applicant.
//! A review is public once the issuing body accepts it (or it ends without an answer): filings
//! alone cannot crowd the answered ones off the page.
use super::{number, DocStatus, ObjectionReview};
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};
use unicode_normalization::UnicodeNormalization;

pub use super::terms::SHOWN;

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
    let number = number::normalise(typed);
    if id.is_some() && !typed.trim().is_empty() {
        // Both given: they must name the same document, or the filer is asked which.
        let by_number: Option<i64> = match &number {
            Some(n) => {
                sqlx::query_scalar("SELECT id FROM normative_documents WHERE number = $1")
                    .bind(n)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        };
        if by_number != id {
            return Err(AppError::field("document_number", "文件和文号不一致，请只填写其中一项"));
        }
    }
    let row: Option<(i64, i64, String, String, String)> = match (id, number) {
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

/// The issuing body accepted the application: from now on the public sees it.
pub async fn accepted(conn: &mut AnyConnection, case: i64) -> AppResult<()> {
    sqlx::query("UPDATE document_objections SET accepted_on = $1 WHERE case_id = $2 AND accepted_on IS NULL")
        .bind(clock::today().to_string())
        .bind(case)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The application ended without an answer (`why`, e.g. 不予受理): shown so, never as late.
pub async fn ended(conn: &mut AnyConnection, case: i64, why: &str) -> AppResult<()> {
    sqlx::query("UPDATE document_objections SET ended = $1 WHERE case_id = $2 AND answered_at IS NULL")
        .bind(why)
        .bind(case)
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

/// What identifies an applicant, which a public answer must not repeat.
pub struct Applicant<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
}

/// Text folded for comparison: NFKC (full-width letters and digits are the plain ones), only
/// letters and digits kept (no spaces, punctuation or invisible marks), lower case.
fn folded(s: &str) -> String {
    s.nfkc().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The digits of a text, in order (NFKC: full-width digits count).
fn digits(s: &str) -> String {
    s.nfkc().filter(char::is_ascii_digit).collect()
}

/// Whether `answer` repeats what identifies the applicant: the name (two characters or more), the
/// phone's digits (seven or more, however grouped), the e-mail address or its name part, or the
/// address (six characters or more: a city name alone identifies nobody). Spaces, punctuation,
/// invisible marks and full-width forms do not hide them.
pub fn repeats(answer: &str, who: &Applicant) -> bool {
    let text = folded(answer);
    let found = |part: String, least: usize| part.chars().count() >= least && text.contains(&part);
    let phone = digits(who.phone);
    let local = who.email.split('@').next().unwrap_or("");
    found(folded(who.name), 2)
        || (phone.len() >= 7 && digits(answer).contains(&phone))
        || found(folded(who.email), 6)
        || found(folded(local), 5)
        || found(folded(who.address), 6)
}

/// A public answer as typed, once it is sure not to repeat what identifies the applicant.
fn checked_answer(answer: &str, who: &Applicant<'_>) -> AppResult<String> {
    let answer = crate::text::published("public_answer", answer, "公开答复", MAX_ANSWER, false)?;
    if answer.is_empty() {
        return Err(AppError::field("public_answer", "请填写公开答复：将在文件页面公布，不含申请人的任何信息"));
    }
    if repeats(&answer, who) {
        return Err(AppError::field(
            "public_answer",
            "公开答复中出现了与申请人的姓名、电话、电子邮箱或地址相同的文字，请删去或改写后再出具（公开答复将在文件页面公布）",
        ));
    }
    Ok(answer)
}

/// The case, the document and the issuing body of an answered review (by its key), for the issuing
/// body to correct its public answer.
pub async fn answered_review(conn: &mut AnyConnection, key: i64) -> AppResult<(i64, i64, i64)> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT o.case_id, o.document_id, d.agency_id FROM document_objections o
         JOIN normative_documents d ON d.id = o.document_id WHERE o.id = $1 AND o.answered_at IS NOT NULL",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or(AppError::NotFound)
}

/// Replace a published answer with a corrected one (checked like the first), saying why.
pub async fn corrected(
    conn: &mut AnyConnection,
    key: i64,
    answer: &str,
    reason: &str,
    who: &Applicant<'_>,
) -> AppResult<()> {
    let reason = crate::text::published("reason", reason, "更正理由", 500, true);
    let answer = checked_answer(answer, who);
    let (answer, reason) = match (answer, reason) {
        (Ok(a), Ok(r)) => (a, r),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(r))) => {
            a.extend(r);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    sqlx::query(
        "UPDATE document_objections SET public_answer = $1, corrected_at = $2, correction_reason = $3 WHERE id = $4",
    )
    .bind(answer)
    .bind(clock::now())
    .bind(reason)
    .bind(key)
    .execute(&mut *conn)
    .await?;
    searchable_again(conn, "id", key).await
}

/// The document's search entries are rebuilt with the review's public answer (by `column`:
/// the review's `id` or its `case_id`).
async fn searchable_again(conn: &mut AnyConnection, column: &str, value: i64) -> AppResult<()> {
    let document: Option<i64> =
        sqlx::query_scalar(&format!("SELECT document_id FROM document_objections WHERE {column} = $1"))
            .bind(value)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(document) = document {
        crate::changes::record_change(conn, "document", document).await?;
    }
    Ok(())
}

/// The issuing body's answer, as the public sees it (in the decision's transaction). An answer
/// that repeats what identifies the applicant (see [`repeats`]) is refused, not published.
pub async fn answered(
    conn: &mut AnyConnection,
    case: i64,
    (decision, label): (&str, &str),
    answer: &str,
    who: &Applicant<'_>,
) -> AppResult<()> {
    let answer = checked_answer(answer, who)?;
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
    searchable_again(conn, "case_id", case).await
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

fn review(
    (key, received_on, due_on, accepted_on, ended, answered_at, label, answer, corrected_at, correction_reason): Row,
) -> ObjectionReview {
    let answered_on = answered_at.map(|t| clock::date_of(t).to_string());
    let late = match (&answered_on, &ended) {
        (Some(on), _) => on.as_str() > due_on.as_str(),
        (None, Some(_)) => false,
        (None, None) => clock::today().to_string() > due_on,
    };
    ObjectionReview {
        key,
        received_on,
        due_on,
        accepted_on,
        ended,
        answered_on,
        late,
        decision_label: label,
        public_answer: answer,
        corrected_on: corrected_at.map(|t| clock::date_of(t).to_string()),
        correction_reason,
    }
}

/// The public reviews of a document, newest first (at most [`SHOWN`]; answered ones first, so
/// no number of others hides them), and how many applications wait to be accepted.
pub async fn of_document(db: &AnyPool, document: i64) -> AppResult<(Vec<ObjectionReview>, i64)> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, received_on, due_on, accepted_on, ended, answered_at, decision_label, public_answer, corrected_at,
                correction_reason
         FROM document_objections
         WHERE document_id = $1 AND (accepted_on IS NOT NULL OR ended IS NOT NULL OR answered_at IS NOT NULL)
         ORDER BY CASE WHEN answered_at IS NULL THEN 1 ELSE 0 END, id DESC LIMIT $2",
    )
    .bind(document)
    .bind(SHOWN)
    .fetch_all(db)
    .await?;
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM document_objections
         WHERE document_id = $1 AND accepted_on IS NULL AND ended IS NULL AND answered_at IS NULL",
    )
    .bind(document)
    .fetch_one(db)
    .await?;
    Ok((rows.into_iter().map(review).collect(), waiting))
}

/// Mark the status change just recorded for `document` as made because of its answered
/// objection review `key` (as the document's page lists it); only an amendment or a repeal can be.
pub async fn because_of(conn: &mut AnyConnection, document: i64, to: DocStatus, key: i64) -> AppResult<()> {
    if !matches!(to, DocStatus::Amended | DocStatus::Repealed) {
        return Err(AppError::field("objection", "只有修改或废止可以注明是因异议审查申请作出的"));
    }
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM document_objections WHERE id = $1 AND document_id = $2 AND answered_at IS NOT NULL",
    )
    .bind(key)
    .bind(document)
    .fetch_optional(&mut *conn)
    .await?;
    let review = found.ok_or_else(|| AppError::field("objection", "只能选择本文件已答复的异议审查申请"))?;
    sqlx::query(
        "UPDATE document_statuses SET objection_id = $1
         WHERE id = (SELECT MAX(id) FROM document_statuses WHERE document_id = $2)",
    )
    .bind(review)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn zhao() -> Applicant<'static> {
        Applicant {
            name: "赵六",
            phone: "139-1234-5678",
            email: "Zhao.Liu@example.com",
            address: "长沙市岳麓区麓山路1号",
        }
    }

    #[test]
    fn an_answer_repeating_the_applicant_is_caught_however_it_is_written() {
        for leak in [
            "经审查，申请人赵\u{200b}六提出的意见成立。",
            "赵\u{00ad}六、赵\u{2060}六、赵·六",
            "请回拨13912345678。",
            "电话１３９１２３４５６７８",
            "电话139 1234 5678",
            "已函复zhao.liu＠example.com",
            "已函复 ZHAOLIU",
            "寄往长沙市岳麓区麓山路１号",
        ] {
            assert!(repeats(leak, &zhao()), "{leak}");
        }
    }

    #[test]
    fn an_answer_naming_the_city_or_the_document_is_not_taken_for_the_applicant() {
        let careless = Applicant { name: "赵六", phone: "", email: "", address: "长沙市" };
        for fine in ["根据《长沙市规范性文件管理规定》，该文件合法。", "第三条将予修改，修改决定于2026年12月公布。"]
        {
            assert!(!repeats(fine, &careless), "{fine}");
        }
    }
}
