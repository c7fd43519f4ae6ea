//! What the attachment checks accept and refuse, and how downloads are named.

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
use crate::cases::files::FileKind::*;
use crate::cases::sniff::{sniff, END_OF_CHAIN, FREE_SECTOR};

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
    let samples = [ooxml("word/document.xml"), odf("application/vnd.oasis.opendocument.text"), ole(&["WordDocument"])];
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
    assert_eq!(download_name(Pdf, "附件1/2：2025/2026年度"), "附件1_2：2025_2026年度.pdf");
    assert_eq!(download_name(Pdf, "a\\b..\\..\\c"), "a_b.._c.pdf");
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
