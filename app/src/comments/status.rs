//! The two states a comment carries: whether it is published (moderation) and what became of it
//! (the drafting agency's disposition). Here, below both features, because comments, adoption
//! feedback and search all read them.
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Moderation state of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Pending,
    Approved,
    Rejected,
}

impl CommentStatus {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<CommentStatus> {
        [CommentStatus::Pending, CommentStatus::Approved, CommentStatus::Rejected].into_iter().find(|c| c.as_str() == s)
    }

    /// The stored form read back; text no variant names is an error, not a quiet "pending".
    pub fn stored(s: &str) -> Result<CommentStatus, AppError> {
        AppError::stored(CommentStatus::parse(s), "comment status", s)
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            CommentStatus::Pending => "待审核",
            CommentStatus::Approved => "已公开",
            CommentStatus::Rejected => "未予公开",
        }
    }
}

/// What became of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Adopted,
    PartlyAdopted,
    NotAdopted,
    AlreadyProvided,
    OutOfScope,
}

impl Disposition {
    pub const ALL: [Disposition; 5] = [
        Disposition::Adopted,
        Disposition::PartlyAdopted,
        Disposition::NotAdopted,
        Disposition::AlreadyProvided,
        Disposition::OutOfScope,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Adopted => "adopted",
            Disposition::PartlyAdopted => "partly_adopted",
            Disposition::NotAdopted => "not_adopted",
            Disposition::AlreadyProvided => "already_provided",
            Disposition::OutOfScope => "out_of_scope",
        }
    }

    pub fn parse(s: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// A stored disposition read back (none: not answered yet); text no variant names is an error.
    pub fn stored(s: Option<&str>) -> Result<Option<Disposition>, AppError> {
        s.map(|s| AppError::stored(Disposition::parse(s), "disposition", s)).transpose()
    }

    /// The disposition a form or API field names, or a field error.
    pub fn from_field(s: &str) -> Result<Disposition, AppError> {
        Disposition::parse(s).ok_or_else(|| {
            AppError::field(
                "disposition",
                "请选择采纳情况（adopted、partly_adopted、not_adopted、already_provided 或 out_of_scope）",
            )
        })
    }

    /// The label used on pages and in the report.
    pub fn label(self) -> &'static str {
        match self {
            Disposition::Adopted => "采纳",
            Disposition::PartlyAdopted => "部分采纳",
            Disposition::NotAdopted => "未采纳",
            Disposition::AlreadyProvided => "草案已有规定",
            Disposition::OutOfScope => "不属于草案内容",
        }
    }

    /// Every disposition but "adopted" must say why.
    pub fn needs_reason(self) -> bool {
        self != Disposition::Adopted
    }
}

/// Where a published comment stands in the agency's answering, as its author is told it. Decided
/// in one place ([`AnswerStatus::of`]) for the receipt, 我的意见 and the API alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// The adoption report is not published yet.
    Awaiting,
    /// Answered one by one in the published report (see `disposition`).
    Answered,
    /// The report is published without an answer to this comment; the report's reason says why.
    Unanswered,
}

impl AnswerStatus {
    /// What to tell the author of a comment in `status`, its report published or not, with the
    /// agency's answer if any. None for a comment not published (pending or rejected): moderation
    /// is what its author is told about.
    pub fn of(status: CommentStatus, report_published: bool, disposition: Option<Disposition>) -> Option<AnswerStatus> {
        match (status, report_published, disposition) {
            (CommentStatus::Pending | CommentStatus::Rejected, _, _) => None,
            (CommentStatus::Approved, false, _) => Some(AnswerStatus::Awaiting),
            (CommentStatus::Approved, true, Some(_)) => Some(AnswerStatus::Answered),
            (CommentStatus::Approved, true, None) => Some(AnswerStatus::Unanswered),
        }
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AnswerStatus::Awaiting => "待答复",
            AnswerStatus::Answered => "已答复",
            AnswerStatus::Unanswered => "已发布采纳情况说明（未逐条答复）",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AnswerStatus, CommentStatus, Disposition};

    #[test]
    fn a_commenter_is_told_answered_only_when_the_published_report_answers_the_comment() {
        use AnswerStatus::*;
        use CommentStatus::*;
        let answer = Some(Disposition::NotAdopted);
        let table = [
            (Pending, false, None, None),
            (Pending, true, None, None),
            (Rejected, true, None, None),
            (Approved, false, None, Some(Awaiting)),
            (Approved, false, answer, Some(Awaiting)),
            (Approved, true, answer, Some(Answered)),
            (Approved, true, None, Some(Unanswered)),
        ];
        for (status, published, disposition, told) in table {
            assert_eq!(
                AnswerStatus::of(status, published, disposition),
                told,
                "{status:?} {published} {disposition:?}"
            );
        }
        assert!(!Unanswered.label().contains("已有答复") && Unanswered.label().contains("未逐条答复"));
    }
}
