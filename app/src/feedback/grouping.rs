//! Near-duplicate groups of a consultation's comments, as the review queue shows them: found by
//! [`crate::near_duplicates`], stored in `comments.group_id`, counted in `comment_groups` (kept by
//! triggers, migration 0025), and marked when they look machine-made.
//!
//! Grouping is incremental. New comments are grouped against the consultation's groups of two or
//! more (up to [`LEADERS`] members of each) and among themselves, without reading the rest
//! ([`Run::Newcomers`]); a newcomer that bridges two groups joins the older one. Once the
//! newcomers since the last whole run reach a tenth of the comments it grouped, the whole
//! consultation is grouped again together ([`Run::Whole`]), so that groups end up the same however
//! the comments arrived (a newcomer's copy of a comment that was alone, and bridges, are found
//! then).
//!
//! A run happens while the page waits when it is small (a whole run over at most
//! [`WAIT_FOR_AT_MOST`] comments, or at most [`NEWCOMERS_IN_PAGE`] newcomers), else in the
//! background, at most once at a time per consultation and with a rest after each run as long as
//! [`REST`] times the run. Until their turn, new comments are shown alone, and the queue says how
//! many are still waiting.
use crate::accounts::user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::near_duplicates::{self as groups, BURST_SIZE, BURST_WINDOW};
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Consultations with at most this many comments are grouped while the page waits (a few tenths
/// of a second); larger ones in the background.
pub const WAIT_FOR_AT_MOST: i64 = 20_000;
/// At most this many new comments are grouped against the groups while the page waits.
pub const NEWCOMERS_IN_PAGE: i64 = 2_000;
/// Members of each group a newcomer is compared with (its first ones).
pub const LEADERS: i64 = 3;
/// After a background run of `d`, the next one waits `REST × d`.
const REST: u32 = 4;

/// What a run groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// Every comment of the consultation, together.
    Whole,
    /// The comments not yet grouped, against the groups of two or more and among themselves.
    Newcomers,
}

/// The process's background grouping: which consultations are being grouped, or resting after a
/// run, until when.
#[derive(Clone, Default)]
pub struct Grouper {
    busy: Arc<Mutex<HashMap<i64, Option<Instant>>>>,
}

impl Grouper {
    /// Claims consultation `id` for a run unless it is running or resting.
    fn claim(&self, id: i64) -> bool {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        busy.retain(|_, until| until.is_none_or(|t| t > now));
        match busy.get(&id) {
            Some(_) => false,
            None => {
                busy.insert(id, None);
                true
            }
        }
    }

    /// Ends a run that took `took`: the consultation rests for `REST × took`.
    fn rest(&self, id: i64, took: Duration) {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        busy.insert(id, Some(Instant::now() + took * REST));
    }
}

/// Comments of the consultation not yet in a group (new ones, or the others of a group a comment
/// was split from). A small run is done first, so none is waiting; otherwise a background run is
/// started (when none is running or resting) and the number still waiting is returned at once.
pub async fn ensure_grouped(db: &AnyPool, grouper: &Grouper, consultation: i64) -> AppResult<u64> {
    let waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE consultation_id = $1 AND group_id IS NULL")
            .bind(consultation)
            .fetch_one(db)
            .await?;
    if waiting == 0 {
        return Ok(0);
    }
    let run = what_run(db, consultation, waiting).await?;
    let in_page = match run {
        Run::Newcomers => waiting <= NEWCOMERS_IN_PAGE,
        Run::Whole => {
            let total: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM comment_groups WHERE consultation_id = $1",
            )
            .bind(consultation)
            .fetch_one(db)
            .await?;
            total <= WAIT_FOR_AT_MOST
        }
    };
    if in_page {
        group(db, consultation, run).await?;
        return Ok(0);
    }
    if grouper.claim(consultation) {
        let (db, grouper) = (db.clone(), grouper.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            if let Err(e) = group(&db, consultation, run).await {
                tracing::error!(consultation, error = %e, "grouping comments failed; the next queue view tries again");
            }
            grouper.rest(consultation, started.elapsed());
        });
    }
    Ok(u64::try_from(waiting).unwrap_or(0))
}

/// Newcomers alone while they (with those grouped so since the last whole run) stay within a
/// tenth of the comments that run grouped; else the whole consultation.
async fn what_run(db: &AnyPool, consultation: i64, waiting: i64) -> AppResult<Run> {
    let last: Option<(i64, i64)> =
        sqlx::query_as("SELECT grouped_together, added_since FROM comment_grouping WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_optional(db)
            .await?;
    Ok(match last {
        Some((together, added)) if (added + waiting) * 10 <= together => Run::Newcomers,
        _ => Run::Whole,
    })
}

async fn group(db: &AnyPool, consultation: i64, run: Run) -> AppResult<()> {
    match run {
        Run::Whole => regroup(db, consultation).await,
        Run::Newcomers => group_newcomers(db, consultation).await,
    }
}

/// Group every comment of the consultation again (split-off ones stay alone), store the groups that
/// changed, and mark the groups that look machine-made.
async fn regroup(db: &AnyPool, consultation: i64) -> AppResult<()> {
    let rows: Vec<(i64, String, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT id, body, split_off, group_id, created_at FROM comments WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    // Grouping 100,000 comments takes about a second of CPU: off the async threads.
    let (rows, of, bursts) = tokio::task::spawn_blocking(move || {
        let grouped: Vec<(i64, &str)> = rows.iter().filter(|r| r.2 == 0).map(|r| (r.0, r.1.as_str())).collect();
        let mut of: HashMap<i64, i64> = grouped.iter().map(|g| g.0).zip(groups::group(&grouped)).collect();
        for r in rows.iter().filter(|r| r.2 != 0) {
            of.insert(r.0, r.0);
        }
        let mut times: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in &rows {
            times.entry(of[&r.0]).or_default().push(r.4);
        }
        let bursts: Vec<i64> = times
            .into_iter()
            .filter(|(_, t)| t.len() >= BURST_SIZE && groups::densest(t, BURST_WINDOW) >= BURST_SIZE)
            .map(|(g, _)| g)
            .collect();
        (rows, of, bursts)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    let mut moves = Moves::default();
    for (id, _, _, old, _) in &rows {
        moves.to(*id, *old, of[id]);
    }
    let mut tx = crate::db::begin_write(db).await?;
    let changed = moves.store(&mut tx, false).await?;
    sqlx::query("UPDATE comment_groups SET burst = 0 WHERE consultation_id = $1 AND burst = 1")
        .bind(consultation)
        .execute(&mut *tx)
        .await?;
    flag_bursts(&mut tx, &bursts).await?;
    sqlx::query(
        "INSERT INTO comment_grouping (consultation_id, grouped_together, added_since) VALUES ($1, $2, 0)
         ON CONFLICT (consultation_id) DO UPDATE SET grouped_together = excluded.grouped_together, added_since = 0",
    )
    .bind(consultation)
    .bind(rows.len() as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(consultation, comments = rows.len(), changed, bursts = bursts.len(), "comments grouped");
    Ok(())
}

/// Group the comments not yet grouped against the first members of every group of two or more,
/// and among themselves; nothing else is read. A newcomer that matches members of two groups
/// joins the older; the next whole run may join the groups.
async fn group_newcomers(db: &AnyPool, consultation: i64) -> AppResult<()> {
    let newcomers: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, body, created_at FROM comments WHERE consultation_id = $1 AND group_id IS NULL ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(db)
    .await?;
    // Each group's first members, one index seek per group, in one statement (never the whole
    // of a campaign).
    let leaders: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT m.id, m.body, g.group_key FROM comment_groups g
         JOIN comments m ON m.id IN (SELECT f.id FROM comments f WHERE f.consultation_id = $1
                                     AND f.group_id = g.group_key ORDER BY f.id LIMIT $2)
         WHERE g.consultation_id = $1 AND g.size >= 2",
    )
    .bind(consultation)
    .bind(LEADERS)
    .fetch_all(db)
    .await?;
    let (moves, since) = tokio::task::spawn_blocking(move || {
        let mut texts: Vec<(i64, &str)> = leaders.iter().map(|l| (l.0, l.1.as_str())).collect();
        texts.extend(newcomers.iter().map(|n| (n.0, n.1.as_str())));
        let of: HashMap<i64, i64> = texts.iter().map(|t| t.0).zip(groups::group(&texts)).collect();
        // Each set found: the oldest group among its leaders, else its first newcomer.
        let mut joins: HashMap<i64, i64> = HashMap::new();
        for (id, _, key) in &leaders {
            let joined = joins.entry(of[id]).or_insert(*key);
            *joined = (*joined).min(*key);
        }
        let mut moves = Moves::default();
        // Per group joined, the earliest newcomer's submission time: a burst they are part of
        // lies after it, less the burst window.
        let mut since: HashMap<i64, i64> = HashMap::new();
        for (id, _, at) in &newcomers {
            let set = of[id];
            let group = joins.get(&set).copied().unwrap_or(set);
            moves.to(*id, None, group);
            let earliest = since.entry(group).or_insert(*at);
            *earliest = (*earliest).min(*at);
        }
        (moves, since)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    let mut tx = crate::db::begin_write(db).await?;
    // Only comments still ungrouped: another run (a whole one, or the same page opened twice)
    // may have grouped them since they were read.
    let count = moves.store(&mut tx, true).await?;
    let mut bursts = Vec::new();
    for (group, earliest) in since {
        let flagged: Option<i64> = sqlx::query_scalar("SELECT burst FROM comment_groups WHERE group_key = $1")
            .bind(group)
            .fetch_optional(&mut *tx)
            .await?;
        if flagged == Some(1) {
            continue;
        }
        let times = newest_times(&mut tx, consultation, group, earliest - BURST_WINDOW).await?;
        if times.len() >= BURST_SIZE && groups::densest(&times, BURST_WINDOW) >= BURST_SIZE {
            bursts.push(group);
        }
    }
    flag_bursts(&mut tx, &bursts).await?;
    sqlx::query("UPDATE comment_grouping SET added_since = added_since + $1 WHERE consultation_id = $2")
        .bind(count as i64)
        .bind(consultation)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(consultation, newcomers = count, "new comments grouped");
    Ok(())
}

/// The submission times of a group's members, newest first, back to the first one before `since`:
/// ids follow submission order, so a campaign's older copies are never read. Read a page at a
/// time through the group index.
async fn newest_times(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    consultation: i64,
    group: i64,
    since: i64,
) -> AppResult<Vec<i64>> {
    const PAGE: i64 = 500;
    let (mut times, mut below) = (Vec::new(), i64::MAX);
    loop {
        let page: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, created_at FROM comments WHERE consultation_id = $1 AND group_id = $2 AND id < $3
             ORDER BY id DESC LIMIT $4",
        )
        .bind(consultation)
        .bind(group)
        .bind(below)
        .bind(PAGE)
        .fetch_all(&mut **tx)
        .await?;
        let whole = page.len() as i64 == PAGE;
        for (id, at) in page {
            if at < since {
                return Ok(times);
            }
            times.push(at);
            below = id;
        }
        if !whole {
            return Ok(times);
        }
    }
}

/// Where comments go: alone (their own group), or into a group, by its key.
#[derive(Default)]
struct Moves {
    alone: Vec<i64>,
    joining: HashMap<i64, Vec<i64>>,
}

impl Moves {
    /// Comment `id`, now in group `old`, belongs in group `new`.
    fn to(&mut self, id: i64, old: Option<i64>, new: i64) {
        match (old != Some(new), new == id) {
            (false, _) => {}
            (true, true) => self.alone.push(id),
            (true, false) => self.joining.entry(new).or_default().push(id),
        }
    }

    /// Set-based: the comments alone in their group, then each group's newcomers, a thousand ids
    /// a statement (each statement also moves the kept figures once, see migration 0025); with
    /// `ungrouped`, only comments not yet in a group. Returns how many moved.
    async fn store(self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, ungrouped: bool) -> AppResult<u64> {
        let only = if ungrouped { " AND group_id IS NULL" } else { "" };
        let mut changed = 0;
        let statements =
            std::iter::once((None, self.alone)).chain(self.joining.into_iter().map(|(g, ids)| (Some(g), ids)));
        for (group, ids) in statements {
            for chunk in ids.chunks(crate::db::IDS_PER_STATEMENT) {
                let list = crate::db::placeholders_from(2, chunk.len());
                let sql = match group {
                    None => format!("UPDATE comments SET group_id = id WHERE $1 IS NULL AND id IN ({list}){only}"),
                    Some(_) => format!("UPDATE comments SET group_id = $1 WHERE id IN ({list}){only}"),
                };
                let mut q = sqlx::query(&sql).bind(group);
                for id in chunk {
                    q = q.bind(*id);
                }
                changed += q.execute(&mut **tx).await?.rows_affected();
            }
        }
        Ok(changed)
    }
}

/// Mark these groups as looking machine-made.
async fn flag_bursts(tx: &mut sqlx::Transaction<'_, sqlx::Any>, bursts: &[i64]) -> AppResult<()> {
    for chunk in bursts.chunks(crate::db::IDS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE comment_groups SET burst = 1 WHERE group_key IN ({})",
            crate::db::placeholders_from(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for g in chunk {
            q = q.bind(*g);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
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
