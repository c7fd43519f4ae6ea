//! A form's address opened as a page. A refused post is answered at the address it was posted to;
//! opening that address again later (from the address bar, a bookmark, a restored tab) is a GET of
//! a path that only takes posts. Instead of an empty 405, the browser is sent (303) to the page the
//! form is on: the nearest page above the address, or a document's page for the registry's staff
//! actions on it. The API keeps its typed 405.
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

/// The page for a form's address `path`, among the app's page routes `pages` (axum style,
/// `/staff/cases/{id}`): a document's page for `/staff/documents/{id}/…`, else the longest
/// leading part of `path` that is a page. None when no part is.
pub fn form_page(path: &str, pages: &[Vec<String>]) -> Option<String> {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    if let ["staff", "documents", id, _, ..] = segments.as_slice() {
        if id.parse::<u64>().is_ok() {
            return Some(format!("/documents/{id}"));
        }
    }
    (0..segments.len()).rev().map(|n| &segments[..n]).find(|lead| pages.iter().any(|p| matches(p, lead))).map(|lead| {
        if lead.is_empty() {
            "/".to_string()
        } else {
            format!("/{}", lead.join("/"))
        }
    })
}

/// Whether the path `segments` is the page route `pattern`: `{name}` takes one segment of digits
/// (the ids of the forms' addresses), so `/staff/legislation/items` is not `/staff/legislation/{id}`.
fn matches(pattern: &[String], segments: &[&str]) -> bool {
    let id = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    pattern.len() == segments.len()
        && pattern.iter().zip(segments).all(|(p, s)| (p.starts_with('{') && id(s)) || p == s)
}

/// The page routes as segment lists, worked out once.
fn pages() -> &'static [Vec<String>] {
    static PAGES: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    PAGES.get_or_init(|| {
        crate::page_routes::page_routes()
            .iter()
            .map(|r| r.path().split('/').skip(1).filter(|s| !s.is_empty()).map(str::to_string).collect())
            .collect()
    })
}

/// The router's answer when a path exists but not for the method: a page's GET is sent to the
/// form's page; anything else keeps the 405.
pub async fn opened_as_page(req: Request) -> Response {
    let path = req.uri().path();
    let page_like = matches!(*req.method(), Method::GET | Method::HEAD) && !path.starts_with("/api/");
    match form_page(path, pages()).filter(|_| page_like) {
        Some(to) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        None => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[&str]) -> Vec<Vec<String>> {
        list.iter().map(|p| p.split('/').skip(1).filter(|s| !s.is_empty()).map(str::to_string).collect()).collect()
    }

    #[test]
    fn a_forms_address_leads_to_the_nearest_page_above_it() {
        let p = pages(&["/", "/staff", "/staff/consultations/{id}", "/legislation/{id}", "/admin/staff"]);
        assert_eq!(form_page("/staff/consultations/3/dispose", &p).as_deref(), Some("/staff/consultations/3"));
        assert_eq!(form_page("/legislation/7/proposals", &p).as_deref(), Some("/legislation/7"));
        assert_eq!(form_page("/staff/comments/5/moderate", &p).as_deref(), Some("/staff"));
        assert_eq!(form_page("/admin/staff/disable", &p).as_deref(), Some("/admin/staff"));
        assert_eq!(form_page("/legislation/items/3/edit", &p).as_deref(), Some("/"), "a word is not an id");
        assert_eq!(form_page("/logout", &p).as_deref(), Some("/"));
        assert_eq!(form_page("/staff/documents/4/status", &p).as_deref(), Some("/documents/4"));
        assert_eq!(form_page("/nothing/here", &pages(&["/staff"])), None);
    }
}
