//! The append-only record of every case step: each entry's hash covers the previous entry's hash
//! and its own fields, keyed with the case key, so an entry changed, removed or inserted in the
//! database breaks the chain from there on — and the chain cannot be recomputed without the key.
use super::seal::{to_hex, CaseKey};
use sqlx::AnyConnection;
use sqlx::AnyPool;

use crate::ledger::{self, Break, Link, Record};

/// One step to record.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub case_id: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    /// The case's status after the step.
    pub status: &'a str,
    /// Shown to the filer (and whoever holds the number and query code).
    pub public: bool,
    /// What the step said (reasons, the unit, the decision…), as JSON.
    pub detail: serde_json::Value,
}

/// The fields an entry's hash covers, in a fixed order; JSON escapes newlines, so none of the
/// fields can contain the separator. `state` (what the case was after the step) is covered when
/// the entry has one (entries made before it was recorded do not).
#[allow(clippy::too_many_arguments)]
fn digest(
    key: &CaseKey,
    prev: &str,
    seq: i64,
    case_id: i64,
    at: i64,
    actor: Option<i64>,
    action: &str,
    status: &str,
    public: bool,
    detail: &str,
    state: Option<&str>,
) -> String {
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let mut text =
        format!("{prev}\n{seq}\n{case_id}\n{at}\n{actor}\n{action}\n{status}\n{}\n{detail}", u8::from(public));
    if let Some(state) = state {
        text.push_str("\nstate\n");
        text.push_str(state);
    }
    to_hex(&key.mac(text.as_bytes()))
}

/// Everything a case is, as stored: its row (but the clock bookkeeping), its sealed identity and
/// filer tag, and its files' hashes.
#[derive(sqlx::FromRow, serde::Serialize)]
struct CaseRow {
    number: String,
    query_code_hash: String,
    kind: String,
    petition_kind: Option<String>,
    matter: String,
    facts: String,
    request: String,
    concerned_agency_id: Option<i64>,
    concerned_unit: Option<String>,
    document_title: Option<String>,
    document_number: Option<String>,
    anonymous: i64,
    status: String,
    channel: String,
    unit_id: Option<i64>,
    routing: Option<String>,
    stage: String,
    due_on: Option<String>,
    extended_days: i64,
    decision: Option<String>,
    decided_at: Option<i64>,
    supervised: i64,
    satisfaction: Option<i64>,
    duplicate_of: Option<i64>,
    received_at: i64,
}

/// A digest of what case `case_id` is now (see [`CaseRow`]); None if there is no such case.
pub async fn state_of(conn: &mut AnyConnection, case_id: i64) -> Result<Option<String>, sqlx::Error> {
    use sha2::{Digest, Sha256};
    let row: Option<CaseRow> = sqlx::query_as(
        "SELECT number, query_code_hash, kind, petition_kind, matter, facts, request, concerned_agency_id,
                concerned_unit, document_title, document_number, anonymous, status, channel, unit_id, routing,
                stage, due_on, extended_days, decision, decided_at, supervised, satisfaction, duplicate_of,
                received_at
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let party: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT filer_tag, sealed FROM case_parties WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&mut *conn)
            .await?;
    let files: Vec<(String, String)> =
        sqlx::query_as("SELECT id, sha256 FROM case_attachments WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&mut *conn)
            .await?;
    let text = serde_json::json!([row, party, files]).to_string();
    Ok(Some(to_hex(&Sha256::digest(text.as_bytes()))))
}

/// Append a step inside the caller's transaction; returns its position in the chain. The head row
/// is updated first, which makes concurrent appends wait for each other (PostgreSQL row lock;
/// SQLite has one writer).
pub async fn append(conn: &mut AnyConnection, key: &CaseKey, step: &Step<'_>) -> Result<i64, sqlx::Error> {
    let (seq, prev): (i64, String) =
        sqlx::query_as("UPDATE case_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *conn)
            .await?;
    let at = crate::clock::now();
    let detail = step.detail.to_string();
    // What the case is after this step (its updates come before the entry, in the same transaction).
    let state = state_of(&mut *conn, step.case_id).await?;
    let hash = digest(
        key,
        &prev,
        seq,
        step.case_id,
        at,
        step.actor_id,
        step.action,
        step.status,
        step.public,
        &detail,
        state.as_deref(),
    );
    sqlx::query(
        "INSERT INTO case_events (seq, case_id, at, actor_id, action, status, public, detail, prev_hash, hash, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(step.case_id)
    .bind(at)
    .bind(step.actor_id)
    .bind(step.action)
    .bind(step.status)
    .bind(i64::from(step.public))
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .bind(&state)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE case_chain SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(seq)
}

/// A signed checkpoint of the record's head, for the operator to keep outside the database (a
/// ticket, another machine, paper): `canyu-record:<entry>:<hash>:<mac>`. Given back to the check,
/// it proves the record still reaches that entry with that content, so cutting entries off the
/// end (and resetting the head) is caught too.
pub fn checkpoint(key: &CaseKey, seq: i64, hash: &str) -> String {
    format!("canyu-record:{seq}:{hash}:{}", to_hex(&key.mac(format!("checkpoint\n{seq}\n{hash}").as_bytes())))
}

/// The entry and hash a checkpoint vouches for, if it was made with this key.
pub fn read_checkpoint(key: &CaseKey, text: &str) -> Option<(i64, String)> {
    let mut parts = text.trim().split(':');
    let (tag, seq, hash, _) = (parts.next()?, parts.next()?.parse::<i64>().ok()?, parts.next()?, parts.next()?);
    (tag == "canyu-record" && parts.next().is_none() && checkpoint(key, seq, hash) == text.trim())
        .then(|| (seq, hash.to_string()))
}

/// The checkpoint of the record's head now.
pub async fn head_checkpoint(db: &AnyPool, key: &CaseKey) -> Result<String, sqlx::Error> {
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM case_chain WHERE id = 1").fetch_one(db).await?;
    Ok(checkpoint(key, seq, &hash))
}

/// Check every entry in order, up to the head as it was when the check began (entries appended
/// meanwhile are left for the next check), then every case against its last entry, and, given a
/// checkpoint, that the record still reaches it; `Ok(entries)` if all holds.
pub async fn verify(
    db: &AnyPool,
    key: &CaseKey,
    anchor: Option<(i64, String)>,
) -> Result<Result<i64, Break>, sqlx::Error> {
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM case_chain WHERE id = 1").fetch_one(db).await?;
    match walk(db, key, head_seq, &head_hash, anchor.as_ref()).await? {
        Ok(n) => match cases_match(db).await? {
            Ok(()) => Ok(Ok(n)),
            Err(b) => Ok(Err(b)),
        },
        Err(b) => Ok(Err(b)),
    }
}

/// The chain itself, walked by the walk both records share, each entry's hash recomputed here.
async fn walk(
    db: &AnyPool,
    key: &CaseKey,
    head_seq: i64,
    head_hash: &str,
    anchor: Option<&(i64, String)>,
) -> Result<Result<i64, Break>, sqlx::Error> {
    type Row = (i64, i64, i64, Option<i64>, String, String, i64, String, String, String, Option<String>);
    let record = Record {
        table: "case_events",
        columns: "seq, case_id, at, actor_id, action, status, public, detail, prev_hash, hash, state",
        entry: "entry",
    };
    ledger::walk(db, &record, (head_seq, head_hash), anchor, |row: Row| {
        let (seq, case_id, at, actor, action, status, public, detail, prev, hash, state) = row;
        let computed =
            digest(key, &prev, seq, case_id, at, actor, &action, &status, public != 0, &detail, state.as_deref());
        Link { seq, case_id: Some(case_id), prev, hash, computed, own_check: Ok(()) }
    })
    .await
}

/// Every case has entries, and is what its last entry says it became: a case's facts, channel,
/// decision, rating, unit or sealed identity rewritten in the database, or its last entries cut
/// off, shows here.
async fn cases_match(db: &AnyPool) -> Result<Result<(), Break>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let mut after = 0i64;
    loop {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT 500")
            .bind(after)
            .fetch_all(&mut *conn)
            .await?;
        let Some(&last) = ids.last() else { return Ok(Ok(())) };
        after = last;
        for id in ids {
            let entry: Option<(i64, Option<String>)> =
                sqlx::query_as("SELECT seq, state FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let Some((seq, recorded)) = entry else {
                let why = "the case has no entry in the record".to_string();
                return Ok(Err(Break { seq: 0, case_id: Some(id), why }));
            };
            let Some(recorded) = recorded else { continue };
            if state_of(&mut conn, id).await?.as_deref() != Some(recorded.as_str()) {
                let why = "the case as stored (facts, channel, decision, rating, unit, identity or files) is not what its last entry recorded".to_string();
                return Ok(Err(Break { seq, case_id: Some(id), why }));
            }
        }
    }
}
