//! The review queue narrowed by a word search: the comments the search found are filtered,
//! counted, grouped and paged inside the database, their ids bound as one JSON array (see
//! [`crate::db::ids_from_json`]). Only the counts and the page's entries come back, however many
//! the search found: a word found in 5,000 comments no longer ships 5,000 rows through the driver.
use super::queue_entries::{Found, Selection, Show};
use super::QUEUE_PAGE;
use crate::error::AppResult;
use sqlx::AnyPool;

/// A comment's place in the queue as one number: its article's position (0 for the draft as a
/// whole, articles from 1) times this, plus its id. Ids stay below it (2^40).
const PLACE: i64 = 1 << 40;

/// What the filter asks of a found comment `m`, with its values bound from `$3`.
struct Narrowing {
    sql: String,
    values: Vec<i64>,
}

fn narrowing(show: Show, article: Option<Option<i64>>, group: Option<i64>) -> Narrowing {
    let mut sql = format!("+m.consultation_id = $1 AND m.id IN {{ids}} AND {}", show.sql());
    let mut values = Vec::new();
    super::queue_entries::narrow_to(&mut sql, &mut values, 2, article, group);
    Narrowing { sql, values }
}

/// The found comments `ids` of `consultation` that the filter keeps, counted; with `requested`,
/// also that page of entries: one per near-duplicate group (the group's first comment in article
/// order, and how many of it were found), or one per comment inside a group.
pub async fn searched(
    db: &AnyPool,
    consultation: i64,
    ids: &[i64],
    (show, article, group): (Show, Option<Option<i64>>, Option<i64>),
    requested: Option<u32>,
) -> AppResult<(Selection, Option<Found>)> {
    let n = narrowing(show, article, group);
    let filter = n.sql.replace("{ids}", &crate::db::ids_from_json(db, 2));
    let json = crate::db::json_ids(ids);
    let sql = format!(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN m.status = 'approved' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN m.status = 'pending' THEN 1 ELSE 0 END), 0),
                COUNT(DISTINCT COALESCE(m.group_id, m.id))
         FROM comments m WHERE {filter}"
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64, i64)>(&sql).bind(consultation).bind(json.as_str());
    for v in &n.values {
        q = q.bind(*v);
    }
    let (selected, approved, pending, groups) = q.fetch_one(db).await?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    let selection = Selection { selected: count(selected), answerable: count(approved), moderatable: count(pending) };
    let Some(requested) = requested else { return Ok((selection, None)) };
    let inside_group = group.is_some();
    let (page, pages, offset) =
        crate::paging::place(if inside_group { selected } else { groups }, requested, QUEUE_PAGE as i64);
    let placed = format!(
        "SELECT (CASE WHEN ar.id IS NULL THEN 0 ELSE ar.position + 1 END) * {PLACE} + m.id AS k,
                COALESCE(m.group_id, m.id) AS grp
         FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id WHERE {filter}"
    );
    let (limit, skip) = (n.values.len() + 3, n.values.len() + 4);
    let sql = if inside_group {
        format!("SELECT k, grp, 1 FROM ({placed}) f ORDER BY k LIMIT ${limit} OFFSET ${skip}")
    } else {
        format!(
            "SELECT MIN(k), grp, COUNT(*) FROM ({placed}) f GROUP BY grp
             ORDER BY MIN(k) / {PLACE}, grp LIMIT ${limit} OFFSET ${skip}"
        )
    };
    let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql).bind(consultation).bind(json.as_str());
    for v in &n.values {
        q = q.bind(*v);
    }
    let rows = q.bind(QUEUE_PAGE as i64).bind(offset).fetch_all(db).await?;
    let entries = rows.into_iter().map(|(k, grp, n)| (k % PLACE, count(n), grp)).collect();
    Ok((selection, Some(Found { entries, page, pages })))
}
