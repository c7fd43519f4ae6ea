//! Conditional requests for public pages: a page rendered for someone without a session, on a path
//! that is not private (see `private::private_request`), is the same for everyone who asks at that
//! moment, so it carries a weak `ETag` over its body and `Cache-Control: no-cache`: a browser (or a
//! shared cache) may keep it but asks each time, and gets 304 without the body when the page has
//! not changed. Every request is still rendered: the tag is the rendered body's, so a 304 is only
//! ever given for exactly the bytes the reader already has (a closed window, a new comment, a
//! message shown to one address all change the bytes, so the tag).
//!
//! Two things in a page's response change on every render without changing what it shows: the
//! CSP nonce (in the header and the page's script tags), which is left out of the tag, and so
//! the 304 carries no `Content-Security-Policy`: a 304's headers replace the stored ones, and a
//! fresh nonce would block the stored page's scripts, which carry the old one.
use crate::assets::{matches_any, not_modified};
use crate::page_copies::{nonce_of, PageCopies};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A page larger than this is sent as it comes, untagged (no page comes near it).
const MAX_TAGGED: usize = 8 * 1024 * 1024;

/// Tag public pages and answer `If-None-Match` with 304; answer a public page asked for again
/// from its short-lived copy (`page_copies`). Sits outside the security headers so that it sees
/// the final headers of the page.
pub async fn public_pages(copies: Arc<PageCopies>, req: Request, next: Next) -> Response {
    let public = req.method() == Method::GET
        && !crate::private::private_request(&req)
        && !req.headers().contains_key(header::AUTHORIZATION);
    if !public {
        // Armed before the request runs, so a change is followed by dropping the copies even if
        // the client goes away (the future dropped) after it committed; only a refusal (4xx),
        // which changed nothing, disarms it.
        let mut forget = PageCopies::changes(req.method(), req.uri().path()).then(|| copies.forget_on_drop());
        let res = next.run(req).await;
        if res.status().is_client_error() {
            if let Some(f) = forget.as_mut() {
                f.disarm();
            }
        }
        return res;
    }
    let asked = req.headers().get(header::IF_NONE_MATCH).cloned();
    let address = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    if let Some(copy) = copies.get(&address) {
        let (headers, body) = copy.fresh();
        let mut res = Response::new(Body::from(body));
        *res.headers_mut() = headers;
        return answer(res, asked.as_ref(), &copy.tag);
    }
    let generation = copies.generation();
    let res = next.run(req).await;
    if !taggable(&res) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let body = match collect(body).await {
        Ok(bytes) => bytes,
        // Too long: what was read goes first, the rest follows, untagged.
        Err(stream) => return Response::from_parts(parts, stream),
    };
    let nonce = parts.headers.get(header::CONTENT_SECURITY_POLICY).and_then(nonce_of);
    let Ok(tag) = HeaderValue::from_str(&page_tag(&body, nonce.as_deref())) else {
        return Response::from_parts(parts, Body::from(body));
    };
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Pages are compressed on the way out (`web::compression`), and a 304 names the same `Vary`.
    parts.headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    parts.headers.insert(header::ETAG, tag.clone());
    copies.keep(address, generation, &parts.headers, &body, &tag);
    answer(Response::from_parts(parts, Body::from(body)), asked.as_ref(), &tag)
}

/// The page, or 304 when the reader already has it (`asked` names its tag).
fn answer(res: Response, asked: Option<&HeaderValue>, tag: &HeaderValue) -> Response {
    if !asked.is_some_and(|list| matches_any(list, tag)) {
        return res;
    }
    let mut res = not_modified(res);
    res.headers_mut().remove(header::CONTENT_SECURITY_POLICY);
    res
}

/// A whole HTML page that nothing else has set caching for, and that sets no cookie.
fn taggable(res: &Response) -> bool {
    let h = res.headers();
    res.status() == StatusCode::OK
        && h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"))
        && !h.contains_key(header::CACHE_CONTROL)
        && !h.contains_key(header::SET_COOKIE)
        && !h.contains_key(header::CONTENT_ENCODING)
}

/// The body, or (past `MAX_TAGGED`) a body that sends what was read and then the rest.
async fn collect(body: Body) -> Result<Bytes, Body> {
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return Err(Body::from_stream(futures_util::stream::iter([Err::<Bytes, _>(e)]))),
        };
        read.extend_from_slice(&chunk);
        if read.len() > MAX_TAGGED {
            let first = futures_util::stream::iter([Ok::<_, axum::Error>(Bytes::from(read))]);
            return Err(Body::from_stream(first.chain(stream)));
        }
    }
    Ok(Bytes::from(read))
}

/// `W/"<128 bits of SHA-256>"` over the body with the nonce left out.
fn page_tag(body: &[u8], nonce: Option<&str>) -> String {
    let mut hash = Sha256::new();
    match (nonce, std::str::from_utf8(body)) {
        (Some(nonce), Ok(text)) => text.split(nonce).for_each(|piece| hash.update(piece.as_bytes())),
        _ => hash.update(body),
    }
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_page_with_another_nonce_has_the_same_tag() {
        let a = page_tag(b"<script nonce=\"AAA\">x</script><p>1</p>", Some("AAA"));
        let b = page_tag(b"<script nonce=\"BBB\">x</script><p>1</p>", Some("BBB"));
        let changed = page_tag(b"<script nonce=\"CCC\">x</script><p>2</p>", Some("CCC"));
        assert_eq!(a, b);
        assert_ne!(a, changed);
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let p = HeaderValue::from_static("default-src 'self'; script-src 'nonce-Ab+c/9==' 'strict-dynamic'");
        assert_eq!(nonce_of(&p).as_deref(), Some("Ab+c/9=="));
        assert_eq!(nonce_of(&HeaderValue::from_static("default-src 'none'")), None);
    }
}
