//! The adoption report in the database: draft, preview, publication (then answers are final),
//! notifications to commenters, and the report's figures, comments and revised-draft comparison.
use super::revised;
use super::{ArticleTally, Disposition, Report, ReportComment, Tally, PRINT_PAGE, REPORT_PAGE};
use crate::accounts::user::CurrentUser;
use crate::changes::record_change;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;
use std::collections::HashMap;

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
/// answers are final, every commenter with an account finds a message in their inbox (saying
/// whether their comments were answered, see [`super::notify`]), and the answers become public
/// (and searchable). With `mail` (an SMTP relay is configured), those whose login is an e-mail
/// address are also sent an e-mail, its link under `public_url`.
pub async fn publish(
    db: &AnyPool,
    staff: &CurrentUser,
    consultation: i64,
    text: &ReportText,
    mail: bool,
    public_url: &str,
) -> AppResult<()> {
    check(text)?;
    // The comparison is kept with the report (neither text changes after publication); made before
    // the write transaction, for the agency's own unpublished report only, so that no other
    // writer waits on it.
    own_unpublished(&mut *db.acquire().await?, staff, consultation).await?;
    let revisions = match some(&text.revised_text) {
        Some(t) => Some(revised::compare(db, consultation, t).await?),
        None => None,
    };
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
    if let Some(revisions) = &revisions {
        revised::keep(&mut tx, consultation, revisions).await?;
    }
    // Queued in the publication's transaction: the messages go out if and only if the report did.
    let reason = some(&text.unanswered_reason);
    let (notified, mailed) =
        super::notify::commenters(&mut tx, consultation, &title, reason, mail, public_url, now).await?;
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

/// Approved comments of one article (None: on the draft as a whole) with one disposition, as the
/// database counts them.
#[derive(sqlx::FromRow)]
struct Counted {
    article_id: Option<i64>,
    disposition: Option<String>,
    comments: i64,
    anonymous: i64,
}

/// Add a group of approved comments to a tally (people are added apart: see [`participants`]).
fn add(t: &mut Tally, c: &Counted) -> AppResult<()> {
    let n = u64::try_from(c.comments).unwrap_or(0);
    t.comments += n;
    match Disposition::stored(c.disposition.as_deref())? {
        Some(d) => t.by_disposition[Disposition::ALL.iter().position(|x| *x == d).unwrap_or(0)] += n,
        None => t.unanswered += n,
    }
    Ok(())
}

/// The tallies of a consultation's approved comments, as a whole and per article (by id), each
/// anonymous comment counting as one person; the database does the counting, so the work per
/// view does not grow with the comments held in memory.
async fn tallies(db: &AnyPool, consultation: i64) -> AppResult<(Tally, HashMap<Option<i64>, Tally>)> {
    let groups: Vec<Counted> = sqlx::query_as(
        "SELECT article_id, disposition, COUNT(*) AS comments,
                CAST(SUM(CASE WHEN author_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS anonymous
         FROM comments WHERE consultation_id = $1 AND status = 'approved' GROUP BY article_id, disposition",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    let people: Vec<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT article_id, COUNT(DISTINCT author_id) FROM comments
         WHERE consultation_id = $1 AND status = 'approved' GROUP BY article_id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    let authors: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT author_id) FROM comments WHERE consultation_id = $1 AND status = 'approved'",
    )
    .bind(consultation)
    .fetch_one(db)
    .await?;
    let mut overall = Tally::default();
    let mut by_article: HashMap<Option<i64>, Tally> = HashMap::new();
    for g in &groups {
        add(&mut overall, g)?;
        let t = by_article.entry(g.article_id).or_default();
        add(t, g)?;
        t.participants += u64::try_from(g.anonymous).unwrap_or(0);
        overall.participants += u64::try_from(g.anonymous).unwrap_or(0);
    }
    for (article, n) in people {
        by_article.entry(article).or_default().participants += u64::try_from(n).unwrap_or(0);
    }
    overall.participants += u64::try_from(authors).unwrap_or(0);
    Ok((overall, by_article))
}

/// The report of a consultation. Without `staff`, only a published one (for everyone); with
/// `staff` (of the consultation's agency), the draft too, as a preview. One page of the comments:
/// [`REPORT_PAGE`] of them, or [`PRINT_PAGE`] for the printable version.
pub async fn load(
    db: &AnyPool,
    consultation: i64,
    page: u32,
    print: bool,
    staff: Option<&CurrentUser>,
) -> AppResult<Report> {
    let page = crate::paging::check(Some(page))?;
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

    // Every comment received (published or not), and the people who sent them.
    let (received, authors, anonymous): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT author_id), CAST(COALESCE(SUM(CASE WHEN author_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM comments WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_one(db)
    .await?;
    let (overall, mut by_article) = tallies(db, consultation).await?;
    let arts: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, anchor, label FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    let mut articles = Vec::new();
    if let Some(whole) = by_article.remove(&None).filter(|t| t.comments > 0) {
        articles.push(ArticleTally { anchor: None, label: "全文".into(), tally: whole });
    }
    for (id, anchor, label) in arts {
        if let Some(t) = by_article.remove(&Some(id)).filter(|t| t.comments > 0) {
            articles.push(ArticleTally { anchor: Some(anchor), label, tally: t });
        }
    }

    let per_page = if print { PRINT_PAGE } else { REPORT_PAGE };
    let pages = (overall.comments as usize).div_ceil(per_page).max(1) as u32;
    let page = page.min(pages);
    let comments = report_comments(db, consultation, page, per_page).await?;

    let revisions = match revised_text.as_deref() {
        Some(text) => {
            // A published report's comparison was kept at publication; a preview's text may still
            // change, so it is compared as it stands.
            let kept = match published_at {
                Some(_) => revised::kept(db, consultation).await?,
                None => None,
            };
            let compared = match kept {
                Some(k) => k,
                None => revised::compare(db, consultation, text).await?,
            };
            revised::with_adopted(db, consultation, compared).await?
        }
        None => vec![],
    };
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Report {
        consultation_id: consultation,
        title,
        agency,
        closes_at,
        received: count(received),
        participants: count(authors) + count(anonymous),
        overall,
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

/// One page of the published comments with their answers, in article order.
async fn report_comments(db: &AnyPool, consultation: i64, page: u32, per_page: usize) -> AppResult<Vec<ReportComment>> {
    let (limit, offset) = (per_page as i64, (i64::from(page) - 1) * per_page as i64);
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
    rows.into_iter()
        .map(|(id, article_anchor, article_label, body, created_at, disposition, reason)| {
            Ok(ReportComment {
                id,
                article_anchor,
                article_label,
                body,
                created_at,
                disposition: Disposition::stored(disposition.as_deref())?,
                reason,
            })
        })
        .collect()
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
        let disposition = Disposition::stored(disposition.as_deref())?;
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
