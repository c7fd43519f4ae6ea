//! A consultation's attachments (起草说明, 对照表, other material): what they are and their limits.
//! The files are the agency's public documents, published as uploaded (see the README); the kind
//! of each file is read from its bytes by the same sniffer as case attachments. A leaf: the
//! consultation, its store and its pages build on it.
use serde::{Deserialize, Serialize};

/// Largest single file an agency attaches.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Most files on one consultation.
pub const MAX_FILES: usize = 20;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// What an attachment is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 起草说明
    Explanation,
    /// 对照表 (old and new text side by side)
    Comparison,
    /// 其他材料
    Other,
}

impl AttachmentKind {
    /// All kinds, in the order the form lists them.
    pub const ALL: [AttachmentKind; 3] =
        [AttachmentKind::Explanation, AttachmentKind::Comparison, AttachmentKind::Other];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Explanation => "explanation",
            AttachmentKind::Comparison => "comparison",
            AttachmentKind::Other => "other",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<AttachmentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Explanation => "起草说明",
            AttachmentKind::Comparison => "对照表",
            AttachmentKind::Other => "其他材料",
        }
    }
}

/// One attached file, as the public sees it listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// The file's handle (random); its download is at `url`.
    pub id: String,
    pub kind: AttachmentKind,
    pub title: String,
    /// What the file is, as read from its bytes ("PDF文档").
    pub file_type: String,
    /// The file's extension ("pdf").
    pub extension: String,
    pub size: i64,
    /// When it was attached (UTC seconds).
    pub added_at: i64,
    /// Attached after the consultation was published: shown as added then.
    pub added_after_publication: bool,
    /// Where it is downloaded: `/consultations/{id}/files/{file}`.
    pub url: String,
    /// The name the file was uploaded under (made safe): for its agency's staff only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_as: Option<String>,
}

/// A size as people read it: "1.2 MB", "35 KB".
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attachment_kind_is_stored_and_read_back_as_itself_and_unknown_ones_are_not_guessed() {
        for k in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(k.as_str()), Some(k));
        }
        let labels: std::collections::HashSet<_> = AttachmentKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(labels.len(), AttachmentKind::ALL.len());
        assert_eq!(AttachmentKind::parse("Explanation"), None);
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(35 * 1024), "35 KB");
        assert_eq!(human_size(1024 * 1024 + 200 * 1024), "1.2 MB");
    }
}
