//! Who filed a case: their identity and contact details, sealed apart from the case under the
//! case key, and revealed only to someone granted it, for a reason, with every reveal recorded.
use super::case::{allow, record, text, visible, who};
use super::config::CaseConfig;
use super::details::{Detail, Reason};
use super::policy::Act;
use super::seal::CaseKey;
use crate::accounts::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

pub use super::party::Identity;

/// Re-seal identities sealed before they were bound to their case, bound to the case whose row
/// holds them (run at start; a no-op once done). Returns how many were re-sealed.
pub async fn bind_legacy_identities(db: &AnyPool, key: &CaseKey) -> AppResult<u64> {
    let legacy: Vec<(i64, String)> =
        sqlx::query_as("SELECT case_id, sealed FROM case_parties WHERE sealed NOT LIKE 'v2:%'").fetch_all(db).await?;
    let mut done = 0;
    for (case_id, sealed) in legacy {
        let Ok(plain) = key.open_unbound(&sealed) else {
            tracing::error!(case = case_id, "a sealed identity does not open with this key; left as it is");
            continue;
        };
        sqlx::query("UPDATE case_parties SET sealed = $1 WHERE case_id = $2 AND sealed = $3")
            .bind(key.seal_for(case_id, &plain))
            .bind(case_id)
            .bind(&sealed)
            .execute(db)
            .await?;
        done += 1;
    }
    Ok(done)
}

/// Reveal a filer's identity to someone granted it, for a stated reason; every reveal is recorded
/// (in `identity_reveals` and in the case's record).
/// A case's filer as sealed, for checks that must not let it out (never shown): opened under the
/// case key, bound to the case. Fails closed: an identity that does not open is an error.
pub async fn sealed_identity(conn: &mut sqlx::AnyConnection, cfg: &CaseConfig, id: i64) -> AppResult<Identity> {
    let sealed: String =
        sqlx::query_scalar("SELECT sealed FROM case_parties WHERE case_id = $1").bind(id).fetch_one(&mut *conn).await?;
    cfg.key.open_for(id, &sealed).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| {
        tracing::error!(case = id, "the sealed identity does not open for this case: altered, moved or another key");
        AppError::Conflict(
            "封存的申请人信息无法验证，无法确认公开内容不含申请人信息，未予出具；请联系系统管理员核查。".into(),
        )
    })
}

pub async fn reveal(db: &AnyPool, cfg: &CaseConfig, user: &CurrentUser, id: i64, reason: &str) -> AppResult<Identity> {
    let reason = text("reason", reason, "查看理由", 500, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, user, id).await?;
    let who = who(&mut tx, user, &case, grants).await?;
    allow(Act::Reveal, &who, &case)?;
    let sealed: String =
        sqlx::query_scalar("SELECT sealed FROM case_parties WHERE case_id = $1").bind(id).fetch_one(&mut *tx).await?;
    // Fails closed: an identity that does not open for this case (moved from another case's row,
    // altered, or sealed with another key) is never shown.
    let identity: Identity =
        cfg.key.open_for(id, &sealed).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| {
            tracing::error!(
                case = id,
                "the sealed identity does not open for this case: altered, moved or another key"
            );
            AppError::Conflict("封存的身份信息无法验证（可能被改动），未予显示；请联系系统管理员核查。".into())
        })?;
    sqlx::query("INSERT INTO identity_reveals (case_id, user_id, reason, revealed_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(user.id)
        .bind(&reason)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
    let detail = Detail::IdentityRevealed(Reason { reason });
    record(&mut tx, cfg, id, Some(user.id), case.status, false, &detail).await?;
    tx.commit().await?;
    tracing::info!(case = id, user = user.id, "filer identity revealed");
    Ok(identity)
}
