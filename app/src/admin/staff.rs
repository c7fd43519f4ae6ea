//! Staff accounts: created by an administrator without a password anyone knows; the holder sets
//! the first password with a one-time setup code. The code goes by e-mail straight to an e-mail
//! login when mail is configured (the administrator never sees it); otherwise it is shown once to
//! the administrator to hand over in person. Either way it expires, works once, and its issue and
//! use are in the administration record, so a code used by someone else shows: the holder finds it
//! spent, and the record says when.
use super::record::{self, Action, Step};
use crate::accounts::store::{hash_password, insert_user, normalise_login, one_time_password, random_hex, sha256_hex};
use crate::accounts::user::{CurrentUser, Role};
use crate::cases::seal::CaseKey;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// How long a setup code works.
pub const SETUP_CODE_SECONDS: i64 = 72 * 3600;

/// Where a new setup code went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Queued by e-mail to the login itself.
    Mailed,
    /// To be handed over by the administrator: shown once, on this response only.
    Shown(String),
}

/// How to send mail, if at all: the site's public address for the link.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    pub enabled: bool,
    pub public_url: &'a str,
}

/// Create a staff or officer account for an agency (administrators only) and issue its setup code.
#[expect(clippy::too_many_arguments, reason = "one form")]
pub async fn create(
    db: &AnyPool,
    key: &CaseKey,
    mail: Mail<'_>,
    admin: &CurrentUser,
    login: &str,
    display_name: &str,
    role: Role,
    agency_id: i64,
) -> AppResult<Delivery> {
    admin.require(Role::Admin)?;
    let login = normalise_login(login).ok_or_else(|| AppError::field("login", "请填写正确的手机号码或电子邮箱"))?;
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(AppError::field("display_name", "姓名应为1至30个字"));
    }
    if role == Role::Citizen || role == Role::Admin {
        return Err(AppError::field("role", "请选择工作人员角色"));
    }
    let agency: Option<String> =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(agency_id).fetch_optional(db).await?;
    let agency = agency.ok_or_else(|| AppError::field("agency_id", "请选择所属单位"))?;
    // A password nobody knows, until the holder sets one.
    let hash = hash_password(random_hex(32)).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let user = insert_user(&mut *tx, &login, &hash, name, None, role, Some(agency_id), true).await?;
    let detail = serde_json::json!({ "agency": agency, "role": role.as_str() });
    record::append(&mut tx, key, Step::new(Some(admin.id), Action::StaffCreated, Some(user), detail)).await?;
    let delivery = issue_in(&mut tx, key, mail, admin, user, &login).await?;
    tx.commit().await?;
    Ok(delivery)
}

/// Issue a fresh setup code for a staff account (its earlier codes stop working; its password,
/// if set, keeps working until the code is used). Powers that take two people are taken from the
/// account in the same step: a code the administrator may have seen must not carry them, so they
/// are proposed and approved again once the holder has set the password.
pub async fn reissue(
    db: &AnyPool,
    key: &CaseKey,
    mail: Mail<'_>,
    admin: &CurrentUser,
    user: i64,
) -> AppResult<(Delivery, Vec<String>)> {
    admin.require(Role::Admin)?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT login, role FROM users WHERE id = $1").bind(user).fetch_optional(&mut *tx).await?;
    let (login, role) = row.ok_or(AppError::NotFound)?;
    if !matches!(role.as_str(), "staff" | "petition_officer") {
        return Err(AppError::NotFound);
    }
    let held: Vec<String> =
        sqlx::query_scalar("SELECT grant_name FROM user_grants WHERE user_id = $1 ORDER BY grant_name")
            .bind(user)
            .fetch_all(&mut *tx)
            .await?;
    let mut dropped = Vec::new();
    for grant in held.into_iter().filter(|g| super::powers::needs_two(g)) {
        sqlx::query("DELETE FROM user_grants WHERE user_id = $1 AND grant_name = $2")
            .bind(user)
            .bind(&grant)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "grant": grant, "reason": "重新签发设置码" });
        record::append(&mut tx, key, Step::new(Some(admin.id), Action::Revoked, Some(user), detail)).await?;
        dropped.push(grant);
    }
    let delivery = issue_in(&mut tx, key, mail, admin, user, &login).await?;
    tx.commit().await?;
    Ok((delivery, dropped))
}

async fn issue_in(
    conn: &mut AnyConnection,
    key: &CaseKey,
    mail: Mail<'_>,
    admin: &CurrentUser,
    user: i64,
    login: &str,
) -> AppResult<Delivery> {
    let code = setup_code();
    let now = clock::now();
    sqlx::query("DELETE FROM setup_codes WHERE user_id = $1").bind(user).execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO setup_codes (code_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&code))
    .bind(user)
    .bind(admin.id)
    .bind(now)
    .bind(now + SETUP_CODE_SECONDS)
    .execute(&mut *conn)
    .await?;
    let by_mail = mail.enabled && login.contains('@');
    let delivery = if by_mail { "邮件发送至本人" } else { "由管理员转交" };
    let detail = serde_json::json!({ "delivery": delivery });
    record::append(&mut *conn, key, Step::new(Some(admin.id), Action::SetupCodeIssued, Some(user), detail)).await?;
    if !by_mail {
        return Ok(Delivery::Shown(code));
    }
    let body = format!(
        "您好：\n\n系统管理员为您开设了公众参与平台的工作人员账号（{login}）。请在72小时内打开下面的页面，\
         输入账号和设置码，设置您自己的密码：\n\n{}/account/setup\n\n设置码：{code}\n\n\
         设置码只能使用一次。如果您没有申请过这个账号，或设置时发现设置码已被使用，请立即告知本单位和系统管理员。\n\n\
         本邮件由公众参与平台自动发送，请勿直接回复。\n",
        mail.public_url
    );
    sqlx::query(
        "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(login)
    .bind("设置公众参与平台账号密码")
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Delivery::Mailed)
}

/// A setup code: 16 letters and digits that cannot be confused (about 92 bits), in groups of four.
fn setup_code() -> String {
    let raw = one_time_password();
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The holder sets the account's password with its setup code; returns the account's id (the
/// caller starts a session). Every earlier session of the account ends. A wrong login, a wrong,
/// spent or expired code all get the same answer.
pub async fn redeem(db: &AnyPool, key: &CaseKey, login: &str, code: &str, password: &str) -> AppResult<i64> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err(AppError::field("password", "密码长度应为8至128位"));
    }
    let code = code.trim();
    let login = normalise_login(login).unwrap_or_default();
    if code.chars().count() > 64 || login.is_empty() {
        return Err(AppError::field("setup_code", "账号或设置码不正确，或设置码已过期、已使用"));
    }
    let hash = hash_password(password.to_string()).await?;
    let now = clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    let found: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT s.user_id, a.login FROM setup_codes s JOIN users u ON u.id = s.user_id
         LEFT JOIN users a ON a.id = s.created_by
         WHERE s.code_hash = $1 AND u.login = $2 AND s.used_at IS NULL AND s.expires_at > $3",
    )
    .bind(sha256_hex(code))
    .bind(&login)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let (user, issued_by) = found.unzip();
    let user = user.ok_or_else(|| AppError::field("setup_code", "账号或设置码不正确，或设置码已过期、已使用"))?;
    let spent = sqlx::query("UPDATE setup_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(sha256_hex(code))
        .execute(&mut *tx)
        .await?;
    if spent.rows_affected() != 1 {
        return Err(AppError::field("setup_code", "账号或设置码不正确，或设置码已过期、已使用"));
    }
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(hash)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    // Whoever held the code set the password: the record names the code's issuer, not who typed it.
    let detail = serde_json::json!({ "issued_by": issued_by.flatten() });
    record::append(&mut tx, key, Step::new(None, Action::AccountSetUp, Some(user), detail)).await?;
    tx.commit().await?;
    Ok(user)
}

/// Reset (or make) an administrator with a fresh one-time password, from the command line; the
/// record notes it (administrators are who approve powers).
pub async fn reset_admin(db: &AnyPool, key: &CaseKey, login: &str) -> AppResult<String> {
    let password = crate::accounts::store::reset_admin(db, login).await?;
    note_admin(db, key, login).await?;
    Ok(password)
}

/// On first start: make the administrator if there is none (see [`reset_admin`]).
pub async fn ensure_admin(db: &AnyPool, key: &CaseKey, login: &str) -> AppResult<Option<String>> {
    let made = crate::accounts::store::ensure_admin(db, login).await?;
    if made.is_some() {
        note_admin(db, key, login).await?;
    }
    Ok(made)
}

async fn note_admin(db: &AnyPool, key: &CaseKey, login: &str) -> AppResult<()> {
    let login = normalise_login(login).unwrap_or_else(|| login.trim().to_string());
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = $1 AND role = 'admin'")
        .bind(&login)
        .fetch_one(db)
        .await?;
    record::note_if_changed(db, key, Step::new(None, Action::AdminCreated, Some(id), serde_json::json!({}))).await
}

/// Change one's own password (see `accounts::store::change_password`); an administrator's or a
/// power holder's change is noted in the record, whose digest covers their password hashes.
pub async fn change_password(
    db: &AnyPool,
    key: &CaseKey,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> AppResult<()> {
    crate::accounts::store::change_password(db, user, current, new).await?;
    let step = Step::new(Some(user.id), Action::PasswordChanged, Some(user.id), serde_json::json!({}));
    record::note_if_changed(db, key, step).await
}

/// A staff account (not an administrator, never one's own) the administrator may stop or reset.
async fn staff_account(conn: &mut AnyConnection, admin: &CurrentUser, user: i64) -> AppResult<String> {
    admin.require(Role::Admin)?;
    if user == admin.id {
        return Err(AppError::Conflict("不能停用或重置自己的账号".into()));
    }
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT login, role FROM users WHERE id = $1").bind(user).fetch_optional(&mut *conn).await?;
    match row {
        Some((login, role)) if matches!(role.as_str(), "staff" | "petition_officer") => Ok(login),
        _ => Err(AppError::NotFound),
    }
}

/// Stop a staff account (with the reason, on record): it cannot sign in and every session of it
/// ends at once; or, with `reason` `None`, let it sign in again.
pub async fn set_disabled(
    db: &AnyPool,
    key: &CaseKey,
    admin: &CurrentUser,
    user: i64,
    reason: Option<&str>,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(db).await?;
    staff_account(&mut tx, admin, user).await?;
    match reason {
        Some(reason) => {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(AppError::field("reason", "请说明停用理由（500字以内）"));
            }
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(clock::now())
                .bind(user)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
            let detail = serde_json::json!({ "reason": reason });
            record::append(&mut tx, key, Step::new(Some(admin.id), Action::StaffDisabled, Some(user), detail)).await?;
        }
        None => {
            sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1").bind(user).execute(&mut *tx).await?;
            let detail = serde_json::json!({});
            record::append(&mut tx, key, Step::new(Some(admin.id), Action::StaffEnabled, Some(user), detail)).await?;
        }
    }
    tx.commit().await?;
    tracing::info!(user, disabled = reason.is_some(), "staff account stopped or allowed again");
    Ok(())
}

/// Reset a staff account's password: the current one stops working and every session ends at
/// once, and a setup code is issued for the holder to set a new one (as [`reissue`] does, powers
/// that take two people are taken away with it).
pub async fn reset_password(
    db: &AnyPool,
    key: &CaseKey,
    mail: Mail<'_>,
    admin: &CurrentUser,
    user: i64,
) -> AppResult<(Delivery, Vec<String>)> {
    {
        // A hash of a secret nobody keeps: no password verifies, and checking one costs as usual.
        let void = hash_password(random_hex(32)).await?;
        let mut tx = crate::db::begin_write(db).await?;
        staff_account(&mut tx, admin, user).await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1 WHERE id = $2")
            .bind(void)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
        let detail = serde_json::json!({});
        record::append(&mut tx, key, Step::new(Some(admin.id), Action::PasswordReset, Some(user), detail)).await?;
        tx.commit().await?;
    }
    reissue(db, key, mail, admin, user).await
}
