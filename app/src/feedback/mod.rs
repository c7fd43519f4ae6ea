//! Adoption feedback: the drafting agency's disposition of each comment (adopted or not, and why).
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// What became of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// The disposition a form or API field names, or a field error.
    pub fn from_field(s: &str) -> Result<Disposition, crate::error::AppError> {
        Disposition::parse(s).ok_or_else(|| {
            crate::error::AppError::field(
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

/// One recorded change of a comment's disposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionChange {
    pub changed_by: String,
    pub changed_at: i64,
    pub old: Option<Disposition>,
    pub new: Disposition,
    pub new_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_disposition_reads_back_and_only_adoption_needs_no_reason() {
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
        assert_eq!(Disposition::parse("maybe"), None);
        let silent: Vec<_> = Disposition::ALL.into_iter().filter(|d| !d.needs_reason()).collect();
        assert_eq!(silent, vec![Disposition::Adopted]);
    }
}
