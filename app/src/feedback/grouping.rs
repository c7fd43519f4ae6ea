//! Near-duplicate groups of a consultation's comments, as the review queue shows them: found by
//! [`crate::near_duplicates`], stored in `comments.group_id`, counted in `comment_groups` (kept by
//! triggers, migration 0025), and marked when they look machine-made.
//!
//! Grouping runs over the whole consultation, so that groups are the same however the comments
//! arrived. A small consultation is grouped while the page waits; a large one (more than
//! [`WAIT_FOR_AT_MOST`] comments) in the background, at most once at a time per consultation and
//! with a rest after each run as long as [`REST`] times the run, so that a stream of new comments
//! costs at most a fifth of one core. Until their turn, new comments are shown alone, and the queue
//! says how many are still waiting.
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
/// After a background run of `d`, the next one waits `REST × d`.
const REST: u32 = 4;

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
/// was split from). Small consultations are grouped first, so none is waiting; for large ones a
/// background run is started (when none is running or resting) and the number still waiting is
/// returned at once.
pub async fn ensure_grouped(db: &AnyPool, grouper: &Grouper, consultation: i64) -> AppResult<u64> {
    let waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE consultation_id = $1 AND group_id IS NULL")
            .bind(consultation)
            .fetch_one(db)
            .await?;
    if waiting == 0 {
        return Ok(0);
    }
    let total: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM comment_groups WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_one(db)
    .await?;
    if total <= WAIT_FOR_AT_MOST {
        regroup(db, consultation).await?;
        return Ok(0);
    }
    if grouper.claim(consultation) {
        let (db, grouper) = (db.clone(), grouper.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            if let Err(e) = regroup(&db, consultation).await {
                tracing::error!(consultation, error = %e, "grouping comments failed; the next queue view tries again");
            }
            grouper.rest(consultation, started.elapsed());
        });
    }
    Ok(u64::try_from(waiting).unwrap_or(0))
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
    // Set-based: the comments alone in their group, then each group's newcomers, a thousand ids a
    // statement (each statement also moves the kept figures once, see migration 0025).
    let mut alone = Vec::new();
    let mut joining: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, _, _, old, _) in &rows {
        let new = of[id];
        match (*old != Some(new), new == *id) {
            (false, _) => {}
            (true, true) => alone.push(*id),
            (true, false) => joining.entry(new).or_default().push(*id),
        }
    }
    let changed = alone.len() + joining.values().map(Vec::len).sum::<usize>();
    let mut tx = crate::db::begin_write(db).await?;
    let statements = std::iter::once((None, alone)).chain(joining.into_iter().map(|(g, ids)| (Some(g), ids)));
    for (group, ids) in statements {
        for chunk in ids.chunks(crate::db::IDS_PER_STATEMENT) {
            let list = crate::db::placeholders_from(2, chunk.len());
            let sql = match group {
                None => format!("UPDATE comments SET group_id = id WHERE $1 IS NULL AND id IN ({list})"),
                Some(_) => format!("UPDATE comments SET group_id = $1 WHERE id IN ({list})"),
            };
            let mut q = sqlx::query(&sql).bind(group);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
    }
    sqlx::query("UPDATE comment_groups SET burst = 0 WHERE consultation_id = $1 AND burst = 1")
        .bind(consultation)
        .execute(&mut *tx)
        .await?;
    for chunk in bursts.chunks(crate::db::IDS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE comment_groups SET burst = 1 WHERE group_key IN ({})",
            crate::db::placeholders_from(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for g in chunk {
            q = q.bind(*g);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    tracing::info!(consultation, comments = rows.len(), changed, bursts = bursts.len(), "comments grouped");
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
