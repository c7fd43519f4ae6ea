//! The adoption report in the database: draft, preview, publication (then answers are final),
//! notifications to commenters, and the report's figures, comments and revised-draft comparison.
use super::diff::{self, NewArticle, OldArticle};
use super::{ArticleTally, Disposition, Report, ReportComment, RevisedArticle, Tally, REPORT_PAGE};
use crate::accounts::CurrentUser;
use crate::consultations::structure::parse_draft;
use crate::error::{AppError, AppResult};
use crate::search::documents::record_change;
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};

/// Longest summary and revised draft accepted, in characters.
pub const MAX_SUMMARY: usize = 20_000;
pub const MAX_REVISED: usize = 200_000;

/// When the consultation's report was published, if it was.
pub async fn published(db: &AnyPool, consultation: i64) -> AppResult<Option<i64>> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT published_at FROM adoption_reports WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_optional(db)
            .await?;
    Ok(at.flatten())
}

/// What staff write for the report.
#[derive(Debug, Clone, Default)]
pub struct ReportText {
    pub summary: String,
    pub unanswered_reason: String,
    pub revised_text: String,
}

fn check(text: &ReportText) -> AppResult<()> {
    if text.summary.chars().count() > MAX_SUMMARY {
        return Err(AppError::field("summary", "说明不能超过20000字"));
    }
    if text.unanswered_reason.chars().count() > super::store::MAX_REASON {
        return Err(AppError::field("unanswered_reason", "原因不能超过2000字"));
    }
    if text.revised_text.chars().count() > MAX_REVISED {
        return Err(AppError::field("revised_text", "修改稿不能超过200000字"));
    }
    Ok(())
}

fn some(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Save the report's draft (staff of the consultation's agency, before publication).
pub async fn save(db: &AnyPool, staff: &CurrentUser, consultation: i64, text: &ReportText) -> AppResult<()> {
    check(text)?;
    let mut tx = crate::db::begin_write(db).await?;
    own_unpublished(&mut tx, staff, consultation).await?;
    upsert(&mut tx, staff, consultation, text).await?;
    tx.commit().await?;
    Ok(())
}

/// The consultation's title and closing instant, if it is the staff member's agency's and its
/// report is not yet published.
async fn own_unpublished(
    conn: &mut sqlx::AnyConnection,
    staff: &CurrentUser,
    consultation: i64,
) -> AppResult<(String, i64)> {
    let agency = staff.staff_agency()?;
    let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.title, c.closes_at, r.published_at FROM consultations c
         LEFT JOIN adoption_reports r ON r.consultation_id = c.id
         WHERE c.id = $1 AND c.agency_id = $2",
    )
    .bind(consultation)
    .bind(agency)
    .fetch_optional(&mut *conn)
    .await?;
    let (title, closes_at, published) = row.ok_or(AppError::NotFound)?;
    if published.is_some() {
        return Err(AppError::Conflict("意见采纳情况说明已经发布，不能再修改".into()));
    }
    Ok((title, closes_at))
}

async fn upsert(
    conn: &mut sqlx::AnyConnection,
    staff: &CurrentUser,
    consultation: i64,
    text: &ReportText,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO adoption_reports (consultation_id, summary, unanswered_reason, revised_text, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (consultation_id) DO UPDATE SET summary = $2, unanswered_reason = $3, revised_text = $4,
             updated_by = $5, updated_at = $6",
    )
    .bind(consultation)
    .bind(text.summary.trim())
    .bind(some(&text.unanswered_reason))
    .bind(some(&text.revised_text))
    .bind(staff.id)
    .bind(crate::clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Publish the report. Refused before the comment window closes, without a summary, and while
/// comments are unanswered (or not yet moderated) unless the agency says why. From then on the
/// answers are final, every commenter with an account finds a message in their inbox, and the
/// answers become public (and searchable). With `mail` (an SMTP relay is configured), those whose
/// login is an e-mail address are also sent an e-mail, its link under `public_url`.
pub async fn publish(
    db: &AnyPool,
    staff: &CurrentUser,
    consultation: i64,
    text: &ReportText,
    mail: bool,
    public_url: &str,
) -> AppResult<()> {
    check(text)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (title, closes_at) = own_unpublished(&mut tx, staff, consultation).await?;
    let now = crate::clock::now();
    if now < closes_at {
        return Err(AppError::Conflict("征求意见期结束后才能发布意见采纳情况说明".into()));
    }
    if some(&text.summary).is_none() {
        return Err(AppError::field("summary", "请填写意见采纳情况的总体说明"));
    }
    let (pending, unanswered): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN status = 'approved' AND disposition IS NULL THEN 1 ELSE 0 END), 0)
         FROM comments WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_one(&mut *tx)
    .await?;
    if pending + unanswered > 0 && some(&text.unanswered_reason).is_none() {
        return Err(AppError::field(
            "unanswered_reason",
            &format!("尚有{unanswered}条意见未答复、{pending}条意见未审核；须先处理，或说明原因后发布"),
        ));
    }
    upsert(&mut tx, staff, consultation, text).await?;
    sqlx::query("UPDATE adoption_reports SET published_by = $1, published_at = $2 WHERE consultation_id = $3")
        .bind(staff.id)
        .bind(now)
        .bind(consultation)
        .execute(&mut *tx)
        .await?;
    let subject = format!("您对《{title}》提出的意见已有答复");
    let link = format!("/consultations/{consultation}/report");
    let notified = sqlx::query(
        "INSERT INTO notifications (user_id, title, link, created_at)
         SELECT DISTINCT author_id, $1, $2, $3 FROM comments WHERE consultation_id = $4 AND author_id IS NOT NULL",
    )
    .bind(&subject)
    .bind(&link)
    .bind(now)
    .bind(consultation)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Queued in the publication's transaction: the mail goes out if and only if the report did.
    let mut mailed = 0;
    if mail {
        let body = format!(
            "您好：\n\n您对《{title}》提出的意见，起草单位已在意见采纳情况说明中作出答复。\n\n\
             查看答复：{public_url}{link}\n\n本邮件由公众参与平台自动发送，请勿直接回复。\n"
        );
        mailed = sqlx::query(
            "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at)
             SELECT DISTINCT u.login, $1, $2, $3, $3 FROM comments m JOIN users u ON u.id = m.author_id
             WHERE m.consultation_id = $4 AND u.login LIKE '%@%'",
        )
        .bind(&subject)
        .bind(body)
        .bind(now)
        .bind(consultation)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    // The answers are public from now on: the search documents of the comments and of the
    // consultation (which now has a report) are rebuilt.
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM comments WHERE consultation_id = $1 AND status = 'approved'")
            .bind(consultation)
            .fetch_all(&mut *tx)
            .await?;
    for id in ids {
        record_change(&mut tx, "comment", id).await?;
    }
    record_change(&mut tx, "consultation", consultation).await?;
    tx.commit().await?;
    tracing::info!(consultation, notified, mailed, unanswered, pending, "adoption report published");
    Ok(())
}

/// What the report needs of every comment of a consultation.
struct Counted {
    article: Option<i64>,
    author: Option<i64>,
    approved: bool,
    disposition: Option<Disposition>,
}

fn tally<'a>(comments: impl Iterator<Item = &'a Counted>) -> Tally {
    let mut t = Tally::default();
    let mut authors = HashSet::new();
    for c in comments.filter(|c| c.approved) {
        t.comments += 1;
        // Each anonymous comment counts as one person.
        if c.author.is_none_or(|a| authors.insert(a)) {
            t.participants += 1;
        }
        match c.disposition {
            Some(d) => t.by_disposition[Disposition::ALL.iter().position(|x| *x == d).unwrap_or(0)] += 1,
            None => t.unanswered += 1,
        }
    }
    t
}

/// The report of a consultation. Without `staff`, only a published one (for everyone); with
/// `staff` (of the consultation's agency), the draft too, as a preview. `page` 0: every comment.
pub async fn load(db: &AnyPool, consultation: i64, page: u32, staff: Option<&CurrentUser>) -> AppResult<Report> {
    if page != 0 {
        crate::paging::check(Some(page))?;
    }
    type Head = (String, String, i64, i64, Option<String>, Option<String>, Option<String>, Option<i64>);
    let head: Option<Head> = sqlx::query_as(
        "SELECT c.title, a.name, c.agency_id, c.closes_at, r.summary, r.unanswered_reason, r.revised_text, r.published_at
         FROM consultations c JOIN agencies a ON a.id = c.agency_id
         LEFT JOIN adoption_reports r ON r.consultation_id = c.id WHERE c.id = $1",
    )
    .bind(consultation)
    .fetch_optional(db)
    .await?;
    let (title, agency, agency_id, closes_at, summary, unanswered_reason, revised_text, published_at) =
        head.ok_or(AppError::NotFound)?;
    match staff {
        Some(s) if s.staff_agency()? != agency_id => return Err(AppError::NotFound),
        None if published_at.is_none() => return Err(AppError::NotFound),
        _ => {}
    }

    let rows: Vec<(Option<i64>, Option<i64>, String, Option<String>)> =
        sqlx::query_as("SELECT article_id, author_id, status, disposition FROM comments WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    let counted: Vec<Counted> = rows
        .into_iter()
        .map(|(article, author, status, disposition)| Counted {
            article,
            author,
            approved: status == "approved",
            disposition: disposition.as_deref().and_then(Disposition::parse),
        })
        .collect();
    let authors: HashSet<i64> = counted.iter().filter_map(|c| c.author).collect();
    let anonymous = counted.iter().filter(|c| c.author.is_none()).count();
    let arts: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, anchor, label, body FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    let mut articles = Vec::new();
    let whole = tally(counted.iter().filter(|c| c.article.is_none()));
    if whole.comments > 0 {
        articles.push(ArticleTally { anchor: None, label: "全文".into(), tally: whole });
    }
    for (id, anchor, label, _) in &arts {
        let t = tally(counted.iter().filter(|c| c.article == Some(*id)));
        if t.comments > 0 {
            articles.push(ArticleTally { anchor: Some(anchor.clone()), label: label.clone(), tally: t });
        }
    }

    let published_comments = counted.iter().filter(|c| c.approved).count();
    let pages = published_comments.div_ceil(REPORT_PAGE).max(1) as u32;
    let page = if page == 0 { 0 } else { page.min(pages) };
    let comments = report_comments(db, consultation, page).await?;

    let revisions = match revised_text.as_deref() {
        Some(text) => revisions(db, consultation, &arts, text).await?,
        None => vec![],
    };
    Ok(Report {
        consultation_id: consultation,
        title,
        agency,
        closes_at,
        received: counted.len() as u64,
        participants: (authors.len() + anonymous) as u64,
        overall: tally(counted.iter()),
        articles,
        summary: summary.unwrap_or_default(),
        unanswered_reason,
        revised_text,
        revisions,
        published_at,
        comments,
        page,
        pages,
    })
}

/// Published comments with their answers, in article order; one page, or all for `page` 0.
async fn report_comments(db: &AnyPool, consultation: i64, page: u32) -> AppResult<Vec<ReportComment>> {
    let (limit, offset) = match page {
        0 => (i64::MAX, 0),
        p => (REPORT_PAGE as i64, (p as i64 - 1) * REPORT_PAGE as i64),
    };
    type Row = (i64, Option<String>, Option<String>, String, i64, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.id, ar.anchor, ar.label, m.body, m.created_at, m.disposition, m.disposition_reason
         FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id
         WHERE m.consultation_id = $1 AND m.status = 'approved'
         ORDER BY COALESCE(ar.position, -1), m.id LIMIT $2 OFFSET $3",
    )
    .bind(consultation)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, article_anchor, article_label, body, created_at, disposition, reason)| ReportComment {
            id,
            article_anchor,
            article_label,
            body,
            created_at,
            disposition: disposition.as_deref().and_then(Disposition::parse),
            reason,
        })
        .collect())
}

/// The revised draft compared article by article, each change with the comments adopted on it.
async fn revisions(
    db: &AnyPool,
    consultation: i64,
    arts: &[(i64, String, String, String)],
    revised: &str,
) -> AppResult<Vec<RevisedArticle>> {
    let adopted: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, article_id FROM comments WHERE consultation_id = $1 AND status = 'approved'
           AND article_id IS NOT NULL AND disposition IN ('adopted', 'partly_adopted') ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    let mut by_anchor: HashMap<&str, Vec<i64>> = HashMap::new();
    for (comment, article) in adopted {
        if let Some(a) = arts.iter().find(|a| a.0 == article) {
            by_anchor.entry(a.1.as_str()).or_default().push(comment);
        }
    }
    let parsed = parse_draft(revised);
    let old: Vec<OldArticle> = arts.iter().map(|(_, anchor, label, body)| OldArticle { anchor, label, body }).collect();
    let new: Vec<NewArticle> = parsed.blocks.iter().map(|b| NewArticle { label: &b.label, body: &b.body }).collect();
    Ok(diff::compare(&old, &new)
        .into_iter()
        .map(|revision| {
            let adopted = revision.old_anchor.as_deref().and_then(|a| by_anchor.get(a)).cloned().unwrap_or_default();
            RevisedArticle { revision, adopted }
        })
        .collect())
}

/// The CSV's first line (with the byte-order mark spreadsheets need); `NotFound` unless the
/// consultation's report is published.
pub async fn csv_head(db: &AnyPool, consultation: i64) -> AppResult<String> {
    if published(db, consultation).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(String::from("\u{feff}编号,条文,意见内容,提交时间,采纳情况,理由\r\n"))
}

/// Where a CSV chunk ended: (article position, comment id) of its last line.
pub type CsvCursor = (i64, i64);

/// The next lines of the report's CSV after `after` (in article order), a few hundred at a time, so
/// the download is written as it is read and never held whole; None when there are no more.
pub async fn csv_chunk(
    db: &AnyPool,
    consultation: i64,
    after: Option<CsvCursor>,
) -> AppResult<Option<(String, CsvCursor)>> {
    type Row = (i64, i64, Option<String>, String, i64, Option<String>, Option<String>);
    let (pos, id) = after.unwrap_or((-2, 0));
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT COALESCE(ar.position, -1), m.id, ar.label, m.body, m.created_at, m.disposition, m.disposition_reason
         FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id
         WHERE m.consultation_id = $1 AND m.status = 'approved'
           AND (COALESCE(ar.position, -1) > $2 OR (COALESCE(ar.position, -1) = $2 AND m.id > $3))
         ORDER BY COALESCE(ar.position, -1), m.id LIMIT 500",
    )
    .bind(consultation)
    .bind(pos)
    .bind(id)
    .fetch_all(db)
    .await?;
    let Some(last) = rows.last().map(|r| (r.0, r.1)) else { return Ok(None) };
    let mut out = String::new();
    for (_, id, label, body, created_at, disposition, reason) in rows {
        let disposition = disposition.as_deref().and_then(Disposition::parse);
        let cells = [
            id.to_string(),
            label.unwrap_or_else(|| "全文".into()),
            body,
            crate::clock::format_datetime(created_at),
            disposition.map(|d| d.label()).unwrap_or("未答复").to_string(),
            reason.unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(Some((out, last)))
}

fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) || s != s.trim() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("同意"), "同意");
        assert_eq!(csv_cell("一，二"), "一，二");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("他说\"好\""), "\"他说\"\"好\"\"\"");
        assert_eq!(csv_cell("第一行\n第二行"), "\"第一行\n第二行\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
    }
}
