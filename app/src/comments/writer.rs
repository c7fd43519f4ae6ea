//! Comments are written by one task per process that commits whatever has queued since its last
//! commit in one transaction, then answers each submitter: concurrent submissions share a commit
//! (and its fsync) instead of queueing for the database's write lock one by one. A receipt is still
//! given only for a committed row; when a commit fails, every comment in it is refused with the
//! error (503 for a storage fault) and nothing in it is stored.
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// A fresh receipt number, e.g. `YJ-2026-7KQ3-M9XD-2PWE` (60 random bits).
pub fn new_receipt(now: i64) -> String {
    let year = &crate::clock::format_date(now)[..4];
    format!("YJ-{year}-{}", crate::codes::crockford_groups(3))
}

/// The most comments one commit takes: enough to carry a burst, small enough that a commit stays
/// short for the readers and writers waiting on it.
pub const MAX_BATCH: usize = 512;

/// Submissions waiting for the writer beyond this make the next submitter wait for room (the
/// request deadline bounds the wait), so a flood cannot grow memory without limit.
const QUEUE: usize = 8_192;

/// A checked comment, ready to store.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub consultation: i64,
    pub article: Option<i64>,
    pub author: Option<i64>,
    pub body: String,
    pub at: i64,
}

struct Job {
    comment: NewComment,
    reply: oneshot::Sender<AppResult<String>>,
}

/// The handle submitters send comments through.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Start the writer on `db` (inside the runtime). It stops when the last handle is dropped,
    /// after answering what was queued.
    pub fn start(db: AnyPool) -> Writer {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, queue));
        Writer { jobs }
    }

    /// Store `comment`; its receipt number once it is committed.
    pub async fn write(&self, comment: NewComment) -> AppResult<String> {
        let (reply, answer) = oneshot::channel();
        if self.jobs.send(Job { comment, reply }).await.is_err() {
            tracing::error!("the comment writer has stopped");
            return Err(AppError::Unavailable);
        }
        answer.await.unwrap_or_else(|_| {
            tracing::error!("the comment writer dropped a submission unanswered");
            Err(AppError::Unavailable)
        })
    }
}

async fn run(db: AnyPool, mut queue: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A submitter who has gone (the request was cut off or timed out) gets no receipt, so their
        // comment is not stored either: nobody would ever hold its receipt.
        batch.retain(|j| !j.reply.is_closed());
        if batch.is_empty() {
            continue;
        }
        let comments: Vec<&NewComment> = batch.iter().map(|j| &j.comment).collect();
        match commit(&db, &comments).await {
            Ok(receipts) => {
                for (job, receipt) in batch.drain(..).zip(receipts) {
                    let _ = job.reply.send(Ok(receipt));
                }
            }
            // A storage fault fails every comment alike; anything else may be one comment's
            // (a row a constraint refuses): each is tried alone so the others are not refused for it.
            Err(e) if batch.len() > 1 && e != AppError::Unavailable => {
                for job in batch.drain(..) {
                    let result = commit(&db, &[&job.comment]).await.map(|mut r| r.remove(0));
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// The most rows one statement inserts. A batch is cut into pieces of 256, 128, … 1 rows (its
/// size in binary), so a few statement shapes serve every batch size (and stay in each
/// connection's statement cache), and a batch of any size takes a few round trips, not one per row:
/// on PostgreSQL each round trip is the one writer's wait.
const ROWS_PER_STATEMENT: usize = 256;

/// Pieces of `n` rows: 256 as often as it goes, then the remainder's binary digits, largest first.
fn pieces(n: usize) -> Vec<usize> {
    let mut out = vec![ROWS_PER_STATEMENT; n / ROWS_PER_STATEMENT];
    let rest = n % ROWS_PER_STATEMENT;
    out.extend((0..usize::BITS).rev().map(|b| 1usize << b).filter(|bit| rest & bit != 0));
    out
}

/// Insert `comments` in one transaction; their receipts, in order, once committed.
async fn commit(db: &AnyPool, comments: &[&NewComment]) -> AppResult<Vec<String>> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut stored: Vec<Option<(i64, String)>> = vec![None; comments.len()];
    // A receipt collision is astronomically unlikely; a comment whose number was taken draws
    // another (without aborting the transaction the others share).
    for _ in 0..3 {
        let waiting: Vec<usize> = (0..comments.len()).filter(|&i| stored[i].is_none()).collect();
        if waiting.is_empty() {
            break;
        }
        let mut at = 0;
        for size in pieces(waiting.len()) {
            let piece = &waiting[at..at + size];
            at += size;
            insert_comments(&mut tx, comments, piece, &mut stored).await?;
        }
    }
    let stored: Vec<(i64, String)> = stored.into_iter().collect::<Option<_>>().ok_or(AppError::Internal)?;
    let ids: Vec<i64> = stored.iter().map(|s| s.0).collect();
    let now = crate::clock::now();
    let mut at = 0;
    for size in pieces(ids.len()) {
        let values = (0..size).map(|i| format!("('comment', ${}, $1)", i + 2)).collect::<Vec<_>>().join(", ");
        let sql = format!("INSERT INTO search_changes (entity, entity_id, created_at) VALUES {values}");
        let mut q = sqlx::query(&sql).bind(now);
        for id in &ids[at..at + size] {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
        at += size;
    }
    tx.commit().await?;
    tracing::info!(comments = comments.len(), "comments received");
    Ok(stored.into_iter().map(|s| s.1).collect())
}

/// Insert the comments at `piece` in one statement, each with a fresh receipt number, and note in
/// `stored` the id and receipt of each one stored (one whose number was taken is left for another).
async fn insert_comments(
    tx: &mut sqlx::AnyConnection,
    comments: &[&NewComment],
    piece: &[usize],
    stored: &mut [Option<(i64, String)>],
) -> AppResult<()> {
    let mut drawn: std::collections::HashMap<String, usize> = std::collections::HashMap::with_capacity(piece.len());
    let mut receipts = Vec::with_capacity(piece.len());
    for &i in piece {
        // Distinct within the statement too, so each returned number names one comment.
        let receipt = std::iter::repeat_with(|| new_receipt(comments[i].at)).find(|r| !drawn.contains_key(r));
        let receipt = receipt.ok_or(AppError::Internal)?;
        drawn.insert(receipt.clone(), i);
        receipts.push(receipt);
    }
    let values = (0..piece.len())
        .map(|k| {
            let b = k * 6;
            format!("(${}, ${}, ${}, ${}, ${}, 'pending', ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO comments (receipt, consultation_id, article_id, author_id, body, status, created_at)
         VALUES {values} ON CONFLICT (receipt) DO NOTHING RETURNING id, receipt"
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for (&i, receipt) in piece.iter().zip(&receipts) {
        let c = comments[i];
        q = q
            .bind(receipt.as_str())
            .bind(c.consultation)
            .bind(c.article)
            .bind(c.author)
            .bind(c.body.as_str())
            .bind(c.at);
    }
    for (id, receipt) in q.fetch_all(&mut *tx).await? {
        if let Some(&i) = drawn.get(&receipt) {
            stored[i] = Some((id, receipt));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn a_batch_of_any_size_is_cut_into_a_few_statement_shapes_that_add_up_to_it() {
        for n in 0..=1_100 {
            let p = pieces(n);
            assert_eq!(p.iter().sum::<usize>(), n, "{n}");
            assert!(p.iter().all(|s| s.is_power_of_two() && *s <= super::ROWS_PER_STATEMENT), "{n}: {p:?}");
            assert!(p.len() <= n / super::ROWS_PER_STATEMENT + 8, "{n}: {p:?}");
        }
        assert_eq!(pieces(512), vec![256, 256]);
        assert_eq!(pieces(300), vec![256, 32, 8, 4]);
    }
}
