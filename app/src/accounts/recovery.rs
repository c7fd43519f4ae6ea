//! Getting back into a citizen account whose password was forgotten: a reset code mailed to the
//! account's e-mail address (its login, or an address proven on the account page), then a new
//! password set with it. Asking says nothing of whether an account exists or has an address; a
//! phone-only account has no mail to receive, and the page tells its holder what to do instead.
use super::onetime::{self, Purpose};
use super::store::{hash_password, normalise_login};
use crate::admin::staff::Mail;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The one answer to a wrong, spent or expired code.
const BAD_CODE: &str = "重置码不正确，或已过期、已使用，请重新申请";

/// Where a reset code for `login` would go: the login itself when it is an address, else the
/// address proven on the account. Only citizens recover this way (staff go to the administrator).
async fn recipient(db: &AnyPool, login: &str) -> AppResult<Option<(i64, String)>> {
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, login, email FROM users
         WHERE login = $1 AND role = 'citizen' AND deleted_at IS NULL AND disabled_at IS NULL",
    )
    .bind(login)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|(id, login, email)| {
        let to = if login.contains('@') { Some(login) } else { email };
        to.map(|to| (id, to))
    }))
}

/// Mail a reset code if `login` is a citizen account with an address. Returns nothing either way:
/// the caller gives everyone the same answer.
pub async fn request_reset(db: &AnyPool, mail: Mail<'_>, login: &str) -> AppResult<()> {
    let Some(login) = normalise_login(login) else { return Ok(()) };
    if !mail.enabled {
        return Ok(());
    }
    let Some((user, to)) = recipient(db, &login).await? else { return Ok(()) };
    let mut tx = crate::db::begin_write(db).await?;
    let code = onetime::issue(&mut tx, user, Purpose::Reset, None).await?;
    let body = format!(
        "您好：\n\n有人为您在公众参与平台的账号申请了重置密码。如果是您本人，请在30分钟内打开下面的页面，\
         输入重置码并设置新密码：\n\n{}/account/reset\n\n重置码：{code}\n\n\
         重置码只能使用一次。设置新密码后，此前在所有设备上的登录都会退出。\
         如果不是您本人申请，请忽略本邮件，您的密码不会改变。\n\n本邮件由公众参与平台自动发送，请勿直接回复。\n",
        mail.public_url
    );
    crate::outbox::queue(&mut tx, &to, "重置公众参与平台账号密码", &body).await?;
    tx.commit().await?;
    Ok(())
}

/// Set a new password with a mailed reset code; returns the account (the caller starts a
/// session). The code is spent, every session of the account ends, and a sign-in lock on it is
/// lifted: whoever holds the code has shown they read the account's mail.
pub async fn reset(db: &AnyPool, code: &str, password: &str) -> AppResult<i64> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err(AppError::field("password", "密码长度应为8至128位"));
    }
    let hash = hash_password(password.to_string()).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let taken = onetime::take(&mut tx, code, Purpose::Reset, None).await?;
    let (user, _) = taken.ok_or_else(|| AppError::field("reset_code", BAD_CODE))?;
    let login: Option<String> = sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, must_change_password = 0
         WHERE id = $2 AND role = 'citizen' AND deleted_at IS NULL RETURNING login",
    )
    .bind(hash)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let login = login.ok_or_else(|| AppError::field("reset_code", BAD_CODE))?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM login_throttle WHERE account = $1").bind(&login).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(user)
}
