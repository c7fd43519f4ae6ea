//! The JSON API under `/api/v1`, described by `openapi.json`.
pub mod cases;

use crate::guard::{keys, Action, ClientIp, Limiters};
use crate::respond::ApiError;
use app::comments::{store as comments, OwnComment, PublicComment};
use app::consultations::{store as consultations, Detail, Summary};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The OpenAPI 3 document.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Routes of API version 1.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/consultations", get(list))
        .route("/api/v1/consultations/{id}", get(read))
        .route("/api/v1/consultations/{id}/comments", get(public_comments).post(submit))
        .route("/api/v1/comments/receipt", post(by_receipt))
        .route("/api/v1/comments/{id}/disposition", put(dispose))
        .route("/api/v1/consultations/{id}/report", get(report).put(write_report))
        .route("/api/v1/session", post(sign_in))
        .route("/api/v1/search", get(search))
        .merge(cases::routes())
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn list(State(st): State<AppState>) -> Result<Json<Vec<Summary>>, ApiError> {
    Ok(Json(consultations::list(&st.db, None).await?))
}

async fn read(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<Detail>, ApiError> {
    Ok(Json(consultations::detail(&st.db, id).await?))
}

#[derive(Deserialize)]
struct ArticleFilter {
    article: Option<String>,
    #[serde(default, deserialize_with = "app::paging::lenient")]
    page: Option<u32>,
}

async fn public_comments(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ArticleFilter>,
) -> Result<Json<Vec<PublicComment>>, ApiError> {
    consultations::detail(&st.db, id).await?;
    Ok(Json(comments::public(&st.db, id, q.article.as_deref(), q.page).await?))
}

#[derive(Deserialize)]
struct NewComment {
    #[serde(default)]
    article: Option<String>,
    body: String,
}

async fn submit(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(c): Json<NewComment>,
) -> Result<Response, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?;
    lim.check(Action::Submit, &keys(ip, user.as_ref().map(|u| u.id.to_string())))?;
    let receipt = comments::submit(&st.db, user.as_ref(), id, c.article.as_deref(), &c.body).await?;
    let own = comments::by_receipt(&st.db, &receipt, user.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(own)).into_response())
}

#[derive(Deserialize)]
struct ReceiptLookup {
    receipt: String,
}

/// One's own comment by its receipt number, which travels in the body (never in a URL or a log).
async fn by_receipt(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(r): Json<ReceiptLookup>,
) -> Result<Json<OwnComment>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?;
    Ok(Json(comments::by_receipt(&st.db, &r.receipt, user.as_ref()).await?))
}

#[derive(Deserialize)]
struct NewDisposition {
    disposition: String,
    #[serde(default)]
    reason: String,
}

/// The drafting agency answers one comment (staff of its agency only).
async fn dispose(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(d): Json<NewDisposition>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
    user.staff_agency()?;
    lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
    let disposition = app::feedback::Disposition::from_field(&d.disposition)?;
    app::feedback::store::dispose(&st.db, &user, &[id], disposition, &d.reason).await?;
    let reason = Some(d.reason.trim()).filter(|r| !r.is_empty());
    Ok(Json(serde_json::json!({"id": id, "disposition": disposition, "reason": reason})))
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default, deserialize_with = "app::paging::lenient")]
    page: Option<u32>,
    #[serde(default)]
    preview: bool,
}

/// The published adoption report (`preview=true`: the draft, for staff of the agency).
async fn report(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Json<app::feedback::Report>, ApiError> {
    let staff = match q.preview {
        true => Some(crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?),
        false => None,
    };
    let page = app::paging::check(q.page)?;
    Ok(Json(app::feedback::report::load(&st.db, id, page, false, staff.as_ref()).await?))
}

#[derive(Deserialize)]
struct ReportInput {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    unanswered_reason: String,
    #[serde(default)]
    revised_text: String,
    #[serde(default)]
    publish: bool,
}

/// Save the report's draft, or publish it (staff of the consultation's agency).
async fn write_report(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(r): Json<ReportInput>,
) -> Result<Json<app::feedback::Report>, ApiError> {
    use app::feedback::report;
    let user = crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
    user.staff_agency()?;
    lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
    let text =
        report::ReportText { summary: r.summary, unanswered_reason: r.unanswered_reason, revised_text: r.revised_text };
    if r.publish {
        report::publish(&st.db, &user, id, &text, st.mail_enabled, &st.public_url).await?;
    } else {
        report::save(&st.db, &user, id, &text).await?;
    }
    Ok(Json(report::load(&st.db, id, 1, false, Some(&user)).await?))
}

#[derive(Deserialize)]
struct Credentials {
    login: String,
    password: String,
}

async fn sign_in(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Json(c): Json<Credentials>,
) -> Result<Response, ApiError> {
    use app::accounts::store as accounts;
    let user = crate::pages::check_credentials(&st, &lim, ip, &c.login, &c.password).await?;
    let token = accounts::start_session(&st.db, user.id).await?;
    let cookie = crate::pages::session_cookie(&st, &token, accounts::SESSION_SECONDS);
    let body = json!({ "id": user.id, "display_name": user.display_name, "role": user.role });
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

async fn search(
    State(st): State<AppState>,
    Query(p): Query<app::search::SearchParams>,
    headers: HeaderMap,
) -> Result<Json<app::search::SearchResults>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?;
    Ok(Json(app::search::search_for(&st, &p, user.as_ref()).await?))
}
