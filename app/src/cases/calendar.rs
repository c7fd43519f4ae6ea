//! The holiday calendar as the administrator keeps it (`calendar_days`): read for every deadline,
//! changed a year at a time on the administration page (or a day from the command line), and every
//! deadline still running counted again when it changes. The working-day arithmetic is in
//! `deadlines`, the text an administrator types in `holidays`.
use super::case::record;
use super::config::CaseConfig;
use super::deadlines::{Calendar, CalendarDay, DayKind, Due, Period};
use super::details::{DeadlineRecounted, Detail};
use super::CaseStatus;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// A stored day kind (`holiday` or `workday`).
fn day_kind(s: &str) -> Option<DayKind> {
    match s {
        "holiday" => Some(DayKind::Holiday),
        "workday" => Some(DayKind::Workday),
        _ => None,
    }
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    kind: String,
    name: String,
}

/// The holiday calendar as the administrator keeps it.
pub async fn calendar(db: impl sqlx::AnyExecutor<'_>) -> AppResult<Calendar> {
    let rows: Vec<DayRow> = sqlx::query_as("SELECT day, kind, name FROM calendar_days").fetch_all(db).await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = AppError::stored(day_kind(&r.kind), "calendar day kind", &r.kind)?;
        if let Some(date) = clock::parse_date(&r.day) {
            days.push(CalendarDay { date, kind, name: r.name });
        }
    }
    Ok(Calendar::new(&days))
}

/// One year's entries, in date order.
pub async fn year_days(db: &AnyPool, year: i64) -> AppResult<Vec<CalendarDay>> {
    let rows: Vec<DayRow> =
        sqlx::query_as("SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .fetch_all(db)
            .await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = AppError::stored(day_kind(&r.kind), "calendar day kind", &r.kind)?;
        if let Some(date) = clock::parse_date(&r.day) {
            days.push(CalendarDay { date, kind, name: r.name });
        }
    }
    Ok(days)
}

/// Of this year and the next, those with no calendar at all: deadlines that run into them count
/// weekends only, so the administrator and the petition office are warned.
pub async fn missing_years(db: &AnyPool) -> AppResult<Vec<i64>> {
    let this = clock::today().year;
    let mut missing = Vec::new();
    for year in [this, this + 1] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days WHERE day >= $1 AND day <= $2")
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .fetch_one(db)
            .await?;
        if n == 0 {
            missing.push(year);
        }
    }
    Ok(missing)
}

/// Replace one year's entries (already checked) inside the caller's transaction.
pub async fn replace_year(conn: &mut AnyConnection, year: i64, days: &[CalendarDay]) -> AppResult<()> {
    sqlx::query("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{year:04}-12-31"))
        .execute(&mut *conn)
        .await?;
    for d in days {
        if d.date.year != year {
            return Err(AppError::field("days", &format!("日期应在{year}年内")));
        }
        let kind = if d.kind == DayKind::Holiday { "holiday" } else { "workday" };
        sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)")
            .bind(d.date.to_string())
            .bind(kind)
            .bind(&d.name)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RunningRow {
    id: i64,
    status: String,
    due_on: String,
    due_from: String,
    due_period: String,
}

/// Count every deadline still running (due today or later) again on the calendar as it now stands,
/// inside the caller's transaction after the change; each one that moves is moved and its case's
/// record says so. A date an assigning officer set by hand stays. Returns how many moved.
pub async fn recount_running(conn: &mut AnyConnection, cfg: &CaseConfig) -> AppResult<u64> {
    let cal = calendar(&mut *conn).await?;
    let today = clock::today().to_string();
    let mut moved = 0;
    let mut after = 0;
    loop {
        let rows: Vec<RunningRow> = sqlx::query_as(
            "SELECT id, status, due_on, due_from, due_period FROM cases
             WHERE id > $1 AND due_on >= $2 AND due_from IS NOT NULL AND due_period IS NOT NULL
             ORDER BY id LIMIT 500",
        )
        .bind(after)
        .bind(&today)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in rows {
            let (Some(on), Some(from), Some(period)) =
                (clock::parse_date(&r.due_on), clock::parse_date(&r.due_from), Period::from_stored(&r.due_period))
            else {
                tracing::warn!(case = r.id, "a running deadline's basis could not be read; it is left as it was");
                continue;
            };
            let status = AppError::stored(CaseStatus::parse(&r.status), "case status", &r.status)?;
            let now_due = Due { on, counted: Some((from, period)) }.recounted(&cal);
            if now_due == on {
                continue;
            }
            sqlx::query("UPDATE cases SET due_on = $1, updated_at = $2 WHERE id = $3")
                .bind(now_due.to_string())
                .bind(clock::now())
                .bind(r.id)
                .execute(&mut *conn)
                .await?;
            let detail = Detail::DeadlineRecounted(DeadlineRecounted {
                from: on.to_string(),
                to: now_due.to_string(),
                reason: "节假日安排调整".into(),
            });
            record(conn, cfg, r.id, None, status, true, &detail).await?;
            moved += 1;
        }
    }
    if moved > 0 {
        tracing::info!(moved, "running deadlines counted again after a change to the holiday calendar");
    }
    Ok(moved)
}

/// Add or change a day of the holiday calendar (`holiday` or `workday`), or with `None` remove it,
/// and count the deadlines still running again. Returns how many moved.
pub async fn set_calendar_day(db: &AnyPool, cfg: &CaseConfig, day: &str, kind: Option<(&str, &str)>) -> AppResult<u64> {
    let date = clock::parse_date(day).ok_or_else(|| AppError::field("day", "日期格式为YYYY-MM-DD"))?;
    let day = date.to_string();
    let mut tx = crate::db::begin_write(db).await?;
    match kind {
        Some((kind, name)) => {
            if day_kind(kind).is_none() {
                return Err(AppError::field("kind", "类别为holiday（放假）或workday（调休上班）"));
            }
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
                 ON CONFLICT (day) DO UPDATE SET kind = $2, name = $3",
            )
            .bind(&day)
            .bind(kind)
            .bind(name.trim())
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(&day).execute(&mut *tx).await?;
        }
    }
    let moved = recount_running(&mut tx, cfg).await?;
    tx.commit().await?;
    tracing::info!(day, "holiday calendar changed");
    Ok(moved)
}

/// The clock a normative document's filing for review runs on: this holiday calendar and the
/// configured periods (`document_filing`, `filing_review`).
pub async fn filing_clock(db: &AnyPool, cfg: &CaseConfig) -> AppResult<crate::registry::filing::FilingClock> {
    Ok(crate::registry::filing::FilingClock {
        cal: calendar(db).await?,
        file_within: cfg.periods.document_filing,
        review_within: cfg.periods.filing_review,
        validity: cfg.periods.document_validity,
    })
}
