//! The published comments of a report in the report's order — those on the draft as a whole first,
//! then article by article in the draft's order, each by number — read through the index of each
//! article's published comments (migration 0024), never sorted whole: a page of the report finds
//! the article it starts in from the kept per-article counts (migration 0023), and the CSV reads
//! the articles one after another.
use super::{Disposition, ReportComment};
use crate::error::AppResult;
use sqlx::AnyPool;

/// One stretch of the report's order: the draft as a whole (`article` None) or one article, with
/// how many of its comments are published (kept by the database with each moderation).
#[derive(Debug, Clone)]
pub struct Stretch {
    pub article: Option<i64>,
    pub anchor: Option<String>,
    pub label: Option<String>,
    pub published: i64,
}

/// The consultation's stretches in the report's order.
pub async fn stretches(db: &AnyPool, consultation: i64) -> AppResult<Vec<Stretch>> {
    let whole: Option<i64> = sqlx::query_scalar("SELECT whole_approved FROM consultations WHERE id = $1")
        .bind(consultation)
        .fetch_optional(db)
        .await?;
    let articles: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, anchor, label, approved FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    let whole = Stretch { article: None, anchor: None, label: None, published: whole.unwrap_or(0) };
    Ok(std::iter::once(whole)
        .chain(articles.into_iter().map(|(id, anchor, label, published)| Stretch {
            article: Some(id),
            anchor: Some(anchor),
            label: Some(label),
            published,
        }))
        .collect())
}

/// The condition for a stretch's published comments, with the values it binds from `$1`.
fn condition(consultation: i64, s: &Stretch) -> (&'static str, Vec<i64>) {
    match s.article {
        None => ("consultation_id = $1 AND article_id IS NULL AND status = 'approved'", vec![consultation]),
        Some(a) => ("consultation_id = $1 AND article_id = $2 AND status = 'approved'", vec![consultation, a]),
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    body: String,
    created_at: i64,
    disposition: Option<String>,
    disposition_reason: Option<String>,
}

/// At most `limit` published comments of a stretch with a number above `after`, by number.
pub async fn read(
    db: &AnyPool,
    consultation: i64,
    s: &Stretch,
    after: i64,
    limit: i64,
) -> AppResult<Vec<ReportComment>> {
    let (condition, values) = condition(consultation, s);
    let sql = format!(
        "SELECT id, body, created_at, disposition, disposition_reason FROM comments
         WHERE {condition} AND id > ${} ORDER BY id LIMIT {limit}",
        values.len() + 1
    );
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for v in &values {
        q = q.bind(*v);
    }
    let rows = q.bind(after).fetch_all(db).await?;
    rows.into_iter()
        .map(|r| {
            Ok(ReportComment {
                id: r.id,
                article_anchor: s.anchor.clone(),
                article_label: s.label.clone(),
                body: r.body,
                created_at: r.created_at,
                disposition: Disposition::stored(r.disposition.as_deref())?,
                reason: r.disposition_reason,
            })
        })
        .collect()
}

/// The number just before a stretch's `k`-th published comment (from 0), walking its index only.
async fn before_nth(db: &AnyPool, consultation: i64, s: &Stretch, k: i64) -> AppResult<i64> {
    if k == 0 {
        return Ok(0);
    }
    let (condition, values) = condition(consultation, s);
    let sql = format!("SELECT id FROM comments WHERE {condition} ORDER BY id LIMIT 1 OFFSET {}", k - 1);
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for v in &values {
        q = q.bind(*v);
    }
    Ok(q.fetch_optional(db).await?.unwrap_or(i64::MAX))
}

/// Page `page` (from 1) of the report's published comments, `per_page` a page: the stretch it
/// starts in is found from the kept counts, then read on from there through the index.
pub async fn page(
    db: &AnyPool,
    consultation: i64,
    stretches: &[Stretch],
    page: u32,
    per_page: usize,
) -> AppResult<Vec<ReportComment>> {
    let per_page = per_page as i64;
    let mut skip = (i64::from(page) - 1) * per_page;
    let mut out = Vec::new();
    for s in stretches {
        if out.len() as i64 >= per_page {
            break;
        }
        if skip >= s.published {
            skip -= s.published;
            continue;
        }
        let after = before_nth(db, consultation, s, skip).await?;
        skip = 0;
        out.extend(read(db, consultation, s, after, per_page - out.len() as i64).await?);
    }
    Ok(out)
}
