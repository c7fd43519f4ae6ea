//! Cases in the JSON API: filing and following a case, and the staff actions.
use crate::case_actions::{check_lookup, perform, CaseAction, Performed};
use crate::extract::{Limits, Refusal, SignedIn, Viewer};
use crate::respond::ApiError;
use app::cases::store::{self, Queue};
use app::cases::{CaseSummary, Filed, Filing, Progress, StaffCase};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// POST /api/v1/cases: file a case (text only; attachments go with the form).
pub async fn file(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Json(f): Json<Filing>,
) -> Result<Response, ApiError> {
    let Viewer(user) = user?;
    limits.submit(user.as_ref())?;
    let filed: Filed = store::file(&st.db, &st.cases, user.as_ref(), &f, &[]).await?;
    Ok((StatusCode::CREATED, Json(filed)).into_response())
}

/// A case number and its query code: the key to a case, so it travels in a body, never in a URL
/// (URLs end up in logs, browser history and proxies).
#[derive(Deserialize)]
pub struct Lookup {
    number: String,
    code: String,
}

/// POST /api/v1/cases/progress
pub async fn progress(
    State(st): State<AppState>,
    limits: Limits,
    Json(l): Json<Lookup>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits)?;
    Ok(Json(store::progress(&st.db, &st.cases, &l.number, &l.code).await?))
}

#[derive(Deserialize)]
pub struct Rating {
    code: String,
    score: i64,
    #[serde(default)]
    comment: String,
}

/// POST /api/v1/cases/{number}/rating
pub async fn rate(
    State(st): State<AppState>,
    limits: Limits,
    Path(number): Path<String>,
    Json(r): Json<Rating>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits)?;
    store::rate(&st.db, &st.cases, &number, &r.code, r.score, &r.comment).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

#[derive(Deserialize)]
pub struct ReviewRequest {
    code: String,
    #[serde(default)]
    reason: String,
}

/// POST /api/v1/cases/{number}/review
pub async fn review(
    State(st): State<AppState>,
    limits: Limits,
    Path(number): Path<String>,
    Json(r): Json<ReviewRequest>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits)?;
    store::request_review(&st.db, &st.cases, &number, &r.code, &r.reason).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

#[derive(Deserialize)]
pub struct QueueName {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    q: Option<String>,
}

/// GET /api/v1/staff/cases
pub async fn queue(
    State(st): State<AppState>,
    Query(q): Query<QueueName>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let which = Queue::named(&q.queue)?;
    Ok(Json(store::queue(&st.db, &user, which, q.q.as_deref()).await?))
}

/// GET /api/v1/staff/cases/{id}
pub async fn view(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(user): SignedIn,
) -> Result<Json<StaffCase>, ApiError> {
    Ok(Json(store::staff_view(&st.db, &user, id).await?))
}

/// POST /api/v1/staff/cases/{id}/actions: one staff action; `action` names it.
pub async fn act(
    State(st): State<AppState>,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(a): Json<CaseAction>,
) -> Result<Json<Performed>, ApiError> {
    let SignedIn(user) = user?;
    limits.submit(Some(&user))?;
    Ok(Json(perform(&st, &user, id, a).await?))
}
