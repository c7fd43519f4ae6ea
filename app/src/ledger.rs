//! Walking a hash-chained record. The case record (`cases::chain`) and the administration record
//! (`admin::record`) are both numbered 1..=head, each entry naming the hash before it and keyed
//! with the case key; they differ only in their columns and in what each entry's hash covers. The
//! walk (numbering, order, links, the checkpoint's entry, the head) is here once, so a rule the two
//! share cannot be tightened in one and forgotten in the other.
use sqlx::any::AnyRow;
use sqlx::AnyPool;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a record breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The first entry that does not follow from the one before (or where one is missing).
    pub seq: i64,
    pub case_id: Option<i64>,
    pub why: String,
}

/// Which record to walk: its events table, the columns its rows are read with (`seq` first), and
/// the words that name it in a break.
pub struct Record {
    pub table: &'static str,
    pub columns: &'static str,
    /// "entry" or "administration entry".
    pub entry: &'static str,
}

/// One entry as the walk sees it, made from a row by the record's own code.
pub struct Link {
    pub seq: i64,
    pub case_id: Option<i64>,
    /// The hash the entry names as the one before it.
    pub prev: String,
    /// The hash stored with the entry.
    pub hash: String,
    /// The hash recomputed from the entry's fields and the key.
    pub computed: String,
    /// A check of the record's own, made after the links hold (the two-person rule, say).
    pub own_check: Result<(), String>,
}

/// Entries read per query.
const BATCH: i64 = 1000;

/// Walk entries 1..=`head` (its hash `head_hash`, read when the check began: entries appended
/// meanwhile are left for the next check), checking that every one is there, in order, names the
/// entry before, matches its hash, and, at the `anchor`'s entry (from a checkpoint), is the entry
/// the checkpoint vouches for. `Ok(entries)` if all holds.
pub async fn walk<R>(
    db: &AnyPool,
    record: &Record,
    (head, head_hash): (i64, &str),
    anchor: Option<&(i64, String)>,
    mut link: impl FnMut(R) -> Link,
) -> Result<Result<i64, Break>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    let Record { table, columns, entry } = record;
    let brk = |seq: i64, case_id: Option<i64>, why: String| Ok(Err(Break { seq, case_id, why }));
    if let Some((seq, _)) = anchor {
        if *seq > head {
            let why = format!(
                "the record ends at {entry} {head}, but the checkpoint vouches for {entry} {seq}: entries were removed"
            );
            return brk(head + 1, None, why);
        }
    }
    // Every entry is numbered 1..=head: anything else in the table (an entry numbered outside the
    // chain, say) is a break too.
    let (count, low): (i64, Option<i64>) =
        sqlx::query_as(&format!("SELECT COUNT(*), MIN(seq) FROM {table} WHERE seq <= $1"))
            .bind(head)
            .fetch_one(db)
            .await?;
    if count != head || low.is_some_and(|l| l < 1) {
        return brk(low.unwrap_or(1).min(1), None, format!("the record has {count} entries up to {entry} {head}"));
    }
    let sql = format!("SELECT {columns} FROM {table} WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT {BATCH}");
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1;
    while expected_seq <= head {
        let rows: Vec<R> = sqlx::query_as(&sql).bind(expected_seq).bind(head).fetch_all(db).await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let l = link(row);
            let fail = |why: &str| brk(expected_seq, l.case_id, format!("{entry} {expected_seq}: {why}"));
            if l.seq != expected_seq {
                return fail("missing");
            }
            if l.prev != expected_prev {
                return fail("it does not name the previous entry's hash");
            }
            if l.computed != l.hash {
                return fail("its contents do not match its hash");
            }
            if anchor.is_some_and(|(s, h)| *s == l.seq && *h != l.hash) {
                return fail("it differs from the entry the checkpoint vouches for");
            }
            if let Err(why) = &l.own_check {
                return fail(why);
            }
            expected_prev = l.hash;
            expected_seq += 1;
        }
    }
    if head != expected_seq - 1 || head_hash != expected_prev {
        return brk(expected_seq, None, format!("the record should end at {entry} {head}"));
    }
    Ok(Ok(head))
}
