//! The HTTP application assembled: pages, form posts, the JSON API, static files, health, and the
//! layers every request passes (guards, deadlines, headers, logging).
use crate::config::Config;
use crate::forms::{
    account_page, accounts, admin, bulk, cases, comments, consultations, feedback, files, filing, inbox, legislation,
    recovery, registry, upload,
};
use crate::guard::{self, Limiters};
use crate::{api, health, session};
use app::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use futures_util::future::BoxFuture;
use leptos::prelude::provide_context;
use leptos_axum::LeptosRoutes;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Build the router for a state; tests call this too.
pub fn router(state: AppState, limiters: Arc<Limiters>, cfg: &Config) -> Router {
    let routes = crate::page_routes::page_routes();
    let ctx_state = state.clone();
    let opts = state.leptos_options.clone();
    let trust_forwarded = cfg.trust_forwarded_for;
    let copies = Arc::new(crate::page_copies::PageCopies::new(cfg.http.public_page_copy_ms));
    // A whole request, body included, has a deadline (slow bodies are cut off with 408); filings
    // with attachments get longer, and only a few are received at once.
    let deadline =
        |secs: u64| TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(secs.max(1)));
    // Each upload route refuses a body announced over its own limit before reading any of it.
    // An upload too large to read comes back as its form, saying the limits (nothing was read).
    let upload_limited = |caps: upload::Caps| {
        let limit = caps.body_limit();
        let refuse = middleware::from_fn_with_state(state.clone(), move |st: State<AppState>, req, next| {
            refuse_upload_over(caps, st, req, next)
        });
        (DefaultBodyLimit::max(limit), refuse)
    };
    let (filing_body, filing_announced) = upload_limited(upload::FILING);
    let (files_body, files_announced) = upload_limited(files::UPLOAD);
    let uploads = Router::new()
        .route("/cases/new/{kind}", post(cases::file).layer(filing_body).layer(filing_announced))
        .route(
            "/staff/consultations/{id}/files",
            post(files::attach_to_consultation).layer(files_body).layer(files_announced.clone()),
        )
        .route("/staff/documents/{id}/files", post(files::attach_to_document).layer(files_body).layer(files_announced))
        .layer(deadline(cfg.http.upload_timeout_secs));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/register", post(accounts::register))
        .route("/login", post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/account/password", post(accounts::change_password))
        .route("/account/setup", post(accounts::setup_account))
        .route("/account/forgot", post(recovery::forgot))
        .route("/account/reset", post(recovery::reset))
        .route("/account/name", post(account_page::rename))
        .route("/account/email", post(account_page::request_email))
        .route("/account/email/confirm", post(account_page::confirm_email))
        .route("/account/email/remove", post(account_page::remove_email))
        .route("/account/delete", post(account_page::delete))
        .route("/consultations/{id}/comment", post(comments::comment))
        .route("/receipts", post(comments::receipt_lookup))
        .route("/staff/comments/{id}/moderate", post(comments::moderate))
        .route("/staff/consultations/new", post(consultations::new_consultation))
        .route("/staff/comments/{id}/dispose", post(feedback::dispose))
        .route("/staff/consultations/{id}/dispose", post(bulk::dispose_many))
        .route("/staff/consultations/{id}/moderate", post(bulk::moderate_many))
        .route("/staff/comments/{id}/split", post(feedback::split))
        .route("/staff/consultations/{id}/report", post(feedback::report))
        .route("/staff/consultations/{id}/correct", post(consultations::correct))
        .route("/staff/consultations/{id}/{what}", post(consultations::change_window))
        .route("/staff/consultations/{id}/files/{file}/remove", post(files::remove_from_consultation))
        .route("/consultations/{id}/files/{file}", get(files::consultation_file))
        .route("/documents/{id}/files/{file}", get(files::document_file))
        .route("/consultations/{id}/report.csv", get(crate::report_file::download))
        .route("/inbox/read", post(inbox::read_all))
        .route("/me/cases", post(cases::my_case))
        .route("/cases/track", post(cases::track))
        .route("/cases/rating", post(cases::rate))
        .route("/cases/review", post(cases::review))
        .route("/staff/cases/{id}/actions", post(cases::act))
        .route("/staff/cases/{id}/files/{file}", get(cases::attachment))
        .route("/admin/agencies", post(admin::create_agency))
        .route("/admin/calendar", post(admin::save_calendar))
        .route("/admin/agencies/parent", post(admin::set_parent))
        .route("/admin/agencies/code", post(registry::set_code))
        .route("/documents/number/{number}", get(registry::by_number))
        .route("/staff/documents/new", post(registry::register))
        .route("/staff/documents/{id}/status", post(registry::change_status))
        .route("/staff/documents/cleanup", post(registry::publish_cleanup))
        .route("/staff/objections/{key}/answer", post(registry::correct_answer))
        .route("/staff/documents/{id}/filing", post(filing::file))
        .route("/staff/documents/{id}/filing/review", post(filing::review))
        .route("/staff/legislation", post(legislation::open_call))
        .route("/legislation/{id}/proposals", post(legislation::propose))
        .route("/staff/legislation/proposals/{id}/moderate", post(legislation::moderate))
        .route("/staff/legislation/proposals/{id}/disposition", post(legislation::dispose))
        .route("/staff/legislation/{id}/items", post(legislation::add_item))
        .route("/staff/legislation/items/{id}/remove", post(legislation::remove_item))
        .route("/staff/legislation/items/{id}/edit", post(legislation::change_item))
        .route("/staff/legislation/{id}/publish", post(legislation::publish))
        .route("/staff/legislation/{id}/edit", post(legislation::change_call))
        .route("/staff/legislation/{id}/withdraw", post(legislation::withdraw_call))
        .route("/staff/legislation/link", post(legislation::link))
        .route("/staff/legislation/unlink", post(legislation::unlink))
        .route("/admin/staff", post(admin::create_staff))
        .route("/admin/staff/setup-code", post(admin::reissue_setup_code))
        .route("/admin/staff/disable", post(admin::disable_staff))
        .route("/admin/staff/enable", post(admin::enable_staff))
        .route("/admin/staff/reset-password", post(admin::reset_staff_password))
        .route("/admin/grants", post(admin::grant))
        .route("/admin/grants/revoke", post(admin::revoke))
        .route("/admin/grants/approve", post(admin::decide_grant))
        .route("/admin/grants/refuse", post(admin::decide_grant))
        .merge(api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            move || app::shell(opts.clone()),
        )
        // A form's address opened as a page goes to the form's page (after every route above).
        .method_not_allowed_fallback(crate::forms::form_pages::opened_as_page)
        .fallback(files_then_pages(&cfg.site_root))
        .layer(middleware::from_fn(|req, next| refuse_announced_over(BODY_LIMIT, req, next)))
        .layer(deadline(cfg.http.request_timeout_secs))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(state.clone(), receipt_lookups_are_budgeted))
        .layer(middleware::from_fn_with_state(state.clone(), session::look_up_viewer))
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
        .layer(middleware::from_fn(move |req, next| crate::revalidate::public_pages(copies.clone(), req, next)))
        .layer(middleware::from_fn(private_responses_are_not_stored))
        .layer(compression())
        .layer(middleware::from_fn(log_request))
        .with_state(state)
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

/// [`refuse_announced_over`] for an upload form: a browser gets the form's page back with the
/// limits said at the file field (413), not a bare line of text; the API client its typed error.
async fn refuse_upload_over(
    caps: upload::Caps,
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let announced =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_none_or(|n| n <= caps.body_limit() as u64) {
        return next.run(req).await;
    }
    if crate::respond::wants_json(req.headers()) {
        return crate::respond::error_response(req.headers(), app::error::AppError::TooLarge);
    }
    let message = if caps.file == caps.total {
        format!("提交的内容过大，未能接收：文件不超过{}MB。请重新选择文件后再提交。", caps.file >> 20)
    } else {
        format!(
            "提交的内容过大，未能接收：每个文件不超过{}MB，合计不超过{}MB。请重新选择文件后再提交。",
            caps.file >> 20,
            caps.total >> 20
        )
    };
    let path = req.uri().path().to_string();
    let page = crate::forms::common::Page { st, headers: req.headers().clone(), posted: path.clone() };
    let err = app::error::AppError::field(caps.field, &message);
    let mut res = page.rejected(&path, std::collections::HashMap::new(), err).await;
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    res
}

/// The receipt server function (the page's lookup with JavaScript) counts against the lookup
/// budget like the form post and the API do: an anonymous comment's receipt is its only key.
async fn receipt_lookups_are_budgeted(
    axum::extract::State(st): axum::extract::State<AppState>,
    mut req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    // The page after commenting looks up the receipt its cookie names: that counts too (the
    // cookie is the client's to set, so it is one more way to try numbers).
    let flashed = req.uri().path() == "/receipts" && app::state::fresh_receipt(req.headers()).is_some();
    if req.uri().path() == "/api/receipt" || flashed {
        // Only these requests need their viewer here (the page middleware keeps it for the page).
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let viewer = crate::extract::Viewer::from_request_parts(&mut parts, &st).await;
        let limits = crate::extract::Limits::from_request_parts(&mut parts, &st).await;
        req = axum::extract::Request::from_parts(parts, body);
        let Ok(limits) = limits else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
        if let Err(e) = crate::case_actions::check_lookup(&limits, viewer) {
            // Encoded as the server function's own error, so the page shows it as any other.
            let body = serde_json::to_string(&e).unwrap_or_default();
            let mut res =
                (crate::respond::status(&e), [(header::CONTENT_TYPE, "application/json")], body).into_response();
            crate::respond::add_retry_after(&e, res.headers_mut());
            return res;
        }
    }
    next.run(req).await
}

/// A response to a request made with a session is that person's own: no cache, shared or local,
/// keeps it (a page behind a sign-in on a library computer, a proxy's cache).
async fn private_responses_are_not_stored(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let private = crate::private::private_request(&req);
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

/// The fallback: a file of the site folder (`assets`) when one matches the path, else the app
/// (which answers with its 404 page).
fn files_then_pages(
    site_root: &std::path::Path,
) -> impl Fn(State<AppState>, axum::extract::Request) -> BoxFuture<'static, axum::response::Response> + Clone + Send + 'static
{
    let files = crate::assets::Files::new(site_root);
    let pages = leptos_axum::file_and_error_handler::<AppState, _>(app::shell);
    move |State(state): State<AppState>, req: axum::extract::Request| {
        let (files, pages) = (files.clone(), pages.clone());
        Box::pin(async move {
            match files.serve(req.method(), req.uri(), req.headers()).await {
                Some(file) => file,
                None => pages(req.uri().clone(), State(state), req).await,
            }
        })
    }
}

/// Pages, JSON and CSV are gzipped as they are sent (level 4) when the browser accepts it; static
/// files are not: `.ci/site.sh` compresses them once, at the best setting. Not brotli: on pages of
/// a few KB it saved 1% over gzip and cost twice the CPU (page rate 0.73 of uncompressed against
/// 0.88 with gzip, README "Static files, caching and compression").
fn compression() -> CompressionLayer<impl Predicate> {
    let dynamic = |_: StatusCode, _: axum::http::Version, h: &axum::http::HeaderMap, _: &axum::http::Extensions| {
        h.get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| ["text/html", "application/json", "text/csv"].iter().any(|d| t.starts_with(d)))
    };
    CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(DefaultPredicate::new().and(dynamic))
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
