//! Telling what an attachment is from its bytes alone: the magic numbers, the ZIP central
//! directory (OOXML, OpenDocument) and the compound-file directory (Office 97–2003). Macro
//! and password-protected documents are refused with their own reason.
use super::files::{slice, u16_at, u32_at, FileKind, FileKind::*};

/// Why content was refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Unrecognised,
    Macros,
    Encrypted,
}

/// The kind of an attachment, from its content only; `None` for anything not accepted.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    classify(bytes).ok()
}

pub(crate) fn classify(b: &[u8]) -> Result<FileKind, Refusal> {
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

pub(crate) const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub(crate) const FREE_SECTOR: u32 = 0xFFFF_FFFF;

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
