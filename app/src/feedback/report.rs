//! The adoption report in the database: draft, preview, publication (then answers are final),
//! notifications to commenters, and the report's figures, comments and revised-draft comparison.
use super::figures::{self, Figures};
use super::{report_walk, revised};
use super::{ArticleTally, Report, Tally, PRINT_PAGE, REPORT_PAGE};
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
    // On PostgreSQL, publications and answers of this consultation wait for each other here (SQLite
    // writes one transaction at a time anyway), so the figures counted below stay true.
    let postgres = tx.backend_name() == "PostgreSQL";
    if postgres {
        sqlx::query("SELECT id FROM consultations WHERE id = $1 FOR UPDATE")
            .bind(consultation)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let (title, closes_at) = own_unpublished(&mut tx, staff, consultation).await?;
    let now = crate::clock::now();
    if now < closes_at {
        return Err(AppError::Conflict("征求意见期结束后才能发布意见采纳情况说明".into()));
    }
    if some(&text.summary).is_none() {
        return Err(AppError::field("summary", "请填写意见采纳情况的总体说明"));
    }
    if postgres {
        // A comment left pending may be approved later, and is then counted in by the moderation's
        // trigger; one being approved right now is waited for (and then counted here).
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM (SELECT id FROM comments WHERE consultation_id = $1 AND status = 'pending'
             FOR UPDATE) AS locked",
        )
        .bind(consultation)
        .fetch_one(&mut *tx)
        .await?;
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
        revised::keep_adopted(&mut tx, consultation).await?;
    }
    // The figures, counted once: views read them as kept (answers are final from here on).
    let counted = figures::count(&mut tx, consultation).await?;
    figures::keep(&mut tx, consultation, &counted).await?;
    // Queued in the publication's transaction: the messages go out if and only if the report did.
    let reason = some(&text.unanswered_reason);
    let (notified, mailed) =
        super::notify::commenters(&mut tx, consultation, &title, reason, mail, public_url, now).await?;
    // The answers are public from now on: the search documents of the comments and of the
    // consultation (which now has a report) are rebuilt.
    // One statement for all of them: at 500,000 comments, one insert each outlasted the request.
    sqlx::query(
        "INSERT INTO search_changes (entity, entity_id, created_at)
         SELECT 'comment', id, $1 FROM comments WHERE consultation_id = $2 AND status = 'approved'",
    )
    .bind(now)
    .bind(consultation)
    .execute(&mut *tx)
    .await?;
    record_change(&mut tx, "consultation", consultation).await?;
    tx.commit().await?;
    tracing::info!(consultation, notified, mailed, unanswered, pending, "adoption report published");
    Ok(())
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

    let figures = report_figures(db, consultation, published_at.is_some()).await?;
    let stretches = report_walk::stretches(db, consultation).await?;
    let mut by_article: HashMap<i64, Tally> = figures.articles.into_iter().collect();
    let mut articles = Vec::new();
    if figures.whole.comments > 0 {
        articles.push(ArticleTally { anchor: None, label: "全文".into(), tally: figures.whole });
    }
    for s in &stretches {
        let tally = s.article.and_then(|a| by_article.remove(&a)).filter(|t| t.comments > 0);
        if let (Some(tally), Some(anchor), Some(label)) = (tally, &s.anchor, &s.label) {
            articles.push(ArticleTally { anchor: Some(anchor.clone()), label: label.clone(), tally });
        }
    }
    let overall = figures.overall;

    let per_page = if print { PRINT_PAGE } else { REPORT_PAGE };
    let pages = (overall.comments as usize).div_ceil(per_page).max(1) as u32;
    let page = page.min(pages);
    let comments = report_walk::page(db, consultation, &stretches, page, per_page).await?;

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
            revised::with_adopted(db, consultation, compared, published_at.is_some()).await?
        }
        None => vec![],
    };
    Ok(Report {
        consultation_id: consultation,
        title,
        agency,
        closes_at,
        received: figures.received,
        participants: figures.participants,
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

/// A report's figures: as kept, for a published report; as they stand, for a preview (and, should
/// a published report have none kept, which migration 0024 leaves none without, counted now).
async fn report_figures(db: &AnyPool, consultation: i64, published: bool) -> AppResult<Figures> {
    let mut conn = db.acquire().await?;
    if published {
        if let Some(kept) = figures::kept(&mut conn, consultation).await? {
            return Ok(kept);
        }
        tracing::error!(consultation, "a published report has no kept figures; counting them now");
    }
    figures::count(&mut conn, consultation).await
}
