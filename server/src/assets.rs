//! Static files from the site folder: the browser bundle under `/pkg` and the public assets (the
//! favicon). tower-http's `ServeDir` reads them and picks the brotli or gzip file that
//! `.ci/site.sh` made beside each one when the browser accepts it; this module adds the caching
//! rules and the validators:
//! - a fingerprinted name (`canyu.<16 hex digits>.js`, see `HASH_FILE`) never changes content:
//!   kept for a year, `immutable`, so a returning reader does not even ask;
//! - an unfingerprinted bundle file (a site built without hashes) is revalidated every time, so a
//!   new build is never mixed with an old one; other files (the favicon) are kept for an hour;
//! - every file has `Last-Modified` and an `ETag`; a matching `If-None-Match` (or, without one, an
//!   `If-Modified-Since` not older than the file) gets 304 without the body;
//! - `Vary: Accept-Encoding`, since one address answers with brotli, gzip or the plain file.
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The file in the site folder that lists the bundle's fingerprints (`js: <hash>` etc., the
/// cargo-leptos format that Leptos's `HydrationScripts` and `HashedStylesheet` read).
pub const HASH_FILE: &str = "hash.txt";

/// Fingerprinted files: the name changes whenever the content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Bundle files without a fingerprint: stored, but checked with the server before each use.
pub const REVALIDATE: &str = "no-cache";
/// Other public files (favicon): an hour, then checked.
pub const SHORT: &str = "public, max-age=3600";

/// The site folder's files.
#[derive(Clone)]
pub struct Files {
    dir: ServeDir,
}

impl Files {
    pub fn new(root: &Path) -> Files {
        // A folder is never listed nor redirected to: it is "no such file" and the app answers.
        let dir = ServeDir::new(root).precompressed_br().precompressed_gzip().append_index_html_on_directories(false);
        Files { dir }
    }

    /// The file at the request's path with its caching headers, or None when there is none.
    pub async fn serve(&self, method: &Method, uri: &Uri, asked: &HeaderMap) -> Option<Response> {
        let res = self.read(method, uri, asked).await?;
        Some(finish(uri.path(), asked, res))
    }

    /// The file at `uri`'s path as `ServeDir` answers for it (the brotli or gzip file beside it when
    /// the reader accepts one, a range when asked), without caching headers or validators; None
    /// when there is none.
    pub async fn read(&self, method: &Method, uri: &Uri, asked: &HeaderMap) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let mut file_req = Request::builder().method(method.clone()).uri(uri.clone());
        // Conditions are answered here (ServeDir knows no ETag); a range only without `If-Range`,
        // which ServeDir does not check.
        let mut forward = vec![header::ACCEPT_ENCODING];
        if !asked.contains_key(header::IF_RANGE) {
            forward.push(header::RANGE);
        }
        for name in forward {
            for v in asked.get_all(&name) {
                file_req = file_req.header(&name, v);
            }
        }
        let file_req = file_req.body(Body::empty()).ok()?;
        let res = self.dir.clone().oneshot(file_req).await.unwrap_or_else(|never| match never {});
        if res.status() == StatusCode::NOT_FOUND {
            return None;
        }
        Some(res.map(Body::new))
    }
}

/// Caching headers and validators on a file's response; 304 when the reader's copy is current.
fn finish(path: &str, asked: &HeaderMap, mut res: Response) -> Response {
    if !res.status().is_success() {
        return res;
    }
    let cache = if fingerprinted(path) {
        IMMUTABLE
    } else if path.starts_with("/pkg/") {
        REVALIDATE
    } else {
        SHORT
    };
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    validated(asked, res)
}

/// A whole file's response with its `ETag` (from its time, size and encoding); 304 without the body
/// when the reader's copy is current.
pub fn validated(asked: &HeaderMap, mut res: Response) -> Response {
    if res.status() != StatusCode::OK {
        return res;
    }
    let modified = res.headers().get(header::LAST_MODIFIED).and_then(http_date);
    let Some(tag) = entity_tag(res.headers(), modified) else {
        return res;
    };
    let current = match asked.get(header::IF_NONE_MATCH) {
        // `If-None-Match` decides when present; `If-Modified-Since` only without it (RFC 9110).
        Some(list) => matches_any(list, &tag),
        None => {
            asked.get(header::IF_MODIFIED_SINCE).and_then(http_date).zip(modified).is_some_and(|(since, m)| m <= since)
        }
    };
    res.headers_mut().insert(header::ETAG, tag);
    if current {
        return not_modified(res);
    }
    res
}

/// A 304 from a full response: its validators and caching headers, no body nor body headers.
pub fn not_modified(res: Response) -> Response {
    let (mut parts, _) = res.into_parts();
    parts.status = StatusCode::NOT_MODIFIED;
    for name in [header::CONTENT_LENGTH, header::CONTENT_TYPE, header::CONTENT_ENCODING, header::ACCEPT_RANGES] {
        parts.headers.remove(name);
    }
    Response::from_parts(parts, Body::empty())
}

/// A strong tag for one file as sent: its time, size and encoding (the brotli and gzip files are
/// other representations of the same address, so other tags).
fn entity_tag(headers: &HeaderMap, modified: Option<SystemTime>) -> Option<HeaderValue> {
    let secs = modified?.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let len: u64 = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()?;
    let coding = match headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()) {
        Some(c) => format!("-{c}"),
        None => String::new(),
    };
    HeaderValue::from_str(&format!("\"{secs:x}-{len:x}{coding}\"")).ok()
}

/// Whether an `If-None-Match` list names `tag` (weak comparison, as RFC 9110 asks for it) or is `*`.
pub fn matches_any(list: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(list) = list.to_str() else { return false };
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tag = bare(tag.to_str().unwrap_or_default());
    list.split(',').any(|t| t.trim() == "*" || bare(t) == tag)
}

fn http_date(v: &HeaderValue) -> Option<SystemTime> {
    httpdate::parse_http_date(v.to_str().ok()?).ok()
}

/// A bundle file named with its fingerprint by `.ci/site.sh`: `/pkg/<name>.<16 hex digits>.<ext>`.
pub fn fingerprinted(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else { return false };
    !name.contains('/')
        && name.split('.').rev().skip(1).take(1).any(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bundle_files_named_by_their_content_are_immutable() {
        assert!(fingerprinted("/pkg/canyu.0123456789abcdef.wasm"));
        assert!(fingerprinted("/pkg/canyu.0123456789abcdef.css"));
        assert!(!fingerprinted("/pkg/canyu.css"));
        assert!(!fingerprinted("/pkg/canyu_bg.wasm"));
        assert!(!fingerprinted("/favicon.0123456789abcdef.svg"), "only the bundle is fingerprinted");
        assert!(!fingerprinted("/pkg/snippets/x.0123456789abcdef.js"));
        assert!(!fingerprinted("/pkg/canyu.0123456789abcdef.css.map.x"));
    }

    #[test]
    fn a_tag_matches_in_a_list_weakly_or_by_star() {
        let tag = HeaderValue::from_static("\"5f-1a\"");
        assert!(matches_any(&HeaderValue::from_static("\"x\", W/\"5f-1a\""), &tag));
        assert!(matches_any(&HeaderValue::from_static("*"), &tag));
        assert!(!matches_any(&HeaderValue::from_static("\"5f-1a-gzip\""), &tag));
    }
}
