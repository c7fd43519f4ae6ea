//! The entries of one review-queue page, read through indexes: one per near-duplicate group (the
//! groups in the order of the articles their first comments are on), or one per comment inside a
//! group. Figures come from the counts triggers keep (migration 0025), never from counting every
//! comment of the consultation.
use super::Disposition;
use super::{QueueCounts, QueueEntry, QueuedComment, QUEUE_PAGE};
use crate::comments::status::CommentStatus;
use crate::error::AppResult;
use sqlx::AnyPool;
use std::collections::HashMap;

/// What the queue needs of every comment to select, count and group it (no bodies).
#[derive(Debug, Clone)]
pub struct Light {
    pub id: i64,
    pub article: Option<i64>,
    pub status: CommentStatus,
    pub disposition: Option<Disposition>,
    pub group: i64,
}

/// Comments by state, as kept for one article (or the draft as a whole) in `comment_tallies`.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct StateCounts {
    pub pending: i64,
    pub rejected: i64,
    pub unanswered: i64,
    pub answered: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl StateCounts {
    pub fn total(&self) -> u64 {
        count(self.pending + self.rejected + self.unanswered + self.answered)
    }
    pub fn add(&mut self, other: &StateCounts) {
        self.pending += other.pending;
        self.rejected += other.rejected;
        self.unanswered += other.unanswered;
        self.answered += other.answered;
    }
}

impl QueueCounts {
    pub fn add(&mut self, t: &StateCounts) {
        self.total += t.total();
        self.pending += count(t.pending);
        self.rejected += count(t.rejected);
        self.unanswered += count(t.unanswered);
        self.answered += count(t.answered);
    }
}

/// The kept counts of a consultation per article id (0: the draft as a whole).
pub async fn tallies(db: &AnyPool, consultation: i64) -> AppResult<HashMap<i64, StateCounts>> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT article_key, pending, rejected, unanswered, answered FROM comment_tallies WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(article, pending, rejected, unanswered, answered)| {
            (article, StateCounts { pending, rejected, unanswered, answered })
        })
        .collect())
}

/// Which comments the queue's state filter (`show`) keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    All,
    Pending,
    Unanswered,
    Answered,
    Rejected,
}

impl Show {
    /// The filter a page's `show` names; anything else shows every comment.
    pub fn of(show: Option<&str>) -> Show {
        match show {
            Some("pending") => Show::Pending,
            Some("unanswered") => Show::Unanswered,
            Some("answered") => Show::Answered,
            Some("rejected") => Show::Rejected,
            _ => Show::All,
        }
    }

    pub fn keeps(self, c: &Light) -> bool {
        let approved = c.status == CommentStatus::Approved;
        match self {
            Show::All => true,
            Show::Pending => c.status == CommentStatus::Pending,
            Show::Unanswered => approved && c.disposition.is_none(),
            Show::Answered => approved && c.disposition.is_some(),
            Show::Rejected => c.status == CommentStatus::Rejected,
        }
    }

    /// The condition on a comment `m`.
    pub(super) fn sql(self) -> &'static str {
        match self {
            Show::All => "1 = 1",
            Show::Pending => "m.status = 'pending'",
            Show::Unanswered => "m.status = 'approved' AND m.disposition IS NULL",
            Show::Answered => "m.status = 'approved' AND m.disposition IS NOT NULL",
            Show::Rejected => "m.status = 'rejected'",
        }
    }

    /// The kept column of `comment_groups` that counts a group's members this filter keeps.
    fn column(self) -> &'static str {
        match self {
            Show::All => "size",
            Show::Pending => "pending",
            Show::Unanswered => "unanswered",
            Show::Answered => "answered",
            Show::Rejected => "rejected",
        }
    }

    /// The selection this filter makes of comments counted `t`.
    pub fn selection(self, t: &StateCounts) -> Selection {
        let (p, r, u, a) = (count(t.pending), count(t.rejected), count(t.unanswered), count(t.answered));
        let (selected, answerable, moderatable) = match self {
            Show::All => (p + r + u + a, u + a, p),
            Show::Pending => (p, 0, p),
            Show::Unanswered => (u, u, 0),
            Show::Answered => (a, a, 0),
            Show::Rejected => (r, 0, 0),
        };
        Selection { selected, answerable, moderatable }
    }
}

/// The comments a filter selects: how many, how many of them are published (can be answered) and
/// how many await moderation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    pub selected: u64,
    pub answerable: u64,
    pub moderatable: u64,
}

/// One page of entries: (comment shown, members selected, group), the page (the one asked for, or
/// the last) and the number of pages.
pub struct Found {
    pub entries: Vec<(i64, u64, i64)>,
    pub page: u32,
    pub pages: u32,
}

/// The page shown for `requested` among `entries` entries, the number of pages, and the offset.
fn place(entries: i64, requested: u32) -> (u32, u32, i64) {
    crate::paging::place(entries, requested, QUEUE_PAGE as i64)
}

/// What a filter's article and group ask of a comment `m`: conditions appended to `sql`, their
/// values pushed onto `values`, numbered after `values` and the `before` values bound ahead of them.
pub(super) fn narrow_to(
    sql: &mut String,
    values: &mut Vec<i64>,
    before: usize,
    article: Option<Option<i64>>,
    group: Option<i64>,
) {
    match article {
        Some(Some(a)) => {
            values.push(a);
            sql.push_str(&format!(" AND m.article_id = ${}", before + values.len()));
        }
        Some(None) => sql.push_str(" AND m.article_id IS NULL"),
        None => {}
    }
    if let Some(g) = group {
        values.push(g);
        let n = before + values.len();
        sql.push_str(&format!(" AND (m.group_id = ${n} OR (m.group_id IS NULL AND m.id = ${n}))"));
    }
}

/// The condition that a comment `m` is on an article (`$n` when one is named; None: the draft as
/// a whole), or on anything when no article is asked for.
fn on_article(article: Option<Option<i64>>, n: usize) -> String {
    match article {
        Some(Some(_)) => format!("m.article_id = ${n}"),
        Some(None) => "m.article_id IS NULL".into(),
        None => "1 = 1".into(),
    }
}

/// The condition on a group's member `m` for an article (`$3` when one is named; None: the draft
/// as a whole) and a filter, and the number of the next free placeholder (`$1` is the
/// consultation, `$2` the group).
fn members_where(article: Option<Option<i64>>, show: Show) -> (String, usize) {
    let next = if matches!(article, Some(Some(_))) { 4 } else { 3 };
    (format!("{} AND {}", on_article(article, 3), show.sql()), next)
}

/// An SQL expression: the first member, in id order, of the group keyed by `key` (an SQL
/// expression) that the filter keeps and that is on the article `on` says (a condition on `m`),
/// read through the group index; a comment not yet grouped is a group of its own. `$1` is the
/// consultation. One statement reads a whole page of groups with theirs.
fn first_member(key: &str, on: &str, show: Show) -> String {
    let keeps = show.sql();
    format!(
        "COALESCE(
            (SELECT m.id FROM comments m WHERE m.consultation_id = $1 AND m.group_id = {key} AND {on} AND {keeps}
             ORDER BY m.id LIMIT 1),
            (SELECT m.id FROM comments m WHERE m.id = {key} AND m.consultation_id = $1 AND m.group_id IS NULL
             AND {on} AND {keeps}))"
    )
}

/// Where a page of groups is read from: a table of kept figures (alias `t`: `comment_groups`, or
/// `comment_group_articles` for one article), the rows of it that count, and their order.
struct GroupRows<'a> {
    table: &'a str,
    /// A condition on `t` besides the consultation (`$1`) and the filter's column; `$2` is the
    /// article key when `article` is given.
    rows: &'a str,
    article: Option<i64>,
    order: &'a str,
    /// How each group is shown: an SQL expression on `t` for the comment standing for it.
    shown: String,
}

/// One page of the groups `from` lists with a member the filter keeps: counted, placed and read
/// from the kept figures, each with the comment standing for it, in one statement each.
async fn page_of_groups(
    db: &AnyPool,
    consultation: i64,
    from: GroupRows<'_>,
    show: Show,
    requested: u32,
) -> AppResult<Found> {
    let column = show.column();
    let GroupRows { table, rows, article, order, shown } = from;
    let kept = format!("t.consultation_id = $1 AND {rows} AND t.{column} > 0");
    let counting = format!("SELECT COUNT(*) FROM {table} t WHERE {kept}");
    let mut counted = sqlx::query_scalar::<_, i64>(&counting).bind(consultation);
    if let Some(a) = article {
        counted = counted.bind(a);
    }
    let (page, pages, offset) = place(counted.fetch_one(db).await?, requested);
    let next = if article.is_some() { 3 } else { 2 };
    let read = format!(
        "SELECT t.group_key, t.{column}, {shown} FROM {table} t WHERE {kept} ORDER BY {order} LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut q = sqlx::query_as::<_, (i64, i64, Option<i64>)>(&read).bind(consultation);
    if let Some(a) = article {
        q = q.bind(a);
    }
    let groups = q.bind(QUEUE_PAGE as i64).bind(offset).fetch_all(db).await?;
    let entries = groups.into_iter().filter_map(|(group, n, shown)| Some((shown?, count(n), group))).collect();
    Ok(Found { entries, page, pages })
}

/// Every group with a member the filter keeps, in the order of the articles their first comments
/// are on; each shown by its first member the filter keeps.
pub async fn by_group(db: &AnyPool, consultation: i64, show: Show, requested: u32) -> AppResult<Found> {
    // A group's key is its first member; with a state filter, the first member in that state.
    let shown = match show {
        Show::All => "t.group_key".to_string(),
        _ => first_member("t.group_key", "1 = 1", show),
    };
    let from = GroupRows { table: "comment_groups", rows: "1 = 1", article: None, order: "t.home, t.group_key", shown };
    page_of_groups(db, consultation, from, show, requested).await
}

/// The groups with a member on one article (None: on the draft as a whole) that the filter keeps,
/// in group order, each shown by its first such member. Read from the figures kept per group and
/// article (migration 0027), one index range.
pub async fn in_article(
    db: &AnyPool,
    consultation: i64,
    article: Option<i64>,
    show: Show,
    requested: u32,
) -> AppResult<Found> {
    let shown = first_member("t.group_key", &on_article(Some(article), 2), show);
    let from = GroupRows {
        table: "comment_group_articles",
        rows: "t.article_key = $2",
        article: Some(article.unwrap_or(0)),
        order: "t.group_key",
        shown,
    };
    page_of_groups(db, consultation, from, show, requested).await
}

/// The figures kept for one group: as a whole, or on one article (None: the draft as a whole).
async fn kept_for(db: &AnyPool, consultation: i64, group: i64, article: Option<Option<i64>>) -> AppResult<StateCounts> {
    let kept: Option<StateCounts> = match article {
        None => {
            sqlx::query_as(
                "SELECT pending, rejected, unanswered, answered FROM comment_groups
                 WHERE group_key = $1 AND consultation_id = $2",
            )
            .bind(group)
            .bind(consultation)
            .fetch_optional(db)
            .await?
        }
        Some(a) => {
            sqlx::query_as(
                "SELECT pending, rejected, unanswered, answered FROM comment_group_articles
                 WHERE group_key = $1 AND article_key = $2 AND consultation_id = $3",
            )
            .bind(group)
            .bind(a.unwrap_or(0))
            .bind(consultation)
            .fetch_optional(db)
            .await?
        }
    };
    Ok(kept.unwrap_or_default())
}

/// The members of one group (on one article, when given) that the filter keeps, one entry each, in
/// id order, with the selection they make. The selection is the group's kept figures (on the
/// article, when given); the members are read through the group index (a comment not yet grouped is a group of
/// its own), never by scanning the consultation.
pub async fn in_group(
    db: &AnyPool,
    consultation: i64,
    group: i64,
    article: Option<Option<i64>>,
    show: Show,
    requested: u32,
) -> AppResult<(Selection, Found)> {
    let grouped: Option<i64> =
        sqlx::query_scalar("SELECT id FROM comments WHERE consultation_id = $1 AND group_id = $2 ORDER BY id LIMIT 1")
            .bind(consultation)
            .bind(group)
            .fetch_optional(db)
            .await?;
    let (on, next) = members_where(article, show);
    let cond = match grouped {
        Some(_) => format!("m.consultation_id = $1 AND m.group_id = $2 AND {on}"),
        None => format!("m.consultation_id = $1 AND m.id = $2 AND m.group_id IS NULL AND {on}"),
    };
    let selection = show.selection(&kept_for(db, consultation, group, article).await?);
    let (page, pages, offset) = place(selection.selected as i64, requested);
    let listed = format!("SELECT m.id FROM comments m WHERE {cond} ORDER BY m.id LIMIT ${next} OFFSET ${}", next + 1);
    let mut q = sqlx::query_scalar::<_, i64>(&listed).bind(consultation).bind(group);
    if let Some(Some(a)) = article {
        q = q.bind(a);
    }
    let ids = q.bind(QUEUE_PAGE as i64).bind(offset).fetch_all(db).await?;
    Ok((selection, Found { entries: ids.into_iter().map(|id| (id, 1, group)).collect(), page, pages }))
}

/// The page's entries with their comments and their groups' kept figures.
pub async fn with_groups(
    db: &AnyPool,
    found: Vec<(i64, u64, i64)>,
    comments: Vec<QueuedComment>,
) -> AppResult<Vec<QueueEntry>> {
    let keys: Vec<i64> = found.iter().map(|e| e.2).collect();
    let mut kept: HashMap<i64, (i64, i64, i64, i64, i64)> = HashMap::new();
    if !keys.is_empty() {
        let sql = format!(
            "SELECT group_key, size, unanswered, answered, pending, burst FROM comment_groups WHERE group_key IN ({})",
            crate::db::placeholders_from(1, keys.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64)>(&sql);
        for k in &keys {
            q = q.bind(*k);
        }
        for (key, size, unanswered, answered, pending, burst) in q.fetch_all(db).await? {
            kept.insert(key, (size, unanswered, answered, pending, burst));
        }
    }
    let mut comments: HashMap<i64, QueuedComment> = comments.into_iter().map(|c| (c.id, c)).collect();
    Ok(found
        .into_iter()
        .filter_map(|(id, selected, group)| {
            let comment = comments.remove(&id)?;
            let (size, unanswered, answered, pending, burst) = kept.get(&group).copied().unwrap_or((1, 0, 0, 0, 0));
            Some(QueueEntry {
                comment,
                group,
                selected,
                size: count(size),
                published: count(unanswered + answered),
                unanswered: count(unanswered),
                pending: count(pending),
                burst: burst != 0,
            })
        })
        .collect())
}
