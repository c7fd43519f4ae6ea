//! Private numbers typed into search: a comment receipt (`YJ-2026-K7M2-X9QD-3PWE`) or a case number
//! (`XF-2026-000007`). Search never looks them up (receipts and cases are private, and nothing
//! public contains them); it says where they are looked up instead. Shared with the browser, so
//! that the live search never writes such a number into the address bar.
use crate::cases::CaseKind;
use crate::numbers;
use serde::{Deserialize, Serialize};

/// What kind of private number was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum HintKind {
    /// A comment receipt number (意见回执编号), looked up in 回执查询.
    Receipt,
    /// A case number (投诉举报、信访事项、异议审查申请), looked up with its query code.
    Case,
}

/// Where to go instead of search for a number typed into it. The link never carries the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHint {
    pub kind: HintKind,
    /// The sentence to show, such as "这是意见回执编号，请到回执查询查看".
    pub message: String,
    /// The page where such numbers are looked up (`/receipts`, `/cases/track`).
    pub href: String,
    /// The words of `message` that link to `href`.
    pub link_text: String,
}

/// The receipt page's path.
pub const RECEIPTS: &str = "/receipts";
/// The case progress page's path.
pub const CASE_TRACK: &str = "/cases/track";

/// Whether a typed piece is a receipt, or a case number of one of the kinds of case.
fn kind_of(typed: &str) -> Option<(HintKind, String)> {
    if let Some(n) = numbers::receipt_number(typed) {
        return Some((HintKind::Receipt, n));
    }
    let n = numbers::case_number(typed)?;
    CaseKind::ALL.iter().any(|k| n.starts_with(k.prefix())).then_some((HintKind::Case, n))
}

/// The private number in a search, if the whole search or one of its words is one, in its written
/// form (`XF-2026-000007`).
pub fn recognise(q: &str) -> Option<(HintKind, String)> {
    std::iter::once(q).chain(q.split_whitespace()).find_map(kind_of)
}

/// Whether a search may be a private number still being typed (a number's prefix and then a
/// digit), so that the live search keeps it out of the address bar.
pub fn may_be_private(q: &str) -> bool {
    let prefixes = || std::iter::once("YJ").chain(CaseKind::ALL.iter().map(|k| k.prefix()));
    let bare = |s: &str| -> String {
        s.chars().map(|c| numbers::half_width(c).to_ascii_uppercase()).filter(char::is_ascii_alphanumeric).collect()
    };
    std::iter::once(q).chain(q.split_whitespace()).map(bare).any(|b| {
        prefixes().any(|p| b.strip_prefix(p).and_then(|r| r.chars().next()).is_some_and(|c| c.is_ascii_digit()))
    })
}

/// The hint for a search, if it is a private number.
pub fn for_query(q: &str) -> Option<SearchHint> {
    let (kind, number) = recognise(q)?;
    Some(match kind {
        HintKind::Receipt => SearchHint {
            kind,
            message: "这是意见回执编号，请到回执查询查看".into(),
            href: RECEIPTS.into(),
            link_text: "回执查询".into(),
        },
        HintKind::Case => {
            let label = CaseKind::ALL.iter().find(|k| number.starts_with(k.prefix())).map_or("案件", |k| k.label());
            SearchHint {
                kind,
                message: format!("这是{label}编号，请凭编号和查询码查询办理进度"),
                href: CASE_TRACK.into(),
                link_text: "凭编号和查询码查询".into(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_are_recognised_however_they_are_typed() {
        for typed in [
            "YJ-2026-K7M2-X9QD-3PWE",
            "yj2026k7m2x9qd3pwe",
            " YJ 2026 K7M2 X9QD 3PWE ",
            "ＹＪ－２０２６－Ｋ７Ｍ２－Ｘ９ＱＤ－３ＰＷＥ",
            "回执 yj-2026-k7m2-x9qd-3pwo",
        ] {
            assert_eq!(recognise(typed).map(|r| r.0), Some(HintKind::Receipt), "{typed:?}");
        }
    }

    #[test]
    fn case_numbers_of_every_kind_are_recognised() {
        for typed in ["XF-2026-000007", "ts2026000123", "YY-2027-000001", "ｘｆ－２０２６－０００００７"]
        {
            assert_eq!(recognise(typed).map(|r| r.0), Some(HintKind::Case), "{typed:?}");
        }
        let hint = for_query("XF-2026-000007");
        assert_eq!(hint.map(|h| h.message), Some("这是信访事项编号，请凭编号和查询码查询办理进度".into()));
    }

    #[test]
    fn ordinary_searches_and_document_numbers_are_not_private_numbers() {
        for typed in ["长政发〔2026〕12号", "A-12", "2026 停车", "YJ-2026", "XF-2026-0007", "电动自行车", ""]
        {
            assert_eq!(recognise(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn a_hint_links_to_the_lookup_page_and_never_carries_the_number() {
        let hint = for_query("YJ-2026-K7M2-X9QD-3PWE").expect("a receipt");
        assert_eq!(hint.href, RECEIPTS);
        assert!(hint.message.contains(&hint.link_text));
        let case = for_query("TS-2026-000001").expect("a case");
        assert_eq!((case.href.as_str(), case.message.contains(&case.link_text)), (CASE_TRACK, true));
    }

    #[test]
    fn a_number_half_typed_is_kept_out_of_the_address_bar() {
        for typed in ["YJ-2", "yj2026k7", "xf-2026-00", "停车 TS-20"] {
            assert!(may_be_private(typed), "{typed:?}");
        }
        for typed in ["YJ", "停车", "A-12", "2026"] {
            assert!(!may_be_private(typed), "{typed:?}");
        }
    }
}
