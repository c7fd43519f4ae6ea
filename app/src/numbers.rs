//! What receipt and case numbers look like as people type them: with or without dashes, in any
//! case, in full-width characters, with look-alike letters. Pure and shared with the browser (the
//! live search keeps such numbers out of the address bar); the lookups themselves are in the
//! comment and case stores.

/// Full-width ASCII (`ＹＪ－２０２６`, common in Chinese typing) as plain ASCII.
pub fn half_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The letters and digits of what was typed, half-width and upper case; all else dropped.
fn bare(raw: &str) -> String {
    raw.chars().map(|c| half_width(c).to_ascii_uppercase()).filter(char::is_ascii_alphanumeric).collect()
}

/// Normalise what someone typed as a receipt number.
pub fn normalise_receipt(raw: &str) -> String {
    let half: String = raw.trim().chars().map(half_width).collect();
    let typed = half.to_uppercase().replace(['O'], "0").replace(['I', 'L'], "1");
    // A comment receipt (YJ-2026-K7M2-X9QD-3PWE), or a legislative proposal's (JY-…), typed
    // without its dashes, or with spaces or other dashes between the groups, is still that receipt.
    let bare: String = typed.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let prefix = ["YJ", "JY"].into_iter().find(|p| bare.starts_with(p));
    match (prefix, bare.len()) {
        (Some(p), 18) if bare[2..6].bytes().all(|b| b.is_ascii_digit()) => {
            format!("{p}-{}-{}-{}-{}", &bare[2..6], &bare[6..10], &bare[10..14], &bare[14..])
        }
        _ => typed,
    }
}

/// The receipt number typed, in its one written form, if it has a receipt's shape (`YJ`, a year,
/// three groups of four Crockford base-32 characters).
pub fn receipt_number(raw: &str) -> Option<String> {
    let n = normalise_receipt(raw);
    let groups: Vec<&str> = n.split('-').collect();
    let crockford =
        |g: &str| g.len() == 4 && g.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'U'));
    let shaped = matches!(groups.as_slice(), ["YJ", year, a, b, c]
        if year.len() == 4 && year.bytes().all(|d| d.is_ascii_digit()) && [a, b, c].iter().all(|g| crockford(g)));
    shaped.then_some(n)
}

/// Normalise what someone typed as a case number: `xf2026000007` is `XF-2026-000007`.
pub fn normalise_case_number(raw: &str) -> String {
    case_number(raw).unwrap_or_else(|| raw.trim().to_uppercase())
}

/// The case number typed, in its one written form, if it has a case number's shape (two letters,
/// a year, six digits: `XF-2026-000007`).
pub fn case_number(raw: &str) -> Option<String> {
    let b = bare(raw);
    let digits = |s: &str| s.bytes().all(|d| d.is_ascii_digit());
    let shaped = b.len() == 12 && b[..2].bytes().all(|c| c.is_ascii_uppercase()) && digits(&b[2..]);
    shaped.then(|| format!("{}-{}-{}", &b[..2], &b[2..6], &b[6..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_typed_without_dashes_or_with_look_alike_letters_is_the_same_receipt() {
        let canonical = "YJ-2026-K7M2-X9QD-3PWE";
        for typed in [
            "YJ-2026-K7M2-X9QD-3PWE",
            "yj2026k7m2x9qd3pwe",
            " YJ 2026 K7M2 X9QD 3PWE ",
            "YJ—2026—K7M2—X9QD—3PWE",
            "ＹＪ－２０２６－Ｋ７Ｍ２－Ｘ９ＱＤ－３ＰＷＥ",
        ] {
            assert_eq!(normalise_receipt(typed), canonical, "{typed:?}");
            assert_eq!(receipt_number(typed).as_deref(), Some(canonical), "{typed:?}");
        }
        assert_eq!(normalise_receipt("yj-2026-k7m2-x9qd-3pwo"), "YJ-2026-K7M2-X9QD-3PW0", "O is read as zero");
        assert_eq!(normalise_receipt(" jy 2026 k7m2x9qd3pwe"), "JY-2026-K7M2-X9QD-3PWE", "a proposal's receipt too");
        assert_eq!(normalise_receipt("not a receipt"), "N0T A RECE1PT", "anything else is only cleaned up");
        for typed in ["not a receipt", "YJ-2026", "YJ-2026-K7M2-X9QD-3PWU", "XF-2026-000007"] {
            assert_eq!(receipt_number(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn a_case_number_typed_without_dashes_or_in_full_width_is_the_same_case_number() {
        for typed in ["XF-2026-000007", "xf2026000007", " xf 2026 000007 ", "ｘｆ－２０２６－０００００７"]
        {
            assert_eq!(normalise_case_number(typed), "XF-2026-000007", "{typed:?}");
        }
        assert_eq!(normalise_case_number(" xf-2026-7 "), "XF-2026-7", "anything else is only cleaned up");
        for typed in ["XF-2026-0007", "长政发〔2026〕12号", "2026000007", "X1-2026-000007"] {
            assert_eq!(case_number(typed), None, "{typed:?}");
        }
    }
}
