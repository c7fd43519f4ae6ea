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
