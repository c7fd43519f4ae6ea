//! Short-lived copies of public pages. A page rendered for someone without a session, on a path
//! that is not private, is the same for everyone who asks at that moment (`revalidate`), so the
//! same page asked for again within `[http] public_page_copy_ms` (one second by default) is
//! answered from the copy instead of being rendered again: at 500,000 comments a crowd reading one
//! draft costs one render a second, not one per reader.
//!
//! What makes a copy stale:
//! - any request that can change something (anything but GET and HEAD, on any path, with or
//!   without a session) drops every copy once it is answered, so whoever changes something, and
//!   everyone after, sees the change at once; a render that began before the change is not kept
//!   (the generation it began in has passed);
//! - what changes without a request (a comment window closing by the clock, background grouping)
//!   shows at most one copy's lifetime late.
//!
//! The leptos server functions (`/api/<name>`, not `/api/v1/`) are posted to but only read, so
//! they leave the copies alone; a server function that writes must not be added.
//!
//! Each answer from a copy gets a fresh CSP nonce, written into the policy and over the copy's
//! old one in the body: a nonce is never sent twice.
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Copies kept at most (each address with its query is one), and their bytes at most.
const MAX_COPIES: usize = 2_000;
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// A page larger than this is not copied.
const MAX_PAGE: usize = 2 * 1024 * 1024;

/// One page as it was answered: its headers (the policy with `nonce`), body and tag.
pub struct Copy {
    made: Instant,
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
    pub tag: HeaderValue,
}

impl Copy {
    /// The page again with a fresh nonce: its headers and body.
    pub fn fresh(&self) -> (HeaderMap, Bytes) {
        let mut headers = self.headers.clone();
        // The body's length is the server's to set again (a nonce's length may differ).
        headers.remove(header::CONTENT_LENGTH);
        let Some(old) = self.nonce.as_deref() else { return (headers, self.body.clone()) };
        let new = leptos::nonce::Nonce::new();
        let policy = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|p| p.to_str().ok());
        if let Some(Ok(policy)) = policy.map(|p| HeaderValue::from_str(&p.replace(old, &new))) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        let body = match std::str::from_utf8(&self.body) {
            Ok(text) => Bytes::from(text.replace(old, &new)),
            // Never kept (see `keep`), so never reached.
            Err(_) => self.body.clone(),
        };
        (headers, body)
    }
}

/// See [`PageCopies::forget_on_drop`].
pub struct ForgetOnDrop<'a> {
    copies: &'a PageCopies,
    armed: bool,
}

impl ForgetOnDrop<'_> {
    pub fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for ForgetOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.copies.forget();
        }
    }
}

#[derive(Default)]
struct Kept {
    copies: HashMap<String, std::sync::Arc<Copy>>,
    bytes: usize,
    generation: u64,
}

pub struct PageCopies {
    lifetime: Duration,
    kept: Mutex<Kept>,
}

impl PageCopies {
    /// Copies that live `millis` milliseconds; 0 keeps none.
    pub fn new(millis: u64) -> PageCopies {
        PageCopies { lifetime: Duration::from_millis(millis), kept: Mutex::new(Kept::default()) }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a request of `method` to `path` may change what pages show.
    pub fn changes(method: &Method, path: &str) -> bool {
        let server_function = path.starts_with("/api/") && !path.starts_with("/api/v1/");
        [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(method) && !server_function
    }

    /// Drops every copy when the guard is dropped, unless disarmed.
    pub fn forget_on_drop(&self) -> ForgetOnDrop<'_> {
        ForgetOnDrop { copies: self, armed: true }
    }

    /// The live copy of the page at `address`.
    pub fn get(&self, address: &str) -> Option<std::sync::Arc<Copy>> {
        if self.lifetime.is_zero() {
            return None;
        }
        let kept = self.kept();
        kept.copies.get(address).filter(|c| c.made.elapsed() < self.lifetime).cloned()
    }

    /// The generation a render begins in: a copy is kept only if nothing changed since.
    pub fn generation(&self) -> u64 {
        self.kept().generation
    }

    /// Drop every copy: something may have changed.
    pub fn forget(&self) {
        let mut kept = self.kept();
        kept.generation += 1;
        kept.copies.clear();
        kept.bytes = 0;
    }

    /// Keep the page rendered for `address` in `generation`, if there is room for it.
    pub fn keep(&self, address: String, generation: u64, headers: &HeaderMap, body: &Bytes, tag: &HeaderValue) {
        if self.lifetime.is_zero() || body.len() > MAX_PAGE || std::str::from_utf8(body).is_err() {
            return;
        }
        let nonce = headers.get(header::CONTENT_SECURITY_POLICY).and_then(nonce_of);
        let mut kept = self.kept();
        if kept.generation != generation {
            return;
        }
        let size = address.len() + body.len();
        if kept.copies.len() >= MAX_COPIES || kept.bytes + size > MAX_BYTES {
            let lifetime = self.lifetime;
            kept.copies.retain(|_, c| c.made.elapsed() < lifetime);
            kept.bytes = kept.copies.iter().map(|(a, c)| a.len() + c.body.len()).sum();
            if kept.copies.len() >= MAX_COPIES || kept.bytes + size > MAX_BYTES {
                return;
            }
        }
        let copy = Copy { made: Instant::now(), headers: headers.clone(), body: body.clone(), nonce, tag: tag.clone() };
        if let Some(old) = kept.copies.insert(address.clone(), std::sync::Arc::new(copy)) {
            kept.bytes -= address.len() + old.body.len();
        }
        kept.bytes += size;
    }
}

/// The nonce in a policy's `'nonce-…'` source.
pub fn nonce_of(policy: &HeaderValue) -> Option<String> {
    let rest = policy.to_str().ok()?.split("'nonce-").nth(1)?;
    let nonce = rest.split('\'').next()?;
    (!nonce.is_empty()).then(|| nonce.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(nonce: &str) -> (HeaderMap, Bytes) {
        let mut headers = HeaderMap::new();
        let policy = format!("default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'");
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).unwrap());
        (headers, Bytes::from(format!("<script nonce=\"{nonce}\">go()</script><p>第一条</p>")))
    }

    #[test]
    fn a_reader_served_from_a_copy_gets_a_nonce_no_one_else_got() {
        let copies = PageCopies::new(60_000);
        let (headers, body) = page("OLDNONCE123");
        copies.keep(
            "/consultations/1".into(),
            copies.generation(),
            &headers,
            &body,
            &HeaderValue::from_static("W/\"t\""),
        );
        let copy = copies.get("/consultations/1").expect("kept");
        let (a, body_a) = copy.fresh();
        let (b, body_b) = copy.fresh();
        let policy = |h: &HeaderMap| h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        assert!(!policy(&a).contains("OLDNONCE123") && !String::from_utf8_lossy(&body_a).contains("OLDNONCE123"));
        assert_ne!(policy(&a), policy(&b), "each answer has its own nonce");
        let nonce = nonce_of(&a[header::CONTENT_SECURITY_POLICY]).unwrap();
        assert!(String::from_utf8_lossy(&body_a).contains(&format!("nonce=\"{nonce}\"")), "the body carries it");
        assert!(String::from_utf8_lossy(&body_b).ends_with("<p>第一条</p>"), "the page is otherwise the same");
    }

    #[test]
    fn a_change_drops_the_copies_and_a_render_begun_before_it_is_not_kept() {
        let copies = PageCopies::new(60_000);
        let (headers, body) = page("N1");
        let tag = HeaderValue::from_static("W/\"t\"");
        let begun = copies.generation();
        copies.keep("/a".into(), begun, &headers, &body, &tag);
        copies.forget();
        assert!(copies.get("/a").is_none(), "dropped by the change");
        copies.keep("/b".into(), begun, &headers, &body, &tag);
        assert!(copies.get("/b").is_none(), "rendered before the change, so not kept");
        assert!(PageCopies::changes(&Method::POST, "/consultations/1/comment"));
        assert!(PageCopies::changes(&Method::DELETE, "/api/v1/anything"));
        assert!(!PageCopies::changes(&Method::POST, "/api/public_comments"), "a server function only reads");
        assert!(!PageCopies::changes(&Method::GET, "/consultations/1"));
        assert!(!PageCopies::changes(&Method::OPTIONS, "/consultations/1"), "asks, changes nothing");
        let (headers, body) = page("N2");
        copies.keep("/c".into(), copies.generation(), &headers, &body, &tag);
        copies.forget_on_drop().disarm();
        assert!(copies.get("/c").is_some(), "a refusal changed nothing, so the copies stay");
        drop(copies.forget_on_drop());
        assert!(copies.get("/c").is_none(), "a change, even if its client left, drops them");
    }

    #[test]
    fn copies_expire_and_none_are_kept_when_turned_off() {
        let (headers, body) = page("N1");
        let tag = HeaderValue::from_static("W/\"t\"");
        let off = PageCopies::new(0);
        off.keep("/a".into(), off.generation(), &headers, &body, &tag);
        assert!(off.get("/a").is_none());
        let short = PageCopies::new(1);
        short.keep("/a".into(), short.generation(), &headers, &body, &tag);
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.get("/a").is_none(), "a copy older than its lifetime is not used");
    }
}
