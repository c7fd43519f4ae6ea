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

/// A page number from a query string. Absent or empty means the first page; text that is not a
/// number (or is too large for one) is kept as out of range, so [`check`] refuses it instead of
/// quietly showing the first page.
pub fn from_query(raw: Option<&str>) -> Option<u32> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    Some(raw.parse().unwrap_or(u32::MAX))
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

    #[cfg(feature = "ssr")]
    #[derive(serde::Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "lenient")]
        page: Option<u32>,
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
