//! Administration: agencies and staff accounts.
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An agency with its staff count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub staff: i64,
}

/// A staff account as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub id: i64,
    pub display_name: String,
    pub role: crate::accounts::Role,
    pub agency_name: String,
}

/// A power granted to a staff account (see `crate::cases::GRANTS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    pub login: String,
    pub display_name: String,
    pub grant: String,
    pub granted_at: i64,
}

/// Who holds which power (administrators only).
#[server(endpoint = "admin_grants")]
pub async fn admin_grants() -> Result<Vec<Granted>, AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::Role::Admin)?;
    let st = crate::state::state()?;
    crate::cases::store::granted(&st.db).await
}

/// Agencies and staff (administrators only).
#[server(endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<(Vec<Agency>, Vec<StaffAccount>), AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::Role::Admin)?;
    let st = crate::state::state()?;
    Ok((store::agencies(&st.db).await?, store::staff(&st.db).await?))
}
