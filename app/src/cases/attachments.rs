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
use crate::accounts::store::to_hex;
use crate::error::{AppError, FieldError};
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::Path;

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

/// Why content was refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Unrecognised,
    Macros,
    Encrypted,
}

/// The kind of an attachment, from its content only; `None` for anything not accepted.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    classify(bytes).ok()
}

fn classify(b: &[u8]) -> Result<FileKind, Refusal> {
    const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if b.starts_with(b"%PDF-") {
        Ok(Pdf)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Png)
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Jpeg)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Ok(Gif)
    } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        Ok(Webp)
    } else if b.starts_with(b"PK\x03\x04") {
        zip_kind(b)
    } else if b.starts_with(OLE_MAGIC) {
        ole_kind(b)
    } else {
        Err(Refusal::Unrecognised)
    }
}

/// Check one attachment, with a message naming it if it is refused.
pub fn check(name: &str, bytes: &[u8]) -> Result<FileKind, AppError> {
    let shown = sanitise_name(name);
    let refuse = |message: String| AppError::field(FIELD, &message);
    if bytes.is_empty() {
        return Err(refuse(format!("“{shown}”是空文件，未能接收")));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refuse(format!("“{shown}”超过{}MB，未能接收", MAX_FILE_BYTES / MIB)));
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

// ---- ZIP (OOXML, OpenDocument) ----

/// One central-directory entry of a ZIP file.
struct ZipEntry<'a> {
    name: &'a [u8],
    method: u16,
    size: usize,
    offset: usize,
}

fn zip_kind(b: &[u8]) -> Result<FileKind, Refusal> {
    let entries = zip_entries(b).ok_or(Refusal::Unrecognised)?;
    let has = |pred: &dyn Fn(&[u8]) -> bool| entries.iter().any(|e| pred(e.name));
    if let Some(kind) = odf_kind(b, &entries) {
        let is_script = |n: &[u8]| {
            let file = !n.ends_with(b"/") && !n.ends_with(b"/script-lc.xml") && !n.ends_with(b"/script-lb.xml");
            file && (n.starts_with(b"Basic/") || n.starts_with(b"Scripts/"))
        };
        return if has(&is_script) { Err(Refusal::Macros) } else { Ok(kind) };
    }
    if !has(&|n| n == b"[Content_Types].xml") {
        return Err(Refusal::Unrecognised);
    }
    let parts: [(&[u8], FileKind); 3] = [(b"word/", Docx), (b"xl/", Xlsx), (b"ppt/", Pptx)];
    let found: Vec<FileKind> = parts.iter().filter(|(p, _)| has(&|n| n.starts_with(p))).map(|(_, k)| *k).collect();
    let [kind] = found[..] else { return Err(Refusal::Unrecognised) };
    let is_macro =
        |n: &[u8]| n.to_ascii_lowercase().ends_with(b"vbaproject.bin") || n.windows(12).any(|w| w == b"macrosheets/");
    if has(&is_macro) {
        return Err(Refusal::Macros);
    }
    Ok(kind)
}

/// OpenDocument: the first entry is an uncompressed `mimetype` naming the document type.
fn odf_kind(b: &[u8], entries: &[ZipEntry]) -> Option<FileKind> {
    let first = entries.iter().find(|e| e.offset == 0)?;
    let local_name_len = usize::from(u16_at(b, 26)?);
    if first.name != b"mimetype" || first.method != 0 || slice(b, 30, local_name_len)? != b"mimetype" {
        return None;
    }
    if !entries.iter().any(|e| e.name == b"content.xml") {
        return None;
    }
    let data_at = 30 + local_name_len + usize::from(u16_at(b, 28)?);
    match slice(b, data_at, first.size)? {
        b"application/vnd.oasis.opendocument.text" => Some(Odt),
        b"application/vnd.oasis.opendocument.spreadsheet" => Some(Ods),
        _ => None,
    }
}

/// The central directory's entries; `None` for anything malformed, multi-disk or ZIP64.
fn zip_entries(b: &[u8]) -> Option<Vec<ZipEntry<'_>>> {
    let eocd = find_eocd(b)?;
    if u16_at(b, eocd + 4)? != 0 || u16_at(b, eocd + 6)? != 0 {
        return None;
    }
    let count = usize::from(u16_at(b, eocd + 10)?);
    let size = u32_at(b, eocd + 12)? as usize;
    let mut at = u32_at(b, eocd + 16)? as usize;
    if at.checked_add(size)? > eocd {
        return None;
    }
    let mut entries = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if u32_at(b, at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = usize::from(u16_at(b, at + 28)?);
        let rest = usize::from(u16_at(b, at + 30)?) + usize::from(u16_at(b, at + 32)?);
        entries.push(ZipEntry {
            name: slice(b, at + 46, name_len)?,
            method: u16_at(b, at + 10)?,
            size: u32_at(b, at + 20)? as usize,
            offset: u32_at(b, at + 42)? as usize,
        });
        at += 46 + name_len + rest;
    }
    (at <= eocd).then_some(entries)
}

/// The end-of-central-directory record: the last one whose comment ends exactly at the end.
fn find_eocd(b: &[u8]) -> Option<usize> {
    let last = b.len().checked_sub(22)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        u32_at(b, at) == Some(0x0605_4b50) && u16_at(b, at + 20).map(|c| at + 22 + usize::from(c)) == Some(b.len())
    })
}

// ---- OLE compound files (Office 97–2003) ----

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE_SECTOR: u32 = 0xFFFF_FFFF;

fn ole_kind(b: &[u8]) -> Result<FileKind, Refusal> {
    let names = ole_names(b).ok_or(Refusal::Unrecognised)?;
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("EncryptedPackage") {
        return Err(Refusal::Encrypted);
    }
    let kind = if has("WordDocument") {
        Doc
    } else if has("Workbook") || has("Book") {
        Xls
    } else if has("PowerPoint Document") {
        Ppt
    } else {
        return Err(Refusal::Unrecognised);
    };
    if has("Macros") || has("_VBA_PROJECT_CUR") || has("VBA") {
        return Err(Refusal::Macros);
    }
    Ok(kind)
}

/// Names of every entry in the compound file's directory, following its sector chain.
fn ole_names(b: &[u8]) -> Option<Vec<String>> {
    let shift = u16_at(b, 0x1E)?;
    if b.len() < 512 || u16_at(b, 0x1C)? != 0xFFFE || !(shift == 9 || shift == 12) {
        return None;
    }
    let ss = 1usize << shift;
    let fat = ole_fat_sectors(b, ss)?;
    let mut names = Vec::new();
    let mut sector = u32_at(b, 0x30)?;
    // A chain longer than the file has sectors is a loop.
    for _ in 0..=b.len() / ss {
        if sector == END_OF_CHAIN {
            return Some(names);
        }
        for entry in ole_sector(b, ss, sector)?.chunks_exact(128) {
            let len = usize::from(u16_at(entry, 0x40)?);
            if entry[0x42] != 0 && (2..=64).contains(&len) && len % 2 == 0 {
                let units: Vec<u16> =
                    entry[..len - 2].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                names.push(String::from_utf16_lossy(&units));
            }
        }
        sector = ole_next(b, ss, &fat, sector)?;
    }
    None
}

/// The sectors holding the allocation table: 109 listed in the header, the rest in the DIFAT chain.
fn ole_fat_sectors(b: &[u8], ss: usize) -> Option<Vec<u32>> {
    let count = u32_at(b, 0x2C)? as usize;
    if count > b.len() / ss + 1 {
        return None;
    }
    let mut fat: Vec<u32> = (0..count.min(109)).map(|i| u32_at(b, 0x4C + 4 * i)).collect::<Option<_>>()?;
    let per = ss / 4 - 1;
    let mut difat = u32_at(b, 0x44)?;
    for _ in 0..=b.len() / ss {
        if fat.len() >= count || difat == END_OF_CHAIN || difat == FREE_SECTOR {
            break;
        }
        let sector = ole_sector(b, ss, difat)?;
        fat.extend((0..per).map(|i| u32_at(sector, 4 * i)).collect::<Option<Vec<_>>>()?);
        difat = u32_at(sector, 4 * per)?;
    }
    if fat.len() < count {
        return None;
    }
    fat.truncate(count);
    Some(fat)
}

fn ole_sector(b: &[u8], ss: usize, sector: u32) -> Option<&[u8]> {
    slice(b, (sector as usize).checked_add(1)?.checked_mul(ss)?, ss)
}

fn ole_next(b: &[u8], ss: usize, fat: &[u32], sector: u32) -> Option<u32> {
    let per = ss / 4;
    let fat_sector = *fat.get(sector as usize / per)?;
    u32_at(ole_sector(b, ss, fat_sector)?, sector as usize % per * 4)
}

fn slice(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(slice(b, at, 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(slice(b, at, 4)?.try_into().ok()?))
}

// ---- Names and downloads ----

/// The original name made safe to show: no path, no control or direction-changing characters, capped.
pub fn sanitise_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
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
    let name = sanitise_name(name);
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

/// RFC 5987 `attr-char` percent-encoding of UTF-8.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---- Storage ----

/// An attachment written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// 32 random lowercase hex characters; the only handle to the file.
    pub id: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    /// The sanitised original name, for display only.
    pub name: String,
}

/// Write an attachment under `dir` (which must be outside the web root); durable when this returns.
///
/// Refuses (`InvalidInput`) anything [`check`] would refuse, so nothing unchecked reaches the disk.
pub async fn store(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<Stored> {
    let kind = match classify(bytes) {
        Ok(kind) if !bytes.is_empty() && bytes.len() <= MAX_FILE_BYTES => kind,
        _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, "not an acceptable attachment")),
    };
    let id = new_id();
    // Photos often carry where and when they were taken, and by which device: dropped, so a
    // reporter is not identified by the file itself.
    let owned = strip_metadata(kind, bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a photo whose metadata cannot be removed"))?;
    let size = owned.len() as u64;
    let (dir, file_id) = (dir.to_path_buf(), id.clone());
    let sha256 = tokio::task::spawn_blocking(move || {
        write_durably(&dir, &file_id, &owned)?;
        Ok::<_, io::Error>(to_hex(&Sha256::digest(&owned)))
    })
    .await
    .map_err(io::Error::other)??;
    Ok(Stored { id, kind, size, sha256, name: sanitise_name(name) })
}

/// An image without its metadata (see `scrub`): `Err` when it cannot be cleaned with certainty,
/// in which case it is refused, never stored as it came. Documents are returned unchanged (the
/// filing form says their author fields stay).
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, super::scrub::Unclear> {
    super::scrub::scrub(kind, bytes)
}

/// Remove a stored attachment (one written for a filing that then failed); a missing file is fine.
pub fn discard(dir: &Path, id: &str) {
    if is_id(id) {
        let _ = std::fs::remove_file(dir.join(&id[..2]).join(id));
    }
}

/// Read a stored attachment; ids that are not exactly 32 lowercase hex characters are refused.
pub async fn read(dir: &Path, id: &str) -> io::Result<Vec<u8>> {
    if !is_id(id) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "malformed attachment id"));
    }
    tokio::fs::read(dir.join(&id[..2]).join(id)).await
}

fn is_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn new_id() -> String {
    crate::accounts::store::random_hex(16)
}

/// Temp file in the same directory, fsync, rename, fsync the directory; nothing half-written remains.
fn write_durably(dir: &Path, id: &str, bytes: &[u8]) -> io::Result<()> {
    let shard = dir.join(&id[..2]);
    if !shard.is_dir() {
        create_private_dir(&shard)?;
        sync_dir(dir)?;
    }
    let (tmp, path) = (shard.join(format!(".{id}.tmp")), shard.join(id));
    let result =
        write_new_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path)).and_then(|()| sync_dir(&shard));
    if result.is_err() {
        // Best effort: the caller records nothing, so no leftover may look stored.
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&path);
    }
    result
}

fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn photos_lose_where_and_when_they_were_taken_but_keep_their_pixels() {
        // SOI, JFIF APP0, EXIF APP1 with a GPS note, a comment, a quantisation table, then the scan.
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend([0xFF, 0xE0, 0x00, 0x10]);
        jpeg.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif = b"Exif\0\0GPS 31.2304N 121.4737E";
        jpeg.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
        jpeg.extend(exif);
        jpeg.extend([0xFF, 0xFE, 0x00, 0x07]);
        jpeg.extend(b"phone");
        jpeg.extend([0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]);
        jpeg.extend([0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        let clean = strip_metadata(FileKind::Jpeg, &jpeg).unwrap();
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("GPS") && !text.contains("phone"));
        assert!(text.contains("JFIF"));
        assert!(clean.ends_with(&[0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]));
        assert_eq!(sniff(&clean), Some(FileKind::Jpeg));

        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend(kind);
            c.extend(data);
            c.extend([0, 0, 0, 0]);
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(chunk(b"tEXt", b"Author\0Zhang San"));
        png.extend(chunk(b"IDAT", &[1, 2, 3]));
        png.extend(chunk(b"IEND", &[]));
        let clean = strip_metadata(FileKind::Png, &png).unwrap();
        assert!(!String::from_utf8_lossy(&clean).contains("Zhang San"));
        assert!(clean.windows(4).any(|w| w == b"IDAT") && clean.windows(4).any(|w| w == b"IEND"));
        // Something that does not parse is refused, never kept as it came.
        assert!(strip_metadata(FileKind::Jpeg, &[0xFF, 0xD8, 0x00]).is_err());
    }

    use super::*;

    /// A ZIP of stored entries, written by hand: local headers, central directory, end record.
    pub(super) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, data) in entries {
            let (offset, len, name_len) = (out.len() as u32, data.len() as u32, name.len() as u16);
            out.extend(0x0403_4b50u32.to_le_bytes());
            out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method, time, date, crc
            out.extend([len.to_le_bytes(), len.to_le_bytes()].concat());
            out.extend([name_len.to_le_bytes(), [0, 0]].concat());
            out.extend(name.as_bytes());
            out.extend(*data);
            central.extend(0x0201_4b50u32.to_le_bytes());
            central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // made by .. date, crc
            central.extend([len.to_le_bytes(), len.to_le_bytes()].concat());
            central.extend([name_len.to_le_bytes(), [0; 2], [0; 2], [0; 2], [0; 2]].concat());
            central.extend([[0; 4], offset.to_le_bytes()].concat());
            central.extend(name.as_bytes());
        }
        let (cd_offset, cd_size, count) = (out.len() as u32, central.len() as u32, entries.len() as u16);
        out.extend(central);
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend([[0; 2], [0; 2], count.to_le_bytes(), count.to_le_bytes()].concat());
        out.extend([cd_size.to_le_bytes(), cd_offset.to_le_bytes()].concat());
        out.extend([0, 0]);
        out
    }

    fn ooxml(part: &str) -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b""), (part, b"")])
    }

    fn odf(mimetype: &str) -> Vec<u8> {
        zip(&[("mimetype", mimetype.as_bytes()), ("content.xml", b""), ("META-INF/manifest.xml", b"")])
    }

    /// A 512-byte-sector compound file: header, one FAT sector, one directory sector (root + streams).
    fn ole(streams: &[&str]) -> Vec<u8> {
        assert!(streams.len() <= 3, "one directory sector holds four entries");
        let mut out = vec![0u8; 512 * 3];
        let put16 = |out: &mut Vec<u8>, at: usize, v: u16| out[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 = |out: &mut Vec<u8>, at: usize, v: u32| out[at..at + 4].copy_from_slice(&v.to_le_bytes());
        out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        for (at, v) in [(0x18, 0x3E), (0x1A, 3), (0x1C, 0xFFFE), (0x1E, 9), (0x20, 6)] {
            put16(&mut out, at, v);
        }
        for i in 0..109 {
            put32(&mut out, 0x4C + 4 * i, FREE_SECTOR);
        }
        for i in 0..128 {
            put32(&mut out, 512 + 4 * i, FREE_SECTOR);
        }
        let header = [(0x2C, 1), (0x30, 1), (0x3C, END_OF_CHAIN), (0x44, END_OF_CHAIN), (0x4C, 0)];
        for (at, v) in header.into_iter().chain([(512, 0xFFFF_FFFD), (516, END_OF_CHAIN)]) {
            put32(&mut out, at, v);
        }
        let entries = std::iter::once(("Root Entry", 5)).chain(streams.iter().map(|s| (*s, 2)));
        for (i, (name, object_type)) in entries.enumerate() {
            let at = 1024 + 128 * i;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (j, unit) in units.iter().enumerate() {
                put16(&mut out, at + 2 * j, *unit);
            }
            put16(&mut out, at + 0x40, (units.len() * 2 + 2) as u16);
            out[at + 0x42] = object_type;
        }
        out
    }

    fn message(result: Result<impl std::fmt::Debug, AppError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn pdf_and_images_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Some(Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Some(Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(Gif));
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0"), Some(Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(Webp));
        assert_eq!(sniff(b"RIFF\x24\0\0\0AVI LIST"), None, "other RIFF files are not WebP");
    }

    #[test]
    fn word_excel_and_powerpoint_are_recognised_from_the_zip_directory() {
        assert_eq!(sniff(&ooxml("word/document.xml")), Some(Docx));
        assert_eq!(sniff(&ooxml("xl/workbook.xml")), Some(Xlsx));
        assert_eq!(sniff(&ooxml("ppt/presentation.xml")), Some(Pptx));
    }

    #[test]
    fn opendocument_text_and_spreadsheets_are_recognised_from_their_mimetype_entry() {
        assert_eq!(sniff(&odf("application/vnd.oasis.opendocument.text")), Some(Odt));
        assert_eq!(sniff(&odf("application/vnd.oasis.opendocument.spreadsheet")), Some(Ods));
        assert_eq!(sniff(&odf("application/vnd.oasis.opendocument.graphics")), None);
        let mimetype_not_first = zip(&[("content.xml", b""), ("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert_eq!(sniff(&mimetype_not_first), None);
    }

    #[test]
    fn office_97_to_2003_files_are_told_apart_by_their_streams() {
        assert_eq!(sniff(&ole(&["WordDocument", "1Table"])), Some(Doc));
        assert_eq!(sniff(&ole(&["Workbook"])), Some(Xls));
        assert_eq!(sniff(&ole(&["Book"])), Some(Xls));
        assert_eq!(sniff(&ole(&["PowerPoint Document", "Current User"])), Some(Ppt));
    }

    #[test]
    fn html_named_pdf_is_refused_with_a_chinese_message_naming_it() {
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert_eq!(sniff(html), None);
        assert_eq!(
            message(check("说明.pdf", html)),
            "“说明.pdf”不是PDF、图片（JPG、PNG、GIF、WebP）或Office文档，未能接收"
        );
        assert_eq!(sniff(b"\xEF\xBB\xBF<html><body>x</body></html>"), None);
        assert_eq!(sniff(b"  \n<script>alert(1)</script>%PDF-1.4"), None, "PDF magic must come first");
    }

    #[test]
    fn svg_xml_and_plain_text_are_refused() {
        assert_eq!(sniff(br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#), None);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg/>"), None);
        assert_eq!(sniff("投诉内容：小区噪音".as_bytes()), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /\n"), None);
    }

    #[test]
    fn executables_and_other_archives_are_refused() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0PE\0\0"), None);
        assert_eq!(sniff(b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(sniff(b"Rar!\x1A\x07\x01\0"), None);
        assert_eq!(sniff(b"7z\xBC\xAF\x27\x1C\0\x04"), None);
        assert_eq!(sniff(&ole(&["SummaryInformation"])), None, "an MSI installer is a compound file too");
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn plain_zips_and_zips_that_only_look_like_office_are_refused() {
        assert_eq!(sniff(&zip(&[("readme.txt", b"hi"), ("run.exe", b"MZ")])), None);
        assert_eq!(sniff(&zip(&[("META-INF/MANIFEST.MF", b""), ("word/x.class", b"")])), None, "no content types");
        assert_eq!(sniff(&zip(&[("[Content_Types].xml", b"")])), None, "no main part");
        let both = zip(&[("[Content_Types].xml", b""), ("word/document.xml", b""), ("xl/workbook.xml", b"")]);
        assert_eq!(sniff(&both), None, "ambiguous");
        let mut prefixed = b"<html>".to_vec();
        prefixed.extend(ooxml("word/document.xml"));
        assert_eq!(sniff(&prefixed), None, "anything before the ZIP is refused");
    }

    #[test]
    fn macro_documents_and_encrypted_office_files_are_refused_with_their_own_message() {
        let docm = zip(&[("[Content_Types].xml", b""), ("word/document.xml", b""), ("word/vbaProject.bin", b"")]);
        assert_eq!(sniff(&docm), None);
        assert!(message(check("通知.docm", &docm)).contains("含有宏"));
        let xlm = zip(&[("[Content_Types].xml", b""), ("xl/workbook.xml", b""), ("xl/macrosheets/sheet1.xml", b"")]);
        assert_eq!(sniff(&xlm), None);
        assert_eq!(sniff(&ole(&["WordDocument", "Macros"])), None);
        assert_eq!(sniff(&ole(&["Workbook", "_VBA_PROJECT_CUR"])), None);
        let basic = zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b""),
            ("Basic/Standard/Module1.xml", b""),
        ]);
        assert_eq!(sniff(&basic), None);
        assert!(message(check("表.odt", &basic)).contains("含有宏"));
        assert!(message(check("表.xlsx", &ole(&["EncryptedPackage", "EncryptionInfo"]))).contains("设有密码"));
    }

    #[test]
    fn truncated_or_corrupted_documents_never_panic() {
        let samples =
            [ooxml("word/document.xml"), odf("application/vnd.oasis.opendocument.text"), ole(&["WordDocument"])];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for sample in &samples {
            assert!(sniff(sample).is_some());
            for cut in 0..sample.len() {
                assert_eq!(sniff(&sample[..cut]), None, "cut at {cut}");
            }
            for _ in 0..3000 {
                let mut bytes = sample.clone();
                for _ in 0..1 + seed % 6 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let at = seed as usize % bytes.len();
                    bytes[at] = (seed >> 40) as u8;
                }
                let _ = sniff(&bytes);
                let _ = sniff(&bytes[..seed as usize % bytes.len()]);
            }
        }
        let mut looping = ole(&["WordDocument"]);
        looping[516..520].copy_from_slice(&1u32.to_le_bytes()); // the directory chain points at itself
        assert_eq!(sniff(&looping), None);
    }

    #[test]
    fn empty_and_oversized_files_are_refused_naming_the_file() {
        assert_eq!(message(check("C:\\Users\\张三\\空白.pdf", b"")), "“空白.pdf”是空文件，未能接收");
        // A JPEG whose scan data fills it: SOI, SOS, data, EOI.
        let jpeg_of = |size: usize| {
            let mut j = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
            j.resize(size - 2, 0x11);
            j.extend([0xFF, 0xD9]);
            j
        };
        assert_eq!(message(check("扫描件.jpg", &jpeg_of(MAX_FILE_BYTES + 1))), "“扫描件.jpg”超过10MB，未能接收");
        assert_eq!(check("扫描件.jpg", &jpeg_of(MAX_FILE_BYTES)), Ok(Jpeg));
    }

    #[test]
    fn a_filing_takes_at_most_five_files_and_thirty_megabytes() {
        let png = minimal_png();
        let files: Vec<(String, Vec<u8>)> = (1..=6).map(|i| (format!("照片{i}.png"), png.clone())).collect();
        assert_eq!(message(check_all(&files)), "附件最多5个，本次选择了6个");
        assert_eq!(check_all(&files[..5]), Ok(vec![Png; 5]));

        let mut pdf = b"%PDF-1.4".to_vec();
        pdf.resize(8 * MIB, 0);
        let files: Vec<(String, Vec<u8>)> = (1..=4).map(|i| (format!("材料{i}.pdf"), pdf.clone())).collect();
        assert_eq!(message(check_all(&files)), "附件合计不能超过30MB，本次共32.0MB");
        assert_eq!(check_all(&files[..3]), Ok(vec![Pdf; 3]));
    }

    /// A PNG of one pixel: signature, IHDR, IDAT, IEND (CRCs are not checked here).
    fn minimal_png() -> Vec<u8> {
        let chunk = |kind: &[u8], data: &[u8]| [&(data.len() as u32).to_be_bytes()[..], kind, data, &[0; 4]].concat();
        [
            &b"\x89PNG\r\n\x1a\n"[..],
            &chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
            &chunk(b"IDAT", &[1, 2, 3]),
            &chunk(b"IEND", &[]),
        ]
        .concat()
    }

    #[test]
    fn every_bad_file_in_a_filing_is_reported_under_attachments() {
        let files = vec![
            ("好的.png".to_string(), minimal_png()),
            ("坏的.pdf".to_string(), b"<html>".to_vec()),
            ("空的.doc".to_string(), Vec::new()),
        ];
        let errors = check_all(&files).unwrap_err().field_errors();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.field == "attachments"));
        assert!(errors[0].message.contains("“坏的.pdf”不是PDF"));
        assert!(errors[1].message.contains("“空的.doc”是空文件"));
    }

    #[test]
    fn names_lose_paths_control_and_direction_characters_and_are_capped() {
        assert_eq!(sanitise_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_name("..\\..\\windows\\说明.pdf"), "说明.pdf");
        assert_eq!(sanitise_name("a\u{0}b\r\nc\t.pdf"), "abc.pdf");
        assert_eq!(sanitise_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitise_name("..."), "附件");
        assert_eq!(sanitise_name("dir/.."), "附件");
        assert_eq!(sanitise_name(".hidden.pdf"), "hidden.pdf");
        assert_eq!(sanitise_name("a\"b<c>.pdf"), "a_b_c_.pdf");
        let long = sanitise_name(&format!("{}.pdf", "长".repeat(300)));
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("….pdf"));
    }

    #[test]
    fn downloads_are_always_attachments_never_sniffed_or_rendered() {
        let headers = download_headers(Pdf, "关于噪音的投诉.pdf");
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("Content-Type"), Some("application/pdf"));
        assert_eq!(
            get("Content-Disposition"),
            Some(
                "attachment; filename=\"attachment.pdf\"; \
                 filename*=UTF-8''%E5%85%B3%E4%BA%8E%E5%99%AA%E9%9F%B3%E7%9A%84%E6%8A%95%E8%AF%89.pdf"
            )
        );
        assert_eq!(get("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(get("Content-Security-Policy"), Some("sandbox; default-src 'none'"));
        assert_eq!(get("Cache-Control"), Some("private, no-store"));
        let doc = download_headers(Docx, "Report 2026 \"final\".docx");
        assert!(doc[1].1.starts_with(
            "attachment; filename=\"Report 2026 _final_.docx\"; filename*=UTF-8''Report%202026%20_final_.docx"
        ));
    }

    #[test]
    fn the_download_name_carries_the_extension_of_the_real_kind() {
        assert_eq!(download_name(Pdf, "说明.js"), "说明.js.pdf");
        assert_eq!(download_name(Jpeg, "photo.JPG"), "photo.JPG");
        assert_eq!(download_name(Jpeg, "photo.jpeg"), "photo.jpeg");
        assert_eq!(download_name(Png, "photo.jpg"), "photo.jpg.png");
        assert_eq!(download_name(Xls, "../"), "附件.xls");
    }

    #[test]
    fn kinds_round_trip_through_their_stored_code() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.label().is_empty() && kind.mime().contains('/'));
            assert!(kind.extensions().contains(&kind.extension()));
        }
        assert_eq!(FileKind::parse("html"), None);
    }

    fn scratch_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("canyu-attachments-{}-{}", std::process::id(), new_id()))
    }

    #[tokio::test]
    async fn reading_refuses_ids_that_could_leave_the_folder() {
        let dir = scratch_dir();
        for id in
            ["../x", "../../etc/passwd", "", "abc", &"A".repeat(32), &"0".repeat(33), &format!("../{}", "0".repeat(29))]
        {
            assert_eq!(read(&dir, id).await.unwrap_err().kind(), io::ErrorKind::InvalidInput, "{id}");
        }
        assert_eq!(read(&dir, &"0".repeat(32)).await.unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn a_stored_attachment_is_private_durable_and_reads_back_unchanged() {
        let dir = scratch_dir();
        let bytes = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec();
        let stored = store(&dir, "../证据/现场照片说明.pdf", &bytes).await.unwrap();
        assert!(is_id(&stored.id));
        assert_eq!((stored.kind, stored.size, stored.name.as_str()), (Pdf, bytes.len() as u64, "现场照片说明.pdf"));
        assert_eq!(stored.sha256, to_hex(&Sha256::digest(&bytes)));
        assert_eq!(read(&dir, &stored.id).await.unwrap(), bytes);
        let shard = dir.join(&stored.id[..2]);
        let listed: Vec<_> = std::fs::read_dir(&shard).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(listed, vec![std::ffi::OsString::from(&stored.id)], "no temp file left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(shard.join(&stored.id)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = store(&dir, "x.pdf", &bytes).await.unwrap();
        assert_ne!(other.id, stored.id);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn storing_refuses_what_check_refuses() {
        let dir = scratch_dir();
        for bytes in [b"<html>".to_vec(), Vec::new()] {
            assert_eq!(store(&dir, "a.pdf", &bytes).await.unwrap_err().kind(), io::ErrorKind::InvalidInput);
        }
        assert!(!dir.exists(), "nothing written");
    }
}

#[cfg(test)]
mod fuzz_tests {
    //! Seeded property tests: random, truncated and corrupted bytes thrown at the sniffer, the
    //! metadata stripping and the name handling. Never a panic; the same answer twice; nothing
    //! accepted as a kind its first bytes do not claim; a truncated document never accepted; a
    //! stripped image never larger than the file it came from; hostile declared lengths answered
    //! at once.
    use super::*;
    use rand::{Rng, RngCore};
    use std::time::{Duration, Instant};

    const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    /// Text put only inside metadata, so its absence after stripping is easy to see.
    const SECRET: &[u8] = b"GPS:31.2304N,121.4737E";

    use crate::test_rng::Prng;

    fn rng(stream: u64) -> Prng {
        Prng::seeded(0xC4A7_0F17_2026_0000, stream)
    }

    fn random_bytes(rng: &mut Prng, len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        rng.fill_bytes(&mut bytes);
        bytes
    }

    /// Mostly short, sometimes up to 64 KiB.
    fn random_len(rng: &mut Prng) -> usize {
        match rng.gen_range(0..100) {
            0..=59 => rng.gen_range(0..64),
            60..=89 => rng.gen_range(64..4096),
            _ => rng.gen_range(4096..=64 * 1024),
        }
    }

    /// The kinds a file's first bytes can stand for; a ZIP or compound file may be any of its family.
    fn claimed(b: &[u8]) -> &'static [FileKind] {
        if b.starts_with(b"%PDF-") {
            &[Pdf]
        } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            &[Png]
        } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            &[Jpeg]
        } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            &[Gif]
        } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
            &[Webp]
        } else if b.starts_with(b"PK\x03\x04") {
            &[Docx, Xlsx, Pptx, Odt, Ods]
        } else if b.starts_with(&OLE_MAGIC) {
            &[Doc, Xls, Ppt]
        } else {
            &[]
        }
    }

    /// Everything that can be said of any input: sniffed twice alike, consistent with `check`,
    /// claimed by its first bytes, and stripped to no more than it was (still the same kind).
    fn sniff_soundly(bytes: &[u8]) -> Option<FileKind> {
        let kind = sniff(bytes);
        assert_eq!(sniff(bytes), kind, "sniffed twice differently: {}", hex(bytes));
        if let Some(kind) = kind {
            assert!(claimed(bytes).contains(&kind), "{kind:?} from {}", hex(bytes));
        }
        if !bytes.is_empty() && bytes.len() <= MAX_FILE_BYTES {
            // A photo that cannot be cleaned with certainty is refused too (fail closed).
            let expected = kind.filter(|k| strip_metadata(*k, bytes).is_ok());
            assert_eq!(check("x", bytes).ok(), expected, "check and sniff disagree: {}", hex(bytes));
        } else {
            assert!(check("x", bytes).is_err());
        }
        for as_kind in [Jpeg, Png, Webp, Gif] {
            let Ok(stripped) = strip_metadata(as_kind, bytes) else { continue };
            assert!(stripped.len() <= bytes.len(), "{as_kind:?} stripping grew {}", hex(bytes));
            if kind == Some(as_kind) {
                assert_eq!(sniff(&stripped), Some(as_kind), "stripping changed the kind of {}", hex(bytes));
                assert_eq!(strip_metadata(as_kind, &stripped), Ok(stripped), "stripping twice differs: {}", hex(bytes));
            }
        }
        assert_eq!(strip_metadata(Pdf, bytes), Ok(bytes.to_vec()));
        kind
    }

    /// The first bytes in hex, for failure messages.
    fn hex(bytes: &[u8]) -> String {
        let shown: String = bytes.iter().take(96).map(|b| format!("{b:02x}")).collect();
        format!("{shown}{} ({} bytes)", if bytes.len() > 96 { "…" } else { "" }, bytes.len())
    }

    // ---- Sample files, built by hand ----

    use super::tests::zip;

    fn ooxml(part: &str) -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b""), (part, b"<x/>")])
    }

    fn odf(mimetype: &str) -> Vec<u8> {
        zip(&[("mimetype", mimetype.as_bytes()), ("content.xml", b"<x/>"), ("META-INF/manifest.xml", b"")])
    }

    fn put16(out: &mut [u8], at: usize, v: u16) {
        out[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }

    fn put32(out: &mut [u8], at: usize, v: u32) {
        out[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// A compound-file header with 512-byte sectors and every header FAT slot free.
    fn ole_header(len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        out[..8].copy_from_slice(&OLE_MAGIC);
        for (at, v) in [(0x18, 0x3E), (0x1A, 3), (0x1C, 0xFFFE), (0x1E, 9), (0x20, 6)] {
            put16(&mut out, at, v);
        }
        for i in 0..109 {
            put32(&mut out, 0x4C + 4 * i, FREE_SECTOR);
        }
        for (at, v) in [(0x3C, END_OF_CHAIN), (0x44, END_OF_CHAIN)] {
            put32(&mut out, at, v);
        }
        out
    }

    /// Header, one FAT sector (sector 0), one directory sector (sector 1) with the root and the streams.
    fn ole(streams: &[&str]) -> Vec<u8> {
        let mut out = ole_header(512 * 3);
        for i in 0..128 {
            put32(&mut out, 512 + 4 * i, FREE_SECTOR);
        }
        for (at, v) in [(0x2C, 1), (0x30, 1), (0x4C, 0), (512, 0xFFFF_FFFD), (516, END_OF_CHAIN)] {
            put32(&mut out, at, v);
        }
        let entries = std::iter::once(("Root Entry", 5)).chain(streams.iter().map(|s| (*s, 2)));
        for (i, (name, object_type)) in entries.enumerate() {
            let at = 1024 + 128 * i;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (j, unit) in units.iter().enumerate() {
                put16(&mut out, at + 2 * j, *unit);
            }
            put16(&mut out, at + 0x40, (units.len() * 2 + 2) as u16);
            out[at + 0x42] = object_type;
        }
        out
    }

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        c.extend([0x12, 0x34, 0x56, 0x78]); // the CRC is never checked
        c
    }

    fn png() -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(png_chunk(b"tEXt", &[b"Comment\0".as_slice(), SECRET].concat()));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x63, 0, 0, 0, 2, 0, 1]));
        png.extend(png_chunk(b"IEND", &[]));
        png
    }

    fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = (payload.len() + 2) as u16;
        [&[0xFF, marker][..], &len.to_be_bytes(), payload].concat()
    }

    const JFIF: &[u8] = b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
    const SCAN: &[u8] =
        &[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9];

    fn jpeg() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(jpeg_segment(0xE0, JFIF));
        jpeg.extend(jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), SECRET].concat()));
        jpeg.extend(jpeg_segment(0xDB, &[0; 65]));
        jpeg.extend(jpeg_segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        jpeg.extend(SCAN);
        jpeg
    }

    /// One of every accepted kind, with the kind it is.
    fn accepted_samples() -> Vec<(FileKind, Vec<u8>)> {
        let mut webp = b"RIFF\x1a\0\0\0WEBPVP8 \x0e\0\0\0".to_vec();
        webp.extend([0x30, 0x01, 0, 0x9D, 0x01, 0x2A, 1, 0, 1, 0, 2, 0, 0x34, 0x25]);
        vec![
            (Pdf, b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n".to_vec()),
            (Png, png()),
            (Jpeg, jpeg()),
            (Gif, b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;".to_vec()),
            (Webp, webp),
            (Docx, ooxml("word/document.xml")),
            (Xlsx, ooxml("xl/workbook.xml")),
            (Pptx, ooxml("ppt/presentation.xml")),
            (Odt, odf("application/vnd.oasis.opendocument.text")),
            (Ods, odf("application/vnd.oasis.opendocument.spreadsheet")),
            (Doc, ole(&["WordDocument", "1Table"])),
            (Xls, ole(&["Workbook"])),
            (Ppt, ole(&["PowerPoint Document", "Current User"])),
        ]
    }

    /// Documents that must be refused: macros, a password, or a compound file that is not Office.
    fn refused_samples() -> Vec<Vec<u8>> {
        vec![
            zip(&[("[Content_Types].xml", b""), ("word/document.xml", b""), ("word/vbaProject.bin", b"\xD0\xCF")]),
            zip(&[("[Content_Types].xml", b""), ("xl/workbook.xml", b""), ("xl/macrosheets/sheet1.xml", b"")]),
            zip(&[
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", b""),
                ("Basic/Standard/Module1.xml", b""),
            ]),
            zip(&[("readme.txt", b"hi"), ("run.exe", b"MZ\x90\0")]),
            ole(&["WordDocument", "Macros", "VBA"]),
            ole(&["Workbook", "_VBA_PROJECT_CUR"]),
            ole(&["EncryptedPackage", "EncryptionInfo"]),
            ole(&["SummaryInformation"]),
        ]
    }

    fn is_container(kind: FileKind) -> bool {
        !matches!(kind, Pdf | Png | Jpeg | Gif | Webp)
    }

    /// One to eight random edits: bit flips, extreme numbers, inserted, deleted, repeated or cut bytes.
    fn mutate(rng: &mut Prng, bytes: &mut Vec<u8>) {
        const EXTREMES: [u32; 8] = [0, 1, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF, 0x0605_4b50, 0x0201_4b50];
        for _ in 0..rng.gen_range(1..=8) {
            if bytes.is_empty() {
                bytes.push(rng.gen());
                continue;
            }
            let at = rng.gen_range(0..bytes.len());
            match rng.gen_range(0..9) {
                0 | 1 => bytes[at] ^= 1 << rng.gen_range(0..8),
                2 => bytes[at] = rng.gen(),
                3 => bytes[at] = if rng.gen() { 0 } else { 0xFF },
                4 => {
                    let v = EXTREMES[rng.gen_range(0..EXTREMES.len())].to_le_bytes();
                    let wide = rng.gen_range(2..=4);
                    for (i, b) in v.iter().take(wide).enumerate() {
                        if let Some(slot) = bytes.get_mut(at + i) {
                            *slot = *b;
                        }
                    }
                }
                5 => {
                    let n = rng.gen_range(1..32);
                    let extra = random_bytes(rng, n);
                    bytes.splice(at..at, extra);
                }
                6 => {
                    let end = (at + rng.gen_range(1..64)).min(bytes.len());
                    bytes.drain(at..end);
                }
                7 => {
                    let end = (at + rng.gen_range(1..128)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    let to = rng.gen_range(0..=bytes.len());
                    bytes.splice(to..to, copy);
                }
                _ => bytes.truncate(at),
            }
        }
    }

    /// Central-directory entries with telling names somewhere in random bytes, and an end record
    /// pointing at them, so the ZIP reader gets past the end record.
    fn plant_zip_directory(rng: &mut Prng, bytes: &mut [u8]) {
        const NAMES: [&[u8]; 9] = [
            b"[Content_Types].xml",
            b"word/document.xml",
            b"xl/workbook.xml",
            b"ppt/slides/slide1.xml",
            b"mimetype",
            b"content.xml",
            b"word/vbaProject.bin",
            b"Basic/Standard/Module1.xml",
            b"",
        ];
        let eocd = bytes.len() - 22;
        if rng.gen() {
            // A local `mimetype` entry first, as OpenDocument has.
            put16(bytes, 26, 8);
            put16(bytes, 28, 0);
            bytes[30..38].copy_from_slice(b"mimetype");
            bytes[38..77].copy_from_slice(b"application/vnd.oasis.opendocument.text");
        }
        let start = rng.gen_range(80..eocd / 2 + 81).min(eocd);
        let (mut at, mut count) = (start, 0u16);
        for _ in 0..rng.gen_range(0..6) {
            let name = NAMES[rng.gen_range(0..NAMES.len())];
            if at + 46 + name.len() > eocd {
                break;
            }
            put32(bytes, at, 0x0201_4b50);
            put16(bytes, at + 10, if rng.gen() { 0 } else { 8 });
            let size = if rng.gen() { 39 } else { rng.gen_range(0..64) };
            put32(bytes, at + 20, size);
            put16(bytes, at + 28, name.len() as u16);
            put32(bytes, at + 30, 0); // no extra field, no comment
            let offset = if rng.gen() { 0 } else { rng.gen_range(0..eocd as u32) };
            put32(bytes, at + 42, offset);
            bytes[at + 46..at + 46 + name.len()].copy_from_slice(name);
            at += 46 + name.len();
            count += 1;
        }
        if rng.gen_range(0..4) == 0 {
            count = rng.gen_range(0..8);
        }
        put32(bytes, eocd, 0x0605_4b50);
        put32(bytes, eocd + 4, 0);
        put16(bytes, eocd + 8, count);
        put16(bytes, eocd + 10, count);
        put32(bytes, eocd + 12, (at - start) as u32);
        put32(bytes, eocd + 16, start as u32);
        put16(bytes, eocd + 20, 0);
    }

    /// A compound-file header, an allocation table of chains that end, and a directory sector with
    /// telling names, all in random bytes, so the compound-file reader gets to its directory.
    fn plant_ole_directory(rng: &mut Prng, bytes: &mut [u8]) {
        const NAMES: [&str; 7] =
            ["Root Entry", "WordDocument", "Workbook", "PowerPoint Document", "Macros", "EncryptedPackage", "VBA"];
        let shift = if bytes.len() >= 3 * 4096 && rng.gen_range(0..4) == 0 { 12 } else { 9 };
        let ss = 1usize << shift;
        let sectors = (bytes.len() / ss - 1) as u32;
        put16(bytes, 0x1C, 0xFFFE);
        put16(bytes, 0x1E, shift);
        put32(bytes, 0x2C, 1);
        put32(bytes, 0x44, if rng.gen() { END_OF_CHAIN } else { rng.gen_range(0..sectors) });
        let (fat, directory) = (rng.gen_range(0..sectors), rng.gen_range(0..sectors));
        put32(bytes, 0x4C, fat);
        put32(bytes, 0x30, directory);
        for i in 0..ss / 4 {
            let next = match rng.gen_range(0..4) {
                0 => END_OF_CHAIN,
                1 => FREE_SECTOR,
                _ => rng.gen_range(0..sectors),
            };
            put32(bytes, (fat as usize + 1) * ss + 4 * i, next);
        }
        for entry in 0..ss / 128 {
            let at = (directory as usize + 1) * ss + 128 * entry;
            if rng.gen() {
                let units: Vec<u16> = NAMES[rng.gen_range(0..NAMES.len())].encode_utf16().collect();
                for (j, unit) in units.iter().enumerate() {
                    put16(bytes, at + 2 * j, *unit);
                }
                put16(bytes, at + 0x40, (units.len() * 2 + 2) as u16);
                bytes[at + 0x42] = rng.gen_range(1..=5);
            }
        }
    }

    #[test]
    fn random_bytes_of_any_length_are_sniffed_and_stripped_soundly() {
        let mut rng = rng(1);
        let magics: [&[u8]; 9] = [
            b"%PDF-",
            b"\x89PNG\r\n\x1a\n",
            &[0xFF, 0xD8, 0xFF],
            b"GIF89a",
            b"RIFF\0\0\0\0WEBP",
            b"PK\x03\x04",
            &OLE_MAGIC,
            b"\xFF\xD8",
            b"PK",
        ];
        for case in 0..3000 {
            let mut bytes = match case % 3 {
                // Anything at all.
                0 => {
                    let len = random_len(&mut rng);
                    random_bytes(&mut rng, len)
                }
                // Starting like a real file, so the parsers behind the magic numbers get to run.
                1 => {
                    let len = random_len(&mut rng);
                    let mut bytes = random_bytes(&mut rng, len);
                    let magic = magics[rng.gen_range(0..magics.len())];
                    let n = magic.len().min(bytes.len());
                    bytes[..n].copy_from_slice(&magic[..n]);
                    bytes
                }
                // A ZIP or compound file with a directory planted among the random bytes.
                _ => {
                    let len = if rng.gen_range(0..8) == 0 {
                        rng.gen_range(8192..=64 * 1024)
                    } else {
                        rng.gen_range(1536..8192)
                    };
                    let mut bytes = random_bytes(&mut rng, len);
                    if rng.gen() {
                        bytes[..4].copy_from_slice(b"PK\x03\x04");
                        plant_zip_directory(&mut rng, &mut bytes);
                    } else {
                        bytes[..8].copy_from_slice(&OLE_MAGIC);
                        plant_ole_directory(&mut rng, &mut bytes);
                    }
                    bytes
                }
            };
            if rng.gen_range(0..4) == 0 {
                let cut = rng.gen_range(0..=bytes.len());
                bytes.truncate(cut);
            }
            sniff_soundly(&bytes);
        }
    }

    #[test]
    fn every_kind_cut_short_at_any_length_is_refused_or_still_its_own_kind() {
        for (kind, sample) in accepted_samples() {
            assert_eq!(sniff_soundly(&sample), Some(kind));
            for cut in 0..sample.len() {
                let got = sniff_soundly(&sample[..cut]);
                if is_container(kind) {
                    assert_eq!(got, None, "{kind:?} cut at {cut} of {}", sample.len());
                } else {
                    assert!(got.is_none() || got == Some(kind), "{kind:?} cut at {cut} read as {got:?}");
                }
                // Cut from the front: whatever is left is judged on its own first bytes.
                sniff_soundly(&sample[cut..]);
            }
        }
    }

    #[test]
    fn refused_documents_stay_refused_however_they_are_cut() {
        for sample in refused_samples() {
            for cut in 0..=sample.len() {
                assert_eq!(sniff_soundly(&sample[..cut]), None, "cut at {cut}: {}", hex(&sample[..cut]));
            }
        }
    }

    #[test]
    fn corrupted_files_of_every_kind_are_never_read_as_another_family() {
        let mut rng = rng(2);
        let accepted = accepted_samples();
        let refused = refused_samples();
        for case in 0..4000 {
            let (original, family): (&[u8], &[FileKind]) = if case % 4 == 3 {
                let sample = &refused[rng.gen_range(0..refused.len())];
                (sample.as_slice(), claimed(sample))
            } else {
                let (kind, sample) = &accepted[rng.gen_range(0..accepted.len())];
                (sample.as_slice(), if is_container(*kind) { claimed(sample) } else { std::slice::from_ref(kind) })
            };
            let mut bytes = original.to_vec();
            mutate(&mut rng, &mut bytes);
            if let Some(kind) = sniff_soundly(&bytes) {
                // A damaged file may lose its kind, never gain one from outside its family unless
                // the edit rewrote the very first bytes (the magic number).
                let same_start = bytes.len() >= 8 && bytes[..8] == original[..8];
                assert!(!same_start || family.contains(&kind), "{kind:?} from {}", hex(&bytes));
            }
            let cut = rng.gen_range(0..=bytes.len());
            sniff_soundly(&bytes[..cut]);
        }
    }

    /// A random JPEG and what stripping it must give: SOI, then segments (metadata or not), then a scan.
    fn random_jpeg(rng: &mut Prng) -> (Vec<u8>, Vec<u8>) {
        let (mut jpeg, mut kept) = (vec![0xFF, 0xD8], vec![0xFF, 0xD8]);
        for _ in 0..rng.gen_range(0..10) {
            let (marker, metadata) = match rng.gen_range(0..12) {
                0 => (0xE0, false), // JFIF
                1 => (0xE0, true),  // APP0 that is not JFIF (JFXX, AVI1…)
                2 | 3 => (0xE1, true),
                4 => (rng.gen_range(0xE2..=0xEF), true),
                5 => (0xFE, true),
                6 => (0xDB, false),
                7 => (0xC4, false),
                8 => (if rng.gen() { 0xC0 } else { 0xC2 }, false),
                9 => (0xDD, false),
                _ => (rng.gen_range(0x02..=0xBF), false),
            };
            let n = rng.gen_range(0..300);
            let mut payload = random_bytes(rng, n);
            if marker == 0xE0 && !metadata {
                payload.splice(0..0, JFIF.iter().copied());
            } else if metadata {
                payload.extend(SECRET);
                if marker == 0xE0 && payload.starts_with(b"JFIF\0") {
                    payload[0] = b'X';
                }
            }
            let segment = jpeg_segment(marker, &payload);
            jpeg.extend(&segment);
            if !metadata {
                kept.extend(&segment);
            }
        }
        // The scan: stuffed 0xFF 0x00 and restart markers, then the end of image.
        let mut scan = SCAN[..10].to_vec();
        for _ in 0..rng.gen_range(0..400) {
            match rng.gen_range(0..20) {
                0 => scan.extend([0xFF, 0x00]),
                1 => scan.extend([0xFF, 0xD0 + rng.gen_range(0..8)]),
                _ => scan.push(rng.gen_range(0..0xFF)),
            }
        }
        scan.extend([0xFF, 0xD9]);
        jpeg.extend(&scan);
        kept.extend(&scan);
        (jpeg, kept)
    }

    /// A random PNG and what stripping it must give.
    fn random_png(rng: &mut Prng) -> (Vec<u8>, Vec<u8>) {
        let signature = b"\x89PNG\r\n\x1a\n".to_vec();
        let (mut png, mut kept) = (signature.clone(), signature);
        let ihdr = png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        png.extend(&ihdr);
        kept.extend(&ihdr);
        // Image data comes in one run of IDAT chunks (a PNG with IDAT after other chunks is refused).
        let (mut seen_idat, mut idat_closed) = (false, false);
        for _ in 0..rng.gen_range(0..10) {
            let kinds: [(&[u8; 4], bool); 12] = [
                (b"tEXt", true),
                (b"zTXt", true),
                (b"iTXt", true),
                (b"eXIf", true),
                (b"tIME", true),
                (b"IDAT", false),
                (b"PLTE", false),
                (b"pHYs", false),
                (b"gAMA", false),
                (b"sRGB", false),
                (b"iCCP", false),
                (b"teXt", true), // not tEXt, but an unknown ancillary chunk goes too
            ];
            let (kind, metadata) = kinds[rng.gen_range(0..kinds.len())];
            if kind == b"IDAT" {
                if idat_closed {
                    continue;
                }
                seen_idat = true;
            } else if seen_idat {
                idat_closed = true;
            }
            let n = rng.gen_range(0..300);
            let mut data = random_bytes(rng, n);
            if metadata {
                data.extend(SECRET);
            }
            let chunk = png_chunk(kind, &data);
            png.extend(&chunk);
            if !metadata {
                kept.extend(&chunk);
            }
        }
        let iend = png_chunk(b"IEND", &[]);
        png.extend(&iend);
        kept.extend(&iend);
        (png, kept)
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn well_formed_photos_lose_exactly_their_metadata() {
        let mut rng = rng(3);
        for _ in 0..1500 {
            let (jpeg, expected) = random_jpeg(&mut rng);
            let stripped = strip_metadata(Jpeg, &jpeg).unwrap();
            assert_eq!(stripped, expected, "{}", hex(&jpeg));
            assert!(!contains(&stripped, SECRET));
            sniff_soundly(&jpeg);

            let (png, expected) = random_png(&mut rng);
            let stripped = strip_metadata(Png, &png).unwrap();
            assert_eq!(stripped, expected, "{}", hex(&png));
            assert!(!contains(&stripped, SECRET));
            sniff_soundly(&png);
        }
    }

    #[test]
    fn truncated_and_corrupted_photos_are_stripped_or_kept_never_grown() {
        let mut rng = rng(4);
        // Every cut of a few photos…
        for _ in 0..8 {
            let (jpeg, _) = random_jpeg(&mut rng);
            let (png, _) = random_png(&mut rng);
            for image in [jpeg, png] {
                for cut in 0..=image.len() {
                    sniff_soundly(&image[..cut]);
                }
            }
        }
        // …and random damage to many more.
        for case in 0..3000 {
            let (mut image, _) = if case % 2 == 0 { random_jpeg(&mut rng) } else { random_png(&mut rng) };
            mutate(&mut rng, &mut image);
            sniff_soundly(&image);
        }
    }

    #[test]
    fn hostile_segment_and_chunk_lengths_are_handled() {
        let soi = [0xFF, 0xD8];
        let app1 = |len: u16, body: &[u8]| [&soi[..], &[0xFF, 0xE1], &len.to_be_bytes(), body].concat();
        let jpegs: Vec<Vec<u8>> = vec![
            app1(0xFFFF, b"Exif\0\0"),        // length past the end
            app1(0, b"Exif\0\0"),             // zero length
            app1(1, b"Exif\0\0"),             // shorter than its own length field
            app1(2, SCAN),                    // empty, then the scan
            [&soi[..], &[0xFF; 64]].concat(), // nothing but fill bytes
            [&soi[..], &[0xFF, 0xFF, 0xFF], &app1(8, b"Exif\0\0")[2..], SCAN].concat(), // fill before APP1
            [&soi[..], &[0xFF]].concat(),
            [&soi[..], &[0xFF, 0xE1, 0x00]].concat(),
            [&soi[..], &[0xFF, 0xD9]].concat(),       // end of image, no scan
            [&soi[..], &[0xFF, 0xDA]].concat(),       // a scan marker with nothing after
            [&soi[..], &[0x00, 0xFF, 0xDA]].concat(), // a segment not starting with 0xFF
            [&soi[..], &[0xFF, 0xD8, 0xFF, 0xD8]].concat(),
        ];
        for jpeg in &jpegs {
            if let Ok(stripped) = strip_metadata(Jpeg, jpeg) {
                assert!(stripped.len() <= jpeg.len() && stripped.starts_with(&soi), "{}", hex(jpeg));
            }
            sniff_soundly(jpeg);
        }
        assert_eq!(strip_metadata(Jpeg, &app1(2, SCAN)), Ok([&soi[..], SCAN].concat()));

        let signature = b"\x89PNG\r\n\x1a\n";
        let chunk_with_len = |len: u32, kind: &[u8]| [&signature[..], &len.to_be_bytes(), kind, b"data"].concat();
        let mut pngs: Vec<Vec<u8>> = [u32::MAX, u32::MAX - 11, 0x7FFF_FFFF, 0x8000_0000, 5, 1]
            .into_iter()
            .flat_map(|len| [chunk_with_len(len, b"tEXt"), chunk_with_len(len, b"IDAT")])
            .collect();
        pngs.push([&png()[..], &[0, 0, 0]].concat()); // trailing bytes too short for a chunk
        pngs.push([&png()[..], &png_chunk(b"tEXt", SECRET)[..11]].concat()); // a chunk cut in its data
        pngs.push(signature.to_vec());
        for png in &pngs {
            if let Ok(stripped) = strip_metadata(Png, png) {
                assert!(stripped.len() <= png.len() && stripped.starts_with(signature), "{}", hex(png));
            }
            sniff_soundly(png);
        }
    }

    /// Runs the sniffer and both strippers on `bytes`; each must answer well within `limit`.
    fn answers_quickly(what: &str, bytes: &[u8], limit: Duration) -> Option<FileKind> {
        let started = Instant::now();
        let kind = sniff(bytes);
        let len = |kind| strip_metadata(kind, bytes).map_or(0, |s| s.len());
        let stripped = [len(Jpeg), len(Png), len(Webp), len(Gif)];
        let took = started.elapsed();
        assert!(took < limit, "{what}: {took:?} for {} bytes", bytes.len());
        assert!(stripped.iter().all(|&n| n <= bytes.len()), "{what}");
        kind
    }

    #[test]
    fn declared_lengths_and_counts_far_beyond_the_file_are_not_trusted() {
        let limit = Duration::from_secs(2);
        let big = 2 * MIB;

        // PNG chunks and JPEG segments claiming more than there is.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"tEXt", &[0; 16]));
        png[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        answers_quickly("png chunk of 4 GiB", &png, limit);
        // Two million empty comment segments and no scan: walked once, refused (no end of image).
        let mut jpeg = vec![0xFF, 0xD8];
        while jpeg.len() < big {
            jpeg.extend([0xFF, 0xFE, 0x00, 0x02]);
        }
        assert!(strip_metadata(Jpeg, &jpeg).is_err());
        answers_quickly("jpeg of empty comments", &jpeg, limit);

        // ZIP: no end record in 10 MiB; an end record claiming 65535 entries and 4 GiB of directory.
        let mut no_end = vec![0u8; MAX_FILE_BYTES];
        no_end[..4].copy_from_slice(b"PK\x03\x04");
        assert_eq!(answers_quickly("zip without end record", &no_end, limit), None);
        let mut huge_directory = ooxml("word/document.xml");
        let eocd = huge_directory.len() - 22;
        put16(&mut huge_directory, eocd + 8, u16::MAX);
        put16(&mut huge_directory, eocd + 10, u16::MAX);
        for v in [u32::MAX, 0x7FFF_FFFF] {
            put32(&mut huge_directory, eocd + 12, v);
            assert_eq!(answers_quickly("zip directory of 4 GiB", &huge_directory, limit), None);
            put32(&mut huge_directory, eocd + 12, 0);
            put32(&mut huge_directory, eocd + 16, v);
            assert_eq!(answers_quickly("zip directory 4 GiB away", &huge_directory, limit), None);
        }
        // 65535 real (empty-named) entries: the most a ZIP without ZIP64 can declare.
        let mut many = b"PK\x03\x04".to_vec();
        many.resize(30, 0);
        let cd_offset = many.len() as u32;
        for _ in 0..u16::MAX {
            many.extend(0x0201_4b50u32.to_le_bytes());
            many.extend([0u8; 42]);
        }
        let cd_size = many.len() as u32 - cd_offset;
        many.extend(0x0605_4b50u32.to_le_bytes());
        many.extend([[0; 2], [0; 2], u16::MAX.to_le_bytes(), u16::MAX.to_le_bytes()].concat());
        many.extend([cd_size.to_le_bytes(), cd_offset.to_le_bytes()].concat());
        many.extend([0, 0]);
        assert_eq!(answers_quickly("zip of 65535 entries", &many, limit), None);

        // Compound files: a FAT "of 4 G sectors", a DIFAT chain looping on itself, a long directory
        // chain through every sector, and the same chain closed into a loop.
        let mut fat_count = ole(&["WordDocument"]);
        put32(&mut fat_count, 0x2C, u32::MAX);
        assert_eq!(answers_quickly("ole fat of 4 G sectors", &fat_count, limit), None);
        let mut difat_loop = ole_header(big);
        put32(&mut difat_loop, 0x2C, (big / 512) as u32 + 1);
        put32(&mut difat_loop, 0x44, 0);
        put32(&mut difat_loop, 512 + 508, 0); // sector 0's last slot: the next DIFAT sector is itself
        assert_eq!(answers_quickly("ole difat loop", &difat_loop, limit), None);

        let sectors = big / 512 - 1;
        let fat_sectors = sectors.div_ceil(128);
        let mut chain = ole_header(big);
        put32(&mut chain, 0x2C, fat_sectors as u32);
        put32(&mut chain, 0x30, fat_sectors as u32);
        for i in 0..fat_sectors {
            put32(&mut chain, 0x4C + 4 * i, i as u32);
        }
        for s in 0..sectors {
            let next = if s < fat_sectors {
                0xFFFF_FFFD
            } else if s + 1 < sectors {
                s as u32 + 1
            } else {
                END_OF_CHAIN
            };
            put32(&mut chain, 512 + 4 * s, next);
        }
        assert_eq!(answers_quickly("ole directory through every sector", &chain, limit), None);
        put32(&mut chain, 512 + 4 * (sectors - 1), fat_sectors as u32);
        assert_eq!(answers_quickly("ole directory chain in a loop", &chain, limit), None);
    }

    #[test]
    fn any_name_is_made_safe_to_show_and_to_send_in_a_header() {
        let mut rng = rng(5);
        let fragments = [
            "/",
            "\\",
            "..",
            ".",
            " ",
            "\u{3000}",
            "\t",
            "\r\n",
            "\0",
            "\u{7F}",
            "\u{85}",
            "\u{200B}",
            "\u{200F}",
            "\u{202E}",
            "\u{2066}",
            "\u{FEFF}",
            "\u{301}",
            "\"",
            "<",
            ">",
            ":",
            "|",
            "?",
            "*",
            "%",
            ";",
            "'",
            "=",
            "说明",
            "现场照片",
            "🚲",
            "a",
            "Z9",
            ".pdf",
            ".PDF",
            ".jpg",
            ".js",
            ".tar.gz",
            "…",
            "C:",
            "%0d%0a",
        ];
        for case in 0..3000 {
            let mut name = String::new();
            let parts = if case % 10 == 0 { rng.gen_range(100..1500) } else { rng.gen_range(0..24) };
            for _ in 0..parts {
                if rng.gen_range(0..4) == 0 {
                    name.push(loop {
                        if let Some(c) = char::from_u32(rng.gen_range(0..0x11_0000)) {
                            break c;
                        }
                    });
                } else {
                    name.push_str(fragments[rng.gen_range(0..fragments.len())]);
                }
            }
            let shown = sanitise_name(&name);
            assert!(!shown.is_empty() && shown.chars().count() <= MAX_NAME_CHARS, "{name:?} -> {shown:?}");
            assert!(!shown.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']), "{name:?} -> {shown:?}");
            assert!(!shown
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')));
            assert!(!shown.starts_with(char::is_whitespace) && !shown.ends_with(char::is_whitespace), "{shown:?}");
            assert_eq!(sanitise_name(&name), shown);

            let kind = FileKind::ALL[rng.gen_range(0..FileKind::ALL.len())];
            let file = download_name(kind, &name);
            let ext = file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
            assert!(kind.extensions().contains(&ext.as_str()), "{name:?} as {kind:?} -> {file:?}");
            for (header, value) in download_headers(kind, &name) {
                assert!(value.bytes().all(|b| (0x20..0x7F).contains(&b)), "{header}: {value:?}");
                if header == "Content-Disposition" {
                    assert!(value.starts_with("attachment; filename=\"") && value.matches('"').count() == 2, "{value}");
                }
            }
        }
    }

    #[test]
    fn random_filings_are_judged_file_by_file() {
        let mut rng = rng(6);
        let samples: Vec<Vec<u8>> = accepted_samples().into_iter().map(|(_, s)| s).chain(refused_samples()).collect();
        for _ in 0..1000 {
            let files: Vec<(String, Vec<u8>)> = (0..rng.gen_range(0..=7))
                .map(|i| {
                    let bytes = match rng.gen_range(0..4) {
                        0 => {
                            let n = rng.gen_range(0..256);
                            random_bytes(&mut rng, n)
                        }
                        1 => {
                            let sample = &samples[rng.gen_range(0..samples.len())];
                            sample[..rng.gen_range(0..=sample.len())].to_vec()
                        }
                        _ => samples[rng.gen_range(0..samples.len())].clone(),
                    };
                    (format!("附件{i}"), bytes)
                })
                .collect();
            let result = check_all(&files);
            if files.len() > MAX_FILES {
                assert_eq!(result.unwrap_err().field_errors().len(), 1);
                continue;
            }
            let each: Vec<Option<FileKind>> = files.iter().map(|(name, bytes)| check(name, bytes).ok()).collect();
            match result {
                Ok(kinds) => assert_eq!(kinds.into_iter().map(Some).collect::<Vec<_>>(), each),
                Err(e) => {
                    let errors = e.field_errors();
                    assert_eq!(errors.len(), each.iter().filter(|k| k.is_none()).count());
                    assert!(errors.iter().all(|e| e.field == "attachments"));
                }
            }
        }
    }
}
