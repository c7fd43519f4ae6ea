//! The append-only record of every case step: each entry's hash covers the previous entry's hash
//! and its own fields, keyed with the case key, so an entry changed, removed or inserted in the
//! database breaks the chain from there on — and the chain cannot be recomputed without the key.
use super::seal::{to_hex, CaseKey};
use sqlx::AnyConnection;
use sqlx::AnyPool;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
/// fields can contain the separator.
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
) -> String {
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let text = format!("{prev}\n{seq}\n{case_id}\n{at}\n{actor}\n{action}\n{status}\n{}\n{detail}", u8::from(public));
    to_hex(&key.mac(text.as_bytes()))
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
    let hash = digest(key, &prev, seq, step.case_id, at, step.actor_id, step.action, step.status, step.public, &detail);
    sqlx::query(
        "INSERT INTO case_events (seq, case_id, at, actor_id, action, status, public, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE case_chain SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(seq)
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The first entry that does not follow from the one before (or where one is missing).
    pub seq: i64,
    pub case_id: Option<i64>,
    pub why: String,
}

/// Check every entry in order, up to the head as it was when the check began (entries appended
/// meanwhile are left for the next check); `Ok(entries)` if the chain is whole.
pub async fn verify(db: &AnyPool, key: &CaseKey) -> Result<Result<i64, Break>, sqlx::Error> {
    type Row = (i64, i64, i64, Option<i64>, String, String, i64, String, String, String);
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM case_chain WHERE id = 1").fetch_one(db).await?;
    // Every entry is numbered 1..=head: anything else in the table (an entry numbered outside the
    // chain, say) is a break too.
    let (count, low): (i64, Option<i64>) = sqlx::query_as("SELECT COUNT(*), MIN(seq) FROM case_events WHERE seq <= $1")
        .bind(head_seq)
        .fetch_one(db)
        .await?;
    if count != head_seq || low.is_some_and(|l| l < 1) {
        let why = format!("the record has {count} entries up to entry {head_seq}");
        return Ok(Err(Break { seq: low.unwrap_or(1).min(1), case_id: None, why }));
    }
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1;
    while expected_seq <= head_seq {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, case_id, at, actor_id, action, status, public, detail, prev_hash, hash
             FROM case_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT 1000",
        )
        .bind(expected_seq)
        .bind(head_seq)
        .fetch_all(db)
        .await?;
        if rows.is_empty() {
            break;
        }
        for (seq, case_id, at, actor, action, status, public, detail, prev, hash) in rows {
            let fail = |why: &str| Ok(Err(Break { seq: expected_seq, case_id: Some(case_id), why: why.to_string() }));
            if seq != expected_seq {
                return fail(&format!("entry {expected_seq} is missing"));
            }
            if prev != expected_prev {
                return fail("it does not name the previous entry's hash");
            }
            if digest(key, &prev, seq, case_id, at, actor, &action, &status, public != 0, &detail) != hash {
                return fail("its contents do not match its hash");
            }
            expected_prev = hash;
            expected_seq += 1;
        }
    }
    if head_seq != expected_seq - 1 || head_hash != expected_prev {
        return Ok(Err(Break {
            seq: expected_seq,
            case_id: None,
            why: format!("the chain should end at entry {head_seq}"),
        }));
    }
    Ok(Ok(expected_seq - 1))
}
