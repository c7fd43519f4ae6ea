//! A normative document's number (文号): its issuing body's code, the year in 〔〕 and its place
//! in that year's sequence, `长政发〔2026〕12号`. Drawn by the registry, never typed and never reused.

/// Longest code: a few characters of the issuing body's name and 发/规/办.
pub const MAX_CODE_CHARS: usize = 12;

/// The written number of `seq` in `code`'s sequence of `year`.
pub fn format(code: &str, year: i64, seq: i64) -> String {
    format!("{code}〔{year}〕{seq}号")
}

/// A code as the administrator may set it: 2 to 12 Chinese characters, nothing else (it is
/// printed inside every number, so brackets, digits and spaces would make numbers ambiguous).
pub fn valid_code(code: &str) -> bool {
    let n = code.chars().count();
    (2..=MAX_CODE_CHARS).contains(&n) && code.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A number as people write it, in the registry's one form: full-width or half-width brackets
/// (〔〕, [], 【】, ()), full-width digits, spaces dropped. `None` when it is not a number at all.
pub fn normalise(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '【' | '(' | '（' | '［' => '〔',
            ']' | '】' | ')' | '）' | '］' => '〕',
            // Full-width digits, as a Chinese keyboard in full-width mode types them.
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            c => c,
        })
        .collect();
    let (code, rest) = s.split_once('〔')?;
    let (year, rest) = rest.split_once('〕')?;
    let seq = rest.strip_suffix('号')?;
    let (year, seq): (i64, i64) = (year.parse().ok()?, seq.parse().ok()?);
    (valid_code(code) && (1900..=9999).contains(&year) && seq > 0).then(|| format(code, year, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_written_with_full_width_brackets_and_hao() {
        assert_eq!(format("长政发", 2026, 12), "长政发〔2026〕12号");
    }

    #[test]
    fn a_number_typed_with_other_brackets_or_spaces_is_the_same_number() {
        for typed in [
            "长政发〔2026〕12号",
            "长政发[2026]12号",
            "长政发 【2026】 12 号",
            "长政发（2026）12号",
            "长政发〔２０２６〕１２号",
        ] {
            assert_eq!(normalise(typed).as_deref(), Some("长政发〔2026〕12号"), "{typed}");
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for typed in ["", "12号", "长政发〔二〇二六〕12号", "长政发〔2026〕0号", "长政发〔2026〕12", "<b>〔2026〕1号"]
        {
            assert_eq!(normalise(typed), None, "{typed}");
        }
    }

    #[test]
    fn a_code_is_chinese_characters_only() {
        assert!(valid_code("长政发"));
        assert!(valid_code("长交规"));
        assert!(!valid_code("长"));
        assert!(!valid_code("长政发〔"));
        assert!(!valid_code("ABC"));
        assert!(!valid_code("长政 发"));
    }
}
