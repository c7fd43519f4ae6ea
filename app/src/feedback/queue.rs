//! The drafting agency's review queue: selection by filter, counts, pages. The figures come from
//! the counts kept beside the comments (`comment_groups`, `comment_tallies`) and each page is read
//! through an index, so a page costs the same at 100 comments as at 500,000; a word search counts
//! and pages the comments it found inside the database (`queue_search`).
use super::queue_entries::{self as entries, Light, Show};
use super::{ArticleCount, Disposition, DispositionChange, QueueCounts, QueueFilter, QueuedComment, ReviewQueue};
use crate::accounts::user::CurrentUser;
use crate::comments::status::CommentStatus;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sqlx::AnyPool;
use std::collections::HashMap;

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

/// The comments of the consultation among `ids`, as grouped so far, in id order (never the
/// consultation whole: a word search that finds many costs what it found, not what is there).
async fn lights(db: &AnyPool, consultation: i64, ids: &[i64]) -> AppResult<Vec<Light>> {
    // `+consultation_id`: not a term SQLite may use an index for, so the ids drive the read, one
    // seek each, never a walk over the consultation's range of an index (see `db::IDS_PER_STATEMENT`).
    let sql = format!(
        "SELECT id, article_id, status, disposition, group_id FROM comments
         WHERE +consultation_id = $1 AND id IN {} ORDER BY id",
        crate::db::ids_from_json(db, 2)
    );
    let rows =
        sqlx::query_as::<_, LightRow>(&sql).bind(consultation).bind(crate::db::json_ids(ids)).fetch_all(db).await?;
    rows.into_iter().map(light).collect()
}

/// The comments of the consultation the filter's state, article and group select (no word
/// search), read through the indexes, in id order.
async fn lights_where(
    db: &AnyPool,
    consultation: i64,
    show: Show,
    article: Option<Option<i64>>,
    group: Option<i64>,
) -> AppResult<Vec<Light>> {
    let mut sql = format!(
        "SELECT m.id, m.article_id, m.status, m.disposition, m.group_id FROM comments m
         WHERE m.consultation_id = $1 AND {}",
        show.sql()
    );
    let mut values = vec![consultation];
    entries::narrow_to(&mut sql, &mut values, 0, article, group);
    sql.push_str(" ORDER BY m.id");
    let mut q = sqlx::query_as::<_, LightRow>(&sql);
    for v in values {
        q = q.bind(v);
    }
    q.fetch_all(db).await?.into_iter().map(light).collect()
}

type LightRow = (i64, Option<i64>, String, Option<String>, Option<i64>);

fn light((id, article, status, disposition, group): LightRow) -> AppResult<Light> {
    Ok(Light {
        id,
        article,
        status: CommentStatus::stored(&status)?,
        disposition: Disposition::stored(disposition.as_deref())?,
        group: group.unwrap_or(id),
    })
}

/// The articles of a consultation: (id, anchor, label), in order.
pub(super) async fn articles(db: &AnyPool, consultation: i64) -> AppResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT id, anchor, label FROM articles WHERE consultation_id = $1 ORDER BY position")
        .bind(consultation)
        .fetch_all(db)
        .await?)
}

/// The article a filter names: None for every article, Some(None) for the draft as a whole.
fn named_article(filter: &QueueFilter, arts: &[(i64, String, String)]) -> AppResult<Option<Option<i64>>> {
    Ok(match filter.article.as_deref() {
        None => None,
        Some("whole") => Some(None),
        Some(anchor) => Some(Some(arts.iter().find(|a| a.1 == anchor).ok_or(AppError::NotFound)?.0)),
    })
}

/// The comments of the staff member's consultation that `filter` selects: through the indexes,
/// or for a word search, those the search found.
pub(super) async fn select(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
    arts: &[(i64, String, String)],
) -> AppResult<Vec<Light>> {
    let article = named_article(filter, arts)?;
    let show = Show::of(filter.show.as_deref());
    let found = match filter.q.as_deref() {
        Some(q) => matching(st, staff, consultation, q).await?,
        None => return lights_where(&st.db, consultation, show, article, filter.group).await,
    };
    let selected = lights(&st.db, consultation, &found)
        .await?
        .into_iter()
        .filter(|c| show.keeps(c))
        .filter(|c| article.is_none_or(|a| c.article == a))
        .filter(|c| filter.group.is_none_or(|g| c.group == g))
        .collect();
    Ok(selected)
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
    let opened = open(st, staff, consultation).await?;
    // Without a word search, counted from the kept figures first: a selection too large for one
    // decision is refused before a comment of it is read. A word search's selection is counted
    // from what it found (reading it once, not once to count and again to decide).
    if filter.q.is_none() {
        let (counted, _) = chosen(st, staff, consultation, filter, &opened.arts, &opened.tallies, false).await?;
        let n = if status == CommentStatus::Pending { counted.moderatable } else { counted.answerable };
        if n > super::MAX_SELECTED as u64 {
            return Err(super::too_many_selected(n));
        }
    }
    let selected = select(st, staff, consultation, filter, &opened.arts).await?;
    let ids: Vec<i64> = selected.into_iter().filter(|c| c.status == status).map(|c| c.id).collect();
    if ids.len() > super::MAX_SELECTED {
        return Err(super::too_many_selected(ids.len() as u64));
    }
    Ok(ids)
}

/// The staff member's own consultation opened for its queue: grouped first (see
/// [`super::grouping`]), with its articles and kept figures.
struct Opened {
    title: String,
    closes_at: i64,
    /// New comments still waiting to be grouped in the background.
    ungrouped: u64,
    arts: Vec<(i64, String, String)>,
    tallies: HashMap<i64, entries::StateCounts>,
}

async fn open(st: &AppState, staff: &CurrentUser, consultation: i64) -> AppResult<Opened> {
    let (title, closes_at) = own_consultation(&st.db, staff, consultation).await?;
    let ungrouped = super::grouping::ensure_grouped(&st.db, &st.grouping, consultation).await?;
    let arts = articles(&st.db, consultation).await?;
    let tallies = entries::tallies(&st.db, consultation).await?;
    Ok(Opened { title, closes_at, ungrouped, arts, tallies })
}

/// What `filter` selects, counted from the kept figures where it can be; with `entries`, also the
/// page of entries it asks for.
async fn chosen(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
    arts: &[(i64, String, String)],
    tallies: &HashMap<i64, entries::StateCounts>,
    entries: bool,
) -> AppResult<(entries::Selection, Option<entries::Found>)> {
    let show = Show::of(filter.show.as_deref());
    let article = named_article(filter, arts)?;
    let requested = filter.page.unwrap_or(1);
    Ok(if let Some(q) = filter.q.as_deref() {
        let found = matching(st, staff, consultation, q).await?;
        let narrowed = (show, article, filter.group);
        super::queue_search::searched(&st.db, consultation, &found, narrowed, entries.then_some(requested)).await?
    } else if let Some(group) = filter.group {
        let (selection, found) = entries::in_group(&st.db, consultation, group, article, show, requested).await?;
        (selection, Some(found))
    } else if let Some(article) = article {
        let t = tallies.get(&article.unwrap_or(0)).cloned().unwrap_or_default();
        let found = match entries {
            true => Some(entries::in_article(&st.db, consultation, article, show, requested).await?),
            false => None,
        };
        (show.selection(&t), found)
    } else {
        let mut all = entries::StateCounts::default();
        for t in tallies.values() {
            all.add(t);
        }
        let found = match entries {
            true => Some(entries::by_group(&st.db, consultation, show, requested).await?),
            false => None,
        };
        (show.selection(&all), found)
    })
}

/// How many comments `filter` selects in the staff member's consultation: (awaiting moderation,
/// published), as the queue page counts them (grouping first, as the page does).
pub async fn selection(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
) -> AppResult<(u64, u64)> {
    let opened = open(st, staff, consultation).await?;
    let (selection, _) = chosen(st, staff, consultation, filter, &opened.arts, &opened.tallies, false).await?;
    Ok((selection.moderatable, selection.answerable))
}

/// One page of the review queue: entries (one per near-duplicate group, or per comment inside one
/// group) in article order, with the counts. Says how many new comments still wait to be grouped
/// (see [`super::grouping`]).
pub async fn page(
    st: &AppState,
    staff: &CurrentUser,
    consultation: i64,
    filter: &QueueFilter,
) -> AppResult<ReviewQueue> {
    crate::paging::check(filter.page)?;
    let Opened { title, closes_at, ungrouped, arts, tallies } = open(st, staff, consultation).await?;
    let mut counts = QueueCounts::default();
    for t in tallies.values() {
        counts.add(t);
    }
    let whole = tallies.get(&0).filter(|t| t.total() > 0).map(|t| ArticleCount {
        anchor: None,
        label: "全文".into(),
        total: t.total(),
        unanswered: t.unanswered.max(0) as u64,
    });
    let articles = whole
        .into_iter()
        .chain(arts.iter().filter_map(|(id, anchor, label)| {
            let t = tallies.get(id).filter(|t| t.total() > 0)?;
            Some(ArticleCount {
                anchor: Some(anchor.clone()),
                label: label.clone(),
                total: t.total(),
                unanswered: t.unanswered.max(0) as u64,
            })
        }))
        .collect();
    let (selection, found) = chosen(st, staff, consultation, filter, &arts, &tallies, true).await?;
    let found = found.ok_or(AppError::Internal)?;
    let comments = bodies(&st.db, &found.entries.iter().map(|e| e.0).collect::<Vec<_>>()).await?;
    let entries = entries::with_groups(&st.db, found.entries, comments).await?;
    Ok(ReviewQueue {
        consultation_id: consultation,
        title,
        closed: crate::clock::now() >= closes_at,
        report_published: super::report::published(&st.db, consultation).await?.is_some(),
        counts,
        articles,
        selected: selection.selected,
        answerable: selection.answerable,
        moderatable: selection.moderatable,
        ungrouped,
        entries,
        page: found.page,
        pages: found.pages,
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
