//! Database helpers shared by the domain stores.
use sqlx::{Any, AnyPool, Transaction};

/// Begin a transaction that reads and then writes. SQLite takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a write by another connection between our read and our write makes us
/// wait (busy timeout) instead of failing with "database is locked". PostgreSQL needs nothing more.
pub async fn begin_write(db: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}

/// `$from, $from+1, …`: `n` numbered placeholders, for an `IN (…)` list after `from - 1` others.
pub fn placeholders_from(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Ids bound at most this many to one statement: well inside both databases' limits on bound
/// values (SQLite 32,766; PostgreSQL 65,535), yet few statements for a hundred thousand rows.
///
/// A statement reading rows by such a list beside another term an index could serve
/// (`consultation_id = $1 AND id IN (…)`) writes that term `+consultation_id`: unary plus gives
/// the same value but no index term, so the ids drive the read, one seek each. Otherwise SQLite
/// may walk the index over the whole consultation for every chunk (at 100,000 comments, 24 ms a
/// chunk instead of 1 ms: the queue's word search and bulk decisions grew with the consultation).
/// PostgreSQL reads `+x` as `x`.
pub const IDS_PER_STATEMENT: usize = 1_000;

/// A subquery giving the ids of a JSON array bound at `$n` (bind [`json_ids`]): one bound value
/// however many ids, so a read by thousands of ids is one statement. SQLite names each `$n`
/// parameter, and looking a name up walks all of them: binding a thousand costs a million steps.
pub fn ids_from_json(db: &sqlx::AnyPool, n: usize) -> String {
    if db.connect_options().database_url.scheme().starts_with("postgres") {
        format!("(SELECT value::bigint FROM json_array_elements_text(${n}::json))")
    } else {
        format!("(SELECT value FROM json_each(${n}))")
    }
}

/// `ids` as the JSON array [`ids_from_json`] reads.
pub fn json_ids(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}
