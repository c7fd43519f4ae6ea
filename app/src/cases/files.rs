//! What an attachment is (`FileKind`), and the little-endian readers the sniffer uses. A leaf:
//! the sniffer, the photo cleaner and the storage all build on it, and it on nothing.

/// What an attachment is, as read from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Docx,
    Xlsx,
    Pptx,
    Doc,
    Xls,
    Ppt,
    Odt,
    Ods,
}

use FileKind::*;

impl FileKind {
    /// Every kind, in the order offered to users.
    pub const ALL: [FileKind; 13] = [Pdf, Png, Jpeg, Gif, Webp, Docx, Xlsx, Pptx, Doc, Xls, Ppt, Odt, Ods];

    /// (stored code, Content-Type, Chinese label, extensions with the canonical one first)
    fn info(self) -> (&'static str, &'static str, &'static str, &'static [&'static str]) {
        match self {
            Pdf => ("pdf", "application/pdf", "PDF文档", &["pdf"]),
            Png => ("png", "image/png", "PNG图片", &["png"]),
            Jpeg => ("jpeg", "image/jpeg", "JPEG图片", &["jpg", "jpeg"]),
            Gif => ("gif", "image/gif", "GIF图片", &["gif"]),
            Webp => ("webp", "image/webp", "WebP图片", &["webp"]),
            Docx => (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Word文档",
                &["docx"],
            ),
            Xlsx => {
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel表格", &["xlsx"])
            }
            Pptx => (
                "pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "PowerPoint演示文稿",
                &["pptx"],
            ),
            Doc => ("doc", "application/msword", "Word 97-2003文档", &["doc"]),
            Xls => ("xls", "application/vnd.ms-excel", "Excel 97-2003表格", &["xls"]),
            Ppt => ("ppt", "application/vnd.ms-powerpoint", "PowerPoint 97-2003演示文稿", &["ppt"]),
            Odt => ("odt", "application/vnd.oasis.opendocument.text", "OpenDocument文本", &["odt"]),
            Ods => ("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument表格", &["ods"]),
        }
    }

    /// Code stored in the database.
    pub fn as_str(self) -> &'static str {
        self.info().0
    }

    /// The kind for a stored code.
    pub fn parse(code: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// Content-Type to serve it with.
    pub fn mime(self) -> &'static str {
        self.info().1
    }

    /// Canonical file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.info().3[0]
    }

    /// Extensions a name may already carry for this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        self.info().3
    }

    /// Chinese name of the kind, for messages and lists.
    pub fn label(self) -> &'static str {
        self.info().2
    }
}

/// `len` bytes of `b` from `at`, if there are that many.
pub(crate) fn slice(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

/// The little-endian `u16` at `at`, if it is there.
pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(slice(b, at, 2)?.try_into().ok()?))
}

/// The little-endian `u32` at `at`, if it is there.
pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(slice(b, at, 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_picker_offers_every_kind_that_is_accepted_and_no_other() {
        let offered: Vec<&str> = crate::cases::ACCEPTED_FILES.split(',').collect();
        let accepted: Vec<String> =
            FileKind::ALL.iter().flat_map(|k| k.extensions().iter().map(|e| format!(".{e}"))).collect();
        assert_eq!(offered.len(), accepted.len(), "{offered:?} against {accepted:?}");
        assert!(accepted.iter().all(|e| offered.contains(&e.as_str())), "{offered:?} against {accepted:?}");
    }
}
