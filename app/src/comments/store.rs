//! Comment storage: the window check, receipts, moderation in the agency's own scope.
use super::status::{AnswerStatus, Disposition};
use super::{CommentStatus, OwnComment, PublicComment, PublicPage, MAX_CHARS};
use crate::accounts::user::{CurrentUser, Role};
use crate::clock;
use crate::consultations::Status;
use crate::error::{AppError, AppResult};
use crate::paging::Cursor;
use sqlx::AnyPool;

/// Submit a comment; it is committed (by the process's writer, sharing a commit with whatever
/// else arrived meanwhile) before its receipt is returned, as the author's own comment: the row as
/// committed, built from what was written rather than read back.
pub async fn submit(
    db: &AnyPool,
    writer: &super::writer::Writer,
    author: Option<&CurrentUser>,
    consultation_id: i64,
    anchor: Option<&str>,
    body: &str,
) -> AppResult<OwnComment> {
    let anchor = anchor.filter(|a| !a.is_empty());
    // The consultation and the article named, in one statement (a submission is the busiest write).
    let row: Option<(i64, i64, i64, Option<i64>, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT c.opens_at, c.closes_at, c.allow_anonymous, c.withdrawn_at, c.title, ar.id, ar.label
         FROM consultations c LEFT JOIN articles ar ON ar.consultation_id = c.id AND ar.anchor = $2
         WHERE c.id = $1 AND c.published_at IS NOT NULL",
    )
    .bind(consultation_id)
    // No anchor is that long: such a one finds no article, like one that is not there.
    .bind(anchor.filter(|a| a.len() <= 64).unwrap_or(""))
    .fetch_optional(db)
    .await?;
    let (opens_at, closes_at, allow_anonymous, withdrawn_at, title, article_id, article_label) =
        row.ok_or(AppError::NotFound)?;
    match author {
        None if allow_anonymous == 0 => return Err(AppError::Unauthorized),
        Some(u) if u.role != Role::Citizen => return Err(AppError::Forbidden),
        _ => {}
    }
    let now = clock::now();
    if withdrawn_at.is_some() {
        return Err(AppError::Conflict("该征求意见已由起草单位撤回，不再接收意见".into()));
    }
    match Status::at(now, opens_at, closes_at) {
        Status::Upcoming => return Err(AppError::NotOpenYet),
        Status::Closed | Status::Withdrawn | Status::Draft => return Err(AppError::Closed),
        Status::Open => {}
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "请填写意见内容"));
    }
    if body.chars().count() > MAX_CHARS {
        return Err(AppError::field("body", &format!("意见内容不能超过{MAX_CHARS}字，当前{}字", body.chars().count())));
    }
    let article_id = match anchor {
        None => None,
        Some(_) => Some(article_id.ok_or_else(|| AppError::field("article", "所选条文不存在"))?),
    };
    let comment = super::writer::NewComment {
        consultation: consultation_id,
        article: article_id,
        author: author.map(|u| u.id),
        body: body.to_string(),
        at: now,
    };
    let receipt = writer.write(comment).await?;
    // Open for comments, so no adoption report is published: pending, unanswered.
    own(OwnRow {
        receipt,
        consultation_id,
        consultation_title: title,
        article_anchor: anchor.map(str::to_string),
        article_label,
        body: body.to_string(),
        status: "pending".into(),
        moderation_reason: None,
        created_at: now,
        author_id: author.map(|u| u.id),
        disposition: None,
        disposition_reason: None,
        report_published_at: None,
        unanswered_reason: None,
    })
}

/// Which published comments a list shows: all of a consultation's, those on the draft as a whole,
/// or one article's.
enum Scope {
    All,
    Whole,
    Article(i64),
}

impl Scope {
    /// The scope an anchor names (None: every article; "": the draft as a whole); an anchor that is
    /// no article of the consultation is not found.
    async fn of(db: &AnyPool, consultation_id: i64, anchor: Option<&str>) -> AppResult<Scope> {
        match anchor {
            None => Ok(Scope::All),
            Some("") => Ok(Scope::Whole),
            Some(a) if a.len() > 64 => Err(AppError::NotFound),
            Some(a) => {
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = $2")
                        .bind(consultation_id)
                        .bind(a)
                        .fetch_optional(db)
                        .await?;
                id.map(Scope::Article).ok_or(AppError::NotFound)
            }
        }
    }

    /// The condition for the scope's published comments (an index range in id order: see migration
    /// 0024), with the values it binds from `$1`.
    fn condition(&self, consultation_id: i64) -> (&'static str, Vec<i64>) {
        match self {
            Scope::All => ("m.consultation_id = $1 AND m.status = 'approved'", vec![consultation_id]),
            Scope::Whole => {
                ("m.consultation_id = $1 AND m.article_id IS NULL AND m.status = 'approved'", vec![consultation_id])
            }
            Scope::Article(a) => {
                ("m.consultation_id = $1 AND m.article_id = $2 AND m.status = 'approved'", vec![consultation_id, *a])
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct PublicRow {
    id: i64,
    article_anchor: Option<String>,
    article_label: Option<String>,
    body: String,
    created_at: i64,
}

/// One page of the published comments of a consultation, optionally of one article (anchor "" =
/// the draft as a whole; an unknown anchor is not found), in the order received, from `at`: a page
/// number, or the [`super::PUBLIC_PAGE`] comments after or before an id. Read through an index
/// from the cursor, so a page costs the same however many comments there are (a page number still
/// walks past the pages before it, at most [`crate::paging::MAX_PAGE`] of them).
pub async fn public(db: &AnyPool, consultation_id: i64, anchor: Option<&str>, at: Cursor) -> AppResult<PublicPage> {
    let at = at.checked()?;
    let scope = Scope::of(db, consultation_id, anchor).await?;
    let (condition, values) = scope.condition(consultation_id);
    let n = values.len() + 1;
    let size = super::PUBLIC_PAGE;
    let (range, descending, offset, from) = match at {
        Cursor::Page(p) => (String::new(), false, (i64::from(p) - 1) * size, None),
        Cursor::After(id) => (format!("AND m.id > ${n}"), false, 0, Some(id)),
        Cursor::Before(id) => (format!("AND m.id < ${n}"), true, 0, Some(id)),
    };
    let sql = format!(
        "SELECT m.id, ar.anchor AS article_anchor, ar.label AS article_label, m.body, m.created_at
         FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id
         WHERE {condition} {range} ORDER BY m.id {} LIMIT {} OFFSET {offset}",
        if descending { "DESC" } else { "ASC" },
        size + 1
    );
    let mut q = sqlx::query_as::<_, PublicRow>(&sql);
    for v in &values {
        q = q.bind(*v);
    }
    if let Some(from) = from {
        q = q.bind(from);
    }
    let mut rows = q.fetch_all(db).await?;
    // One more than a page was asked for: whether there is more in the direction of reading.
    let beyond = rows.len() as i64 > size;
    rows.truncate(size as usize);
    if descending {
        rows.reverse();
    }
    // Whether there is more the other way: one step into the index.
    let exists = |op: &'static str, id: i64| {
        let sql = format!("SELECT m.id FROM comments m WHERE {condition} AND m.id {op} ${n} LIMIT 1");
        let values = values.clone();
        async move {
            let mut q = sqlx::query_scalar::<_, i64>(&sql);
            for v in &values {
                q = q.bind(*v);
            }
            AppResult::Ok(q.bind(id).fetch_optional(db).await?.is_some())
        }
    };
    let (first, last) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id));
    let (earlier, later) = match at {
        Cursor::Page(1) => (false, beyond),
        Cursor::Page(_) => (exists("<", first.unwrap_or(i64::MAX)).await?, beyond),
        Cursor::After(id) => (exists("<", first.unwrap_or(id.saturating_add(1))).await?, beyond),
        Cursor::Before(id) => (beyond, exists(">", last.unwrap_or(id.saturating_sub(1))).await?),
    };
    let comments = rows
        .into_iter()
        .map(|r| PublicComment {
            id: r.id,
            article_anchor: r.article_anchor,
            article_label: r.article_label,
            body: r.body,
            created_at: r.created_at,
        })
        .collect();
    Ok(PublicPage { comments, earlier, later })
}

/// A comment as its author sees it, with its consultation and article, and the agency's answer
/// once the report is published.
#[derive(sqlx::FromRow)]
struct OwnRow {
    receipt: String,
    consultation_id: i64,
    consultation_title: String,
    article_anchor: Option<String>,
    article_label: Option<String>,
    body: String,
    status: String,
    moderation_reason: Option<String>,
    created_at: i64,
    author_id: Option<i64>,
    disposition: Option<String>,
    disposition_reason: Option<String>,
    report_published_at: Option<i64>,
    unanswered_reason: Option<String>,
}

const OWN_SQL: &str =
    "SELECT m.receipt, c.id AS consultation_id, c.title AS consultation_title, ar.anchor AS article_anchor,
            ar.label AS article_label, m.body, m.status, m.moderation_reason, m.created_at, m.author_id,
            CASE WHEN r.published_at IS NULL THEN NULL ELSE m.disposition END AS disposition,
            CASE WHEN r.published_at IS NULL THEN NULL ELSE m.disposition_reason END AS disposition_reason,
            r.published_at AS report_published_at,
            CASE WHEN r.published_at IS NULL THEN NULL ELSE r.unanswered_reason END AS unanswered_reason
     FROM comments m JOIN consultations c ON c.id = m.consultation_id LEFT JOIN articles ar ON ar.id = m.article_id
     LEFT JOIN adoption_reports r ON r.consultation_id = c.id";

fn own(r: OwnRow) -> AppResult<OwnComment> {
    let status = CommentStatus::stored(&r.status)?;
    let disposition = Disposition::stored(r.disposition.as_deref())?;
    let published = r.report_published_at.is_some();
    let answer = AnswerStatus::of(status, published, disposition);
    Ok(OwnComment {
        status,
        disposition,
        answer,
        // The published reason, told only to those it is about.
        unanswered_reason: r.unanswered_reason.filter(|_| answer == Some(AnswerStatus::Unanswered)),
        report: published.then(|| format!("/consultations/{}/report", r.consultation_id)),
        receipt: r.receipt,
        consultation_id: r.consultation_id,
        consultation_title: r.consultation_title,
        article_anchor: r.article_anchor,
        article_label: r.article_label,
        body: r.body,
        moderation_reason: r.moderation_reason,
        created_at: r.created_at,
        disposition_reason: r.disposition_reason,
    })
}

/// A comment by receipt: the author's own, or an anonymous one (the receipt is then the only key).
pub async fn by_receipt(db: &AnyPool, receipt: &str, viewer: Option<&CurrentUser>) -> AppResult<OwnComment> {
    if receipt.chars().count() > 64 {
        return Err(AppError::NotFound);
    }
    let receipt = crate::codes::normalise_receipt(receipt);
    let row: Option<OwnRow> =
        sqlx::query_as(&format!("{OWN_SQL} WHERE m.receipt = $1")).bind(&receipt).fetch_optional(db).await?;
    let row = row.ok_or(AppError::NotFound)?;
    match (row.author_id, viewer) {
        (None, _) => own(row),
        (Some(author), Some(v)) if author == v.id => own(row),
        (Some(_), None) => Err(AppError::Unauthorized),
        // Someone else's comment looks exactly like a missing one.
        (Some(_), Some(_)) => Err(AppError::NotFound),
    }
}

/// One page of a citizen's own comments, newest first ([`super::OWN_PAGE`] a page).
pub async fn by_author(db: &AnyPool, user: &CurrentUser, page: Option<u32>) -> AppResult<Vec<OwnComment>> {
    let page = crate::paging::check(page)?;
    let rows: Vec<OwnRow> =
        sqlx::query_as(&format!("{OWN_SQL} WHERE m.author_id = $1 ORDER BY m.id DESC LIMIT $2 OFFSET $3"))
            .bind(user.id)
            .bind(super::OWN_PAGE)
            .bind((i64::from(page) - 1) * super::OWN_PAGE)
            .fetch_all(db)
            .await?;
    rows.into_iter().map(own).collect()
}

/// Approve or reject (with a reason) a pending comment of the staff member's own agency.
pub async fn moderate(
    db: &AnyPool,
    staff: &CurrentUser,
    comment_id: i64,
    approve: bool,
    reason: &str,
) -> AppResult<i64> {
    let agency = staff.staff_agency()?;
    super::bulk::decision_reason(approve, reason)?;
    // The agency check is in the statement itself, so another agency's comment is simply not found.
    let consultation: Option<i64> = sqlx::query_scalar(
        "SELECT m.consultation_id FROM comments m JOIN consultations c ON c.id = m.consultation_id
         WHERE m.id = $1 AND m.status = 'pending' AND c.agency_id = $2",
    )
    .bind(comment_id)
    .bind(agency)
    .fetch_optional(db)
    .await?;
    let consultation = consultation.ok_or(AppError::NotFound)?;
    // One comment is a selection of one; moderated meanwhile, it is no longer there to moderate.
    super::bulk::moderate_many(db, staff, consultation, &[comment_id], approve, reason).await.map_err(|e| match e {
        AppError::Conflict(_) => AppError::NotFound,
        e => e,
    })?;
    Ok(consultation)
}
