//! Powers beyond a role (`crate::cases::GRANTS`): who holds them, and how they are given. The
//! legal channel takes one administrator; revealing a filer's identity and the discipline channel
//! take two people: one proposes (an administrator, or the operator from the command line),
//! another administrator approves. Every step goes into the administration record.
use super::record::{self, Action, Step};
use super::{Granted, Proposal};
use crate::accounts::user::{CurrentUser, Role};
use crate::cases::seal::CaseKey;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// Whether a power takes a second person's approval.
pub fn needs_two(grant: &str) -> bool {
    matches!(grant, "reveal_identity" | "discipline_channel")
}

/// How long a proposal waits for approval.
pub const PROPOSAL_SECONDS: i64 = 7 * 24 * 3600;

/// Who acts: an administrator (checked here, in the domain) or the operator at the command line.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Admin(&'a CurrentUser),
    Operator,
}

impl Actor<'_> {
    /// The actor's id for the record, once an administrator is checked to be one (`Forbidden`
    /// otherwise); the operator has none. Every change to powers starts here.
    fn checked_id(&self) -> AppResult<Option<i64>> {
        match self {
            Actor::Admin(u) => {
                u.require(Role::Admin)?;
                Ok(Some(u.id))
            }
            Actor::Operator => Ok(None),
        }
    }
}

/// What asking for a power did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Granted,
    /// Waiting for another administrator.
    Proposed,
}

fn known_grant(grant: &str) -> AppResult<()> {
    if crate::cases::GRANTS.iter().any(|g| g.0 == grant) {
        Ok(())
    } else {
        Err(AppError::field("grant", "可授予的权限：legal_channel、discipline_channel、reveal_identity、legal_affairs"))
    }
}

/// The staff account a power may go to (by login): not citizens, not administrators (who could
/// otherwise grant themselves).
async fn grantee(conn: &mut AnyConnection, login: &str) -> AppResult<i64> {
    let user: Option<(i64, String)> = sqlx::query_as("SELECT id, role FROM users WHERE login = $1")
        .bind(login.trim().to_lowercase())
        .fetch_optional(&mut *conn)
        .await?;
    let (user, role) = user.ok_or_else(|| AppError::field("login", "没有这个账号"))?;
    if !matches!(role.as_str(), "staff" | "petition_officer") {
        return Err(AppError::field("login", "只能授予起草单位或信访部门的工作人员"));
    }
    Ok(user)
}

async fn insert_grant(conn: &mut AnyConnection, user: i64, grant: &str, by: Option<i64>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO user_grants (user_id, grant_name, granted_by, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, grant_name) DO NOTHING",
    )
    .bind(user)
    .bind(grant)
    .bind(by)
    .bind(clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ask for a power for a staff account (by login): granted at once when one administrator
/// suffices, otherwise proposed for another administrator to approve.
pub async fn request(db: &AnyPool, key: &CaseKey, by: Actor<'_>, login: &str, grant: &str) -> AppResult<Outcome> {
    let actor = by.checked_id()?;
    known_grant(grant)?;
    let mut tx = crate::db::begin_write(db).await?;
    let user = grantee(&mut tx, login).await?;
    let held: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM user_grants WHERE user_id = $1 AND grant_name = $2")
            .bind(user)
            .bind(grant)
            .fetch_optional(&mut *tx)
            .await?;
    if held.is_some() {
        return Err(AppError::field("grant", "该账号已有此权限"));
    }
    let detail = serde_json::json!({ "grant": grant });
    let now = clock::now();
    if !needs_two(grant) {
        insert_grant(&mut tx, user, grant, actor).await?;
        record::append(&mut tx, key, Step::new(actor, Action::Granted, Some(user), detail)).await?;
        tx.commit().await?;
        tracing::info!(user, grant, "power granted");
        return Ok(Outcome::Granted);
    }
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM grant_proposals WHERE user_id = $1 AND grant_name = $2 AND outcome IS NULL AND expires_at > $3",
    )
    .bind(user)
    .bind(grant)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_some() {
        return Err(AppError::field("grant", "已有同一授权申请等待批准"));
    }
    let proposal: i64 = sqlx::query_scalar(
        "INSERT INTO grant_proposals (user_id, grant_name, proposed_by, proposed_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user)
    .bind(grant)
    .bind(actor)
    .bind(now)
    .bind(now + PROPOSAL_SECONDS)
    .fetch_one(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "grant": grant, "proposal": proposal });
    record::append(&mut tx, key, Step::new(actor, Action::GrantProposed, Some(user), detail)).await?;
    tx.commit().await?;
    tracing::info!(user, grant, "power proposed");
    Ok(Outcome::Proposed)
}

/// Approve (`true`) or refuse another's proposal; the proposer may only withdraw it (refusing
/// their own proposal). Only an open proposal, not past its time, can be decided.
pub async fn decide(db: &AnyPool, key: &CaseKey, admin: &CurrentUser, proposal: i64, approve: bool) -> AppResult<()> {
    admin.require(Role::Admin)?;
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(i64, String, Option<i64>, i64, Option<String>)> = sqlx::query_as(
        "SELECT user_id, grant_name, proposed_by, expires_at, outcome FROM grant_proposals WHERE id = $1",
    )
    .bind(proposal)
    .fetch_optional(&mut *tx)
    .await?;
    let (user, grant, proposed_by, expires_at, outcome) = row.ok_or(AppError::NotFound)?;
    if outcome.is_some() || expires_at <= clock::now() {
        return Err(AppError::Conflict("该授权申请已处理或已过期".into()));
    }
    // Only a proposal the record holds, by the one the row names, can be decided: a row written
    // straight into the table proposes nothing.
    let recorded: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT actor_id, detail FROM admin_events WHERE action = 'grant_proposed' AND target_id = $1")
            .bind(user)
            .fetch_all(&mut *tx)
            .await?;
    let on_record = recorded.iter().any(|(actor, detail)| {
        let d: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
        *actor == proposed_by && d.get("proposal").and_then(|v| v.as_i64()) == Some(proposal)
    });
    if !on_record {
        tracing::error!(proposal, "a grant proposal that is not in the administration record");
        return Err(AppError::Conflict("该授权申请不在管理操作记录中，不能处理".into()));
    }
    let own = proposed_by == Some(admin.id);
    if approve && own {
        return Err(AppError::field("proposal", "不能批准自己提出的授权申请：须由另一名管理员批准"));
    }
    let (outcome, action) = match (approve, own) {
        (true, _) => ("approved", Action::GrantApproved),
        (false, true) => ("withdrawn", Action::GrantWithdrawn),
        (false, false) => ("refused", Action::GrantRefused),
    };
    // The proposal row is claimed first, so two approvals at once cannot both count.
    let claimed = sqlx::query(
        "UPDATE grant_proposals SET outcome = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND outcome IS NULL",
    )
    .bind(outcome)
    .bind(admin.id)
    .bind(clock::now())
    .bind(proposal)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::Conflict("该授权申请已处理或已过期".into()));
    }
    if approve {
        // The account must still be one a power may go to.
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM users WHERE id = $1").bind(user).fetch_optional(&mut *tx).await?;
        if !matches!(role.as_deref(), Some("staff" | "petition_officer")) {
            return Err(AppError::Conflict("该账号已不能被授予此权限".into()));
        }
        insert_grant(&mut tx, user, &grant, Some(admin.id)).await?;
    }
    let proposer: Option<String> = match proposed_by {
        Some(p) => sqlx::query_scalar("SELECT login FROM users WHERE id = $1").bind(p).fetch_optional(&mut *tx).await?,
        None => Some("命令行（运维人员）".into()),
    };
    let detail = serde_json::json!({ "grant": grant, "proposal": proposal, "proposed_by": proposer });
    record::append(&mut tx, key, Step::new(Some(admin.id), action, Some(user), detail)).await?;
    tx.commit().await?;
    tracing::info!(user, grant, outcome, "power proposal decided");
    Ok(())
}

/// Take a power back from an account (one administrator, or the operator, suffices).
pub async fn revoke(db: &AnyPool, key: &CaseKey, by: Actor<'_>, login: &str, grant: &str) -> AppResult<()> {
    let actor = by.checked_id()?;
    known_grant(grant)?;
    let mut tx = crate::db::begin_write(db).await?;
    let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
        .bind(login.trim().to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
    let user = user.ok_or(AppError::NotFound)?;
    let done = sqlx::query("DELETE FROM user_grants WHERE grant_name = $1 AND user_id = $2")
        .bind(grant)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let detail = serde_json::json!({ "grant": grant });
    record::append(&mut tx, key, Step::new(actor, Action::Revoked, Some(user), detail)).await?;
    tx.commit().await?;
    tracing::info!(user, grant, "power revoked");
    Ok(())
}

/// Every power held, by account.
pub async fn granted(db: &AnyPool) -> AppResult<Vec<Granted>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT u.login, u.display_name, g.grant_name, g.granted_at FROM user_grants g JOIN users u ON u.id = g.user_id
         ORDER BY u.login, g.grant_name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(login, display_name, grant, granted_at)| Granted { login, display_name, grant, granted_at })
        .collect())
}

/// Proposals waiting for a second administrator (not past their time), oldest first.
pub async fn open_proposals(db: &AnyPool) -> AppResult<Vec<Proposal>> {
    type Row = (i64, String, String, String, Option<i64>, Option<String>, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, u.login, u.display_name, p.grant_name, p.proposed_by, a.display_name, p.proposed_at, p.expires_at
         FROM grant_proposals p JOIN users u ON u.id = p.user_id LEFT JOIN users a ON a.id = p.proposed_by
         WHERE p.outcome IS NULL AND p.expires_at > $1 ORDER BY p.id LIMIT 200",
    )
    .bind(clock::now())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, login, display_name, grant, proposed_by, proposer, proposed_at, expires_at)| Proposal {
            id,
            login,
            display_name,
            grant,
            proposed_by,
            proposer: proposer.unwrap_or_else(|| "命令行（运维人员）".into()),
            proposed_at,
            expires_at,
        })
        .collect())
}
