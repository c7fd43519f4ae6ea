//! The holiday calendar under 系统管理 (节假日安排): the administrator keeps it a year at a time
//! (days off and swapped working days, typed as the State Council publishes them); saving it counts
//! every deadline still running again, records the change, and the administrator and the petition
//! office are warned while this year or the next has no calendar.
#[cfg(feature = "ssr")]
use crate::accounts::user::Role;
use crate::cases::deadlines::{CalendarDay, DayKind};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormMessage};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Years the page keeps (a typo like 20277 is refused before anything is read).
#[cfg(feature = "ssr")]
const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

/// One year of the calendar as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i64,
    pub days: Vec<CalendarDay>,
    /// The same days as the form's text.
    pub text: String,
    /// This year and the next, where they have no calendar.
    pub missing: Vec<i64>,
}

/// One year of the holiday calendar (administrators only); without a year, the first of this year
/// and the next that has none, else this year.
#[server(endpoint = "admin_calendar")]
pub async fn admin_calendar(year: Option<i64>) -> Result<CalendarYear, AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(Role::Admin)?;
    let st = crate::state::state()?;
    let missing = crate::cases::store::missing_years(&st.db).await?;
    let year = match year {
        Some(y) if YEARS.contains(&y) => y,
        Some(_) => return Err(AppError::field("year", "年份应在2000至2100之间")),
        None => missing.first().copied().unwrap_or(crate::clock::today().year),
    };
    let days = crate::cases::store::year_days(&st.db, year).await?;
    let text = crate::cases::holidays::year_text(&days);
    Ok(CalendarYear { year, days, text, missing })
}

/// Of this year and the next, those without a holiday calendar — for staff and administrators
/// (nobody else is told anything).
#[server(endpoint = "calendar_warning")]
pub async fn calendar_warning() -> Result<Vec<i64>, AppError> {
    let user = crate::state::require_viewer().await?;
    if user.role == Role::Citizen {
        return Ok(Vec::new());
    }
    let st = crate::state::state()?;
    crate::cases::store::missing_years(&st.db).await
}

/// What saving a year did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub holidays: usize,
    pub workdays: usize,
    /// Running deadlines that moved.
    pub recounted: u64,
}

/// Replace a year of the calendar with the administrator's text, count the running deadlines again
/// and record it — all in one transaction, or nothing at all.
#[cfg(feature = "ssr")]
pub async fn save_year(
    db: &sqlx::AnyPool,
    cfg: &crate::cases::config::CaseConfig,
    admin: &crate::accounts::CurrentUser,
    year: i64,
    text: &str,
) -> crate::error::AppResult<Saved> {
    use super::record::{self, Action, Step};
    admin.require(Role::Admin)?;
    if !YEARS.contains(&year) {
        return Err(AppError::field("year", "年份应在2000至2100之间"));
    }
    if text.len() > 20_000 {
        return Err(AppError::field("days", "内容过长"));
    }
    let days = crate::cases::holidays::parse_year(year, text).map_err(AppError::Invalid)?;
    let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
    let workdays = days.len() - holidays;
    let mut tx = crate::db::begin_write(db).await?;
    crate::cases::store::replace_year(&mut tx, year, &days).await?;
    let recounted = crate::cases::store::recount_running(&mut tx, cfg).await?;
    let detail =
        serde_json::json!({ "year": year, "holidays": holidays, "workdays": workdays, "recounted": recounted });
    record::append(&mut tx, &cfg.key, Step::new(Some(admin.id), Action::CalendarChanged, None, detail)).await?;
    tx.commit().await?;
    tracing::info!(year, holidays, workdays, recounted, "holiday calendar year saved");
    Ok(Saved { holidays, workdays, recounted })
}

/// The warning shown to the administrator and the petition office while a year has no calendar
/// (with the way to the calendar page for the administrator, `keeper`).
#[component]
pub fn CalendarWarning(#[prop(optional)] keeper: bool) -> impl IntoView {
    let missing = Resource::new(|| (), |_| calendar_warning());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let years = missing.await.unwrap_or_default();
                (!years.is_empty()).then(|| {
                    let list = years.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、");
                    view! {
                        <div class="alert alert-warn calendar-warning">
                            {format!("尚未录入{list}节假日安排：跨入该年的期限只按周末计算，可能少算假期。")}
                            {if keeper {
                                view! { " " <a href="/admin/calendar">"录入节假日安排"</a> }.into_any()
                            } else {
                                view! { "请联系系统管理员录入。" }.into_any()
                            }}
                        </div>
                    }
                })
            })}
        </Suspense>
    }
}

/// `/admin/calendar?year=2027`: a year's days off and swapped working days, and the form to set them.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let year = query("year");
    let data = Resource::new(year, |year| async move {
        let year = match year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
            Some(y) => Some(y.parse::<i64>().map_err(|_| AppError::field("year", "年份应为数字"))?),
            None => None,
        };
        admin_calendar(year).await
    });
    let echo = use_echo();
    view! {
        <Title text="节假日安排 · 系统管理" />
        <p class="meta"><a href="/admin">"系统管理"</a> " › 节假日安排"</p>
        <h1>"节假日安排"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let y = match data.await {
                        Ok(y) => y,
                        Err(e) => return view! { <ErrorView err=e /> }.into_any(),
                    };
                    let this = crate::clock::today().year;
                    let text = if echo.values.is_empty() { y.text.clone() } else { echo.value("days") };
                    let year = y.year;
                    view! {
                        <FormMessage echo=echo.clone() />
                        {(!y.missing.is_empty()).then(|| {
                            let list = y.missing.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、");
                            view! {
                                <div class="alert alert-warn calendar-warning">
                                    {format!("尚未录入{list}节假日安排：跨入该年的期限只按周末计算，可能少算假期。国务院办公厅公布次年安排后，请及时录入。")}
                                </div>
                            }
                        })}
                        <nav class="years" aria-label="年份">
                            {[this - 1, this, this + 1].into_iter().map(|n| {
                                let current = (n == year).then_some("page");
                                view! { <a href=format!("/admin/calendar?year={n}") aria-current=current>{format!("{n}年")}</a> " " }
                            }).collect_view()}
                        </nav>
                        <h2>{format!("{year}年")}</h2>
                        {y.days.is_empty().then(|| view! { <p>"本年尚无节假日安排。"</p> })}
                        {(!y.days.is_empty()).then(|| view! {
                            <div class="table-scroll">
                                <table class="calendar">
                                    <thead><tr><th scope="col">"日期"</th><th scope="col">"星期"</th><th scope="col">"安排"</th><th scope="col">"节日"</th></tr></thead>
                                    <tbody>
                                        {y.days.iter().map(|d| view! {
                                            <tr>
                                                <td>{crate::clock::long_date(d.date)}</td>
                                                <td>{weekday(d.date.weekday())}</td>
                                                <td>{if d.kind == DayKind::Holiday { "放假" } else { "调休上班" }}</td>
                                                <td>{d.name.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        <form method="post" action="/admin/calendar" class="stacked">
                            <input type="hidden" name="year" value=year.to_string() />
                            <label for="days">{format!("{year}年节假日安排（每行一项）")}</label>
                            <TextArea id="days" name="days" rows=14 value=text describedby="days-hint" />
                            <FieldMessage echo=echo.clone() name="days" />
                            <FieldMessage echo=echo.clone() name="year" />
                            <p class="hint" id="days-hint">
                                "按国务院办公厅通知逐行填写：放假“2027-01-01 放假 元旦”，连续放假“2027-02-06至2027-02-12 放假 春节”，"
                                "调休上班“2027-02-14 上班 春节”。周末不必列出。保存后，仍在办理期限内的案件将按新安排重新计算期限，并记入案件记录。"
                            </p>
                            <button type="submit">{format!("保存{year}年节假日安排")}</button>
                        </form>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

fn weekday(n: u32) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "日"].get(n.saturating_sub(1) as usize).copied().unwrap_or("")
}
