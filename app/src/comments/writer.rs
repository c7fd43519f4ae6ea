//! Comments are written by one task per process that commits whatever has queued since its last
//! commit in one transaction, then answers each submitter: concurrent submissions share a commit
//! (and its fsync) instead of queueing for the database's write lock one by one. A receipt is still
//! given only for a committed row; when a commit fails, every comment in it is refused with the
//! error (503 for a storage fault) and nothing in it is stored.
use crate::changes::record_change;
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

/// Insert `comments` in one transaction; their receipts, in order, once committed.
async fn commit(db: &AnyPool, comments: &[&NewComment]) -> AppResult<Vec<String>> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut receipts = Vec::with_capacity(comments.len());
    for c in comments {
        let mut stored = None;
        // A receipt collision is astronomically unlikely; another number is drawn rather than fail
        // (without aborting the transaction the others share).
        for _ in 0..3 {
            let receipt = new_receipt(c.at);
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO comments (receipt, consultation_id, article_id, author_id, body, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (receipt) DO NOTHING RETURNING id",
            )
            .bind(&receipt)
            .bind(c.consultation)
            .bind(c.article)
            .bind(c.author)
            .bind(&c.body)
            .bind(c.at)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                stored = Some((id, receipt));
                break;
            }
        }
        let (id, receipt) = stored.ok_or(AppError::Internal)?;
        record_change(&mut tx, "comment", id).await?;
        receipts.push(receipt);
    }
    tx.commit().await?;
    tracing::info!(comments = comments.len(), "comments received");
    Ok(receipts)
}
