//! Cases: complaints and reports, petitions (信访) and objection-review applications — intake,
//! triage and routing, handling, the citizen's rights, statutory clocks and confidentiality.
#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
mod calendar;
#[cfg(feature = "ssr")]
mod case;
#[cfg(feature = "ssr")]
pub mod chain;
#[cfg(feature = "ssr")]
pub mod config;
pub use crate::deadlines;
#[cfg(feature = "ssr")]
mod details;
mod figures;
#[cfg(feature = "ssr")]
mod filer;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
mod filing;
pub use crate::grants;
#[cfg(feature = "ssr")]
mod handlers;
pub mod holidays;
#[cfg(feature = "ssr")]
mod identity;
#[cfg(feature = "ssr")]
mod notify;
pub mod pages;
#[cfg(feature = "ssr")]
mod party;
#[cfg(feature = "ssr")]
mod policy;
#[cfg(feature = "ssr")]
mod queue;
#[cfg(feature = "ssr")]
mod reminders;
#[cfg(feature = "ssr")]
mod rows;
#[cfg(feature = "ssr")]
pub mod screen;
#[cfg(feature = "ssr")]
pub mod scrub;
#[cfg(feature = "ssr")]
pub mod seal;
#[cfg(feature = "ssr")]
pub mod sniff;
#[cfg(feature = "ssr")]
mod staff_views;
#[cfg(feature = "ssr")]
pub mod stats;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
mod triage;
#[cfg(feature = "ssr")]
pub mod unattended;
mod views;
#[cfg(feature = "ssr")]
mod workflow;

pub use figures::{StatPage, StatRow, UnitLoad};

/// A kind of open case nobody can act on (see `unattended`), with how many there are and a few of
/// their numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unattended {
    /// Who should act, and why nobody can.
    pub why: String,
    pub count: i64,
    pub numbers: Vec<String>,
}
pub use grants::{grant_label, Grant, GRANTS};
use serde::{Deserialize, Serialize};
pub use views::{AttachmentInfo, CaseSummary, StaffCase, StaffStep};

/// What a file picker offers: every kind the sniffer accepts (`files::FileKind`), by extension.
pub const ACCEPTED_FILES: &str = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods";

/// An account's own cases shown per page (我的信访).
pub const MINE_PAGE: i64 = 50;

/// Cases a staff queue shows per page.
pub const QUEUE_PAGE: i64 = 100;

/// The bodies of the legal channel (涉法涉诉 cases are routed to one of them).
pub const LEGAL_BODIES: [(&str, &str); 4] = [
    ("court", "人民法院"),
    ("procuratorate", "人民检察院"),
    ("public_security", "公安机关"),
    ("justice_bureau", "司法行政机关"),
];

/// What kind of case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CaseKind {
    /// 投诉举报: a complaint or report about an illegal administrative act.
    Complaint,
    /// 信访: a petition, of a `PetitionKind`.
    Petition,
    /// 规范性文件异议审查: an objection-review application against a normative document.
    Objection,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [CaseKind::Complaint, CaseKind::Petition, CaseKind::Objection];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Complaint => "complaint",
            CaseKind::Petition => "petition",
            CaseKind::Objection => "objection",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Complaint => "投诉举报",
            CaseKind::Petition => "信访事项",
            CaseKind::Objection => "规范性文件异议审查申请",
        }
    }

    /// The case number's prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            CaseKind::Complaint => "TS",
            CaseKind::Petition => "XF",
            CaseKind::Objection => "YY",
        }
    }
}

/// The kind of a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PetitionKind {
    /// 建议意见
    Suggestion,
    /// 检举控告
    Accusation,
    /// 申诉求决
    Claim,
}

impl PetitionKind {
    pub const ALL: [PetitionKind; 3] = [PetitionKind::Suggestion, PetitionKind::Accusation, PetitionKind::Claim];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionKind::Suggestion => "suggestion",
            PetitionKind::Accusation => "accusation",
            PetitionKind::Claim => "claim",
        }
    }

    pub fn parse(s: &str) -> Option<PetitionKind> {
        PetitionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PetitionKind::Suggestion => "建议意见",
            PetitionKind::Accusation => "检举控告",
            PetitionKind::Claim => "申诉求决",
        }
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CaseStatus {
    /// Filed; the petition office registers it and decides where it goes.
    Received,
    /// Not accepted, with the reason and the proper channel told to the filer.
    NotAccepted,
    /// Litigation-related (涉法涉诉): in the legal channel, out of the ordinary queue.
    Legal,
    /// A report against an official: in the discipline/supervision channel.
    Discipline,
    /// Transferred or assigned to a unit, which has yet to accept it.
    Routed,
    /// The unit objected that it is not its business; the petition office reroutes it.
    Objected,
    /// Accepted by the unit and being handled.
    Handling,
    /// The written decision is out (of the first handling, the review or the re-review).
    Decided,
    /// The filer asked for a review (复查) or re-review (复核); it is being decided.
    UnderReview,
    /// Ended by lawful termination (依法终结), in the legal channel.
    Terminated,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 10] = [
        CaseStatus::Received,
        CaseStatus::NotAccepted,
        CaseStatus::Legal,
        CaseStatus::Discipline,
        CaseStatus::Routed,
        CaseStatus::Objected,
        CaseStatus::Handling,
        CaseStatus::Decided,
        CaseStatus::UnderReview,
        CaseStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::NotAccepted => "not_accepted",
            CaseStatus::Legal => "legal",
            CaseStatus::Discipline => "discipline",
            CaseStatus::Routed => "routed",
            CaseStatus::Objected => "objected",
            CaseStatus::Handling => "handling",
            CaseStatus::Decided => "decided",
            CaseStatus::UnderReview => "under_review",
            CaseStatus::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Received => "已收到，待登记",
            CaseStatus::NotAccepted => "不予受理",
            CaseStatus::Legal => "已导入法律程序处理",
            CaseStatus::Discipline => "已转纪检监察机关",
            CaseStatus::Routed => "已转送（交办）责任单位",
            CaseStatus::Objected => "责任单位提出异议，待重新转办",
            CaseStatus::Handling => "办理中",
            CaseStatus::Decided => "已出具处理意见",
            CaseStatus::UnderReview => "复查（复核）中",
            CaseStatus::Terminated => "依法终结",
        }
    }

    /// The label at a stage of the case: "复查中" during a review, "复核中" during a re-review, and
    /// the decision named after the stage that gave it.
    pub fn label_at(self, stage: Stage) -> &'static str {
        match (self, stage) {
            (CaseStatus::UnderReview, Stage::Review) => "复查中",
            (CaseStatus::UnderReview, Stage::Rereview) => "复核中",
            (CaseStatus::Decided, Stage::Review) => "已出具复查意见",
            (CaseStatus::Decided, Stage::Rereview) => "已出具复核意见",
            _ => self.label(),
        }
    }

    /// Accepted somewhere and not yet at an end: a new filing of the same matter repeats it.
    pub fn in_progress(self) -> bool {
        matches!(
            self,
            CaseStatus::Received
                | CaseStatus::Routed
                | CaseStatus::Objected
                | CaseStatus::Handling
                | CaseStatus::UnderReview
                | CaseStatus::Legal
                | CaseStatus::Discipline
        )
    }
}

/// Which line of handling a case is in: the petition office's ordinary one, or one of the two
/// special channels held only by those granted them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Channel {
    Ordinary,
    /// Litigation-related (涉法涉诉).
    Legal,
    /// Reports against officials (纪检监察).
    Discipline,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Ordinary => "ordinary",
            Channel::Legal => "legal",
            Channel::Discipline => "discipline",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Ordinary, Channel::Legal, Channel::Discipline].into_iter().find(|c| c.as_str() == s)
    }
}

/// The written decision on a petition (信访处理意见书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Decision {
    /// 支持
    Support,
    /// 解释说明
    Explain,
    /// 不予支持
    NotSupport,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Support, Decision::Explain, Decision::NotSupport];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Support => "support",
            Decision::Explain => "explain",
            Decision::NotSupport => "not_support",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Support => "支持",
            Decision::Explain => "解释说明",
            Decision::NotSupport => "不予支持",
        }
    }
}

/// Which round of handling a case is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Stage {
    First,
    /// 复查
    Review,
    /// 复核
    Rereview,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::First => "first",
            Stage::Review => "review",
            Stage::Rereview => "rereview",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "first" => Some(Stage::First),
            "review" => Some(Stage::Review),
            "rereview" => Some(Stage::Rereview),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::First => "办理",
            Stage::Review => "复查",
            Stage::Rereview => "复核",
        }
    }
}

/// A step of a case as its filer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicStep {
    pub at: i64,
    pub action: String,
    /// What happened, in Chinese, for people.
    pub text: String,
}

/// A case as its filer (or whoever holds the number and query code) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Progress {
    pub number: String,
    pub kind: CaseKind,
    pub petition_kind: Option<PetitionKind>,
    pub matter: String,
    pub status: CaseStatus,
    pub stage: Stage,
    /// The unit handling it (its name), once routed.
    pub unit: Option<String>,
    /// The current step's deadline (a Beijing date).
    pub due_on: Option<String>,
    pub decision: Option<Decision>,
    pub decided_at: Option<i64>,
    pub satisfaction: Option<i64>,
    pub received_at: i64,
    pub steps: Vec<PublicStep>,
    /// What the filer may do now.
    pub may_rate: bool,
    pub may_request_review: bool,
    pub may_request_rereview: bool,
    /// The last day to ask for the next round (复查 after the decision, 复核 after the review),
    /// once a petition is decided; none after the re-review, nor for the other kinds.
    pub review_until: Option<String>,
}

/// What a citizen files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Filing {
    #[cfg_attr(feature = "ssr", schema(value_type = CaseKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<PetitionKind>))]
    pub petition_kind: Option<String>,
    pub matter: String,
    pub facts: String,
    #[serde(default)]
    pub request: String,
    /// The unit concerned: an agency id from the list, or a name.
    #[serde(default)]
    pub concerned_agency_id: Option<i64>,
    #[serde(default)]
    pub concerned_unit: String,
    /// Objection reviews: the registered document objected to, by id (or give its number).
    #[serde(default)]
    pub document_id: Option<i64>,
    /// Filled in from the registry for an objection review; not needed when filing.
    #[serde(default)]
    pub document_title: String,
    /// Objection reviews: the registered document's number, however its brackets are typed
    /// (when `document_id` is not given).
    #[serde(default)]
    pub document_number: String,
    /// The filer's name and contact details (sealed, see `seal`).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub anonymous: bool,
}

/// What filing returns, once the case is durably stored: the pair that shows its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Filed {
    pub number: String,
    pub query_code: String,
    /// An earlier case of the same person on the same matter, still in progress (the officer sees
    /// the link too).
    pub repeats: Option<String>,
}
