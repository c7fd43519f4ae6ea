//! The public case statistics: what each case counts for is kept in `case_stats` as the case is
//! filed, accepted and decided, so the page is one `GROUP BY` over a bounded range of months
//! instead of every case and every event read on each request.
use super::{CaseStatus, StatPage, StatRow};
use crate::clock;
use crate::error::AppResult;
use sqlx::{AnyConnection, AnyPool};

/// Months of statistics per page (each month a row per unit, plus the channels).
pub const STAT_MONTHS: usize = 12;

/// Where cases outside the units' queues are counted, by channel.
const LEGAL: &str = "涉法涉诉（法律程序）";
const DISCIPLINE: &str = "纪检监察";
const UNROUTED: &str = "信访部门（尚未分办）";

/// `YYYY-MM` of an instant, Beijing time.
pub fn month_of(at: i64) -> String {
    let d = clock::date_of(at);
    format!("{:04}-{:02}", d.year, d.month)
}

/// A case was filed at `received_at`: it counts from now on.
pub async fn filed(conn: &mut AnyConnection, case_id: i64, received_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_stats (case_id, received_month) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING")
        .bind(case_id)
        .bind(month_of(received_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A step of the case's record, as the statistics read it: a unit's acceptance, and the first
/// decision with whether it met its deadline (a decision without the flag counts as on time).
/// Upserts, so it holds whichever of this and the start-up backfill runs first.
pub async fn step(
    conn: &mut AnyConnection,
    case_id: i64,
    received_at: i64,
    action: &str,
    detail: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let sql = match action {
        "unit_accepted" => {
            "INSERT INTO case_stats (case_id, received_month, accepted) VALUES ($1, $2, 1)
             ON CONFLICT (case_id) DO UPDATE SET accepted = 1"
        }
        "decided" => {
            "INSERT INTO case_stats (case_id, received_month, first_decision_on_time) VALUES ($1, $2, $3)
             ON CONFLICT (case_id) DO UPDATE
             SET first_decision_on_time = COALESCE(case_stats.first_decision_on_time, $3)"
        }
        _ => return Ok(()),
    };
    let on_time = detail.get("on_time").and_then(|v| v.as_bool()).unwrap_or(true);
    let mut q = sqlx::query(sql).bind(case_id).bind(month_of(received_at));
    if action == "decided" {
        q = q.bind(i64::from(on_time));
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Give every case filed before `case_stats` existed its row, from its record (run at start; a
/// no-op once done). Returns how many cases it filled in.
pub async fn backfill(db: &AnyPool) -> AppResult<u64> {
    let mut done = 0;
    loop {
        let mut tx = crate::db::begin_write(db).await?;
        let cases: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT c.id, c.received_at FROM cases c
             WHERE NOT EXISTS (SELECT 1 FROM case_stats s WHERE s.case_id = c.id) ORDER BY c.id LIMIT 500",
        )
        .fetch_all(&mut *tx)
        .await?;
        if cases.is_empty() {
            return Ok(done);
        }
        for &(id, received_at) in &cases {
            filed(&mut tx, id, received_at).await?;
            let events: Vec<(String, String)> = sqlx::query_as(
                "SELECT action, detail FROM case_events
                 WHERE case_id = $1 AND action IN ('unit_accepted', 'decided') ORDER BY seq",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            for (action, detail) in events {
                // As the statistics always read the record: a detail that does not parse is skipped.
                if let Ok(detail) = serde_json::from_str::<serde_json::Value>(&detail) {
                    step(&mut tx, id, received_at, &action, &detail).await?;
                }
            }
        }
        tx.commit().await?;
        done += cases.len() as u64;
    }
}

/// The figures of one group, as the database sums them.
#[derive(sqlx::FromRow)]
struct Group {
    month: String,
    unit: String,
    received: i64,
    accepted: i64,
    on_time: i64,
    late: i64,
    overdue: i64,
    rated: i64,
    rating_sum: i64,
}

/// One page of the public statistics: [`STAT_MONTHS`] months with cases, newest first, a row per
/// unit and month. Cases not yet routed, and those of the legal and discipline channels, are
/// counted under their channel, never by unit.
pub async fn page(db: &AnyPool, page: u32) -> AppResult<StatPage> {
    let page = crate::paging::check(Some(page))?;
    let months: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT received_month) FROM case_stats").fetch_one(db).await?;
    let pages = (months as usize).div_ceil(STAT_MONTHS).max(1) as u32;
    let shown: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT received_month FROM case_stats ORDER BY received_month DESC LIMIT $1 OFFSET $2",
    )
    .bind(STAT_MONTHS as i64)
    .bind(i64::from(page - 1) * STAT_MONTHS as i64)
    .fetch_all(db)
    .await?;
    let (Some(newest), Some(oldest)) = (shown.first(), shown.last()) else {
        return Ok(StatPage { rows: vec![], page, pages });
    };
    let groups: Vec<Group> =
        sqlx::query_as(&group_sql()).bind(oldest).bind(newest).bind(clock::today().to_string()).fetch_all(db).await?;
    let mut rows: Vec<StatRow> = groups.into_iter().map(row_of).collect();
    // Newest month first, then units in reverse order, as the page always listed them (sorted
    // here rather than by the database, whose collation may differ).
    rows.sort_by(|a, b| (&b.month, &b.unit).cmp(&(&a.month, &a.unit)));
    Ok(StatPage { rows, page, pages })
}

/// The `GROUP BY` over the months `$1..=$2`; a case in progress is overdue once its due date is
/// before `$3` (today, Beijing): the same test as `now >= due_instant(due_on)`.
fn group_sql() -> String {
    let in_progress: Vec<String> =
        CaseStatus::ALL.into_iter().filter(|s| s.in_progress()).map(|s| format!("'{}'", s.as_str())).collect();
    format!(
        "SELECT s.received_month AS month,
                CASE WHEN c.channel = 'legal' THEN '{LEGAL}' WHEN c.channel = 'discipline' THEN '{DISCIPLINE}'
                     ELSE COALESCE(a.name, '{UNROUTED}') END AS unit,
                COUNT(*) AS received,
                CAST(SUM(s.accepted) AS BIGINT) AS accepted,
                CAST(SUM(CASE WHEN s.first_decision_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) AS on_time,
                CAST(SUM(CASE WHEN s.first_decision_on_time = 0 THEN 1 ELSE 0 END) AS BIGINT) AS late,
                CAST(SUM(CASE WHEN c.status IN ({}) AND c.due_on < $3 THEN 1 ELSE 0 END) AS BIGINT) AS overdue,
                COUNT(c.satisfaction) AS rated,
                CAST(COALESCE(SUM(c.satisfaction), 0) AS BIGINT) AS rating_sum
         FROM case_stats s JOIN cases c ON c.id = s.case_id LEFT JOIN agencies a ON a.id = c.unit_id
         WHERE s.received_month >= $1 AND s.received_month <= $2
         GROUP BY 1, 2",
        in_progress.join(", ")
    )
}

fn row_of(g: Group) -> StatRow {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    StatRow {
        month: g.month,
        unit: g.unit,
        received: count(g.received),
        accepted: count(g.accepted),
        decided_on_time: count(g.on_time),
        decided_late: count(g.late),
        overdue: count(g.overdue),
        rated: count(g.rated),
        satisfaction: (g.rated > 0).then(|| g.rating_sum as f64 / g.rated as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_counts_in_the_beijing_month_it_arrived() {
        // 2026-01-31 16:00 UTC is already 1 February in Beijing.
        let at = clock::start_of_day(clock::parse_date("2026-02-01").unwrap());
        assert_eq!(month_of(at), "2026-02");
        assert_eq!(month_of(at - 1), "2026-01");
    }

    #[test]
    fn the_overdue_test_counts_every_status_in_progress_and_no_other() {
        let sql = group_sql();
        for s in CaseStatus::ALL {
            assert_eq!(sql.contains(&format!("'{}'", s.as_str())), s.in_progress(), "{s:?}");
        }
    }
}
