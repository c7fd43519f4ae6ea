//! A citizen's own account: the display name, an e-mail address for phone-login accounts (counted
//! only once a mailed code proves it), and deleting the account. Every action takes the signed-in
//! user and acts on that account only.
use super::onetime::{self, Purpose};
use super::store::normalise_login;
use super::user::{CurrentUser, Role};
use super::AccountInfo;
use crate::admin::staff::Mail;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// What the account page shows of one's own account.
pub async fn info(db: &AnyPool, user: &CurrentUser, mail_enabled: bool) -> AppResult<AccountInfo> {
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT login, display_name, email FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user.id)
            .fetch_optional(db)
            .await?;
    let (login, display_name, email) = row.ok_or(AppError::Unauthorized)?;
    let pending: Option<String> = sqlx::query_scalar(
        "SELECT email FROM account_codes WHERE user_id = $1 AND purpose = 'email' AND used_at IS NULL AND expires_at > $2",
    )
    .bind(user.id)
    .bind(crate::clock::now())
    .fetch_optional(db)
    .await?
    .flatten();
    Ok(AccountInfo {
        login_is_email: login.contains('@'),
        login,
        display_name,
        email,
        pending_email: pending,
        citizen: user.role == Role::Citizen,
        mail_enabled,
    })
}

/// Only citizens manage their accounts here; staff accounts are the administrator's to change.
fn citizen(user: &CurrentUser) -> AppResult<()> {
    user.require(Role::Citizen)
}

/// Change one's display name (shown in the header; comments are published without it).
pub async fn rename(db: &AnyPool, user: &CurrentUser, name: &str) -> AppResult<()> {
    citizen(user)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 || name.chars().any(char::is_control) {
        return Err(AppError::field("display_name", "昵称应为1至30个字"));
    }
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2").bind(name).bind(user.id).execute(db).await?;
    Ok(())
}

/// Mail a code to a new address for a phone-login account; the address counts only once the code
/// comes back ([`confirm_email`]), so nobody can point another person's reset mail at themselves
/// or send notices to an address they do not hold.
pub async fn request_email(db: &AnyPool, mail: Mail<'_>, user: &CurrentUser, email: &str) -> AppResult<()> {
    citizen(user)?;
    let email = normalise_login(email)
        .filter(|e| e.contains('@'))
        .ok_or_else(|| AppError::field("email", "请填写正确的电子邮箱"))?;
    if !mail.enabled {
        return Err(AppError::field("email", "本平台目前没有开通邮件发送，暂不能登记电子邮箱"));
    }
    let login: String = sqlx::query_scalar("SELECT login FROM users WHERE id = $1").bind(user.id).fetch_one(db).await?;
    if login.contains('@') {
        return Err(AppError::field("email", "您用电子邮箱登录，邮件会发到登录邮箱"));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let code = onetime::issue(&mut tx, user.id, Purpose::Email, Some(&email)).await?;
    let body = format!(
        "您好：\n\n有人在公众参与平台把这个邮箱登记为账号的联系邮箱。如果是您本人，请在30分钟内回到“我的账号”页面\
         （{}/account），输入下面的验证码：\n\n验证码：{code}\n\n\
         验证后，找回密码的邮件和意见采纳情况的通知会发到这个邮箱。如果不是您本人，请忽略本邮件。\n\n\
         本邮件由公众参与平台自动发送，请勿直接回复。\n",
        mail.public_url
    );
    crate::outbox::queue(&mut tx, &email, "验证公众参与平台联系邮箱", &body).await?;
    tx.commit().await?;
    Ok(())
}

/// Prove the address a code was mailed to: it becomes the account's e-mail address.
pub async fn confirm_email(db: &AnyPool, user: &CurrentUser, code: &str) -> AppResult<()> {
    citizen(user)?;
    let mut tx = crate::db::begin_write(db).await?;
    let taken = onetime::take(&mut tx, code, Purpose::Email, Some(user.id)).await?;
    let email = taken
        .and_then(|(_, email)| email)
        .ok_or_else(|| AppError::field("email_code", "验证码不正确，或已过期、已使用"))?;
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(user.id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Stop using the e-mail address: recovery and notices by mail stop with it.
pub async fn remove_email(db: &AnyPool, user: &CurrentUser) -> AppResult<()> {
    citizen(user)?;
    sqlx::query("UPDATE users SET email = NULL WHERE id = $1").bind(user.id).execute(db).await?;
    Ok(())
}
