//! Taking out of a photo everything but the picture: where and when it was taken, by which
//! device, comments, embedded thumbnails, a second image or a video appended after the first. A
//! reporter must not be identified by the file they send. It fails closed: a file whose structure
//! is not exactly understood is refused, never stored as it came. The pixels are not re-encoded:
//! the colour profile is kept, and a phone photo's orientation is carried over in a fresh EXIF
//! block holding nothing else, so it is not shown sideways.
use super::files::FileKind;

/// Why a photo could not be cleaned with certainty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unclear {
    /// The file ends before its structure does.
    Truncated,
    /// A part the cleaner does not know how to judge.
    Unexpected,
}

/// The file without its metadata (photos), or unchanged (documents, whose metadata the filing form
/// warns about); `Err` when a photo cannot be cleaned with certainty.
pub fn scrub(kind: FileKind, b: &[u8]) -> Result<Vec<u8>, Unclear> {
    match kind {
        FileKind::Jpeg => jpeg(b),
        FileKind::Png => png(b),
        FileKind::Webp => webp(b),
        FileKind::Gif => gif(b),
        _ => Ok(b.to_vec()),
    }
}

fn get(b: &[u8], from: usize, to: usize) -> Result<&[u8], Unclear> {
    b.get(from..to).ok_or(Unclear::Truncated)
}

fn be16(b: &[u8], at: usize) -> Result<usize, Unclear> {
    let s = get(b, at, at + 2)?;
    Ok(usize::from(u16::from_be_bytes([s[0], s[1]])))
}

/// JPEG: segments are walked from the start (fill bytes allowed) through every scan to the end
/// of the image; application segments other than JFIF, the ICC colour profile and Adobe's colour
/// transform are dropped, as are comments and everything after the end of the image.
fn jpeg(b: &[u8]) -> Result<Vec<u8>, Unclear> {
    if get(b, 0, 2)? != [0xFF, 0xD8] {
        return Err(Unclear::Unexpected);
    }
    let (mut kept, mut orientation) = (Vec::new(), None);
    let mut i = 2;
    loop {
        if *b.get(i).ok_or(Unclear::Truncated)? != 0xFF {
            return Err(Unclear::Unexpected);
        }
        while b.get(i) == Some(&0xFF) {
            i += 1;
        }
        let marker = *b.get(i).ok_or(Unclear::Truncated)?;
        i += 1;
        match marker {
            0xD9 => break,
            0x00 | 0xD8 => return Err(Unclear::Unexpected),
            0x01 | 0xD0..=0xD7 => kept.extend_from_slice(&[0xFF, marker]),
            _ => {
                let len = be16(b, i)?;
                if len < 2 {
                    return Err(Unclear::Unexpected);
                }
                let payload = get(b, i + 2, i + len)?;
                if keep_segment(marker, payload, &mut orientation) {
                    kept.extend_from_slice(&[0xFF, marker]);
                    kept.extend_from_slice(get(b, i, i + len)?);
                }
                i += len;
                if marker == 0xDA {
                    let end = scan_end(b, i)?;
                    kept.extend_from_slice(&b[i..end]);
                    i = end;
                }
            }
        }
    }
    let mut out = vec![0xFF, 0xD8];
    // JFIF first if present, then the orientation, then the rest (the order readers expect).
    let jfif_len = if kept.starts_with(&[0xFF, 0xE0]) { 2 + be16(&kept, 2)? } else { 0 };
    out.extend_from_slice(&kept[..jfif_len]);
    if let Some(o) = orientation.filter(|o| *o != 1) {
        out.extend_from_slice(&orientation_segment(o));
    }
    out.extend_from_slice(&kept[jfif_len..]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// Whether a JPEG segment stays; notes the EXIF orientation on the way.
fn keep_segment(marker: u8, payload: &[u8], orientation: &mut Option<u16>) -> bool {
    match marker {
        0xE0 => payload.starts_with(b"JFIF\0"),
        0xE1 => {
            if let Some(tiff) = payload.strip_prefix(b"Exif\0\0") {
                *orientation = exif_orientation(tiff);
            }
            false
        }
        0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
        0xEE => payload.starts_with(b"Adobe"),
        0xE3..=0xED | 0xEF | 0xFE => false,
        _ => true,
    }
}

/// Where a scan's entropy-coded data ends: at the first marker that is not a stuffed zero, a
/// restart marker or a fill byte.
fn scan_end(b: &[u8], from: usize) -> Result<usize, Unclear> {
    let mut j = from;
    loop {
        let at = j + b.get(j..).ok_or(Unclear::Truncated)?.iter().position(|&x| x == 0xFF).ok_or(Unclear::Truncated)?;
        match *b.get(at + 1).ok_or(Unclear::Truncated)? {
            0x00 | 0xD0..=0xD7 => j = at + 2,
            0xFF => j = at + 1,
            _ => return Ok(at),
        }
    }
}

/// The orientation tag (0x0112) of IFD0 in an EXIF TIFF block, if present and valid (1–8).
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        tiff.get(at..at + 2)
            .map(|s| if big { u16::from_be_bytes([s[0], s[1]]) } else { u16::from_le_bytes([s[0], s[1]]) })
    };
    let u32_at = |at: usize| {
        tiff.get(at..at + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(512))
        .find_map(|n| {
            let entry = ifd + 2 + n * 12;
            (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3).then(|| u16_at(entry + 8)).flatten()
        })
        .filter(|o| (1..=8).contains(o))
}

/// An APP1 EXIF segment holding the orientation and nothing else.
fn orientation_segment(o: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

/// PNG: chunks to the end of the image (IEND); anything after it is dropped. The picture's own
/// chunks and colour chunks stay; text, time, EXIF and any other ancillary chunk go. An unknown
/// critical chunk is refused.
fn png(b: &[u8]) -> Result<Vec<u8>, Unclear> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const KEEP: [&[u8; 4]; 15] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs",
        b"acTL", b"fcTL", b"fdAT",
    ];
    if get(b, 0, 8)? != SIGNATURE {
        return Err(Unclear::Unexpected);
    }
    let mut out = SIGNATURE.to_vec();
    let mut i = 8;
    // Image data comes in one run of IDAT chunks; one after the run would hide data past the picture.
    let (mut in_idat, mut idat_done) = (false, false);
    loop {
        let len = u32::from_be_bytes(get(b, i, i + 4)?.try_into().map_err(|_| Unclear::Truncated)?) as usize;
        if len > 0x7FFF_FFFF {
            return Err(Unclear::Unexpected);
        }
        let chunk = get(b, i, i + 12 + len)?;
        let kind = &chunk[4..8];
        if kind == b"IDAT" {
            if idat_done {
                return Err(Unclear::Unexpected);
            }
            in_idat = true;
        } else if in_idat {
            (in_idat, idat_done) = (false, true);
        }
        if KEEP.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
        } else if kind[0].is_ascii_uppercase() {
            return Err(Unclear::Unexpected);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        i += 12 + len;
    }
}

/// WebP: the RIFF chunks of the picture stay (with the EXIF and XMP flags cleared); EXIF, XMP and
/// unknown chunks go, as does anything after the RIFF container.
fn webp(b: &[u8]) -> Result<Vec<u8>, Unclear> {
    if get(b, 0, 4)? != b"RIFF" || get(b, 8, 12)? != b"WEBP" {
        return Err(Unclear::Unexpected);
    }
    let size = u32::from_le_bytes(get(b, 4, 8)?.try_into().map_err(|_| Unclear::Truncated)?) as usize;
    let end = 8usize.checked_add(size).ok_or(Unclear::Unexpected)?;
    let body = get(b, 12, end)?;
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let len = u32::from_le_bytes(get(body, i + 4, i + 8)?.try_into().map_err(|_| Unclear::Truncated)?) as usize;
        let padded = len.checked_add(len & 1).ok_or(Unclear::Unexpected)?;
        let chunk = get(body, i, i + 8 + len)?;
        let kept = match &chunk[..4] {
            b"VP8X" => {
                let mut c = chunk.to_vec();
                // Flags: ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02.
                *c.get_mut(8).ok_or(Unclear::Truncated)? &= !(0x08 | 0x04);
                Some(c)
            }
            b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" | b"ANMF" | b"ICCP" => Some(chunk.to_vec()),
            _ => None,
        };
        if let Some(c) = kept {
            chunks.extend_from_slice(&c);
            if len % 2 == 1 {
                chunks.push(0);
            }
        }
        i += 8 + padded;
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + chunks.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Ok(out)
}

/// GIF: header, colour tables, images and their control blocks stay, with the looping block of
/// animations; comments and other application blocks (XMP) go, as does anything after the end.
fn gif(b: &[u8]) -> Result<Vec<u8>, Unclear> {
    let header = get(b, 0, 13)?;
    if !(header.starts_with(b"GIF87a") || header.starts_with(b"GIF89a")) {
        return Err(Unclear::Unexpected);
    }
    let table = |packed: u8| if packed & 0x80 != 0 { 3usize << ((packed & 7) + 1) } else { 0 };
    let mut i = 13 + table(header[10]);
    let mut out = get(b, 0, i)?.to_vec();
    loop {
        match *b.get(i).ok_or(Unclear::Truncated)? {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                let descriptor = get(b, i, i + 10)?;
                let start = i;
                i += 10 + table(descriptor[9]) + 1;
                i = sub_blocks_end(b, i)?;
                out.extend_from_slice(get(b, start, i)?);
            }
            0x21 => {
                let label = *b.get(i + 1).ok_or(Unclear::Truncated)?;
                let start = i;
                i = sub_blocks_end(b, i + 2)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => matches!(b.get(start + 3..start + 14), Some(b"NETSCAPE2.0") | Some(b"ANIMEXTS1.0")),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(get(b, start, i)?);
                }
            }
            _ => return Err(Unclear::Unexpected),
        }
    }
}

/// The position after a run of GIF sub-blocks (each a length byte and data; a zero length ends it).
fn sub_blocks_end(b: &[u8], mut i: usize) -> Result<usize, Unclear> {
    loop {
        let n = usize::from(*b.get(i).ok_or(Unclear::Truncated)?);
        i += 1;
        if n == 0 {
            return Ok(i);
        }
        i += n;
        if i > b.len() {
            return Err(Unclear::Truncated);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::files::FileKind;
    use crate::cases::sniff::sniff;

    const GPS: &[u8] = b"GPS 31.2304N 121.4737E tel 13900001111";

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        [&[0xFF, marker][..], &((payload.len() + 2) as u16).to_be_bytes(), payload].concat()
    }

    /// EXIF (big-endian TIFF) with an orientation and a GPS-like note after the IFD.
    fn exif(orientation: u16) -> Vec<u8> {
        let mut t = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
        t.extend(1u16.to_be_bytes());
        t.extend([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
        t.extend(orientation.to_be_bytes());
        t.extend([0, 0, 0, 0, 0, 0]);
        t.extend(GPS);
        t
    }

    const SCAN: &[u8] = &[0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9];

    fn phone_photo(orientation: u16) -> Vec<u8> {
        [
            &[0xFF, 0xD8][..],
            &segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
            &segment(0xE1, &exif(orientation)),
            &segment(0xE2, b"ICC_PROFILE\0\x01\x01colour"),
            &segment(0xFE, b"taken by 13900001111"),
            &segment(0xDB, &[0, 1]),
            SCAN,
        ]
        .concat()
    }

    #[test]
    fn a_phone_photo_keeps_its_picture_colour_and_orientation_and_loses_the_rest() {
        let clean = scrub(FileKind::Jpeg, &phone_photo(6)).unwrap();
        assert!(!contains(&clean, GPS) && !contains(&clean, b"13900001111"));
        assert!(contains(&clean, b"JFIF") && contains(&clean, b"ICC_PROFILE"), "colour kept");
        assert_eq!(exif_orientation(&clean[clean.windows(6).position(|w| w == b"Exif\0\0").unwrap() + 6..]), Some(6));
        assert!(clean.ends_with(SCAN), "the scan, with stuffed bytes and restarts, untouched");
        assert_eq!(sniff(&clean), Some(FileKind::Jpeg));
        assert_eq!(scrub(FileKind::Jpeg, &clean), Ok(clean.clone()), "cleaning twice changes nothing");
        // Upright photos need no orientation at all.
        assert!(!contains(&scrub(FileKind::Jpeg, &phone_photo(1)).unwrap(), b"Exif"));
    }

    #[test]
    fn what_follows_the_picture_is_dropped_a_second_image_or_a_video() {
        let second = phone_photo(1);
        let with_second = [phone_photo(1), second].concat();
        let clean = scrub(FileKind::Jpeg, &with_second).unwrap();
        assert!(!contains(&clean, GPS) && clean.ends_with(&[0xFF, 0xD9]));
        assert_eq!(clean, scrub(FileKind::Jpeg, &phone_photo(1)).unwrap());
        let motion = [phone_photo(1), b"\0\0\0\x18ftypmp42 video with GPS 31.2304N".to_vec()].concat();
        assert!(!contains(&scrub(FileKind::Jpeg, &motion).unwrap(), b"ftypmp42"));
    }

    #[test]
    fn fill_bytes_before_a_marker_do_not_let_metadata_through() {
        let photo = [&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF][..], &segment(0xE1, &exif(1))[1..], SCAN].concat();
        let clean = scrub(FileKind::Jpeg, &photo).unwrap();
        assert!(!contains(&clean, GPS));
    }

    #[test]
    fn a_photo_that_cannot_be_cleaned_with_certainty_is_refused() {
        let photo = phone_photo(1);
        for cut in [3, 10, 40, photo.len() - 1] {
            assert!(scrub(FileKind::Jpeg, &photo[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(scrub(FileKind::Jpeg, b"\xFF\xD8\x00\x00"), Err(Unclear::Unexpected));
    }

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        [&(data.len() as u32).to_be_bytes()[..], kind, data, &[0; 4]].concat()
    }

    #[test]
    fn a_png_keeps_its_picture_and_colour_only() {
        let png = [
            &b"\x89PNG\r\n\x1a\n"[..],
            &png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
            &png_chunk(b"iCCP", b"icc"),
            &png_chunk(b"tEXt", GPS),
            &png_chunk(b"caBX", GPS),
            &png_chunk(b"IDAT", &[1, 2, 3]),
            &png_chunk(b"IEND", &[]),
            GPS,
        ]
        .concat();
        let clean = scrub(FileKind::Png, &png).unwrap();
        assert!(!contains(&clean, GPS), "text, unknown chunks and anything after the end go");
        assert!(contains(&clean, b"iCCP") && contains(&clean, b"IDAT"));
        let unknown_critical = [&png[..33], &png_chunk(b"ABCD", &[1])].concat();
        assert!(scrub(FileKind::Png, &unknown_critical).is_err());
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        [&b"RIFF"[..], &((body.len() + 4) as u32).to_le_bytes(), b"WEBP", &body].concat()
    }

    fn webp_chunk(fourcc: &[u8], data: &[u8]) -> Vec<u8> {
        let pad: &[u8] = if data.len() % 2 == 1 { &[0] } else { &[] };
        [fourcc, &(data.len() as u32).to_le_bytes()[..], data, pad].concat()
    }

    #[test]
    fn a_webp_loses_its_exif_and_xmp() {
        let webp = riff(&[
            webp_chunk(b"VP8X", &[0x08 | 0x04 | 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            webp_chunk(b"ICCP", b"icc"),
            webp_chunk(b"VP8 ", &[1, 2, 3, 4, 5]),
            webp_chunk(b"EXIF", GPS),
            webp_chunk(b"XMP ", GPS),
        ]);
        let with_trailer = [webp, GPS.to_vec()].concat();
        let clean = scrub(FileKind::Webp, &with_trailer).unwrap();
        assert!(!contains(&clean, GPS));
        assert_eq!(clean[20], 0x20, "EXIF and XMP flags cleared, ICC kept");
        assert_eq!(u32::from_le_bytes(clean[4..8].try_into().unwrap()) as usize, clean.len() - 8);
        assert_eq!(sniff(&clean), Some(FileKind::Webp));
    }

    #[test]
    fn a_gif_loses_its_comments_and_application_data_but_keeps_looping() {
        let mut gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        gif.extend([0, 0, 0, 255, 255, 255]); // global colour table of two
        gif.extend([0x21, 0xFF, 11]);
        gif.extend(b"NETSCAPE2.0");
        gif.extend([3, 1, 0, 0, 0]);
        gif.extend([0x21, 0xFE, GPS.len() as u8]);
        gif.extend(GPS);
        gif.push(0);
        gif.extend([0x21, 0xFF, 11]);
        gif.extend(b"XMP DataXMP");
        gif.extend([GPS.len() as u8]);
        gif.extend(GPS);
        gif.push(0);
        gif.extend([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B]);
        gif.extend(GPS);
        let clean = scrub(FileKind::Gif, &gif).unwrap();
        assert!(!contains(&clean, GPS));
        assert!(contains(&clean, b"NETSCAPE2.0") && clean.ends_with(&[0x3B]));
    }
}
