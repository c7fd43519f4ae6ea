//! Administration: agencies, staff accounts and their first passwords, powers under four eyes,
//! and the record of it all.
pub mod holidays;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod powers;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod staff;
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
    /// The code its normative documents are numbered under (长政发), once set.
    pub document_code: Option<String>,
}

/// A staff account as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub id: i64,
    pub display_name: String,
    pub role: crate::accounts::user::Role,
    pub agency_name: String,
    /// The holder has set a password of their own (with a setup code).
    pub set_up: bool,
    /// Stopped by an administrator: cannot sign in.
    pub disabled: bool,
}

/// Entries per page of the identity-reveal log.
pub const REVEAL_PAGE: i64 = 50;

/// One look at a filer's identity, for the administrator (never the identity itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealLine {
    pub at: i64,
    pub staff: String,
    pub agency: String,
    pub case_number: String,
    pub reason: String,
}

/// One page of the identity-reveal log, newest first, and how many entries there are.
#[server(endpoint = "admin_reveals")]
pub async fn admin_reveals(page: u32) -> Result<(Vec<RevealLine>, i64), AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::user::Role::Admin)?;
    let page = crate::paging::check(Some(page))?;
    let st = crate::state::state()?;
    store::reveals(&st.db, page).await
}

/// A power granted to a staff account (see `crate::cases::GRANTS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    pub login: String,
    pub display_name: String,
    pub grant: String,
    pub granted_at: i64,
}

/// A power proposed for an account, waiting for a second administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub grant: String,
    /// None: the operator, from the command line.
    pub proposed_by: Option<i64>,
    pub proposer: String,
    pub proposed_at: i64,
    pub expires_at: i64,
}

/// Entries per page of the administration log.
pub const LOG_PAGE: i64 = 50;

/// One entry of the administration log, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: i64,
    pub at: i64,
    /// None: the operator, from the command line.
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: String,
}

/// Who holds which power, and what waits for approval (administrators only); the viewer's id, to
/// tell their own proposals.
#[server(endpoint = "admin_grants")]
pub async fn admin_grants() -> Result<(Vec<Granted>, Vec<Proposal>, i64), AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::user::Role::Admin)?;
    let st = crate::state::state()?;
    Ok((powers::granted(&st.db).await?, powers::open_proposals(&st.db).await?, user.id))
}

/// One page of the administration log, newest first, and how many entries there are.
#[server(endpoint = "admin_log")]
pub async fn admin_log(page: u32) -> Result<(Vec<LogLine>, i64), AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::user::Role::Admin)?;
    let page = crate::paging::check(Some(page))?;
    let st = crate::state::state()?;
    record::log(&st.db, page).await
}

/// Agencies and staff (administrators only).
#[server(endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<(Vec<Agency>, Vec<StaffAccount>), AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::user::Role::Admin)?;
    let st = crate::state::state()?;
    Ok((store::agencies(&st.db).await?, store::staff(&st.db).await?))
}

/// Open cases nobody can act on (administrators only): to give a power or make an account.
#[server(endpoint = "admin_unattended")]
pub async fn admin_unattended() -> Result<Vec<crate::cases::Unattended>, AppError> {
    let user = crate::state::require_viewer().await?;
    user.require(crate::accounts::user::Role::Admin)?;
    let st = crate::state::state()?;
    crate::cases::unattended::unattended(&st.db).await
}
