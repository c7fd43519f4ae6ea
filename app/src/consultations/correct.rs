//! Corrections (更正) by a draft's own agency.
//!
//! A draft not yet published is the agency's to rewrite: title, explanation and full text are
//! replaced and parsed again, and nobody is told (nobody has seen it). A published draft may be
//! corrected while its window has not closed, in wording only: the corrected text must keep every
//! article and heading block in place (comments stay on the articles they were made on), a public
//! note says why, and what changed in each part is kept as it was then and shown beside the note.
//! Anything larger is a new consultation: withdraw this one with its reason and publish again.
use super::store::{insert_structure, insert_unrecognised, text_errors};
use super::structure::{parse_draft, without_title, Block, ParsedDraft};
use super::{Corrected, Source};
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult, FieldError};
use crate::feedback::diff::text_diff;
use serde::Deserialize;
use sqlx::AnyPool;

/// What the agency sends: the draft's text as it should read, and (published) the public note.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Correction {
    pub title: String,
    pub explanation: String,
    pub full_text: String,
    pub note: String,
    /// The version of the text the form was filled from ([`Source::version`]); when given, a
    /// correction of a text changed since is refused instead of overwriting it.
    pub seen: String,
}

/// A short fingerprint of a draft's text as stored: what the correction form was filled from.
fn version(title: &str, explanation: &str, full_text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(title)
        .chain_update([0])
        .chain_update(explanation)
        .chain_update([0])
        .chain_update(full_text)
        .finalize();
    crate::codes::to_hex(&digest[..8])
}

/// The draft's own text, for its agency's correction form.
pub async fn source(db: &AnyPool, staff: &CurrentUser, id: i64) -> AppResult<Source> {
    let agency = staff.staff_agency()?;
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT title, explanation, full_text FROM consultations WHERE id = $1 AND agency_id = $2")
            .bind(id)
            .bind(agency)
            .fetch_optional(db)
            .await?;
    let (title, explanation, full_text) = row.ok_or(AppError::NotFound)?;
    let status = super::store::detail_for(db, id, Some(staff)).await?.summary.status;
    let version = version(&title, &explanation, &full_text);
    Ok(Source { title, explanation, full_text, status, version })
}

/// The stored state a correction starts from.
struct Current {
    title: String,
    explanation: String,
    full_text: String,
    published: bool,
    closes_at: i64,
    withdrawn: bool,
}

/// The consultation as stored; `lock`: inside a write transaction, held until it ends (PostgreSQL
/// row lock; SQLite's write transaction holds the whole database already).
async fn current(conn: &mut sqlx::AnyConnection, agency: i64, id: i64, lock: bool) -> AppResult<Current> {
    type Row = (String, String, String, Option<i64>, i64, Option<i64>);
    let postgres = conn.backend_name() == "PostgreSQL";
    let sql = format!(
        "SELECT title, explanation, full_text, published_at, closes_at, withdrawn_at FROM consultations
         WHERE id = $1 AND agency_id = $2{}",
        if lock && postgres { " FOR UPDATE" } else { "" }
    );
    let row: Option<Row> = sqlx::query_as(&sql).bind(id).bind(agency).fetch_optional(&mut *conn).await?;
    let (title, explanation, full_text, published, closes_at, withdrawn) = row.ok_or(AppError::NotFound)?;
    Ok(Current {
        title,
        explanation,
        full_text,
        published: published.is_some(),
        closes_at,
        withdrawn: withdrawn.is_some(),
    })
}

/// One stored block of a published draft.
#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    anchor: String,
    label: String,
    part: Option<String>,
    chapter: Option<String>,
    section: Option<String>,
    body: String,
}

/// Correct the draft `id` of the staff member's agency: rewrite it if unpublished, else a public
/// correction in wording.
pub async fn correct(db: &AnyPool, staff: &CurrentUser, id: i64, c: &Correction) -> AppResult<()> {
    let agency = staff.staff_agency()?;
    let mut errors = text_errors(&c.title, &c.explanation, &c.full_text);
    let parsed = without_title(parse_draft(&c.full_text));
    let mut conn = db.acquire().await?;
    let before = current(&mut conn, agency, id, false).await?;
    drop(conn);
    if before.withdrawn {
        return Err(AppError::Conflict("该征求意见已撤回，不能再更正".into()));
    }
    if !c.seen.is_empty() && c.seen != version(&before.title, &before.explanation, &before.full_text) {
        return Err(AppError::Conflict("草案刚被其他人更正过，请重新打开本页核对后再提交".into()));
    }
    if !before.published {
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        return rewrite_draft(db, agency, id, c, &before.full_text, &parsed).await;
    }
    if clock::now() >= before.closes_at {
        return Err(AppError::Conflict("征求意见期已经结束，草案不能再更正".into()));
    }
    let note = c.note.trim().to_string();
    if note.is_empty() || note.chars().count() > 500 {
        errors.push(field("note", "请写明更正说明（500字以内），将与更正内容一并公开"));
    }
    let stored: Vec<Stored> = sqlx::query_as(
        "SELECT id, anchor, label, part, chapter, section, body FROM articles WHERE consultation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    if let Some(message) = structure_changed(&stored, &parsed.blocks) {
        errors.push(field("full_text", &message));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (title, explanation) = (c.title.trim().to_string(), c.explanation.trim().to_string());
    let changed = corrected_parts(&before, &title, &explanation, &stored, parsed.blocks.clone()).await?;
    if changed.is_empty() {
        return Err(AppError::Invalid(vec![field("full_text", "与现有文本相同，没有需要更正的内容")]));
    }
    let detail = serde_json::to_string(&changed.iter().map(|(c, _)| c).collect::<Vec<_>>()).map_err(|e| {
        tracing::error!(consultation = id, error = %e, "recording a correction failed");
        AppError::Internal
    })?;
    let mut tx = crate::db::begin_write(db).await?;
    // Nobody else's correction, withdrawal or closing came in between: what was compared is still
    // what is stored, and the draft still takes corrections.
    let now = current(&mut tx, agency, id, true).await?;
    if now.withdrawn {
        return Err(AppError::Conflict("该征求意见已撤回，不能再更正".into()));
    }
    if clock::now() >= now.closes_at {
        return Err(AppError::Conflict("征求意见期已经结束，草案不能再更正".into()));
    }
    if (&now.title, &now.explanation, &now.full_text) != (&before.title, &before.explanation, &before.full_text) {
        return Err(AppError::Conflict("草案刚被其他人更正过，请重新打开本页核对后再提交".into()));
    }
    sqlx::query("UPDATE consultations SET title = $1, explanation = $2, full_text = $3 WHERE id = $4")
        .bind(&title)
        .bind(&explanation)
        .bind(&c.full_text)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for block in changed.iter().filter_map(|(_, b)| b.as_ref()) {
        sqlx::query("UPDATE articles SET part = $1, chapter = $2, section = $3, body = $4 WHERE id = $5")
            .bind(&block.part)
            .bind(&block.chapter)
            .bind(&block.section)
            .bind(&block.body)
            .bind(stored_id(&stored, &block.anchor))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM unrecognised_lines WHERE consultation_id = $1").bind(id).execute(&mut *tx).await?;
    insert_unrecognised(&mut tx, id, &parsed).await?;
    sqlx::query(
        "INSERT INTO consultation_changes (consultation_id, kind, note, changed_by, changed_at, detail)
         VALUES ($1, 'corrected', $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(&note)
    .bind(staff.id)
    .bind(clock::now())
    .bind(detail)
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, parts = changed.len(), "published draft corrected");
    Ok(())
}

fn field(name: &str, message: &str) -> FieldError {
    FieldError { field: name.into(), message: message.into() }
}

fn stored_id(stored: &[Stored], anchor: &str) -> i64 {
    stored.iter().find(|s| s.anchor == anchor).map_or(0, |s| s.id)
}

/// Replace an unpublished draft's text and structure outright.
async fn rewrite_draft(
    db: &AnyPool,
    agency: i64,
    id: i64,
    c: &Correction,
    was: &str,
    parsed: &ParsedDraft,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(db).await?;
    let now = current(&mut tx, agency, id, true).await?;
    if now.published || now.full_text != was {
        return Err(AppError::Conflict("草稿刚被发布或修改过，请重新打开本页核对后再提交".into()));
    }
    sqlx::query("UPDATE consultations SET title = $1, explanation = $2, full_text = $3 WHERE id = $4")
        .bind(c.title.trim())
        .bind(c.explanation.trim())
        .bind(&c.full_text)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM articles WHERE consultation_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM unrecognised_lines WHERE consultation_id = $1").bind(id).execute(&mut *tx).await?;
    insert_structure(&mut tx, id, parsed).await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, "draft rewritten before publication");
    Ok(())
}

/// Why the corrected text cannot correct the published one: a block added, removed or moved.
fn structure_changed(stored: &[Stored], blocks: &[Block]) -> Option<String> {
    const ADVICE: &str =
        "已发布的草案只能更正文字，不能增加、删除或调整条文；如需这样修改，请撤回本次征求意见后重新发布";
    let first = stored.iter().zip(blocks).find(|(s, b)| s.anchor != b.anchor);
    match first {
        Some((s, b)) => Some(format!("{ADVICE}（原为{}，更正稿此处为{}）", s.label, b.label)),
        None if stored.len() > blocks.len() => Some(format!("{ADVICE}（更正稿缺少{}）", stored[blocks.len()].label)),
        None if blocks.len() > stored.len() => Some(format!("{ADVICE}（更正稿多出{}）", blocks[stored.len()].label)),
        // The same blocks; the same chapters too? A heading may be reworded, not moved.
        None => {
            let starts = |heads: Vec<[&Option<String>; 3]>| -> Vec<[bool; 3]> {
                heads.windows(2).map(|w| [0, 1, 2].map(|k| w[0][k] != w[1][k])).collect()
            };
            let old = starts(stored.iter().map(|s| [&s.part, &s.chapter, &s.section]).collect());
            let new = starts(blocks.iter().map(|b| [&b.part, &b.chapter, &b.section]).collect());
            let moved = old.iter().zip(&new).position(|(o, n)| o != n)?;
            Some(format!("{ADVICE}（{}处的编、章、节划分有变动）", stored[moved + 1].label))
        }
    }
}

/// A block as a reader sees it: its headings (when they are what changed) and its text.
fn shown(
    part: &Option<String>,
    chapter: &Option<String>,
    section: &Option<String>,
    body: &str,
    headings: bool,
) -> String {
    if !headings {
        return body.to_string();
    }
    let heads: Vec<&str> = [part, chapter, section].into_iter().flatten().map(String::as_str).collect();
    format!("{}\n{body}", heads.join(" "))
}

/// Each part the correction changes, with its difference; for an article, its new block too.
async fn corrected_parts(
    before: &Current,
    title: &str,
    explanation: &str,
    stored: &[Stored],
    blocks: Vec<Block>,
) -> AppResult<Vec<(Corrected, Option<Block>)>> {
    let texts: Vec<(String, Option<String>, String, String, Option<Block>)> = [
        ("标题".to_string(), None, before.title.clone(), title.to_string(), None),
        ("起草说明".to_string(), None, before.explanation.clone(), explanation.to_string(), None),
    ]
    .into_iter()
    .chain(stored.iter().zip(blocks).map(|(s, b)| {
        let headings = (&s.part, &s.chapter, &s.section) != (&b.part, &b.chapter, &b.section);
        let old = shown(&s.part, &s.chapter, &s.section, &s.body, headings);
        let new = shown(&b.part, &b.chapter, &b.section, &b.body, headings);
        (s.label.clone(), Some(s.anchor.clone()), old, new, Some(b))
    }))
    .filter(|(_, _, old, new, _)| old != new)
    .collect();
    // Comparing is quadratic work: off the async executor.
    tokio::task::spawn_blocking(move || {
        texts
            .into_iter()
            .map(|(part, anchor, old, new, block)| (Corrected { part, anchor, pieces: text_diff(&old, &new) }, block))
            .collect()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "comparing a correction failed");
        AppError::Internal
    })
}
