//! Page numbers taken from requests, checked before any work is done on them.
use crate::error::AppError;

/// The deepest page any list serves. An offset is work (the search keeps offset + limit hits in
/// memory; SQL walks past the skipped rows), so it is bounded like every other input; beyond this,
/// narrow the search instead.
pub const MAX_PAGE: u32 = 1_000;

/// A requested page number (`None`: the first page); 0 or beyond [`MAX_PAGE`] is refused with the
/// field error every page and the API show.
pub fn check(page: Option<u32>) -> Result<u32, AppError> {
    match page.unwrap_or(1) {
        p @ 1..=MAX_PAGE => Ok(p),
        _ => Err(AppError::field("page", &format!("页码须为1到{MAX_PAGE}之间的整数"))),
    }
}

/// Where page `requested` (from 1) of `total` rows, `per_page` a page, falls: the page shown (the
/// last when beyond it), the number of pages (at least one) and the offset of its first row.
pub fn place(total: i64, requested: u32, per_page: i64) -> (u32, u32, i64) {
    let rows = u64::try_from(total).unwrap_or(0);
    let pages = u32::try_from(rows.div_ceil(per_page.max(1) as u64).max(1)).unwrap_or(u32::MAX);
    let page = requested.clamp(1, pages);
    (page, pages, (i64::from(page) - 1) * per_page)
}

/// A page number from a query string. Absent or empty means the first page; text that is not a
/// number (or is too large for one) is kept as out of range, so [`check`] refuses it instead of
/// quietly showing the first page.
pub fn from_query(raw: Option<&str>) -> Option<u32> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    Some(raw.parse().unwrap_or(u32::MAX))
}

/// Where one page of a list ordered by id starts: a page number (`page=`), or just after or just
/// before an id (`after=`, `before=`: the cursors the pager links carry, so reading on costs the
/// same however far one has read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cursor {
    Page(u32),
    After(i64),
    Before(i64),
}

impl Cursor {
    /// The cursor, if it is in range: one that arrives already built (a server function's argument)
    /// is checked like one read from a query string.
    pub fn checked(self) -> Result<Cursor, AppError> {
        match self {
            Cursor::Page(p) => cursor(Some(p), None, None),
            Cursor::After(a) => cursor(None, Some(a), None),
            Cursor::Before(b) => cursor(None, None, Some(b)),
        }
    }
}

/// The cursor named by a request's `page`, `after` and `before` (each as read by [`from_query`] /
/// [`id_from_query`] or the lenient deserialisers): at most one of them, each in range; none is the
/// first page. Refused with the same kind of field error as a page number out of range.
pub fn cursor(page: Option<u32>, after: Option<i64>, before: Option<i64>) -> Result<Cursor, AppError> {
    let id = |name: &str, v: i64| {
        if v < 0 {
            Err(AppError::field(name, "须为0或正整数的意见编号"))
        } else {
            Ok(v)
        }
    };
    match (page, after, before) {
        (p, None, None) => Ok(Cursor::Page(check(p)?)),
        (None, Some(a), None) => Ok(Cursor::After(id("after", a)?)),
        (None, None, Some(b)) => Ok(Cursor::Before(id("before", b)?)),
        _ => Err(AppError::field("after", "page、after、before只能选用其一")),
    }
}

/// An id from a query string (`after=`, `before=`). Absent or empty means none; text that is not a
/// number, or too large for one, is kept as -1, so [`cursor`] refuses it with the usual field error.
pub fn id_from_query(raw: Option<&str>) -> Option<i64> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    Some(raw.parse().unwrap_or(-1))
}

/// Deserialise an optional id leniently, as [`lenient`] does a page number: anything that is not an
/// id becomes -1, which [`cursor`] refuses with a field error (422) instead of the extractor's 400.
pub fn lenient_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Id;
    impl<'de> serde::de::Visitor<'de> for Id {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an id")
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(i64::try_from(v).unwrap_or(-1)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Some(-1))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(id_from_query(Some(v)))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Id)
        }
    }
    d.deserialize_any(Id)
}

/// Deserialise an optional page number leniently (`#[serde(default, deserialize_with = …)]`):
/// a number or numeric text too large for a page, negative, or not a number at all becomes
/// `u32::MAX`, which [`check`] then refuses with the usual field error (422), instead of the
/// extractor's bare 400.
pub fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Page;
    impl<'de> serde::de::Visitor<'de> for Page {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a page number")
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(u32::try_from(v).unwrap_or(u32::MAX)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(u32::try_from(v).unwrap_or(u32::MAX)))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Some(u32::MAX))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(from_query(Some(v)))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Page)
        }
    }
    d.deserialize_any(Page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_beyond_the_last_shows_the_last_and_an_empty_list_has_one_page() {
        assert_eq!(super::place(0, 1, 20), (1, 1, 0));
        assert_eq!(super::place(41, 2, 20), (2, 3, 20));
        assert_eq!(super::place(41, 9, 20), (3, 3, 40));
        assert_eq!(super::place(40, 0, 20), (1, 2, 0));
    }

    use super::*;

    #[test]
    fn a_reader_paging_a_list_gets_pages_one_to_the_limit_and_a_clear_refusal_beyond() {
        assert_eq!(check(None), Ok(1));
        assert_eq!(check(Some(1)), Ok(1));
        assert_eq!(check(Some(MAX_PAGE)), Ok(MAX_PAGE));
        for bad in [Some(0), Some(MAX_PAGE + 1), Some(214_748_364), Some(u32::MAX)] {
            let err = check(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert_eq!(err.field_errors()[0].field, "page");
        }
        assert_eq!(from_query(None), None);
        assert_eq!(from_query(Some("")), None);
        assert_eq!(from_query(Some("3")), Some(3));
        assert!(check(from_query(Some("abc"))).is_err());
        assert!(check(from_query(Some("99999999999999"))).is_err());
        assert!(check(from_query(Some("-1"))).is_err());
    }

    #[test]
    fn a_reader_following_a_pager_link_gets_the_cursor_it_names_and_a_clear_refusal_for_any_other() {
        assert_eq!(cursor(None, None, None), Ok(Cursor::Page(1)));
        assert_eq!(cursor(Some(3), None, None), Ok(Cursor::Page(3)));
        assert_eq!(cursor(None, id_from_query(Some("120")), None), Ok(Cursor::After(120)));
        assert_eq!(cursor(None, None, id_from_query(Some("0"))), Ok(Cursor::Before(0)));
        assert_eq!(cursor(None, id_from_query(Some("")), None), Ok(Cursor::Page(1)));
        for (raw, field) in [("abc", "after"), ("-5", "after"), ("99999999999999999999", "after"), ("1.5", "after")] {
            let err = cursor(None, id_from_query(Some(raw)), None).unwrap_err();
            assert_eq!((err.code(), err.field_errors()[0].field.as_str()), ("invalid_input", field), "{raw}");
        }
        let err = cursor(None, None, id_from_query(Some("x"))).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "before");
        assert!(cursor(Some(2), Some(5), None).is_err(), "one of them, not two");
        assert!(cursor(None, Some(5), Some(9)).is_err());
        assert!(cursor(Some(0), None, None).is_err(), "the page is still checked");
    }

    #[cfg(feature = "ssr")]
    #[derive(serde::Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "lenient")]
        page: Option<u32>,
        #[serde(default, deserialize_with = "lenient_id")]
        after: Option<i64>,
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_api_client_sending_a_cursor_that_is_no_id_gets_the_usual_refusal() {
        let after = |json: &str| serde_json::from_str::<Q>(json).unwrap().after;
        assert_eq!(after(r#"{"after": 7}"#), Some(7));
        assert_eq!(after(r#"{"after": "7"}"#), Some(7));
        for bad in [r#"{"after": -1}"#, r#"{"after": 1e30}"#, r#"{"after": "x"}"#, r#"{"after": 18446744073709551615}"#]
        {
            assert!(cursor(None, after(bad), None).is_err(), "{bad}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_api_client_sending_a_page_beyond_any_number_gets_the_usual_refusal() {
        let page = |json: &str| serde_json::from_str::<Q>(json).unwrap().page;
        assert_eq!(page(r#"{}"#), None);
        assert_eq!(page(r#"{"page": 3}"#), Some(3));
        assert_eq!(page(r#"{"page": "3"}"#), Some(3));
        for huge in [r#"{"page": 99999999999}"#, r#"{"page": -1}"#, r#"{"page": "abc"}"#, r#"{"page": 1.5}"#] {
            assert!(check(page(huge)).is_err(), "{huge}");
        }
    }
}
