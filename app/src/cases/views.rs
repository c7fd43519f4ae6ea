//! What staff see of cases: a queue's summaries and one case with its full record (everything but
//! who filed it).
use super::{CaseKind, CaseStatus, Channel, Decision, PetitionKind, Stage};
use serde::{Deserialize, Serialize};

/// A case in a staff queue, with its clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub number: String,
    pub kind: CaseKind,
    pub petition_kind: Option<PetitionKind>,
    pub matter: String,
    pub status: CaseStatus,
    pub stage: Stage,
    pub unit: Option<String>,
    pub due_on: Option<String>,
    /// Calendar days to the current step's deadline; negative when overdue.
    pub days_left: Option<i64>,
    pub supervised: bool,
    /// The earlier case of the same person on the same matter, still in progress.
    pub repeats: Option<String>,
    pub satisfaction: Option<i64>,
    pub received_at: i64,
}

impl CaseSummary {
    /// A report (投诉举报, or a 检举控告 petition): kept from the unit it concerns and its chain.
    pub fn is_report(&self) -> bool {
        self.kind == CaseKind::Complaint || self.petition_kind == Some(PetitionKind::Accusation)
    }
}

/// A recorded step as staff see it (internal steps too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaffStep {
    pub seq: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub text: String,
    pub public: bool,
}

/// An attachment's description (the file itself is downloaded separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub size: i64,
}

/// A case as the staff who may see it see it: everything but who filed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaffCase {
    pub summary: CaseSummary,
    pub facts: String,
    pub request: String,
    pub concerned: Option<String>,
    pub document: Option<String>,
    /// The registered document an objection review is against: its answer is then published on the
    /// document's page.
    pub document_id: Option<i64>,
    pub anonymous: bool,
    pub channel: Channel,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<super::details::Routing>))]
    pub routing: Option<String>,
    pub decision: Option<Decision>,
    pub attachments: Vec<AttachmentInfo>,
    pub steps: Vec<StaffStep>,
    /// What this viewer may do now.
    pub may_triage: bool,
    pub may_handle: bool,
    pub may_decide_review: bool,
    pub may_terminate: bool,
    pub may_reveal: bool,
    pub may_supervise: bool,
    /// answer the petition office's supervision (督办)
    pub may_answer_supervision: bool,
}
