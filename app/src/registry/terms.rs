//! The registry's vocabulary, with nothing else of the app in it (so the search and the
//! consultations read it without depending on the registry's pages and stores): where a document
//! stands, what a clean-up decides, and how much of a document its page shows.
use serde::{Deserialize, Serialize};

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// 现行有效
    InForce,
    /// 已修改: in force as amended by a later document.
    Amended,
    /// 拟清理: a clean-up is deciding whether to keep, amend, repeal or declare it expired.
    ToCleanUp,
    /// 已废止
    Repealed,
    /// 已失效: past its validity, or declared expired.
    Expired,
}

impl DocStatus {
    pub const ALL: [DocStatus; 5] =
        [DocStatus::InForce, DocStatus::Amended, DocStatus::ToCleanUp, DocStatus::Repealed, DocStatus::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::InForce => "in_force",
            DocStatus::Amended => "amended",
            DocStatus::ToCleanUp => "to_clean_up",
            DocStatus::Repealed => "repealed",
            DocStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<DocStatus> {
        DocStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            DocStatus::InForce => "现行有效",
            DocStatus::Amended => "已修改",
            DocStatus::ToCleanUp => "拟清理",
            DocStatus::Repealed => "已废止",
            DocStatus::Expired => "已失效",
        }
    }

    /// Still binding: in force, as amended or not, including while a clean-up decides.
    pub fn binding(self) -> bool {
        matches!(self, DocStatus::InForce | DocStatus::Amended | DocStatus::ToCleanUp)
    }

    /// The binding statuses as an SQL list, for `status IN {BINDING}`.
    pub const BINDING: &'static str = "('in_force', 'amended', 'to_clean_up')";

    /// Whether a document in this status may be moved to `to`: the one table both the actions
    /// and the buttons offered are derived from. Repealed and expired are final; amending keeps
    /// a document binding; a clean-up ends in keeping (back in force), amending, repealing or
    /// declaring it expired.
    pub fn may_become(self, to: DocStatus) -> bool {
        use DocStatus::*;
        matches!(
            (self, to),
            (InForce | Amended | ToCleanUp, Amended | Repealed | Expired)
                | (InForce | Amended, ToCleanUp)
                | (ToCleanUp, InForce)
        )
    }
}

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
    pub fn status(self) -> Option<DocStatus> {
        match self {
            Decision::Keep => Some(DocStatus::InForce),
            Decision::Amend => None,
            Decision::Repeal => Some(DocStatus::Repealed),
            Decision::Expire => Some(DocStatus::Expired),
        }
    }
}

/// A document's latest versions read for its page (each with the change from the one before).
pub const VERSIONS_SHOWN: i64 = 20;

/// Reviews shown on a document's page, newest first.
pub const SHOWN: i64 = 100;

#[cfg(test)]
mod tests {
    use super::DocStatus::{self, *};

    #[test]
    fn the_sql_list_of_binding_statuses_is_the_binding_statuses() {
        let listed: Vec<String> =
            DocStatus::ALL.into_iter().filter(|s| s.binding()).map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(DocStatus::BINDING, format!("({})", listed.join(", ")));
    }

    #[test]
    fn repealed_and_expired_documents_never_change_again() {
        for to in DocStatus::ALL {
            assert!(!Repealed.may_become(to) && !Expired.may_become(to), "{to:?}");
        }
    }

    #[test]
    fn a_binding_document_can_be_amended_repealed_expired_or_put_to_a_clean_up() {
        for from in [InForce, Amended] {
            for to in [Amended, Repealed, Expired, ToCleanUp] {
                assert!(from.may_become(to), "{from:?} → {to:?}");
            }
            assert!(!from.may_become(InForce), "{from:?} is already in force");
        }
    }

    #[test]
    fn a_clean_up_ends_in_keeping_amending_repealing_or_declaring_expired() {
        for to in [InForce, Amended, Repealed, Expired] {
            assert!(ToCleanUp.may_become(to), "{to:?}");
        }
        assert!(!ToCleanUp.may_become(ToCleanUp));
    }

    #[test]
    fn every_status_reads_back_from_its_stored_form() {
        for s in DocStatus::ALL {
            assert_eq!(DocStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(DocStatus::parse("valid"), None, "an unknown value is not quietly a status");
    }
}
