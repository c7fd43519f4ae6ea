//! The tantivy index: schema, opening the current generation, and writing batches with the last
//! applied change id stored in the commit itself.
use super::position::Position;
use super::tokens;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Bump when the schema, the analyzers or what a document holds change: the index is then rebuilt
/// on start. 5: reports are found by their name and their reason for comments left unanswered.
/// 6: cases, for the staff queues' search, with the terms of who may see them.
/// 7: a comment's id as a fast column, so narrowing the queue by words reads no stored document.
/// 8: normative documents, with their id as a fast column likewise. 9: a document's earlier
/// versions and public objection answers, and a call's plan items, owned by it; clean-ups. 10: a
/// consultation and a document found by their attachments' titles.
pub const SCHEMA_VERSION: u32 = 10;

/// The `kind` of a case's document: found only in the staff queues (`search::cases`), never by
/// the platform's search.
pub const CASE_KIND: &str = "case";

/// The fast column holding a comment's id (absent on every other kind of document).
pub const COMMENT_ID: &str = "comment_id";
/// The fast column holding a normative document's id (absent on every other kind).
pub const DOCUMENT_ID: &str = "document_id";

/// Fields of the schema.
#[derive(Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub owner: Field,
    pub kind: Field,
    pub agency_id: Field,
    pub consultation_id: Field,
    pub anchor: Field,
    pub public: Field,
    pub status: Field,
    pub created_at: Field,
    /// Shown, not searched: the heading of a hit.
    pub title: Field,
    /// Shown, not searched: the text a snippet is cut from.
    pub text: Field,
    /// jieba words of everything searchable about the item; ranks matches.
    pub words: Field,
    /// Character n-grams of the same; decides what matches.
    pub grams: Field,
    /// A case's number in its one written form (`XF-2026-000042`), matched exactly.
    pub number: Field,
    /// A case's channel: `ordinary`, `legal` or `discipline`.
    pub channel: Field,
    /// The unit a case is routed to.
    pub unit_id: Field,
    /// The unit a report (complaint or accusation) concerns: whoever is of its chain never finds it.
    pub report_about: Field,
    /// A comment's id, as a fast column: the queue's word search reads ids without loading any
    /// stored document, so its cost is that of the matching, not of the hits.
    pub comment_id: Field,
    /// A registered normative document's id, as a fast column, for the registry's words.
    pub document_id: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // No positions: words only rank, and n-grams match as terms (see tokens::GramTokenizer).
    let indexed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        owner: b.add_text_field("owner", STRING),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        agency_id: b.add_u64_field("agency_id", INDEXED | STORED | FAST),
        consultation_id: b.add_u64_field("consultation_id", INDEXED | STORED),
        anchor: b.add_text_field("anchor", STRING | STORED),
        public: b.add_u64_field("public", INDEXED),
        status: b.add_text_field("status", STRING | STORED),
        created_at: b.add_i64_field("created_at", INDEXED | STORED | FAST),
        title: b.add_text_field("title", STORED),
        text: b.add_text_field("text", STORED),
        words: b.add_text_field("words", indexed(tokens::JIEBA)),
        grams: b.add_text_field("grams", indexed(tokens::GRAMS)),
        number: b.add_text_field("number", STRING),
        channel: b.add_text_field("channel", STRING),
        unit_id: b.add_u64_field("unit_id", INDEXED),
        report_about: b.add_u64_field("report_about", INDEXED),
        comment_id: b.add_u64_field(COMMENT_ID, FAST),
        document_id: b.add_u64_field(DOCUMENT_ID, FAST),
    };
    (b.build(), fields)
}

/// One generation of the index on disk, with its reader and single writer.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    pub dir: PathBuf,
}

/// A failure of the search engine (logged where handled; never shown to users as text).
pub type SearchError = tantivy::TantivyError;

impl SearchIndex {
    /// Open or create the index in `dir` for steady indexing (one thread, leaving a core to serve).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_with(dir, 1)
    }

    /// Open or create the index in `dir` with `threads` indexing threads.
    pub fn open_with(dir: &Path, threads: usize) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mmap, schema)?;
        tokens::register(&index);
        let writer = writer_when_free(&index, threads)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, fields, writer: Mutex::new(writer), dir: dir.to_path_buf() })
    }

    /// How far the latest commit has applied the change records (nothing, for a new index).
    pub fn position(&self) -> Position {
        self.index.load_metas().ok().and_then(|m| m.payload).map(|p| Position::parse(&p)).unwrap_or_default()
    }

    /// Replace the documents of each touched key/owner with `docs`, then commit with `position`.
    pub fn apply(
        &self,
        deletes: &[(Field, String)],
        docs: Vec<TantivyDocument>,
        position: &Position,
    ) -> Result<(), SearchError> {
        let mut w = self.writer.lock().map_err(|_| tantivy::TantivyError::Poisoned)?;
        let written = (|| {
            for (field, value) in deletes {
                w.delete_term(Term::from_field_text(*field, value));
            }
            for d in docs {
                w.add_document(d)?;
            }
            let mut commit = w.prepare_commit()?;
            commit.set_payload(&position.payload());
            commit.commit()
        })();
        if let Err(e) = written {
            // Nothing of a failed batch may ride along with a later commit (under a later
            // position): back to the last commit, with a fresh writer if this one died.
            if let Err(again) = w.rollback() {
                tracing::error!(error = %again, "the search index could not roll back a failed batch");
            }
            return Err(e);
        }
        drop(w);
        self.reader.reload()?;
        Ok(())
    }

    /// Add documents without committing (bulk loading).
    pub fn add(&self, docs: Vec<TantivyDocument>) -> Result<(), SearchError> {
        let w = self.writer.lock().map_err(|_| tantivy::TantivyError::Poisoned)?;
        for d in docs {
            w.add_document(d)?;
        }
        Ok(())
    }

    /// Documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Where the current generation lives: `<root>/CURRENT` names a sub-folder `v<schema>-<n>`.
pub fn current_dir(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join("CURRENT")).ok()?;
    let name = name.trim();
    let ok = name.starts_with(&format!("v{SCHEMA_VERSION}-")) && root.join(name).is_dir();
    ok.then(|| root.join(name))
}

/// A fresh, unused generation folder.
pub fn new_generation_dir(root: &Path) -> PathBuf {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    root.join(format!("v{SCHEMA_VERSION}-{stamp}"))
}

/// Make `dir` the current generation (atomic rename), removing older ones.
pub fn promote(root: &Path, dir: &Path) -> std::io::Result<()> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, &name)?;
    std::fs::rename(&tmp, root.join("CURRENT"))
}

/// Remove generations older than the current one (after the server has switched). Newer folders
/// may be a rebuild in progress and are left alone.
pub fn remove_old_generations(root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let keep_stamp = stamp(keep);
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && p != keep && stamp(&p) < keep_stamp {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

fn stamp(dir: &Path) -> u128 {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The index's single writer; a process that is just stopping may hold it for a moment longer.
fn writer_when_free(index: &Index, threads: usize) -> Result<IndexWriter<TantivyDocument>, SearchError> {
    let mut tries = 0;
    loop {
        match index.writer_with_num_threads(threads, threads * 100_000_000) {
            Err(tantivy::TantivyError::LockFailure(..)) if tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}
