//! Files an agency publishes beside what it publishes: a consultation's 起草说明 and 对照表, a
//! registered document's annexes and 政策解读. What they are, their limits, and the shelves they sit
//! on (`Shelf`: which table, whose, at which address). The files are the agency's public documents,
//! published as uploaded (see the README); the kind of each file is read from its bytes by the same
//! sniffer as case attachments. A leaf: the consultations and the registry build on it.
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

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
    /// 附件 of a registered document (a form, a list, a catalogue it names as part of itself)
    Annex,
    /// 政策解读 (the issuing body's reading of a document for the public)
    Interpretation,
}

impl AttachmentKind {
    /// All kinds, in the order the form lists them.
    pub const ALL: [AttachmentKind; 5] = [
        AttachmentKind::Explanation,
        AttachmentKind::Comparison,
        AttachmentKind::Other,
        AttachmentKind::Annex,
        AttachmentKind::Interpretation,
    ];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Explanation => "explanation",
            AttachmentKind::Comparison => "comparison",
            AttachmentKind::Other => "other",
            AttachmentKind::Annex => "annex",
            AttachmentKind::Interpretation => "interpretation",
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
            AttachmentKind::Annex => "附件",
            AttachmentKind::Interpretation => "政策解读",
        }
    }
}

/// Where files of one kind of owner are kept and how they are shown. The statements are fixed
/// text (never built from input); `$1` is the owner's id, `$2` the staff member's agency.
#[derive(Debug)]
pub struct Shelf {
    /// The files' table, with the owner's id in column `owner`.
    pub table: &'static str,
    pub owner: &'static str,
    /// The owner's page: a file is downloaded at `{base}/{id}/files/{file}`.
    pub base: &'static str,
    /// The owner's page for its agency's staff to add files: `{staff_base}/{id}/files`.
    pub staff_base: &'static str,
    /// The kinds offered, in the order the form lists them.
    pub kinds: &'static [AttachmentKind],
    /// `published, withdrawn` (1 or 0) of owner `$1` if it is agency `$2`'s, and the moment after
    /// which a file added is shown as added later (NULL: not yet).
    pub own_sql: &'static str,
    /// `agency_id, published` (1 or 0) of owner `$1`: who may see it.
    pub seen_sql: &'static str,
    /// What one owner is called in messages ("每项征求意见", "每份文件").
    pub each: &'static str,
    /// Why a withdrawn owner takes no more files.
    pub closed: &'static str,
    /// What the agency's page says once files can no longer be removed.
    pub kept: &'static str,
    /// For logs, and the search's name of the owner (its attachments' titles are found with it).
    pub what: &'static str,
}

impl Shelf {
    /// Where a file of owner `id` is downloaded.
    pub fn file_url(&self, id: i64, file: &str) -> String {
        format!("{}/{id}/files/{file}", self.base)
    }

    /// The page where the owner's agency adds files.
    pub fn staff_page(&self, id: i64) -> String {
        format!("{}/{id}/files", self.staff_base)
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
    /// Attached after its owner was published: shown as added then.
    pub added_after_publication: bool,
    /// Where it is downloaded: `/consultations/{id}/files/{file}`, `/documents/{id}/files/{file}`.
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
