//! Agency and staff listing and creation.
use super::record::{self, Action, Step};
use super::{Agency, RevealLine, StaffAccount, REVEAL_PAGE};
use crate::accounts::user::{CurrentUser, Role};
use crate::cases::seal::CaseKey;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// All agencies with staff counts.
pub async fn agencies(db: &AnyPool) -> AppResult<Vec<Agency>> {
    let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT a.id, a.name, (SELECT COUNT(*) FROM users u WHERE u.agency_id = a.id), a.document_code
         FROM agencies a ORDER BY a.name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, name, staff, document_code)| Agency { id, name, staff, document_code }).collect())
}

/// All staff accounts.
pub async fn staff(db: &AnyPool) -> AppResult<Vec<StaffAccount>> {
    let rows: Vec<(i64, String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.role, a.name, u.must_change_password, u.disabled_at
         FROM users u JOIN agencies a ON a.id = u.agency_id ORDER BY a.name, u.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, display_name, role, agency_name, must_change, disabled_at)| {
            Some(StaffAccount {
                id,
                display_name,
                role: Role::parse(&role)?,
                agency_name,
                set_up: must_change == 0,
                disabled: disabled_at.is_some(),
            })
        })
        .collect())
}

/// One page of the identity-reveal log, newest first, and the number of entries.
pub async fn reveals(db: &AnyPool, page: u32) -> AppResult<(Vec<RevealLine>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identity_reveals").fetch_one(db).await?;
    let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT r.revealed_at, u.display_name, a.name, c.number, r.reason
         FROM identity_reveals r JOIN users u ON u.id = r.user_id JOIN cases c ON c.id = r.case_id
         LEFT JOIN agencies a ON a.id = u.agency_id
         ORDER BY r.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(REVEAL_PAGE)
    .bind((i64::from(page) - 1) * REVEAL_PAGE)
    .fetch_all(db)
    .await?;
    let lines = rows
        .into_iter()
        .map(|(at, staff, agency, case_number, reason)| RevealLine {
            at,
            staff,
            agency: agency.unwrap_or_default(),
            case_number,
            reason,
        })
        .collect();
    Ok((lines, total))
}

/// Create an agency (administrators only).
pub async fn create_agency(db: &AnyPool, key: &CaseKey, admin: &CurrentUser, name: &str) -> AppResult<i64> {
    admin.require(Role::Admin)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "单位名称应为1至100个字"));
    }
    let mut tx = db.begin().await?;
    let res = sqlx::query_scalar("INSERT INTO agencies (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(crate::clock::now())
        .fetch_one(&mut *tx)
        .await;
    let id = match res {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::field("name", "该单位已存在"))
        }
        Err(e) => return Err(e.into()),
    };
    let detail = serde_json::json!({ "agency": name });
    record::append(&mut tx, key, Step::new(Some(admin.id), Action::AgencyCreated, None, detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Set (or clear) the unit above an agency, which reviews (复查, 复核) its decisions; a unit cannot be
/// above itself, directly or through others.
pub async fn set_parent(
    db: &AnyPool,
    key: &CaseKey,
    admin: &CurrentUser,
    agency: i64,
    parent: Option<i64>,
) -> AppResult<()> {
    admin.require(Role::Admin)?;
    let mut tx = db.begin().await?;
    let mut above = parent;
    while let Some(a) = above {
        if a == agency {
            return Err(AppError::field("parent_id", "上级单位不能是本单位或其下级单位"));
        }
        let next: Option<Option<i64>> =
            sqlx::query_scalar("SELECT parent_id FROM agencies WHERE id = $1").bind(a).fetch_optional(&mut *tx).await?;
        above = next.ok_or_else(|| AppError::field("parent_id", "所选上级单位不存在"))?;
    }
    let done = sqlx::query("UPDATE agencies SET parent_id = $1 WHERE id = $2")
        .bind(parent)
        .bind(agency)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::field("agency_id", "所选单位不存在"));
    }
    let name = |id: i64| sqlx::query_scalar::<_, String>("SELECT name FROM agencies WHERE id = $1").bind(id);
    let agency_name = name(agency).fetch_one(&mut *tx).await?;
    let parent_name = match parent {
        Some(p) => name(p).fetch_one(&mut *tx).await?,
        None => "（无）".to_string(),
    };
    let detail = serde_json::json!({ "agency": agency_name, "parent": parent_name });
    record::append(&mut tx, key, Step::new(Some(admin.id), Action::ParentSet, None, detail)).await?;
    tx.commit().await?;
    Ok(())
}
