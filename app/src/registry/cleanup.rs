//! Clean-ups (清理): an agency decides, for each of its documents put to a clean-up, to keep,
//! amend, repeal or declare it expired, each with a public reason, and publishes the decisions as
//! one list. Publishing applies them all or none: a kept document is in force again, a repealed
//! or expired one changes status at once, one to be amended stays under clean-up until its
//! amendment is registered.
use serde::{Deserialize, Serialize};

pub use super::terms::Decision;

/// A document the agency may decide on in a clean-up: any of its binding documents, with where it
/// stands (those already put to the clean-up first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub document: super::DocLink,
    pub status: super::DocStatus,
}

/// A published clean-up in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CleanupSummary {
    pub id: i64,
    pub title: String,
    pub agency_name: String,
    pub published_at: i64,
    pub documents: i64,
}

/// One document's decision in a clean-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CleanupItem {
    pub document: super::DocLink,
    pub decision: Decision,
    pub reason: String,
}

/// A published clean-up with every decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CleanupDetail {
    pub summary: CleanupSummary,
    pub items: Vec<CleanupItem>,
}

/// A page of published clean-ups, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CleanupPage {
    pub cleanups: Vec<CleanupSummary>,
    pub page: u32,
    pub pages: u32,
}
