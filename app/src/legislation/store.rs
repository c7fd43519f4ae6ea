//! Calls for legislative project proposals in the database: the changes (reads are in `read`).
//! The office's actions check its power (`legal_affairs`) in the same transaction as the change;
//! a published outcome is final.
use super::{Disposition, OwnProposal, PlanKind, ProposalStatus};
use crate::accounts::user::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::grants::Grant;
use crate::text::{published, Fields};
use sqlx::{AnyConnection, AnyPool};

/// Longest title (a call's, a subject, a plan item's).
pub const MAX_TITLE: usize = 200;
/// Longest text of a proposal's part, a description, a reason or the outcome report.
pub const MAX_TEXT: usize = 5000;
/// Most plan items in one plan.
pub const MAX_ITEMS: i64 = 500;

/// The office: staff holding the legal-affairs power. Returns their agency.
pub async fn office(db: impl sqlx::AnyExecutor<'_>, user: &CurrentUser) -> AppResult<i64> {
    let agency = user.staff_agency()?;
    let held: Option<String> =
        sqlx::query_scalar("SELECT grant_name FROM user_grants WHERE user_id = $1 AND grant_name = $2")
            .bind(user.id)
            .bind(Grant::LegalAffairs.as_str())
            .fetch_optional(db)
            .await?;
    held.map(|_| agency).ok_or(AppError::Forbidden)
}

/// What is wrong with a call opening on `o`, if anything: a call is opened for the public to see
/// from its first day (none is recorded after the fact), at most a year ahead.
pub(super) fn opening_problem(o: clock::Date) -> Option<&'static str> {
    let today = clock::today();
    if o < today {
        Some("开始日期不能早于今天")
    } else if o.day_number() - today.day_number() > 366 {
        Some("开始日期不能晚于一年以后")
    } else {
        None
    }
}

/// What is wrong with a call running from `o` to `c` (its last day), if anything.
pub(super) fn length_problem(o: clock::Date, c: clock::Date) -> Option<&'static str> {
    if c < o {
        Some("截止日期不能早于开始日期")
    } else if c.day_number() - o.day_number() > 366 {
        Some("征集期限不能超过一年")
    } else {
        None
    }
}

/// A call as typed into the office's form.
#[derive(Debug, Clone, Default)]
pub struct NewCall {
    pub title: String,
    pub plan_year: String,
    pub description: String,
    pub opens_on: String,
    pub closes_on: String,
}

/// Open a call (public at once; proposals are taken from its first day to the end of its last).
pub async fn create_call(db: &AnyPool, user: &CurrentUser, input: &NewCall) -> AppResult<i64> {
    office(db, user).await?;
    let mut f = Fields::default();
    let title = f.published("title", &input.title, "标题", MAX_TITLE, true);
    let description = f.published("description", &input.description, "征集说明", MAX_TEXT, true);
    let year = input.plan_year.trim().parse::<i64>().ok().filter(|y| (2000..=2100).contains(y));
    let year = f.chosen(year, "plan_year", "计划年度须为2000到2100之间的年份（如2027）");
    let opens = f.chosen(clock::parse_date(&input.opens_on), "opens_on", "请填写有效的开始日期（年-月-日）");
    let closes = f.chosen(clock::parse_date(&input.closes_on), "closes_on", "请填写有效的截止日期（年-月-日）");
    if let (Some(o), Some(c)) = (opens, closes) {
        if let Some(problem) = opening_problem(o) {
            f.add("opens_on", problem);
        } else if let Some(problem) = length_problem(o, c) {
            f.add("closes_on", problem);
        }
        if year.is_some_and(|y| y != o.year && y != o.year + 1) {
            f.add("plan_year", "计划年度应为征集开始的当年或次年");
        }
    }
    let ((year, o), c) = f.done(year.zip(opens).zip(closes))?;
    let mut tx = crate::db::begin_write(db).await?;
    let same: Option<String> = sqlx::query_scalar("SELECT title FROM proposal_calls WHERE plan_year = $1")
        .bind(year)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(same) = same {
        return Err(AppError::field("plan_year", &format!("{year}年度已有立法项目建议征集：{same}")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO proposal_calls (title, plan_year, description, opens_at, closes_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&title)
    .bind(year)
    .bind(&description)
    .bind(clock::start_of_day(o))
    .bind(clock::start_of_day(c.next_day()))
    .bind(user.id)
    .bind(clock::now())
    .fetch_one(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "call", id).await?;
    tx.commit().await?;
    tracing::info!(call = id, "proposal call opened");
    Ok(id)
}

/// A proposal as typed.
#[derive(Debug, Clone, Default)]
pub struct NewProposal {
    pub subject: String,
    pub problem: String,
    pub approach: String,
}

/// A signed-in citizen proposes a subject while the call is open; the receipt is for the row
/// committed.
pub async fn submit(
    db: &AnyPool,
    user: Option<&CurrentUser>,
    call: i64,
    input: &NewProposal,
) -> AppResult<OwnProposal> {
    let user = user.ok_or(AppError::Unauthorized)?;
    user.require(Role::Citizen)?;
    let window: Option<(i64, i64)> = sqlx::query_as("SELECT opens_at, closes_at FROM proposal_calls WHERE id = $1")
        .bind(call)
        .fetch_optional(db)
        .await?;
    let (opens_at, closes_at) = window.ok_or(AppError::NotFound)?;
    let now = clock::now();
    if now < opens_at {
        let from = clock::format_date(opens_at);
        return Err(AppError::Conflict(format!("本次立法项目建议征集尚未开始，{from}起可以提出建议")));
    }
    if now >= closes_at {
        return Err(AppError::Conflict("本次立法项目建议征集已经截止，不能再提出建议".into()));
    }
    let mut f = Fields::default();
    let subject = f.published("subject", &input.subject, "建议项目名称", MAX_TITLE, true);
    let problem = f.published("problem", &input.problem, "立法的必要性和要解决的问题", MAX_TEXT, true);
    let approach = f.published("approach", &input.approach, "主要制度设想", MAX_TEXT, false);
    f.finish()?;
    let receipt = format!("JY-{}-{}", clock::today().year, crate::codes::crockford_groups(3));
    sqlx::query(
        "INSERT INTO legislative_proposals (receipt, call_id, author_id, subject, problem, approach, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(&receipt)
    .bind(call)
    .bind(user.id)
    .bind(&subject)
    .bind(&problem)
    .bind(&approach)
    .bind(now)
    .execute(db)
    .await?;
    tracing::info!(call, "legislative proposal received");
    Ok(OwnProposal {
        receipt,
        call_id: call,
        subject,
        status: ProposalStatus::Pending,
        moderation_reason: None,
        submitted_on: clock::format_date(now),
        disposition: None,
        disposition_reason: None,
    })
}

/// The call a proposal belongs to, for an office action on it, refused once the outcome is out.
async fn open_proposal(conn: &mut AnyConnection, proposal: i64) -> AppResult<(i64, String)> {
    let row: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT p.call_id, p.status, c.published_at FROM legislative_proposals p
         JOIN proposal_calls c ON c.id = p.call_id WHERE p.id = $1",
    )
    .bind(proposal)
    .fetch_optional(&mut *conn)
    .await?;
    let (call, status, published_at) = row.ok_or(AppError::NotFound)?;
    if published_at.is_some() {
        return Err(AppError::Conflict("征集结果已公布，不能再更改".into()));
    }
    Ok((call, status))
}

/// Publish (approve) or not (reject, with a reason the author is told) a pending proposal.
pub async fn moderate(db: &AnyPool, user: &CurrentUser, proposal: i64, approve: bool, reason: &str) -> AppResult<i64> {
    let reason = published("reason", reason, "不予公开的理由", MAX_TEXT, !approve)?;
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    let (call, status) = open_proposal(&mut tx, proposal).await?;
    if status != "pending" {
        return Err(AppError::Conflict("该建议已审核".into()));
    }
    sqlx::query("UPDATE legislative_proposals SET status = $1, moderation_reason = $2 WHERE id = $3")
        .bind(if approve { "approved" } else { "rejected" })
        .bind((!approve).then_some(reason.as_str()))
        .bind(proposal)
        .execute(&mut *tx)
        .await?;
    if approve {
        crate::changes::record_change(&mut tx, "proposal", proposal).await?;
    }
    tx.commit().await?;
    Ok(call)
}

/// Decide a published proposal: included (as one of the call's plan items), for study, or not
/// included; a reason is required unless it is included. May be changed until the outcome is out.
pub async fn dispose(
    db: &AnyPool,
    user: &CurrentUser,
    proposal: i64,
    disposition: &str,
    reason: &str,
    plan_item: Option<i64>,
) -> AppResult<i64> {
    let d = Disposition::parse(disposition).ok_or_else(|| AppError::field("disposition", "请选择处理结果"))?;
    let reason = published("reason", reason, "理由", MAX_TEXT, d != Disposition::Included)?;
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    let (call, status) = open_proposal(&mut tx, proposal).await?;
    if status != "approved" {
        return Err(AppError::Conflict("只有已公开的建议需要作出处理结果".into()));
    }
    let item = match (d, plan_item) {
        (Disposition::Included, None) => return Err(AppError::field("plan_item", "请选择列入的计划项目")),
        (Disposition::Included, Some(item)) => {
            let of_call: Option<i64> = sqlx::query_scalar("SELECT id FROM plan_items WHERE id = $1 AND call_id = $2")
                .bind(item)
                .bind(call)
                .fetch_optional(&mut *tx)
                .await?;
            Some(of_call.ok_or_else(|| AppError::field("plan_item", "所选计划项目不属于本次征集"))?)
        }
        _ => None,
    };
    sqlx::query(
        "UPDATE legislative_proposals SET disposition = $1, disposition_reason = $2, plan_item_id = $3 WHERE id = $4",
    )
    .bind(d.as_str())
    .bind((!reason.is_empty()).then_some(reason.as_str()))
    .bind(item)
    .bind(proposal)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(call)
}

/// A plan item as typed.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub title: String,
    pub kind: String,
    pub agency: Option<i64>,
    pub note: String,
}

/// Add an item to a call's plan (until the plan is published).
pub async fn add_item(db: &AnyPool, user: &CurrentUser, call: i64, input: &NewItem) -> AppResult<i64> {
    let mut f = Fields::default();
    let title = f.published("title", &input.title, "项目名称", MAX_TITLE, true);
    let note = f.published("note", &input.note, "说明", MAX_TEXT, false);
    let kind = f.chosen(PlanKind::parse(&input.kind), "kind", "请选择项目类别");
    let agency = f.chosen(input.agency, "agency", "请选择起草单位");
    let (kind, agency) = f.done(kind.zip(agency))?;
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    plan_unpublished(&mut tx, call, "增加").await?;
    drafting_body(&mut tx, agency).await?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM plan_items WHERE call_id = $1").bind(call).fetch_one(&mut *tx).await?;
    if count >= MAX_ITEMS {
        return Err(AppError::Conflict(format!("一份立法计划最多{MAX_ITEMS}个项目")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plan_items (call_id, title, kind, agency_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(call)
    .bind(&title)
    .bind(kind.as_str())
    .bind(agency)
    .bind(&note)
    .bind(clock::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Remove a plan item added by mistake, while the plan is not published and no proposal is
/// decided as included in it. Returns the call.
pub async fn remove_item(db: &AnyPool, user: &CurrentUser, item: i64) -> AppResult<i64> {
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    let call = item_in_unpublished_plan(&mut tx, item, "删除").await?;
    let included: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM legislative_proposals WHERE plan_item_id = $1")
        .bind(item)
        .fetch_one(&mut *tx)
        .await?;
    if included > 0 {
        return Err(AppError::Conflict(format!(
            "有{included}条建议的处理结果是列入这一项目，请先改变这些建议的处理结果"
        )));
    }
    sqlx::query("DELETE FROM plan_items WHERE id = $1").bind(item).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(call)
}

/// Call `call`'s plan is not yet published, and stays so until the caller's transaction ends: its
/// row is written (to itself), so a publication waits for the item change, or the change for it,
/// on either database. Else refused: its items cannot `what` (增加, 删除, 修改) any more.
async fn plan_unpublished(conn: &mut AnyConnection, call: i64, what: &str) -> AppResult<()> {
    let held =
        sqlx::query("UPDATE proposal_calls SET published_at = published_at WHERE id = $1 AND published_at IS NULL")
            .bind(call)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if held == 1 {
        return Ok(());
    }
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM proposal_calls WHERE id = $1").bind(call).fetch_optional(&mut *conn).await?;
    match exists {
        Some(_) => Err(AppError::Conflict(format!("立法计划已公布，不能再{what}项目"))),
        None => Err(AppError::NotFound),
    }
}

/// The call of plan item `item` while its plan is not yet published (see [`plan_unpublished`]).
pub(super) async fn item_in_unpublished_plan(conn: &mut AnyConnection, item: i64, what: &str) -> AppResult<i64> {
    let call: Option<i64> = sqlx::query_scalar("SELECT call_id FROM plan_items WHERE id = $1")
        .bind(item)
        .fetch_optional(&mut *conn)
        .await?;
    let call = call.ok_or(AppError::NotFound)?;
    plan_unpublished(conn, call, what).await?;
    Ok(call)
}

/// The drafting body chosen for a plan item is an agency of the platform.
pub(super) async fn drafting_body(conn: &mut AnyConnection, agency: i64) -> AppResult<()> {
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1").bind(agency).fetch_optional(&mut *conn).await?;
    match known {
        Some(_) => Ok(()),
        None => Err(AppError::field("agency", "请选择起草单位")),
    }
}

/// Link a published consultation to the plan item it drafts: by the office, or by the drafting
/// body's own staff; the consultation must be the drafting body's. Returns the call.
pub async fn link(db: &AnyPool, user: &CurrentUser, item: i64, consultation: i64) -> AppResult<i64> {
    let agency = user.staff_agency()?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT i.call_id, i.agency_id, c.published_at FROM plan_items i JOIN proposal_calls c ON c.id = i.call_id
         WHERE i.id = $1",
    )
    .bind(item)
    .fetch_optional(&mut *tx)
    .await?;
    let (call, drafter, published_at) = row.ok_or(AppError::NotFound)?;
    if drafter != agency && office(&mut *tx, user).await.is_err() {
        return Err(AppError::Forbidden);
    }
    if published_at.is_none() {
        return Err(AppError::Conflict("立法计划公布后，才能关联起草中的征求意见".into()));
    }
    let found: Option<(i64, String)> =
        sqlx::query_as("SELECT agency_id, kind FROM consultations WHERE id = $1 AND published_at IS NOT NULL")
            .bind(consultation)
            .fetch_optional(&mut *tx)
            .await?;
    match found {
        None => return Err(AppError::field("consultation", "没有这一编号的已发布征求意见")),
        Some((a, _)) if a != drafter => {
            return Err(AppError::field("consultation", "该征求意见不是本项目起草单位发布的"));
        }
        // A plan item is a regulation or a rule: a normative document's or a decision's draft is not one.
        Some((_, kind)) if kind != "regulation" && kind != "rule" => {
            return Err(AppError::field("consultation", "只能关联地方性法规草案或规章草案的征求意见"));
        }
        Some(_) => {}
    }
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT plan_item_id FROM plan_item_consultations WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(AppError::field("consultation", "该征求意见已关联立法计划项目"));
    }
    sqlx::query("INSERT INTO plan_item_consultations (plan_item_id, consultation_id, linked_at) VALUES ($1, $2, $3)")
        .bind(item)
        .bind(consultation)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(call)
}

/// Undo a link made by mistake (the office, or the drafting body's staff). Returns the call.
pub async fn unlink(db: &AnyPool, user: &CurrentUser, item: i64, consultation: i64) -> AppResult<i64> {
    let agency = user.staff_agency()?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT call_id, agency_id FROM plan_items WHERE id = $1")
        .bind(item)
        .fetch_optional(&mut *tx)
        .await?;
    let (call, drafter) = row.ok_or(AppError::NotFound)?;
    if drafter != agency && office(&mut *tx, user).await.is_err() {
        return Err(AppError::Forbidden);
    }
    let gone = sqlx::query("DELETE FROM plan_item_consultations WHERE plan_item_id = $1 AND consultation_id = $2")
        .bind(item)
        .bind(consultation)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if gone != 1 {
        return Err(AppError::Conflict("该征求意见没有关联这一计划项目".into()));
    }
    tx.commit().await?;
    tracing::info!(item, consultation, "plan item link undone");
    Ok(call)
}

/// Publish the call's outcome with the plan: only after the call closed, with nothing left to
/// moderate or decide. Every author is told. Final.
pub async fn publish(db: &AnyPool, user: &CurrentUser, call: i64, outcome: &str) -> AppResult<()> {
    let outcome = published("outcome", outcome, "征集情况报告", MAX_TEXT, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    office(&mut *tx, user).await?;
    let row: Option<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT title, closes_at, published_at FROM proposal_calls WHERE id = $1")
            .bind(call)
            .fetch_optional(&mut *tx)
            .await?;
    let (title, closes_at, published_at) = row.ok_or(AppError::NotFound)?;
    if published_at.is_some() {
        return Err(AppError::Conflict("征集结果已公布".into()));
    }
    let now = clock::now();
    if now < closes_at {
        return Err(AppError::Conflict("征集尚未截止，截止后才能公布结果".into()));
    }
    let (pending, undecided, _) = left_to_do(&mut tx, call).await?;
    if pending > 0 || undecided > 0 {
        return Err(AppError::Conflict(format!(
            "还有{pending}条建议待审核、{undecided}条已公开的建议未作出处理结果，全部处理后才能公布"
        )));
    }
    sqlx::query("UPDATE proposal_calls SET outcome = $1, published_at = $2 WHERE id = $3")
        .bind(&outcome)
        .bind(now)
        .bind(call)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO notifications (user_id, title, link, created_at)
         SELECT DISTINCT author_id, $1, $2, $3 FROM legislative_proposals
         WHERE call_id = $4 AND author_id IS NOT NULL",
    )
    .bind(format!("《{title}》已公布征集结果和立法计划"))
    .bind(format!("/legislation/{call}"))
    .bind(now)
    .bind(call)
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "call", call).await?;
    tx.commit().await?;
    tracing::info!(call, "proposal call outcome published");
    Ok(())
}

/// Proposals still pending, and published ones without a disposition.
pub(super) async fn left_to_do(conn: &mut AnyConnection, call: i64) -> AppResult<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN status = 'approved' AND disposition IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0)
         FROM legislative_proposals WHERE call_id = $1",
    )
    .bind(call)
    .fetch_one(&mut *conn)
    .await?)
}
