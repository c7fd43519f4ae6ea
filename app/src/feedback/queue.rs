//! The drafting agency's review queue: near-duplicate grouping, selection by filter, counts, pages.
use super::{
    ArticleCount, Disposition, DispositionChange, QueueCounts, QueueEntry, QueueFilter, QueuedComment, ReviewQueue,
    QUEUE_PAGE,
};
use crate::accounts::user::CurrentUser;
use crate::comments::status::CommentStatus;
use crate::error::{AppError, AppResult};
use crate::near_duplicates::{self as groups, BURST_SIZE, BURST_WINDOW};
use crate::state::AppState;
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};

/// What the queue needs of every comment to select, count and group it (no bodies).
#[derive(Debug, Clone)]
pub struct Light {
    pub id: i64,
    pub article: Option<i64>,
    pub status: CommentStatus,
    pub disposition: Option<Disposition>,
    pub group: i64,
    pub created_at: i64,
}

impl Light {
    fn unanswered(&self) -> bool {
        self.status == CommentStatus::Approved && self.disposition.is_none()
    }
}

/// The consultation (title, closing instant) if it belongs to the staff member's agency.
async fn own_consultation(db: &AnyPool, staff: &CurrentUser, consultation: i64) -> AppResult<(String, i64)> {
    let agency = staff.staff_agency()?;
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT title, closes_at FROM consultations WHERE id = $1 AND agency_id = $2")
            .bind(consultation)
            .bind(agency)
            .fetch_optional(db)
            .await?;
    row.ok_or(AppError::NotFound)
}

/// Group the consultation's comments that are not yet in a group (new ones, or the members of a
/// group a comment was split from). All comments are regrouped together so groups stay the same
/// however the comments arrived; a split-off comment stays alone.
pub async fn ensure_grouped(db: &AnyPool, consultation: i64) -> AppResult<()> {
    let waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE consultation_id = $1 AND group_id IS NULL")
            .bind(consultation)
            .fetch_one(db)
            .await?;
    if waiting == 0 {
        return Ok(());
    }
    let rows: Vec<(i64, String, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, body, split_off, group_id FROM comments WHERE consultation_id = $1 ORDER BY id")
            .bind(consultation)
            .fetch_all(db)
            .await?;
    // Grouping 100,000 comments takes about a second of CPU: off the async threads.
    let (rows, mut of) = tokio::task::spawn_blocking(move || {
        let grouped: Vec<(i64, &str)> = rows.iter().filter(|r| r.2 == 0).map(|r| (r.0, r.1.as_str())).collect();
        let of: HashMap<i64, i64> = grouped.iter().map(|g| g.0).zip(groups::group(&grouped)).collect();
        (rows, of)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    for r in rows.iter().filter(|r| r.2 != 0) {
        of.insert(r.0, r.0);
    }
    let mut tx = crate::db::begin_write(db).await?;
    let mut changed = 0;
    for (id, _, _, old) in &rows {
        let new = of[id];
        if *old != Some(new) {
            sqlx::query("UPDATE comments SET group_id = $1 WHERE id = $2").bind(new).bind(id).execute(&mut *tx).await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    tracing::info!(consultation, comments = rows.len(), changed, "comments grouped");
    Ok(())
}

/// Every comment of the consultation, grouped, in id order.
async fn lights(db: &AnyPool, consultation: i64) -> AppResult<Vec<Light>> {
    ensure_grouped(db, consultation).await?;
    type Row = (i64, Option<i64>, String, Option<String>, Option<i64>, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, article_id, status, disposition, group_id, created_at FROM comments
         WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(id, article, status, disposition, group, created_at)| {
            Ok(Light {
                id,
                article,
                status: CommentStatus::stored(&status)?,
                disposition: Disposition::stored(disposition.as_deref())?,
                group: group.unwrap_or(id),
                created_at,
            })
        })
        .collect()
}

/// The articles of a consultation: (id, anchor, label), in order.
async fn articles(db: &AnyPool, consultation: i64) -> AppResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT id, anchor, label FROM articles WHERE consultation_id = $1 ORDER BY position")
        .bind(consultation)
        .fetch_all(db)
        .await?)
}

/// The comments of the staff member's consultation that `filter` selects, with the consultation's
/// comments all (for counts and groups) and its articles.
async fn select(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
) -> AppResult<(Vec<Light>, Vec<Light>, Vec<(i64, String, String)>)> {
    let all = lights(&st.db, consultation).await?;
    let arts = articles(&st.db, consultation).await?;
    let article = match filter.article.as_deref() {
        None => None,
        Some("whole") => Some(None),
        Some(anchor) => Some(Some(arts.iter().find(|a| a.1 == anchor).ok_or(AppError::NotFound)?.0)),
    };
    let found: Option<HashSet<i64>> = match filter.q.as_deref() {
        Some(q) => Some(matching(st, staff, consultation, q).await?.into_iter().collect()),
        None => None,
    };
    let selected = all
        .iter()
        .filter(|c| match filter.show.as_deref() {
            Some("pending") => c.status == CommentStatus::Pending,
            Some("unanswered") => c.unanswered(),
            Some("answered") => c.disposition.is_some(),
            Some("rejected") => c.status == CommentStatus::Rejected,
            _ => true,
        })
        .filter(|c| article.is_none_or(|a| c.article == a))
        .filter(|c| filter.group.is_none_or(|g| c.group == g))
        .filter(|c| found.as_ref().is_none_or(|f| f.contains(&c.id)))
        .cloned()
        .collect();
    Ok((selected, all, arts))
}

/// Comment ids of the consultation that the platform's search finds for `q`, as this staff member.
async fn matching(st: &AppState, staff: &CurrentUser, consultation: i64, q: &str) -> AppResult<Vec<i64>> {
    if q.chars().count() > 200 {
        return Err(AppError::field("q", "搜索词不能超过200字"));
    }
    let agency = staff.staff_agency()?;
    let params =
        crate::search::SearchParams { q: q.to_string(), consultation: Some(consultation), ..Default::default() };
    let idx = st.search.index();
    tokio::task::spawn_blocking(move || {
        crate::search::query::comment_ids(&idx, &params, crate::search::query::Audience::Agency(agency))
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "queue search failed");
        AppError::Internal
    })
}

/// The comments in `status` that `filter` selects: what a bulk action over the selection acts on
/// (published ones for an answer, pending ones for a moderation decision).
pub async fn selected_in(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
    status: CommentStatus,
) -> AppResult<Vec<i64>> {
    own_consultation(&st.db, staff, consultation).await?;
    let (selected, _, _) = select(st, staff, consultation, filter).await?;
    Ok(selected.into_iter().filter(|c| c.status == status).map(|c| c.id).collect())
}

/// The published members of a near-duplicate group of the staff member's agency.
pub async fn group_members(db: &AnyPool, staff: &CurrentUser, group: i64) -> AppResult<Vec<i64>> {
    let agency = staff.staff_agency()?;
    Ok(sqlx::query_scalar(
        "SELECT m.id FROM comments m JOIN consultations c ON c.id = m.consultation_id
         WHERE m.group_id = $1 AND c.agency_id = $2 AND m.status = 'approved' ORDER BY m.id",
    )
    .bind(group)
    .bind(agency)
    .fetch_all(db)
    .await?)
}

/// Take a comment out of its group: it stays alone, and the rest are regrouped without it.
/// Returns the consultation.
pub async fn split(db: &AnyPool, staff: &CurrentUser, comment: i64) -> AppResult<i64> {
    let agency = staff.staff_agency()?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT m.consultation_id, m.group_id FROM comments m JOIN consultations c ON c.id = m.consultation_id
         WHERE m.id = $1 AND c.agency_id = $2",
    )
    .bind(comment)
    .bind(agency)
    .fetch_optional(&mut *tx)
    .await?;
    let (consultation, group) = row.ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE comments SET split_off = 1, group_id = id WHERE id = $1")
        .bind(comment)
        .execute(&mut *tx)
        .await?;
    if let Some(g) = group {
        sqlx::query("UPDATE comments SET group_id = NULL WHERE consultation_id = $1 AND group_id = $2 AND id <> $3")
            .bind(consultation)
            .bind(g)
            .bind(comment)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(comment, consultation, "comment split off its group");
    Ok(consultation)
}

/// One page of the review queue: entries (one per near-duplicate group, or per comment inside one
/// group) in article order, with the counts.
pub async fn page(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
) -> AppResult<ReviewQueue> {
    crate::paging::check(filter.page)?;
    let (title, closes_at) = own_consultation(&st.db, staff, consultation).await?;
    let (selected, all, arts) = select(st, staff, consultation, filter).await?;
    let position: HashMap<i64, usize> = arts.iter().enumerate().map(|(i, a)| (a.0, i + 1)).collect();
    let at = |c: &Light| c.article.and_then(|a| position.get(&a).copied()).unwrap_or(0);

    let mut counts = QueueCounts { total: all.len() as u64, ..Default::default() };
    let mut per_article: HashMap<Option<i64>, (u64, u64)> = HashMap::new();
    // Per group: size, published, unanswered, submission instants, pending.
    let mut groups: HashMap<i64, (u64, u64, u64, Vec<i64>, u64)> = HashMap::new();
    for c in &all {
        match c.status {
            CommentStatus::Pending => counts.pending += 1,
            CommentStatus::Rejected => counts.rejected += 1,
            CommentStatus::Approved if c.disposition.is_some() => counts.answered += 1,
            CommentStatus::Approved => counts.unanswered += 1,
        }
        let a = per_article.entry(c.article).or_default();
        a.0 += 1;
        a.1 += u64::from(c.unanswered());
        let g = groups.entry(c.group).or_default();
        g.0 += 1;
        g.1 += u64::from(c.status == CommentStatus::Approved);
        g.2 += u64::from(c.unanswered());
        g.3.push(c.created_at);
        g.4 += u64::from(c.status == CommentStatus::Pending);
    }
    let mut articles = Vec::new();
    if let Some((total, unanswered)) = per_article.get(&None) {
        articles.push(ArticleCount { anchor: None, label: "全文".into(), total: *total, unanswered: *unanswered });
    }
    for (id, anchor, label) in &arts {
        if let Some((total, unanswered)) = per_article.get(&Some(*id)) {
            articles.push(ArticleCount {
                anchor: Some(anchor.clone()),
                label: label.clone(),
                total: *total,
                unanswered: *unanswered,
            });
        }
    }

    // One entry per group (the first of its selected members in article order), or, when looking
    // inside one group, one per comment.
    let mut order: Vec<&Light> = selected.iter().collect();
    order.sort_by_key(|c| (at(c), c.group, c.id));
    let mut entries: Vec<(i64, u64, i64)> = Vec::new();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for c in order {
        if filter.group.is_some() {
            entries.push((c.id, 1, c.group));
        } else if let Some(&i) = seen.get(&c.group) {
            entries[i].1 += 1;
        } else {
            seen.insert(c.group, entries.len());
            entries.push((c.id, 1, c.group));
        }
    }
    let pages = entries.len().div_ceil(QUEUE_PAGE).max(1) as u32;
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<(i64, u64, i64)> =
        entries.into_iter().skip((page as usize - 1) * QUEUE_PAGE).take(QUEUE_PAGE).collect();
    let comments = bodies(&st.db, &shown.iter().map(|e| e.0).collect::<Vec<_>>()).await?;
    let entries = shown
        .into_iter()
        .filter_map(|(id, selected, group)| {
            let comment = comments.iter().find(|c| c.id == id)?.clone();
            let (size, published, unanswered, times, pending) = groups.get(&group)?;
            Some(QueueEntry {
                comment,
                group,
                selected,
                size: *size,
                published: *published,
                unanswered: *unanswered,
                pending: *pending,
                burst: *size as usize >= BURST_SIZE && groups::densest(times, BURST_WINDOW) >= BURST_SIZE,
            })
        })
        .collect();
    Ok(ReviewQueue {
        consultation_id: consultation,
        title,
        closed: crate::clock::now() >= closes_at,
        report_published: super::report::published(&st.db, consultation).await?.is_some(),
        counts,
        articles,
        selected: selected.len() as u64,
        answerable: selected.iter().filter(|c| c.status == CommentStatus::Approved).count() as u64,
        moderatable: selected.iter().filter(|c| c.status == CommentStatus::Pending).count() as u64,
        entries,
        page,
        pages,
    })
}

/// The full queue view of a few comments.
async fn bodies(db: &AnyPool, ids: &[i64]) -> AppResult<Vec<QueuedComment>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT m.id, ar.anchor AS article_anchor, ar.label AS article_label, m.body, m.status, m.moderation_reason,
                m.created_at, m.disposition, m.disposition_reason
         FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id WHERE m.id IN ({})",
        placeholders(ids.len())
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        article_anchor: Option<String>,
        article_label: Option<String>,
        body: String,
        status: String,
        moderation_reason: Option<String>,
        created_at: i64,
        disposition: Option<String>,
        disposition_reason: Option<String>,
    }
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    let mut history = changes(db, ids).await?;
    q.fetch_all(db)
        .await?
        .into_iter()
        .map(|r| {
            Ok(QueuedComment {
                history: history.remove(&r.id).unwrap_or_default(),
                status: CommentStatus::stored(&r.status)?,
                disposition: Disposition::stored(r.disposition.as_deref())?,
                id: r.id,
                article_anchor: r.article_anchor,
                article_label: r.article_label,
                body: r.body,
                moderation_reason: r.moderation_reason,
                created_at: r.created_at,
                disposition_reason: r.disposition_reason,
            })
        })
        .collect()
}

/// The recorded answer changes of a few comments (who, when, old → new), oldest first.
async fn changes(db: &AnyPool, ids: &[i64]) -> AppResult<HashMap<i64, Vec<DispositionChange>>> {
    let sql = format!(
        "SELECT h.comment_id, u.display_name, h.changed_at, h.old_disposition, h.new_disposition, h.new_reason
         FROM disposition_changes h JOIN users u ON u.id = h.changed_by
         WHERE h.comment_id IN ({}) ORDER BY h.id",
        placeholders(ids.len())
    );
    type Row = (i64, String, i64, Option<String>, String, Option<String>);
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    let mut by_comment: HashMap<i64, Vec<DispositionChange>> = HashMap::new();
    for (comment, changed_by, changed_at, old, new, new_reason) in q.fetch_all(db).await? {
        by_comment.entry(comment).or_default().push(DispositionChange {
            changed_by,
            changed_at,
            old: Disposition::stored(old.as_deref())?,
            new: AppError::stored(Disposition::parse(&new), "disposition", &new)?,
            new_reason,
        });
    }
    Ok(by_comment)
}

/// `$1, $2, …, $n`, for an `IN (…)` list of `n` values.
fn placeholders(n: usize) -> String {
    crate::db::placeholders_from(1, n)
}
