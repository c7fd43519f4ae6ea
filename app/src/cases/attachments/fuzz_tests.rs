//! Seeded property tests: random, truncated and corrupted bytes thrown at the sniffer, the
//! metadata stripping and the name handling. Never a panic; the same answer twice; nothing
//! accepted as a kind its first bytes do not claim; a truncated document never accepted; a
//! stripped image never larger than the file it came from; hostile declared lengths answered
//! at once. One file of about 900 lines on purpose: every test here draws from the same seeded
//! generators of hostile bytes, and splitting it would mean sharing them through a module of test
//! helpers that only this file uses.
//!
//! Over 500 lines: one seeded generator suite whose sample builders and mutators are shared by
//! every property; split, the halves would import each other.
use super::*;
use crate::cases::files::FileKind::*;
use crate::cases::sniff::{sniff, END_OF_CHAIN, FREE_SECTOR};
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
const SCAN: &[u8] = &[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9];

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
        (
            Gif,
            b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;"
                .to_vec(),
        ),
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
                let len =
                    if rng.gen_range(0..8) == 0 { rng.gen_range(8192..=64 * 1024) } else { rng.gen_range(1536..8192) };
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
