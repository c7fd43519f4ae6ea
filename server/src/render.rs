//! Rendering a page on the server, and rendering it again when Leptos leaves it stalled.
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::future::Future;
use std::time::Duration;

/// A page render that has not finished after this long has stalled: renders take milliseconds, and
/// a render waiting on a busy database gives up sooner (5 s for a pooled connection).
pub const RENDER_STALL: Duration = Duration::from_secs(10);

/// A request for a page (rendered by Leptos), not a form post, the API, a static file or health.
pub fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD)
        && !["/api/", "/pkg/", "/healthz"].iter().any(|p| path.starts_with(p))
}

/// Render a page again when the render stalls. Leptos 0.8's server rendering very rarely leaves a
/// `<Suspense>` waiting for a task that has already finished (measured: 3 of about 25,000 page loads
/// under the test suite's load; cf. leptos#4851, #4673). A page is a read, so rendering it again
/// is safe; the stalled render is dropped.
pub async fn retry_stalled_pages(req: Request, next: Next) -> Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    let (parts, _) = req.into_parts();
    render_patiently(parts, RENDER_STALL, |req| next.clone().run(req)).await
}

/// Render a page request; a render not finished within `stall` is dropped and rendered once more,
/// without a limit the second time.
pub async fn render_patiently<F, Fut>(parts: axum::http::request::Parts, stall: Duration, render: F) -> Response
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let request = || Request::from_parts(parts.clone(), axum::body::Body::empty());
    match tokio::time::timeout(stall, render(request())).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(path = parts.uri.path(), "page render stalled; rendering it again");
            render(request()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_stalled_render_is_dropped_and_rendered_again() {
        let (parts, _) = axum::http::Request::builder().uri("/me").body(()).unwrap().into_parts();
        let calls = AtomicUsize::new(0);
        let res = render_patiently(parts, Duration::from_millis(50), |_| {
            let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if first {
                    std::future::pending::<()>().await;
                }
                StatusCode::OK.into_response()
            }
        })
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the first render stalled, the second answered");
    }
}
