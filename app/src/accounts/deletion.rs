//! A citizen deletes their own account. What they said in public stays part of the public record,
//! unlinked: published comments keep their text and receipt but no longer point at any account (a
//! receipt then opens by its number alone, like an anonymous comment's). Cases filed stay with the
//! petition office, followed by number and query code only. Messages, sessions, codes and mail not
//! yet sent are deleted. The account row stays as an empty tombstone (no login anyone can use, no
//! name, no address) so its id, which case tags and records are keyed on, never passes to anyone else.
use super::store::authenticate;
use super::user::{CurrentUser, Role};
use crate::cases::seal::CaseKey;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The name a deleted account's row keeps.
pub const DELETED_NAME: &str = "已注销用户";

/// Delete `user`'s account after checking its password (the caller signs the browser out).
pub async fn delete(db: &AnyPool, key: &CaseKey, user: &CurrentUser, password: &str) -> AppResult<()> {
    if user.role != Role::Citizen {
        // The administrator manages staff accounts: their work is on the record under them.
        return Err(AppError::field("password", "工作人员和管理员的账号不能自行注销，请联系系统管理员"));
    }
    let (login, email): (String, Option<String>) =
        sqlx::query_as("SELECT login, email FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user.id)
            .fetch_optional(db)
            .await?
            .ok_or(AppError::Unauthorized)?;
    authenticate(db, &login, password).await.map_err(|_| AppError::field("password", "密码不正确"))?;
    let id = user.id;
    let now = crate::clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("UPDATE comments SET author_id = NULL WHERE author_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("UPDATE legislative_proposals SET author_id = NULL WHERE author_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE case_parties SET filer_tag = NULL WHERE filer_tag = $1")
        .bind(key.filer_tag(id))
        .execute(&mut *tx)
        .await?;
    for table in ["notifications", "sessions", "account_codes"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(id).execute(&mut *tx).await?;
    }
    for address in std::iter::once(&login).chain(email.as_ref()) {
        sqlx::query("DELETE FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL")
            .bind(address)
            .execute(&mut *tx)
            .await?;
    }
    for table in ["login_throttle", "login_known"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE account = $1")).bind(&login).execute(&mut *tx).await?;
    }
    // `deleted:` never passes as a login (a login is a mobile number or an address with `@`).
    sqlx::query(
        "UPDATE users SET login = $1, password_hash = '!', display_name = $2, real_name = NULL, email = NULL,
                          deleted_at = $3, disabled_at = $3
         WHERE id = $4",
    )
    .bind(format!("deleted:{id}"))
    .bind(DELETED_NAME)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
