//! Each agency's document code (发文字号代字), which its numbers are drawn under, and what the
//! registration form offers an agency.
use super::{number, Registering};
use crate::accounts::CurrentUser;
use crate::error::{AppError, AppResult, FieldError};
use sqlx::AnyPool;

/// What the registration form offers the staff member's agency.
pub async fn registration_context(db: &AnyPool, staff: &CurrentUser, validity: (u32, u32)) -> AppResult<Registering> {
    let agency = staff.staff_agency()?;
    let code: Option<String> =
        sqlx::query_scalar("SELECT document_code FROM agencies WHERE id = $1").bind(agency).fetch_one(db).await?;
    let consultations: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, title FROM consultations WHERE agency_id = $1 AND closes_at <= $2 ORDER BY id DESC LIMIT 200",
    )
    .bind(agency)
    .bind(crate::clock::now())
    .fetch_all(db)
    .await?;
    Ok(Registering { code, consultations, validity })
}

/// Set the code an agency's documents are numbered under (the administrator only).
pub async fn set_code(db: &AnyPool, admin: &CurrentUser, agency: i64, code: &str) -> AppResult<()> {
    admin.require(crate::accounts::user::Role::Admin)?;
    let code = code.trim();
    if !number::valid_code(code) {
        return Err(AppError::Invalid(vec![FieldError::new("code", "发文字号代字应为2至12个汉字，例如 长政发")]));
    }
    // Another agency's code, now or in a number it has drawn: never shared (the unique index of
    // migration 0033 holds under concurrent requests too).
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM agencies WHERE document_code = $1 AND id <> $2
         UNION SELECT agency_id FROM normative_documents WHERE code = $1 AND agency_id <> $2",
    )
    .bind(code)
    .bind(agency)
    .fetch_optional(db)
    .await?;
    if taken.is_some() {
        return Err(AppError::Invalid(vec![FieldError::new("code", "该代字已被其他单位使用")]));
    }
    let changed = sqlx::query("UPDATE agencies SET document_code = $1 WHERE id = $2")
        .bind(code)
        .bind(agency)
        .execute(db)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    tracing::info!(agency, "document code set");
    Ok(())
}
