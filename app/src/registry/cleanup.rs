//! Clean-ups (清理): an agency decides, for each of its documents put to a clean-up, to keep,
//! amend, repeal or declare it expired, each with a public reason, and publishes the decisions as
//! one list. Publishing applies them all or none: a kept document is in force again, a repealed
//! or expired one changes status at once, one to be amended stays under clean-up until its
//! amendment is registered.
use serde::{Deserialize, Serialize};

/// What a clean-up decides for one document.
/// Named `CleanupDecision` in the OpenAPI document: `Decision` is a case's (支持/解释/不支持).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = CleanupDecision))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Keep,
    Amend,
    Repeal,
    Expire,
}

impl Decision {
    pub const ALL: [Decision; 4] = [Decision::Keep, Decision::Amend, Decision::Repeal, Decision::Expire];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Amend => "amend",
            Decision::Repeal => "repeal",
            Decision::Expire => "expire",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Keep => "继续有效",
            Decision::Amend => "修改",
            Decision::Repeal => "废止",
            Decision::Expire => "宣布失效",
        }
    }

    /// The status the document takes when the clean-up is published (none: it stays under
    /// clean-up until the amendment is registered).
    pub fn status(self) -> Option<super::DocStatus> {
        match self {
            Decision::Keep => Some(super::DocStatus::InForce),
            Decision::Amend => None,
            Decision::Repeal => Some(super::DocStatus::Repealed),
            Decision::Expire => Some(super::DocStatus::Expired),
        }
    }
}

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
