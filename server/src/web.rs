//! The HTTP application: pages, form posts, the JSON API, static files, health and guards.
use crate::config::Config;
use crate::guard::{self, Limiters};
use crate::{api, case_forms, pages};
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Build the router for a state; tests call this too.
pub fn router(state: AppState, limiters: Arc<Limiters>, cfg: &Config) -> Router {
    let routes = generate_route_list(app::App);
    let ctx_state = state.clone();
    let opts = state.leptos_options.clone();
    let trust_forwarded = cfg.trust_forwarded_for;
    // A whole request, body included, has a deadline (slow bodies are cut off with 408); filings
    // with attachments get longer, and only a few are received at once.
    let deadline =
        |secs: u64| TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(secs.max(1)));
    let uploads = Router::new()
        .route("/cases/new/{kind}", post(case_forms::file).layer(DefaultBodyLimit::max(case_forms::MAX_FILING_BYTES)))
        .layer(middleware::from_fn(|req, next| refuse_announced_over(case_forms::MAX_FILING_BYTES, req, next)))
        .layer(deadline(cfg.http.upload_timeout_secs));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/register", post(pages::register))
        .route("/login", post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/account/password", post(pages::change_password))
        .route("/consultations/{id}/comment", post(pages::comment))
        .route("/receipts", post(pages::receipt_lookup))
        .route("/me/cases", post(pages::my_case))
        .route("/staff/consultations/new", post(pages::new_consultation))
        .route("/staff/comments/{id}/moderate", post(pages::moderate))
        .route("/staff/comments/{id}/dispose", post(pages::dispose))
        .route("/staff/consultations/{id}/dispose", post(pages::dispose_many))
        .route("/staff/comments/{id}/split", post(pages::split))
        .route("/staff/consultations/{id}/report", post(pages::report))
        .route("/consultations/{id}/report.csv", get(pages::report_csv))
        .route("/inbox/read", post(pages::inbox_read))
        .route("/cases/track", post(case_forms::track))
        .route("/cases/rating", post(case_forms::rate))
        .route("/cases/review", post(case_forms::review))
        .route("/staff/cases/{id}/actions", post(case_forms::act))
        .route("/staff/cases/{id}/files/{file}", get(case_forms::attachment))
        .route("/admin/agencies", post(pages::create_agency))
        .route("/admin/staff", post(pages::create_staff))
        .route("/admin/grants", post(pages::grant))
        .route("/admin/grants/revoke", post(pages::revoke))
        .route("/admin/grants/approve", post(pages::decide_grant))
        .route("/admin/grants/refuse", post(pages::decide_grant))
        .route("/admin/staff/setup-code", post(pages::reissue_setup_code))
        .route("/account/setup", post(pages::setup_account))
        .route("/admin/agencies/parent", post(pages::set_parent))
        .merge(api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            move || app::shell(opts.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(middleware::from_fn(|req, next| refuse_announced_over(BODY_LIMIT, req, next)))
        .layer(deadline(cfg.http.request_timeout_secs))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(state.clone(), look_up_viewer))
        .layer(middleware::from_fn(retry_stalled_pages))
        .layer(Extension(limiters))
        .layer(middleware::from_fn(guard::same_origin_only))
        // Inside the header layers, so the error envelope it makes gets the security headers too.
        .layer(middleware::from_fn(crate::respond::api_errors))
        .layer(middleware::from_fn(move |req, next| guard::client_ip(trust_forwarded, req, next)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages set their own policy with a nonce (`app::App`); anything else may not run or be framed.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; sandbox"),
        ))
        .layer(middleware::from_fn(private_responses_are_not_stored))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// A request for a page (rendered by Leptos), not a form post, the API, a static file or health.
fn is_page(req: &axum::extract::Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD)
        && !["/api/", "/pkg/", "/healthz"].iter().any(|p| path.starts_with(p))
}

/// Look up the signed-in user once per page request, before anything renders. Form posts and the
/// API look the user up themselves, once.
async fn look_up_viewer(
    State(st): State<AppState>,
    mut req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    if is_page(&req) {
        pages::attach_viewer(&st, &mut req).await;
    }
    next.run(req).await
}

/// A page render that has not finished after this long has stalled: renders take milliseconds, and
/// a render waiting on a busy database gives up sooner (5 s for a pooled connection).
pub const RENDER_STALL: std::time::Duration = std::time::Duration::from_secs(10);

/// Render a page again when the render stalls. Leptos 0.8's server rendering very rarely leaves a
/// `<Suspense>` waiting for a task that has already finished (measured: 3 of about 25,000 page loads
/// under the test suite's load; cf. leptos#4851, #4673). A page is a read, so rendering it again
/// is safe; the stalled render is dropped.
async fn retry_stalled_pages(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    let (parts, _) = req.into_parts();
    render_patiently(parts, RENDER_STALL, |req| next.clone().run(req)).await
}

/// Render a page request; a render not finished within `stall` is dropped and rendered once more,
/// without a limit the second time.
pub async fn render_patiently<F, Fut>(
    parts: axum::http::request::Parts,
    stall: std::time::Duration,
    render: F,
) -> axum::response::Response
where
    F: Fn(axum::extract::Request) -> Fut,
    Fut: std::future::Future<Output = axum::response::Response>,
{
    let request = || axum::extract::Request::from_parts(parts.clone(), axum::body::Body::empty());
    match tokio::time::timeout(stall, render(request())).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(path = parts.uri.path(), "page render stalled; rendering it again");
            render(request()).await
        }
    }
}

/// The largest body of a form post or API call (axum's default limit, which the extractors apply).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A body announced (`Content-Length`) larger than the route takes is refused at once with 413,
/// before a byte of it is read; bodies without a length are cut off at the limit as they arrive.
async fn refuse_announced_over(
    limit: usize,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let announced =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return crate::respond::error_response(req.headers(), app::error::AppError::TooLarge);
    }
    next.run(req).await
}

/// A response to a request made with a session is that person's own: no cache, shared or local,
/// keeps it (a page behind a sign-in on a library computer, a proxy's cache).
async fn private_responses_are_not_stored(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    // A case's progress, read with its number and query code, is as private as a session's pages;
    // so is a receipt (the page after commenting, a lookup, the API's answer to a comment), and
    // the answer to any post.
    let path = req.uri().path();
    let private = app::state::session_token(req.headers()).is_some()
        || req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD
        || ["/api/v1/cases", "/cases/", "/receipts", "/api/v1/comments", "/api/receipt"]
            .iter()
            .any(|p| path.starts_with(p));
    // The receipt page hands over a just-given receipt once: the cookie that carried it is cleared.
    let flashed = path == "/receipts" && app::state::fresh_receipt(req.headers()).is_some();
    let mut res = next.run(req).await;
    if private {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if flashed {
        let clear = format!("{}=; Path=/receipts; HttpOnly; SameSite=Lax; Max-Age=0", app::state::RECEIPT_COOKIE);
        if let Ok(v) = HeaderValue::from_str(&clear) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// 200 when the database answers and takes a write (an I/O fault fails the write) and the data
/// folder has more free space than the floor; 503 otherwise, so a balancer stops sending
/// submissions here until it is fixed. The search
/// index's state is reported beside it: a failing indexer degrades search, not the service.
async fn healthz(State(st): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query("UPDATE health_probe SET checked_at = $1 WHERE id = 1").bind(app::clock::now());
    let database = match probe.execute(&st.db).await {
        Ok(_) => "ok",
        Err(e) => {
            tracing::error!(error = %e, "health check failed: the database does not take writes");
            "unavailable"
        }
    };
    let disk = if st.disk_low() { "low" } else { "ok" };
    let search = st.search.health();
    let healthy = database == "ok" && disk == "ok";
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = serde_json::json!({
        "status": if !healthy { "unavailable" } else if search.failing.is_some() { "degraded" } else { "ok" },
        "database": database,
        "disk": disk,
        "search": search,
    });
    (status, axum::Json(body))
}

/// One log line per request: method, route, status, time. The route is the template
/// (`/api/v1/cases/{number}/rating`), never the path itself (see `guard::loggable_path`).
async fn log_request(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    let method = req.method().clone();
    let path = crate::guard::loggable_path(&req);
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::info!(%method, path, status = res.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_stalled_render_is_dropped_and_rendered_again() {
        let (parts, _) = axum::http::Request::builder().uri("/me").body(()).unwrap().into_parts();
        let calls = AtomicUsize::new(0);
        let res = render_patiently(parts, std::time::Duration::from_millis(50), |_| {
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
