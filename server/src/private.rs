//! Which answers are one person's own: the rule both `web` (`no-store` on them) and `revalidate`
//! (a shareable tag only on the others) follow, kept apart so that neither imports the other.

/// Whether the answer to `req` is one person's own: made with a session, to anything but a GET or
/// HEAD, or on a private path. A case's progress, read with its number and query code, is as
/// private as a session's pages; so is a receipt (the page after commenting, a lookup, the API's
/// answer to a comment), and the answer to any post.
pub fn private_request(req: &axum::extract::Request) -> bool {
    let path = req.uri().path();
    app::state::session_token(req.headers()).is_some()
        || req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD
        || ["/api/v1/cases", "/cases/", "/receipts", "/api/v1/comments", "/api/receipt"]
            .iter()
            .any(|p| path.starts_with(p))
}
