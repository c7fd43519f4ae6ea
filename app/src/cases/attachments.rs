//! Attachments to cases: accepted by what the bytes are, kept outside the web root, handed back only as downloads.
//!
//! Accepted: PDF; PNG, JPEG, GIF and WebP images; Word, Excel and PowerPoint (OOXML and 97–2003);
//! OpenDocument text and spreadsheets. The kind is read from the content alone; the name the
//! browser sends is kept for display and never decides anything.
//!
//! Decisions worth knowing:
//! - Plain text is refused. The case form already takes text; "is this text?" can only be a
//!   denylist (any UTF-8 passes, scripts included); and Chinese Windows often saves GBK, which
//!   cannot be told from binary, so acceptance would look random to citizens.
//! - 97–2003 Office files are told apart by reading the compound file's directory
//!   (`WordDocument`, `Workbook`/`Book`, `PowerPoint Document`). A compound file with none of
//!   them — an MSI installer, an Outlook message — is refused rather than accepted as "Office".
//! - Documents carrying VBA macros (and password-protected OOXML) are refused with their own
//!   message: officials open these files on office PCs. The check sees the usual macro
//!   containers only; it is a courtesy, not a guarantee — nothing is ever opened on the server.
//! - A download is always `attachment`, with `nosniff`, a sandboxing CSP, and a file name whose
//!   extension is that of the sniffed kind (`说明.js` holding a PDF is saved as `说明.js.pdf`).
use super::files::FileKind;
use super::sniff::{classify, Refusal};
use crate::error::{AppError, FieldError};

/// Largest single attachment.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most attachments on one filing.
pub const MAX_FILES: usize = 5;
/// Largest total of one filing's attachments.
pub const MAX_TOTAL_BYTES: usize = 30 * 1024 * 1024;
/// Longest original name kept, in characters.
const MAX_NAME_CHARS: usize = 100;
const FIELD: &str = "attachments";
const MIB: usize = 1024 * 1024;

/// Check one attachment, with a message naming it if it is refused.
pub fn check(name: &str, bytes: &[u8]) -> Result<FileKind, AppError> {
    check_file(name, bytes, MAX_FILE_BYTES, FIELD)
}

/// Check one file of at most `max_bytes` by its content, the message (on `field`) naming it if it
/// is refused; a photo is refused when its metadata cannot be removed with certainty.
pub fn check_file(name: &str, bytes: &[u8], max_bytes: usize, field: &str) -> Result<FileKind, AppError> {
    let shown = sanitise_name(name);
    let refuse = |message: String| AppError::field(field, &message);
    if bytes.is_empty() {
        return Err(refuse(format!("“{shown}”是空文件，未能接收")));
    }
    if bytes.len() > max_bytes {
        return Err(refuse(format!("“{shown}”超过{}MB，未能接收", max_bytes / MIB)));
    }
    let kind = classify(bytes).map_err(|why| {
        refuse(match why {
            Refusal::Unrecognised => format!("“{shown}”不是PDF、图片（JPG、PNG、GIF、WebP）或Office文档，未能接收"),
            Refusal::Macros => format!("“{shown}”含有宏，未能接收，请另存为不含宏的文档后再上传"),
            Refusal::Encrypted => format!("“{shown}”设有密码，未能接收，请去掉密码后再上传"),
        })
    })?;
    // Fails closed: a photo whose place, time and device cannot be removed with certainty is refused.
    strip_metadata(kind, bytes).map_err(|_| {
        refuse(format!(
            "“{shown}”的图片结构无法完全识别，不能确认已去除其中的拍摄位置、时间和设备信息，未能接收；请截图或另存为后再上传"
        ))
    })?;
    Ok(kind)
}

/// Check a filing's attachments: the count, each file, and the total; every problem is reported.
pub fn check_all(files: &[(String, Vec<u8>)]) -> Result<Vec<FileKind>, AppError> {
    if files.len() > MAX_FILES {
        let message = format!("附件最多{MAX_FILES}个，本次选择了{}个", files.len());
        return Err(AppError::field(FIELD, &message));
    }
    let mut kinds = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for (name, bytes) in files {
        match check(name, bytes) {
            Ok(kind) => kinds.push(kind),
            Err(e) => problems.extend(e.field_errors()),
        }
    }
    let total: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    if total > MAX_TOTAL_BYTES {
        let message = format!("附件合计不能超过{}MB，本次共{:.1}MB", MAX_TOTAL_BYTES / MIB, total as f64 / MIB as f64);
        problems.push(FieldError { field: FIELD.into(), message });
    }
    if problems.is_empty() {
        Ok(kinds)
    } else {
        Err(AppError::Invalid(problems))
    }
}

// ---- Names and downloads ----

/// The original name made safe to show: no path, no control or direction-changing characters, capped.
pub fn sanitise_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let invisible = |c: char| c.is_control() || crate::text::invisible(c);
    let cleaned: String = base
        .chars()
        .filter(|c| !invisible(*c))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return "附件".into();
    }
    if cleaned.chars().count() <= MAX_NAME_CHARS {
        return cleaned.into();
    }
    match cleaned.rsplit_once('.') {
        Some((stem, ext)) if (1..=10).contains(&ext.chars().count()) => {
            let keep = MAX_NAME_CHARS - ext.chars().count() - 2;
            format!("{}….{ext}", stem.chars().take(keep).collect::<String>())
        }
        _ => format!("{}…", cleaned.chars().take(MAX_NAME_CHARS - 1).collect::<String>()),
    }
}

/// Response headers for downloading an attachment: always a download, never rendered.
pub fn download_headers(kind: FileKind, name: &str) -> Vec<(&'static str, String)> {
    let file = download_name(kind, name);
    let disposition =
        format!("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii_fallback(kind, &file), percent_encode(&file));
    vec![
        ("Content-Type", kind.mime().to_owned()),
        ("Content-Disposition", disposition),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        ("Content-Security-Policy", "sandbox; default-src 'none'".to_owned()),
        ("Cache-Control", "private, no-store".to_owned()),
        ("Cross-Origin-Resource-Policy", "same-origin".to_owned()),
    ]
}

/// The sanitised name, ending in an extension of the sniffed kind so it opens in the right program.
fn download_name(kind: FileKind, name: &str) -> String {
    // A title may hold a slash ("2025/2026年度"): its parts kept, joined, not read as folders to
    // drop; parts that are only dots ("..") name nothing.
    let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.trim().trim_matches('.').is_empty()).collect();
    let name = sanitise_name(&parts.join("_"));
    let ext = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    if ext.is_some_and(|ext| kind.extensions().contains(&ext.as_str())) {
        name
    } else {
        format!("{name}.{}", kind.extension())
    }
}

/// `filename=` for clients without RFC 5987: ASCII letters kept, the rest replaced.
fn ascii_fallback(kind: FileKind, file: &str) -> String {
    let safe: String =
        file.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.() ".contains(c) { c } else { '_' }).collect();
    let stem = safe.rsplit_once('.').map_or(safe.as_str(), |(stem, _)| stem);
    if stem.chars().any(|c| c.is_ascii_alphanumeric()) {
        safe
    } else {
        format!("attachment.{}", kind.extension())
    }
}

/// Everything but RFC 5987's `attr-char`s.
const NOT_ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// RFC 5987 `attr-char` percent-encoding of UTF-8.
fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, NOT_ATTR_CHAR).to_string()
}

/// An image without its metadata (see `scrub`): `Err` when it cannot be cleaned with certainty,
/// in which case it is refused, never stored as it came. Documents are returned unchanged (the
/// filing form says their author fields stay).
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, super::scrub::Unclear> {
    super::scrub::scrub(kind, bytes)
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
