//! Correcting a call before its outcome is out: the office fixes its title and description, moves
//! its dates before it opens, and once open only extends it (a shorter call would cut off people
//! still writing); a call that has not opened yet, which nobody could have answered, can be
//! withdrawn. Every correction is public on the call's page, with what changed and why.
use super::store::{length_problem, office, opening_problem, MAX_TEXT, MAX_TITLE};
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::text::Fields;
use sqlx::AnyPool;

/// A call's corrections as typed.
#[derive(Debug, Clone, Default)]
pub struct CallChange {
    pub title: String,
    pub description: String,
    pub opens_on: String,
    pub closes_on: String,
    /// Why, shown in public with the correction.
    pub reason: String,
}

/// Longest reason for a correction (characters).
pub const MAX_REASON: usize = 500;

/// Correct call `call` (only until its outcome is published).
pub async fn change_call(db: &AnyPool, user: &CurrentUser, call: i64, input: &CallChange) -> AppResult<()> {
    office(db, user).await?;
    let mut f = Fields::default();
    let title = f.published("title", &input.title, "标题", MAX_TITLE, true);
    let description = f.published("description", &input.description, "征集说明", MAX_TEXT, true);
    let opens = f.chosen(clock::parse_date(&input.opens_on), "opens_on", "请填写有效的开始日期（年-月-日）");
    let closes = f.chosen(clock::parse_date(&input.closes_on), "closes_on", "请填写有效的截止日期（年-月-日）");
    let reason = f.published("reason", &input.reason, "修改理由", MAX_REASON, true);
    let (o, c) = f.done(opens.zip(closes))?;
    let mut tx = crate::db::begin_write(db).await?;
    type Row = (i64, i64, i64, Option<i64>, String, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT plan_year, opens_at, closes_at, published_at, title, description FROM proposal_calls WHERE id = $1",
    )
    .bind(call)
    .fetch_optional(&mut *tx)
    .await?;
    let (year, opens_at, closes_at, published, old_title, old_description) = row.ok_or(AppError::NotFound)?;
    if published.is_some() {
        return Err(AppError::Conflict("征集结果已公布，不能再修改".into()));
    }
    let (new_opens, new_closes) = (clock::start_of_day(o), clock::start_of_day(c.next_day()));
    let now = clock::now();
    let mut f = Fields::default();
    if opens_at <= now {
        if new_opens != opens_at {
            f.add("opens_on", "征集已经开始，不能修改开始日期");
        }
        if new_closes < closes_at {
            f.add("closes_on", "征集已经开始，截止日期只能延后，不能提前");
        } else if new_closes != closes_at && closes_at <= now {
            f.add("closes_on", "征集已经截止，不能再延长");
        }
    } else if let Some(problem) = opening_problem(o) {
        f.add("opens_on", problem);
    }
    if let Some(problem) = length_problem(o, c) {
        f.add("closes_on", problem);
    }
    if year != o.year && year != o.year + 1 {
        f.add("opens_on", &format!("本次征集为{year}年度计划征集，开始日期应在{}年或{year}年", year - 1));
    }
    let differs = |old: &str, new: &str| (old != new).then(|| (old.to_string(), new.to_string()));
    let titled = differs(&old_title, &title);
    let described = differs(&old_description, &description);
    let moved = |old: i64, new: i64| (old != new).then_some((old, new));
    let (opened, closed) = (moved(opens_at, new_opens), moved(closes_at, new_closes));
    if titled.is_none() && described.is_none() && opened.is_none() && closed.is_none() {
        f.add("form", "没有修改任何内容");
    }
    f.finish()?;
    // Only from the state the rules were checked against: a call published, or corrected by
    // someone else, meanwhile is not changed.
    let changed = sqlx::query(
        "UPDATE proposal_calls SET title = $1, description = $2, opens_at = $3, closes_at = $4
         WHERE id = $5 AND published_at IS NULL AND opens_at = $6 AND closes_at = $7 AND title = $8
           AND description = $9",
    )
    .bind(&title)
    .bind(&description)
    .bind(new_opens)
    .bind(new_closes)
    .bind(call)
    .bind(opens_at)
    .bind(closes_at)
    .bind(&old_title)
    .bind(&old_description)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict("征集刚被公布或被他人修改，本次修改未保存；请刷新页面后重试".into()));
    }
    // What each part was and became, worked out once here rather than on every view of the call.
    let parts =
        serde_json::to_string(&corrected_parts(&titled, &described, opened, closed)).map_err(|_| AppError::Internal)?;
    let (title_was, title_now) = titled.unzip();
    let (description_was, description_now) = described.unzip();
    let (opens_was, opens_now) = opened.unzip();
    let (closes_was, closes_now) = closed.unzip();
    sqlx::query(
        "INSERT INTO call_changes (call_id, changed_by, changed_at, reason, old_title, new_title, old_description,
                                   new_description, old_opens_at, new_opens_at, old_closes_at, new_closes_at, parts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(call)
    .bind(user.id)
    .bind(now)
    .bind(&reason)
    .bind(title_was)
    .bind(title_now)
    .bind(description_was)
    .bind(description_now)
    .bind(opens_was)
    .bind(opens_now)
    .bind(closes_was)
    .bind(closes_now)
    .bind(parts)
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "call", call).await?;
    tx.commit().await?;
    tracing::info!(call, "proposal call corrected");
    Ok(())
}

/// Each part a correction changed, with its text before and after: texts by what changed in them,
/// dates whole, from one to the other (a date diffed by characters would read as a third date).
fn corrected_parts(
    title: &Option<(String, String)>,
    description: &Option<(String, String)>,
    opens: Option<(i64, i64)>,
    closes: Option<(i64, i64)>,
) -> Vec<crate::consultations::Corrected> {
    use crate::feedback::diff::{text_diff, Piece};
    let day = clock::format_long_date;
    let whole = |(a, b): (String, String)| vec![Piece::Removed(a), Piece::Same("改为".into()), Piece::Added(b)];
    let texts = [
        ("标题", title.as_ref().map(|(a, b)| text_diff(a, b))),
        ("征集说明", description.as_ref().map(|(a, b)| text_diff(a, b))),
        ("开始日期", opens.map(|(a, b)| whole((day(a), day(b))))),
        // Stored as the start of the day after the last day.
        ("截止日期", closes.map(|(a, b)| whole((day(a - 86_400), day(b - 86_400))))),
    ];
    texts
        .into_iter()
        .filter_map(|(part, pieces)| {
            pieces.map(|pieces| crate::consultations::Corrected { part: part.to_string(), anchor: None, pieces })
        })
        .collect()
}

/// Withdraw call `call`, which has not opened yet (so nobody has proposed anything), with its plan
/// items; it is gone from the lists and the search.
pub async fn withdraw_call(db: &AnyPool, user: &CurrentUser, call: i64) -> AppResult<()> {
    office(db, user).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let opens_at: Option<i64> = sqlx::query_scalar("SELECT opens_at FROM proposal_calls WHERE id = $1")
        .bind(call)
        .fetch_optional(&mut *tx)
        .await?;
    if opens_at.ok_or(AppError::NotFound)? <= clock::now() {
        return Err(AppError::Conflict("征集已经开始，不能撤回；可以修改标题、说明，或延长截止日期".into()));
    }
    sqlx::query("DELETE FROM plan_items WHERE call_id = $1").bind(call).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM call_changes WHERE call_id = $1").bind(call).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM proposal_calls WHERE id = $1").bind(call).execute(&mut *tx).await?;
    crate::changes::record_change(&mut tx, "call", call).await?;
    tx.commit().await?;
    tracing::info!(call, "proposal call withdrawn before it opened");
    Ok(())
}

/// Correct plan item `item` (name, kind, drafting body, note) until the plan is published. Returns
/// its call.
pub async fn change_item(db: &AnyPool, user: &CurrentUser, item: i64, input: &super::store::NewItem) -> AppResult<i64> {
    let mut f = Fields::default();
    let title = f.published("title", &input.title, "项目名称", MAX_TITLE, true);
    let note = f.published("note", &input.note, "说明", MAX_TEXT, false);
    let kind = f.chosen(super::PlanKind::parse(&input.kind), "kind", "请选择项目类别");
    let agency = f.chosen(input.agency, "agency", "请选择起草单位");
    let (kind, agency) = f.done(kind.zip(agency))?;
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    let call = super::store::item_in_unpublished_plan(&mut tx, item, "修改").await?;
    super::store::drafting_body(&mut tx, agency).await?;
    sqlx::query("UPDATE plan_items SET title = $1, kind = $2, agency_id = $3, note = $4 WHERE id = $5")
        .bind(&title)
        .bind(kind.as_str())
        .bind(agency)
        .bind(&note)
        .bind(item)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(call)
}
