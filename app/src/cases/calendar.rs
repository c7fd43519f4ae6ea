//! The holiday calendar as the administrator keeps it (`calendar_days`): read for every deadline,
//! changed from the command line. The working-day arithmetic is in `deadlines`.
use super::deadlines::{Calendar, CalendarDay, DayKind};
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

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

/// Add or change a day of the holiday calendar (`holiday` or `workday`), or with `None` remove it.
pub async fn set_calendar_day(db: &AnyPool, day: &str, kind: Option<(&str, &str)>) -> AppResult<()> {
    let date = clock::parse_date(day).ok_or_else(|| AppError::field("day", "日期格式为YYYY-MM-DD"))?;
    let day = date.to_string();
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
            .execute(db)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(&day).execute(db).await?;
        }
    }
    tracing::info!(day, "holiday calendar changed");
    Ok(())
}
