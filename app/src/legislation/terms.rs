//! The legislative cycle's vocabulary, with nothing else of the app in it (so the search reads it
//! without depending on the pages and stores): a proposal's disposition and status, a plan item's
//! kind.
use serde::{Deserialize, Serialize};

/// What the office decided for a published proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ProposalDisposition))]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// 列入立法计划: taken up as a plan item (which one is said).
    Included,
    /// 列为调研项目: to be studied first.
    Study,
    /// 不予采纳
    NotIncluded,
}

impl Disposition {
    pub const ALL: [Disposition; 3] = [Disposition::Included, Disposition::Study, Disposition::NotIncluded];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Included => "included",
            Disposition::Study => "study",
            Disposition::NotIncluded => "not_included",
        }
    }

    pub fn parse(s: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Disposition::Included => "列入立法计划",
            Disposition::Study => "列为调研论证",
            Disposition::NotIncluded => "不予列入",
        }
    }
}

/// The kind of a plan item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// 正式项目: to be drafted and adopted within the year.
    Project,
    /// 预备项目: drafted, adopted when ready.
    Preparatory,
    /// 调研项目: studied.
    Study,
}

impl PlanKind {
    pub const ALL: [PlanKind; 3] = [PlanKind::Project, PlanKind::Preparatory, PlanKind::Study];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Project => "project",
            PlanKind::Preparatory => "preparatory",
            PlanKind::Study => "study",
        }
    }

    pub fn parse(s: &str) -> Option<PlanKind> {
        PlanKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Project => "正式项目",
            PlanKind::Preparatory => "预备项目",
            PlanKind::Study => "调研项目",
        }
    }
}

/// Where a proposal stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ProposalStatus))]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Pending,
    Approved,
    Rejected,
}

impl ProposalStatus {
    pub fn parse(s: &str) -> Option<ProposalStatus> {
        match s {
            "pending" => Some(ProposalStatus::Pending),
            "approved" => Some(ProposalStatus::Approved),
            "rejected" => Some(ProposalStatus::Rejected),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "待审核",
            ProposalStatus::Approved => "已公开",
            ProposalStatus::Rejected => "未予公开",
        }
    }
}
