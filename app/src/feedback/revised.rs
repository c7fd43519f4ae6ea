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

/// Each revision with the comments adopted (wholly or partly) on its article: the first
/// [`MAX_LINKED`] by number.
pub async fn with_adopted(
    db: &AnyPool,
    consultation: i64,
    revisions: Vec<ArticleRevision>,
) -> AppResult<Vec<RevisedArticle>> {
    let adopted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT anchor, id FROM (
             SELECT ar.anchor AS anchor, m.id AS id,
                    ROW_NUMBER() OVER (PARTITION BY m.article_id ORDER BY m.id) AS n
             FROM comments m JOIN articles ar ON ar.id = m.article_id
             WHERE m.consultation_id = $1 AND m.status = 'approved'
               AND m.disposition IN ('adopted', 'partly_adopted')
         ) linked WHERE n <= $2 ORDER BY id",
    )
    .bind(consultation)
    .bind(MAX_LINKED as i64)
    .fetch_all(db)
    .await?;
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
