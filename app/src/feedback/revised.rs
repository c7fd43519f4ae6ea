//! The revised draft compared with the consulted one, for the adoption report. Comparing is
//! quadratic work, and once the report is published neither text changes (articles are fixed when
//! the consultation opens; a published report is final), so the comparison is made once at
//! publication and kept in `report_revisions`; only an unpublished preview compares live.
use super::diff::{self, ArticleRevision, NewArticle, OldArticle};
use super::{RevisedArticle, MAX_LINKED};
use crate::consultations::structure::parse_draft;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// Compare the consultation's articles with `revised` (the revised draft's full text).
pub async fn compare(db: &AnyPool, consultation: i64, revised: &str) -> AppResult<Vec<ArticleRevision>> {
    let arts: Vec<(String, String, String)> =
        sqlx::query_as("SELECT anchor, label, body FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    let revised = revised.to_string();
    // CPU work off the async executor.
    let revisions = tokio::task::spawn_blocking(move || {
        let parsed = parse_draft(&revised);
        let old: Vec<OldArticle> =
            arts.iter().map(|(anchor, label, body)| OldArticle { anchor, label, body }).collect();
        let new: Vec<NewArticle> =
            parsed.blocks.iter().map(|b| NewArticle { label: &b.label, body: &b.body }).collect();
        diff::compare(&old, &new)
    })
    .await
    .map_err(|e| {
        tracing::error!(consultation, error = %e, "comparing the revised draft failed");
        AppError::Internal
    })?;
    Ok(revisions)
}

/// Keep a published report's comparison (inside the publication's transaction).
pub async fn keep(conn: &mut AnyConnection, consultation: i64, revisions: &[ArticleRevision]) -> AppResult<()> {
    let json = serde_json::to_string(revisions).map_err(|e| {
        tracing::error!(consultation, error = %e, "serialising the comparison failed");
        AppError::Internal
    })?;
    sqlx::query(
        "INSERT INTO report_revisions (consultation_id, revisions, computed_at) VALUES ($1, $2, $3)
         ON CONFLICT (consultation_id) DO UPDATE SET revisions = $2, computed_at = $3",
    )
    .bind(consultation)
    .bind(json)
    .bind(crate::clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The comparison kept at publication, if there is one (and it reads back).
pub async fn kept(db: &AnyPool, consultation: i64) -> AppResult<Option<Vec<ArticleRevision>>> {
    let json: Option<String> = sqlx::query_scalar("SELECT revisions FROM report_revisions WHERE consultation_id = $1")
        .bind(consultation)
        .fetch_optional(db)
        .await?;
    Ok(json.and_then(|j| match serde_json::from_str(&j) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::error!(consultation, error = %e, "a kept comparison does not read back; comparing again");
            None
        }
    }))
}

/// Keep the comparison of every report published before comparisons were kept (run at start; a
/// no-op once done). Returns how many it kept.
pub async fn keep_missing(db: &AnyPool) -> AppResult<u64> {
    let missing: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.consultation_id, r.revised_text FROM adoption_reports r
         WHERE r.published_at IS NOT NULL AND r.revised_text IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM report_revisions k WHERE k.consultation_id = r.consultation_id)",
    )
    .fetch_all(db)
    .await?;
    for (consultation, text) in &missing {
        let revisions = compare(db, *consultation, text).await?;
        let mut conn = db.acquire().await?;
        keep(&mut conn, *consultation, &revisions).await?;
    }
    Ok(missing.len() as u64)
}

/// The comments adopted (wholly or partly) on each article, the first [`MAX_LINKED`] by number:
/// `(consultation_id, article_id, comment_id)`, for consultation `$1` and at most `$2` an article.
const ADOPTED: &str = "SELECT consultation_id, article_id, comment_id FROM (
         SELECT m.consultation_id AS consultation_id, m.article_id AS article_id, m.id AS comment_id,
                ROW_NUMBER() OVER (PARTITION BY m.article_id ORDER BY m.id) AS n
         FROM comments m
         WHERE m.consultation_id = $1 AND m.status = 'approved' AND m.article_id IS NOT NULL
           AND m.disposition IN ('adopted', 'partly_adopted')
     ) linked WHERE n <= $2";

/// Keep the links from the revised articles to the comments adopted (inside the publication's
/// transaction): answers are final from then on, and choosing them reads every adopted comment.
pub async fn keep_adopted(conn: &mut AnyConnection, consultation: i64) -> AppResult<()> {
    sqlx::query(&format!("INSERT INTO report_adopted (consultation_id, article_id, comment_id) {ADOPTED}"))
        .bind(consultation)
        .bind(MAX_LINKED as i64)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Each revision with the comments adopted (wholly or partly) on its article: the first
/// [`MAX_LINKED`] by number, as kept at publication (`published`) or as they stand (a preview).
pub async fn with_adopted(
    db: &AnyPool,
    consultation: i64,
    revisions: Vec<ArticleRevision>,
    published: bool,
) -> AppResult<Vec<RevisedArticle>> {
    let source = if published {
        "SELECT consultation_id, article_id, comment_id FROM report_adopted WHERE consultation_id = $1".to_string()
    } else {
        ADOPTED.to_string()
    };
    let sql = format!(
        "SELECT ar.anchor, k.comment_id FROM ({source}) k JOIN articles ar ON ar.id = k.article_id ORDER BY k.comment_id"
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(&sql).bind(consultation);
    if !published {
        q = q.bind(MAX_LINKED as i64);
    }
    let adopted = q.fetch_all(db).await?;
    let mut by_anchor: HashMap<String, Vec<i64>> = HashMap::new();
    for (anchor, comment) in adopted {
        by_anchor.entry(anchor).or_default().push(comment);
    }
    Ok(revisions
        .into_iter()
        .map(|revision| {
            let adopted = revision.old_anchor.as_deref().and_then(|a| by_anchor.get(a)).cloned().unwrap_or_default();
            RevisedArticle { revision, adopted }
        })
        .collect())
}
