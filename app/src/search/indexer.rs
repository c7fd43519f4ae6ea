//! Keeps the index in step with the database: applies change records in batches, idempotently,
//! resuming from the id stored in the last commit; rebuilds a fresh generation on demand.
use super::cases;
use super::documents::{self, replacement};
use super::index::{self, Fields, SearchIndex};
use super::position::{Position, GAP_GRACE};
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Why indexing failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexFailure {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("files: {0}")]
    Io(#[from] std::io::Error),
    #[error("indexing task failed")]
    Task,
}

impl IndexFailure {
    /// Which part failed, without details (those go to the log).
    pub fn kind(&self) -> &'static str {
        match self {
            IndexFailure::Db(_) => "database",
            IndexFailure::Index(_) => "index",
            IndexFailure::Io(_) => "files",
            IndexFailure::Task => "task",
        }
    }
}

/// Change records applied per commit at most.
const BATCH: i64 = 5_000;

/// The search engine of one server process: the current index generation under a root folder.
pub struct Search {
    root: PathBuf,
    /// This node's name in `search_nodes` (made up once, kept in the index folder).
    node: String,
    current: RwLock<Arc<SearchIndex>>,
    health: std::sync::Mutex<SearchHealth>,
    /// Opened on an empty generation (first start, or a schema version bump): the indexer builds
    /// the index from the database first, in the background, while the server already answers.
    unbuilt: std::sync::atomic::AtomicBool,
}

/// How indexing is going, for the health check and the administrator.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SearchHealth {
    /// Why the last attempt failed (generic: the details are in the log), while it keeps failing.
    pub failing: Option<String>,
    /// Since when it has been failing (Unix seconds).
    pub failing_since: Option<i64>,
    /// The last time every pending change was applied (Unix seconds).
    pub caught_up_at: Option<i64>,
    /// Change records applied so far (the position in `search_changes`).
    pub applied_through: i64,
    /// The index is being built from the database (first start, or a schema change): searches
    /// find nothing until it is.
    pub building: bool,
}

/// Databases with at most this many consultations, comments and cases are indexed before the
/// server answers (about two seconds); larger ones in the background.
pub const BUILD_BEFORE_SERVING: i64 = 20_000;

/// Consultations, comments and cases: what a build indexes.
async fn entities(db: &AnyPool) -> Result<i64, IndexFailure> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM consultations) + (SELECT COUNT(*) FROM comments) + (SELECT COUNT(*) FROM cases)",
    )
    .fetch_one(db)
    .await?)
}

/// Marks a generation opened empty, to be built from the database: it stays there until a built
/// generation replaces it, so a build cut short (a restart, a crash) starts again.
const UNBUILT: &str = "UNBUILT";

impl Search {
    /// Open the current generation. If there is none (first start, or a schema version bump), a
    /// small database (at most [`BUILD_BEFORE_SERVING`] consultations, comments and cases) is
    /// indexed before the server answers, as it takes a moment; for a larger one an empty
    /// generation is opened at once and the indexer builds the index in the background: the
    /// server answers meanwhile, and searches find nothing until it is built (`/healthz` says
    /// `building`).
    pub async fn open(root: &Path, db: &AnyPool) -> Result<Arc<Search>, IndexFailure> {
        std::fs::create_dir_all(root)?;
        let (dir, unbuilt) = match index::current_dir(root) {
            Some(d) => {
                let unbuilt = d.join(UNBUILT).exists();
                (d, unbuilt)
            }
            None if entities(db).await? <= BUILD_BEFORE_SERVING => {
                tracing::info!("building the search index from the database");
                let dir = rebuild(db, root, |_, _| {}).await?;
                index::remove_old_generations(root, &dir);
                (dir, false)
            }
            None => {
                let dir = index::new_generation_dir(root);
                let empty = dir.clone();
                blocking(move || SearchIndex::open(&empty).map(drop).map_err(IndexFailure::from)).await?;
                std::fs::write(dir.join(UNBUILT), b"")?;
                index::promote(root, &dir)?;
                index::remove_old_generations(root, &dir);
                (dir, true)
            }
        };
        let idx = blocking(move || SearchIndex::open(&dir).map_err(IndexFailure::from)).await?;
        let node = node_name(root)?;
        let health =
            SearchHealth { applied_through: idx.position().last, building: unbuilt, ..SearchHealth::default() };
        let current = RwLock::new(Arc::new(idx));
        Ok(Arc::new(Search {
            root: root.to_path_buf(),
            node,
            current,
            health: std::sync::Mutex::new(health),
            unbuilt: std::sync::atomic::AtomicBool::new(unbuilt),
        }))
    }

    /// How indexing is going.
    pub fn health(&self) -> SearchHealth {
        self.health.lock().map(|h| h.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    fn note(&self, outcome: Result<(), &IndexFailure>) {
        let mut h = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let now = crate::clock::now();
        h.applied_through = self.index().position().last;
        match outcome {
            Ok(()) => {
                h.failing = None;
                h.failing_since = None;
                h.caught_up_at = Some(now);
            }
            Err(e) => {
                h.failing = Some(e.kind().to_string());
                h.failing_since.get_or_insert(now);
            }
        }
    }

    /// The index generation in use.
    pub fn index(&self) -> Arc<SearchIndex> {
        self.current.read().map(|g| g.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Switch to a generation promoted by `canyu reindex`, if any.
    async fn follow_rebuild(&self) -> Result<(), IndexFailure> {
        let Some(dir) = index::current_dir(&self.root) else { return Ok(()) };
        if dir == self.index().dir {
            return Ok(());
        }
        let open_dir = dir.clone();
        let idx = blocking(move || SearchIndex::open(&open_dir).map_err(IndexFailure::from)).await?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(idx);
        index::remove_old_generations(&self.root, &dir);
        tracing::info!(dir = %dir.display(), "switched to the rebuilt search index");
        Ok(())
    }

    /// Apply every pending change record; returns how many were applied. An index behind the
    /// pruned change records is rebuilt first.
    pub async fn catch_up(&self, db: &AnyPool) -> Result<usize, IndexFailure> {
        if self.unbuilt.load(std::sync::atomic::Ordering::Acquire) {
            tracing::info!("building the search index from the database, in the background");
            rebuild(db, &self.root, |_, _| {}).await?;
            self.unbuilt.store(false, std::sync::atomic::Ordering::Release);
            self.health.lock().unwrap_or_else(|p| p.into_inner()).building = false;
        }
        self.follow_rebuild().await?;
        let pruned: i64 = sqlx::query_scalar("SELECT through FROM search_pruned").fetch_one(db).await?;
        if self.index().position().last < pruned {
            tracing::warn!(pruned, "the search index is behind the pruned change records; rebuilding it");
            rebuild(db, &self.root, |_, _| {}).await?;
            self.follow_rebuild().await?;
        }
        let idx = self.index();
        let mut applied = 0;
        loop {
            let mut position = idx.position();
            let now = crate::clock::now();
            // Ids missing below the highest applied one may have committed since.
            let mut changes = changes_by_id(db, &position.missing()).await?;
            let newer: Vec<(i64, String, i64)> =
                sqlx::query_as("SELECT id, entity, entity_id FROM search_changes WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(position.last)
                    .bind(BATCH)
                    .fetch_all(db)
                    .await?;
            let more = newer.len() as i64 == BATCH;
            changes.extend(newer);
            let gave_up = position.expire(now);
            if changes.is_empty() && !gave_up {
                return Ok(applied);
            }
            let (mut deletes, mut docs) = (Vec::new(), Vec::new());
            // The same entity may appear many times in a batch: its current row is read once.
            let mut seen = std::collections::HashSet::new();
            let mut comments = Vec::new();
            let mut replacements = Vec::new();
            for (_, entity, id) in &changes {
                if !seen.insert((entity.clone(), *id)) {
                    continue;
                }
                if entity == "comment" {
                    comments.push(*id);
                } else if let Some(r) = replacement(db, &idx.fields, entity, *id).await? {
                    replacements.push(r);
                }
            }
            replacements.extend(documents::comment_replacements(db, &idx.fields, &comments).await?);
            for r in replacements {
                deletes.push((r.delete_field, r.delete_value));
                docs.extend(r.docs);
            }
            let ids: Vec<i64> = changes.iter().map(|c| c.0).collect();
            position.advance(&ids, now);
            let (target, stored) = (idx.clone(), position.clone());
            blocking(move || target.apply(&deletes, docs, &stored).map_err(IndexFailure::from)).await?;
            applied += changes.len();
            self.record(db, &position).await?;
            if !more {
                return Ok(applied);
            }
        }
    }

    /// Record in the database how far this node has applied the change records.
    async fn record(&self, db: &AnyPool, position: &Position) -> Result<(), IndexFailure> {
        sqlx::query(
            "INSERT INTO search_nodes (node, applied, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (node) DO UPDATE SET applied = excluded.applied, updated_at = excluded.updated_at",
        )
        .bind(&self.node)
        .bind(position.last)
        .bind(crate::clock::now())
        .execute(db)
        .await?;
        Ok(())
    }
}

/// The change records with these ids (those that exist by now).
async fn changes_by_id(db: &AnyPool, ids: &[i64]) -> Result<Vec<(i64, String, i64)>, IndexFailure> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, entity, entity_id FROM search_changes WHERE id IN ({})", marks.join(", "));
        let mut q = sqlx::query_as(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        found.extend(q.fetch_all(db).await?);
    }
    Ok(found)
}

/// Delete change records older than `before` (seconds), remembering the highest id deleted so
/// that an index still behind it rebuilds instead of missing changes. Returns how many went.
pub async fn prune_changes(db: &AnyPool, before: i64) -> Result<u64, sqlx::Error> {
    let through: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM search_changes WHERE created_at < $1")
        .bind(before)
        .fetch_one(db)
        .await?;
    let Some(through) = through else { return Ok(0) };
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE search_pruned SET through = $1 WHERE through < $1").bind(through).execute(&mut *tx).await?;
    let done = sqlx::query("DELETE FROM search_changes WHERE id <= $1").bind(through).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// A name for this node, made up on first start and kept beside its index.
fn node_name(root: &Path) -> std::io::Result<String> {
    let file = root.join("node");
    if let Ok(name) = std::fs::read_to_string(&file) {
        return Ok(name.trim().to_string());
    }
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let name = format!("{}-{:08x}", host.trim(), rand::random::<u32>());
    std::fs::write(&file, &name)?;
    Ok(name)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, IndexFailure> + Send + 'static,
) -> Result<T, IndexFailure> {
    tokio::task::spawn_blocking(f).await.map_err(|_| IndexFailure::Task)?
}

/// Apply changes for as long as the server runs: at once (catching up with what changed while
/// the server was down, while it already serves from the index as it was), then every `interval`.
/// After a failure (a full disk, too many open files; a failed batch is rolled back) the pause
/// doubles, up to 30 seconds, and indexing resumes by itself once the fault is gone; the state is
/// in [`Search::health`].
pub async fn run(search: Arc<Search>, db: AnyPool, interval: Duration) {
    let mut pause = Duration::ZERO;
    loop {
        tokio::time::sleep(pause).await;
        let outcome = search.catch_up(&db).await;
        search.note(outcome.as_ref().map(|_| ()));
        match outcome {
            Ok(n) => {
                if n > 0 {
                    tracing::debug!(changes = n, "search index updated");
                }
                pause = interval;
            }
            Err(e) => {
                pause = (pause * 2).clamp(interval, Duration::from_secs(30));
                tracing::error!(error = %e, retry_in_s = pause.as_secs(), "search indexing failed; will retry");
            }
        }
    }
}

/// Build a complete new generation from the database and make it current; `progress(done, total)`
/// is called as documents are added. Returns the new generation's folder.
pub async fn rebuild(db: &AnyPool, root: &Path, progress: impl FnMut(u64, u64)) -> Result<PathBuf, IndexFailure> {
    std::fs::create_dir_all(root)?;
    let dir = index::new_generation_dir(root);
    let built = build(db, root, &dir, progress).await;
    if built.is_err() {
        // A build cut short leaves nothing behind (a full disk is not filled further by retries).
        let _ = std::fs::remove_dir_all(&dir);
    }
    built.map(|()| dir)
}

/// Build generation `dir` from the database and make it current.
async fn build(db: &AnyPool, root: &Path, dir: &Path, mut progress: impl FnMut(u64, u64)) -> Result<(), IndexFailure> {
    let dir = dir.to_path_buf();
    let open_dir = dir.clone();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(4);
    let idx = Arc::new(blocking(move || SearchIndex::open_with(&open_dir, threads).map_err(IndexFailure::from)).await?);
    // Changes recorded after this point are applied by the indexer afterwards; applying twice is harmless.
    // Records newer than the grace period are applied again afterwards, so that one whose
    // transaction was still open now (a lower id committing late) is not skipped.
    let (last,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM search_changes WHERE created_at < $1")
        .bind(crate::clock::now() - GAP_GRACE)
        .fetch_one(db)
        .await?;
    let last = last.max(sqlx::query_scalar("SELECT through FROM search_pruned").fetch_one(db).await?);
    let (consultations, comments, filed): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM consultations), (SELECT COUNT(*) FROM comments), (SELECT COUNT(*) FROM cases)",
    )
    .fetch_one(db)
    .await?;
    let total = (consultations + comments + filed) as u64;
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM consultations ORDER BY id").fetch_all(db).await?;
    let mut docs = Vec::new();
    for (id,) in &ids {
        if let Some(r) = replacement(db, &idx.fields, "consultation", *id).await? {
            docs.extend(r.docs);
        }
    }
    // Normative documents: a registry of thousands, read one by one and added a hundred at a
    // time (each holds its whole text).
    let registered: Vec<i64> =
        sqlx::query_scalar(&format!("{} ORDER BY id", documents::DOCUMENTS_SQL)).fetch_all(db).await?;
    for chunk in registered.chunks(100) {
        let mut texts = Vec::with_capacity(chunk.len());
        for id in chunk {
            if let Some(r) = replacement(db, &idx.fields, "document", *id).await? {
                texts.extend(r.docs);
            }
        }
        add(&idx, texts).await?;
    }
    // Calls, published proposals and clean-ups: a few thousand a year, read one by one.
    let legislation: Vec<(String, i64)> = sqlx::query_as(documents::LISTED_SQL).fetch_all(db).await?;
    for chunk in legislation.chunks(500) {
        let mut found = Vec::with_capacity(chunk.len());
        for (entity, id) in chunk {
            if let Some(r) = replacement(db, &idx.fields, entity, *id).await? {
                found.extend(r.docs);
            }
        }
        add(&idx, found).await?;
    }
    add(&idx, docs).await?;
    let mut pages = Pages { db, idx: &idx, done: ids.len() as u64, total, progress: &mut progress };
    pages.add(documents::COMMENT_SQL, "m.id", |r: &documents::CommentRow| r.id, documents::comment_doc).await?;
    pages.add(&cases::case_sql(), "c.id", |r: &cases::CaseRow| r.id, cases::case_doc).await?;
    let done = pages.done;
    let target = idx.clone();
    let position = Position { last, gaps: vec![] };
    blocking(move || target.apply(&[], vec![], &position).map_err(IndexFailure::from)).await?;
    progress(done, total);
    drop(idx);
    index::promote(root, &dir)?;
    Ok(())
}

/// Rows read and added in pages by id, one query per 5,000 rows, with the progress reported.
struct Pages<'a, P> {
    db: &'a AnyPool,
    idx: &'a Arc<SearchIndex>,
    done: u64,
    total: u64,
    progress: &'a mut P,
}

impl<P: FnMut(u64, u64)> Pages<'_, P> {
    /// Every row of `sql` (a select to which a `WHERE` on `id` is appended) as documents.
    async fn add<R>(
        &mut self,
        sql: &str,
        id: &str,
        id_of: fn(&R) -> i64,
        to_doc: fn(&Fields, R) -> tantivy::TantivyDocument,
    ) -> Result<(), IndexFailure>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin + 'static,
    {
        let mut after = 0i64;
        loop {
            let rows: Vec<R> = sqlx::query_as(&format!("{sql} WHERE {id} > $1 ORDER BY {id} LIMIT 5000"))
                .bind(after)
                .fetch_all(self.db)
                .await?;
            let Some(last_row) = rows.last() else { return Ok(()) };
            after = id_of(last_row);
            self.done += rows.len() as u64;
            let target = self.idx.clone();
            blocking(move || {
                let docs = rows.into_iter().map(|r| to_doc(&target.fields, r)).collect();
                target.add(docs).map_err(IndexFailure::from)
            })
            .await?;
            (self.progress)(self.done, self.total);
        }
    }
}

async fn add(idx: &Arc<SearchIndex>, docs: Vec<tantivy::TantivyDocument>) -> Result<(), IndexFailure> {
    let target = idx.clone();
    blocking(move || target.add(docs).map_err(IndexFailure::from)).await
}
