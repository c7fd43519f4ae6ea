//! Legislative project proposals (立法项目建议征集) and the annual legislative plan. Before drawing
//! up the plan, the legal-affairs office (staff granted `legal_affairs`) opens a call; signed-in
//! citizens propose subjects (what, which problem, how), each with a receipt; the office moderates
//! them like comments and gives each published proposal a disposition (included in the plan,
//! included for study, not included) with a reason; the call's outcome is published as a report
//! with the plan, and each plan item links forward to the consultations that draft it.
#[cfg(feature = "ssr")]
pub mod edit;
pub mod item_page;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
pub mod staff_pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod terms;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use terms::{Disposition, PlanKind, ProposalStatus};

/// Proposals on one page.
pub const PER_PAGE: i64 = 50;
/// Calls on one page of the list.
pub const CALLS_PER_PAGE: i64 = 20;

/// A call in the list. Dates are YYYY-MM-DD; the window closes at the end of `closes_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallSummary {
    pub id: i64,
    pub title: String,
    /// The year of the plan the call is for.
    pub plan_year: i64,
    pub opens_on: String,
    pub closes_on: String,
    /// Proposals may be made now.
    pub open: bool,
    /// Its first day is still to come.
    pub upcoming: bool,
    /// The day the outcome and the plan were published, once they were.
    pub published_on: Option<String>,
    /// Proposals published (approved).
    pub proposals: i64,
}

/// A page of calls, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallPage {
    pub calls: Vec<CallSummary>,
    pub page: u32,
    pub pages: u32,
}

/// A consultation drafting a plan item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DraftLink {
    pub consultation_id: i64,
    pub title: String,
}

/// An item of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub id: i64,
    pub title: String,
    pub kind: PlanKind,
    /// The body drafting it.
    pub agency_name: String,
    #[serde(default)]
    pub agency_id: i64,
    pub note: String,
    /// The consultations on its draft, once drafting has begun.
    pub consultations: Vec<DraftLink>,
}

/// A plan item's own page: the item, its call, the proposals included in it, the consultations on
/// its draft and the documents registered from them. Public once the plan is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItemDetail {
    pub item: PlanItem,
    pub call_id: i64,
    pub call_title: String,
    pub plan_year: i64,
    /// The published proposals included in this item, with their dispositions (at most 100).
    pub proposals: Vec<Proposal>,
    /// The normative documents registered from its consultations (at most 50).
    pub documents: Vec<crate::consultations::ResultingDocument>,
}

/// A published proposal, without its author; its disposition once the outcome is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub id: i64,
    pub subject: String,
    /// The problem it would solve, and why.
    pub problem: String,
    /// The approach suggested (may be empty).
    pub approach: String,
    pub submitted_on: String,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
    /// The plan item it was taken up as (with `included`).
    pub plan_item: Option<i64>,
}

/// One of the viewer's own proposals: moderation status and, once published, the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnProposal {
    pub receipt: String,
    pub call_id: i64,
    pub subject: String,
    pub status: ProposalStatus,
    /// Why it was not published, when it was not.
    pub moderation_reason: Option<String>,
    pub submitted_on: String,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
}

/// A call with its published proposals (one page) and, once published, the outcome and the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallDetail {
    pub summary: CallSummary,
    pub description: String,
    /// The outcome report, once published.
    pub outcome: Option<String>,
    /// The plan, once published.
    pub plan: Vec<PlanItem>,
    pub proposals: Vec<Proposal>,
    pub page: u32,
    pub pages: u32,
    /// Every correction of the call, oldest first: what changed and the office's reason.
    pub corrections: Vec<CallCorrection>,
}

/// One correction of a call, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallCorrection {
    /// When (`YYYY-MM-DD`).
    pub on: String,
    pub reason: String,
    /// Each part changed (标题, 征集说明, 开始日期, 截止日期), with its text before and after.
    pub parts: Vec<crate::consultations::Corrected>,
}

/// What the call's page shows only its viewer: their own proposals, and whether they manage calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallViewer {
    pub own: Vec<OwnProposal>,
    pub manages: bool,
    pub citizen: bool,
    /// Plan items (id, title) the viewer may link consultations to, once the plan is published:
    /// every item for the office, its own items for a drafting body's staff.
    pub linkable: Vec<(i64, String)>,
}

/// A proposal as the office sees it while working on a call (no author either: the office decides
/// on what was proposed, not on who proposed it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProposal {
    pub id: i64,
    pub receipt: String,
    pub subject: String,
    pub problem: String,
    pub approach: String,
    pub status: ProposalStatus,
    pub moderation_reason: Option<String>,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
    pub plan_item: Option<i64>,
    pub submitted_on: String,
}

/// The office's page of a call: pending proposals first, then the published ones to decide on,
/// and the plan as drafted so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallWork {
    pub summary: CallSummary,
    /// The public description, for the office to correct.
    pub description: String,
    pub pending: i64,
    pub undecided: i64,
    /// Not published (the office's earlier decisions; their authors were told why).
    pub rejected: i64,
    pub proposals: Vec<StaffProposal>,
    pub page: u32,
    pub pages: u32,
    pub plan: Vec<PlanItem>,
    /// Agencies that may draft a plan item: (id, name).
    pub agencies: Vec<(i64, String)>,
}

/// One page of calls.
#[server(endpoint = "legislation_calls")]
pub async fn list_calls(page: Option<u32>) -> Result<CallPage, AppError> {
    let st = crate::state::state()?;
    read::calls(&st.db, page).await
}

/// A call with one page of its published proposals.
#[server(endpoint = "legislation_call")]
pub async fn get_call(id: i64, page: Option<u32>, proposal: Option<i64>) -> Result<CallDetail, AppError> {
    let st = crate::state::state()?;
    read::call(&st.db, id, page, proposal).await
}

/// A plan item of a published plan, with what came of it.
#[server(endpoint = "legislation_plan_item")]
pub async fn get_plan_item(id: i64) -> Result<PlanItemDetail, AppError> {
    let st = crate::state::state()?;
    read::plan_item(&st.db, id).await
}

/// The viewer's own proposals in a call, and what they may do there.
#[server(endpoint = "legislation_call_viewer")]
pub async fn viewer_of_call(id: i64) -> Result<CallViewer, AppError> {
    let st = crate::state::state()?;
    match crate::state::viewer().await? {
        Some(user) => read::call_viewer(&st.db, &user, id).await,
        None => Ok(CallViewer::default()),
    }
}

/// The office's page of a call.
#[server(endpoint = "legislation_call_work")]
pub async fn work_on_call(id: i64, page: Option<u32>) -> Result<CallWork, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    read::work(&st.db, &user, id, page).await
}

/// Whether the viewer manages calls (holds the legal-affairs power).
#[server(endpoint = "legislation_manages")]
pub async fn manages_calls() -> Result<bool, AppError> {
    let st = crate::state::state()?;
    let user = crate::state::require_viewer().await?;
    Ok(store::office(&st.db, &user).await.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_disposition_and_kind_reads_back_from_its_stored_form() {
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
        for k in PlanKind::ALL {
            assert_eq!(PlanKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Disposition::parse("maybe"), None, "an unknown value is not quietly a disposition");
        assert_eq!(PlanKind::parse(""), None);
    }
}
