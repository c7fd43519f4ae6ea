//! Form posts of the administration: agencies, staff accounts and their setup codes, and powers
//! (given, proposed, decided, taken back). The domain checks the administrator in every one.
use super::common::{see_other, Page};
use crate::budgets::Kind;
use crate::extract::{lenient, FormPost, Limits, Refusal, SignedIn, Working};
use app::accounts::{CurrentUser, Role};
use app::admin::{powers, staff, store};
use app::error::AppError;
use axum::extract::MatchedPath;
use axum::response::Response;
use serde::Deserialize;

/// The signed-in administrator, within the submission limit. The domain checks the role again;
/// this early return keeps a non-administrator from using up the submission limit.
fn admin(user: Result<SignedIn, Refusal>, limits: &Limits) -> Result<CurrentUser, AppError> {
    let SignedIn(user) = user?;
    user.require(Role::Admin)?;
    limits.spend(Kind::Work, Some(&user))?;
    Ok(user)
}

/// The name of a new agency.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewAgency {
    name: String,
}

/// POST /admin/agencies
pub async fn create_agency(page: Page, user: Result<Working, Refusal>, mut form: FormPost<NewAgency>) -> Response {
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        store::create_agency(&page.st.db, &page.st.cases.key, &user, &f.name).await?;
        Ok(see_other("/admin"))
    }
    .await;
    page.settle(result, "/admin", form.fields).await
}

/// An agency and the unit above it (none: the field left empty).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Parent {
    #[serde(deserialize_with = "lenient")]
    agency_id: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    parent_id: Option<i64>,
}

/// POST /admin/agencies/parent: set the unit above an agency.
pub async fn set_parent(page: Page, user: Result<Working, Refusal>, mut form: FormPost<Parent>) -> Response {
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let agency = f.agency_id.ok_or_else(|| AppError::field("agency_id", "请选择单位"))?;
        store::set_parent(&page.st.db, &page.st.cases.key, &user, agency, f.parent_id).await?;
        Ok(see_other("/admin"))
    }
    .await;
    page.settle(result, "/admin", form.fields).await
}

/// A power and the staff account (by login) it is given to or taken from.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PowerForm {
    login: String,
    grant: String,
}

/// POST /admin/grants: give a staff account a power (legal channel), or propose one that takes a
/// second administrator (discipline channel, reveal).
pub async fn grant(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<PowerForm>,
) -> Response {
    let login = form.fields.get("login").cloned().unwrap_or_default();
    let result = async {
        let user = admin(user, &limits)?;
        let f = form.input()?;
        powers::request(&page.st.db, &page.st.cases.key, powers::Actor::Admin(&user), &f.login, &f.grant).await
    }
    .await;
    match result {
        Ok(powers::Outcome::Granted) => page.saying("/admin", format!("已授权：{login}")).await,
        Ok(powers::Outcome::Proposed) => {
            let notice = format!("已提出授权申请：{login}。须由另一名管理员批准后生效（7天内有效）。");
            page.saying("/admin", notice).await
        }
        Err(e) => page.rejected("/admin", form.fields, e).await,
    }
}

/// POST /admin/grants/revoke: take a power back.
pub async fn revoke(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<PowerForm>,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let f = form.input()?;
        powers::revoke(&page.st.db, &page.st.cases.key, powers::Actor::Admin(&user), &f.login, &f.grant).await?;
        Ok(see_other("/admin"))
    }
    .await;
    page.settle(result, "/admin", form.fields).await
}

/// A proposal to decide.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProposalForm {
    #[serde(deserialize_with = "lenient")]
    proposal: Option<i64>,
}

/// POST /admin/grants/approve and /admin/grants/refuse: decide another administrator's proposal
/// (refusing one's own withdraws it).
pub async fn decide_grant(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    path: MatchedPath,
    mut form: FormPost<ProposalForm>,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let proposal = form.input()?.proposal.ok_or(AppError::NotFound)?;
        let approve = path.as_str().ends_with("/approve");
        powers::decide(&page.st.db, &page.st.cases.key, &user, proposal, approve).await?;
        Ok(see_other("/admin"))
    }
    .await;
    page.settle(result, "/admin", form.fields).await
}

/// What the administrator is told about a new setup code: where it went, or (handed over in
/// person) the code itself, on this response only.
fn setup_notice(what: &str, delivery: staff::Delivery) -> String {
    match delivery {
        staff::Delivery::Mailed => {
            format!("{what}设置码已通过邮件直接发给本人（72小时内有效），请提醒本人在“设置账号密码”页设置密码。")
        }
        staff::Delivery::Shown(code) => format!(
            "{what}一次性设置码：{code}（仅显示这一次，72小时内有效，请当面或通过安全渠道交给本人，由本人在 /account/setup 设置密码）"
        ),
    }
}

fn mail_of(page: &Page) -> staff::Mail<'_> {
    staff::Mail { enabled: page.st.mail_enabled, public_url: &page.st.public_url }
}

/// Fields of a new staff account.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewStaff {
    role: String,
    #[serde(deserialize_with = "lenient")]
    agency_id: Option<i64>,
    login: String,
    display_name: String,
}

/// POST /admin/staff: create a staff account; its holder sets the password with a setup code.
pub async fn create_staff(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<NewStaff>,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let f = form.input()?;
        let role = Role::parse(&f.role).ok_or_else(|| AppError::field("role", "请选择角色"))?;
        let agency = f.agency_id.ok_or_else(|| AppError::field("agency_id", "请选择所属单位"))?;
        let (db, key) = (&page.st.db, &page.st.cases.key);
        staff::create(db, key, mail_of(&page), &user, &f.login, &f.display_name, role, agency).await
    }
    .await;
    match result {
        Ok(delivery) => page.saying("/admin", setup_notice("账号已创建。", delivery)).await,
        Err(e) => page.rejected("/admin", form.fields, e).await,
    }
}

/// The staff account whose setup code is issued again.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Reissue {
    #[serde(deserialize_with = "lenient")]
    user_id: Option<i64>,
}

/// POST /admin/staff/setup-code: a fresh setup code for a staff account (lost, expired, or a
/// forgotten password); earlier codes stop working.
pub async fn reissue_setup_code(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<Reissue>,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let target = form.input()?.user_id.ok_or(AppError::NotFound)?;
        staff::reissue(&page.st.db, &page.st.cases.key, mail_of(&page), &user, target).await
    }
    .await;
    match result {
        Ok((delivery, dropped)) => {
            let what = format!("已重新签发。{}", powers_taken(&dropped));
            page.saying("/admin", setup_notice(&what, delivery)).await
        }
        Err(e) => page.rejected("/admin", form.fields, e).await,
    }
}

/// What the administrator is told of the two-person powers a new setup code took away (none: nothing).
fn powers_taken(dropped: &[String]) -> String {
    let labels: Vec<&str> = dropped.iter().filter_map(|g| app::cases::grant_label(g)).collect();
    if labels.is_empty() {
        return String::new();
    }
    format!("须两名管理员批准的权限（{}）已收回，待本人设置密码后须重新提出、批准。", labels.join("、"))
}

/// A staff account to stop (with the reason), allow again, or reset.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AccountAction {
    #[serde(deserialize_with = "lenient")]
    user_id: Option<i64>,
    reason: String,
}

/// POST /admin/staff/disable: stop a staff account (sessions end at once).
pub async fn disable_staff(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    form: FormPost<AccountAction>,
) -> Response {
    staff_access(page, user, limits, form, true).await
}

/// POST /admin/staff/enable: let a stopped staff account sign in again.
pub async fn enable_staff(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    form: FormPost<AccountAction>,
) -> Response {
    staff_access(page, user, limits, form, false).await
}

/// Stop a staff account (`stop`, with the reason) or let it sign in again.
async fn staff_access(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<AccountAction>,
    stop: bool,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let f = form.input()?;
        let target = f.user_id.ok_or(AppError::NotFound)?;
        let reason = stop.then_some(f.reason.as_str());
        staff::set_disabled(&page.st.db, &page.st.cases.key, &user, target, reason).await
    }
    .await;
    let done = if stop {
        "已停用该账号：不能再登录，已登录的会话已全部结束。"
    } else {
        "已恢复该账号，可以重新登录。"
    };
    match result {
        Ok(()) => page.saying("/admin", done.into()).await,
        Err(e) => page.rejected("/admin", form.fields, e).await,
    }
}

/// POST /admin/staff/reset-password: void the password, end the sessions, issue a setup code.
pub async fn reset_staff_password(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<AccountAction>,
) -> Response {
    let result = async {
        let user = admin(user, &limits)?;
        let target = form.input()?.user_id.ok_or(AppError::NotFound)?;
        staff::reset_password(&page.st.db, &page.st.cases.key, mail_of(&page), &user, target).await
    }
    .await;
    match result {
        Ok((delivery, dropped)) => {
            let what = format!("原密码已作废，该账号的会话已全部结束。{}", powers_taken(&dropped));
            page.saying("/admin", setup_notice(&what, delivery)).await
        }
        Err(e) => page.rejected("/admin", form.fields, e).await,
    }
}

/// A year of the holiday calendar, as typed.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CalendarForm {
    #[serde(deserialize_with = "lenient")]
    year: Option<i64>,
    days: String,
}

/// POST /admin/calendar: set a year of the holiday calendar; running deadlines are counted again.
pub async fn save_calendar(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<CalendarForm>,
) -> Response {
    let year = form.fields.get("year").cloned().unwrap_or_default();
    let back = format!("/admin/calendar?year={}", year.trim().parse::<i64>().unwrap_or(0).clamp(2000, 2100));
    let result = async {
        let user = admin(user, &limits)?;
        let f = form.input()?;
        let year = f.year.ok_or_else(|| AppError::field("year", "请选择年份"))?;
        let saved = app::admin::holidays::save_year(&page.st.db, &page.st.cases, &user, year, &f.days).await?;
        Ok((year, saved))
    }
    .await;
    match result {
        Ok((year, s)) => {
            let notice = format!(
                "已保存{year}年节假日安排：放假{}天，调休上班{}天；{}件仍在期限内的案件已按新安排重新计算期限。",
                s.holidays, s.workdays, s.recounted
            );
            page.saying(&back, notice).await
        }
        Err(e) => page.rejected(&back, form.fields, e).await,
    }
}
