//! The cases part of the JSON API: filing and following a case, and the staff actions.
use crate::guard::{keys, Action, ClientIp, Limiters};
use crate::respond::ApiError;
use app::cases::store::{self, Queue, Triage, UnitAction};
use app::cases::{CaseSummary, Filed, Filing, Progress, StaffCase};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases", post(file))
        .route("/api/v1/cases/progress", post(progress))
        .route("/api/v1/cases/{number}/rating", post(rate))
        .route("/api/v1/cases/{number}/review", post(review))
        .route("/api/v1/staff/cases", get(queue))
        .route("/api/v1/staff/cases/{id}", get(view))
        .route("/api/v1/staff/cases/{id}/actions", post(act))
}

async fn file(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Json(f): Json<Filing>,
) -> Result<Response, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?;
    lim.check(Action::Submit, &keys(ip, user.as_ref().map(|u| u.id.to_string())))?;
    let filed: Filed = store::file(&st.db, &st.cases, user.as_ref(), &f, &[]).await?;
    Ok((StatusCode::CREATED, Json(filed)).into_response())
}

/// A case number and its query code: the key to a case, so it travels in a body, never in a URL
/// (URLs end up in logs, browser history and proxies).
#[derive(Deserialize)]
struct Lookup {
    number: String,
    code: String,
}

/// Case numbers with query codes are tried no faster than submissions are made, per address (not
/// per case: counting per case would let anyone use up the filer's own allowance).
pub fn check_lookup(lim: &Limiters, ip: ClientIp) -> Result<(), AppError> {
    lim.check(Action::Submit, &keys(ip, None))
}

async fn progress(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Json(l): Json<Lookup>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&lim, ip)?;
    Ok(Json(store::progress(&st.db, &st.cases, &l.number, &l.code).await?))
}

#[derive(Deserialize)]
struct Rating {
    code: String,
    score: i64,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(number): Path<String>,
    Json(r): Json<Rating>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&lim, ip)?;
    store::rate(&st.db, &st.cases, &number, &r.code, r.score, &r.comment).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

#[derive(Deserialize)]
struct ReviewRequest {
    code: String,
    #[serde(default)]
    reason: String,
}

async fn review(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(number): Path<String>,
    Json(r): Json<ReviewRequest>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&lim, ip)?;
    store::request_review(&st.db, &st.cases, &number, &r.code, &r.reason).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

#[derive(Deserialize)]
struct QueueName {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    q: Option<String>,
}

async fn queue(
    State(st): State<AppState>,
    Query(q): Query<QueueName>,
    headers: HeaderMap,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
    let which = Queue::named(&q.queue)?;
    Ok(Json(store::queue(&st.db, &user, which, q.q.as_deref()).await?))
}

async fn view(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<StaffCase>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
    Ok(Json(store::staff_view(&st.db, &user, id).await?))
}

/// One staff action on a case; `action` names it, the other fields are its own.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseAction {
    pub action: String,
    pub unit: Option<i64>,
    pub due_on: Option<String>,
    pub note: String,
    pub reason: String,
    pub channel: String,
    pub body: String,
    pub days: Option<u32>,
    pub decision: String,
    pub text: String,
    pub basis: String,
    /// The completion report of an assigned (交办) case, with `decide`.
    pub report: String,
}

/// Carry out a staff action; returns what the case now needs, in a word, for the caller.
pub async fn perform(
    st: &AppState,
    user: &app::accounts::CurrentUser,
    id: i64,
    a: CaseAction,
) -> Result<serde_json::Value, AppError> {
    let cfg = &st.cases;
    let db = &st.db;
    match a.action.as_str() {
        "route" | "transfer" | "assign" => {
            let unit = a.unit.ok_or_else(|| AppError::field("unit", "请选择责任单位"))?;
            let assign = a.action == "assign";
            store::triage(db, cfg, user, id, Triage::Route { unit, assign, due_on: a.due_on, note: a.note }).await?
        }
        "not_accept" => {
            store::triage(db, cfg, user, id, Triage::NotAccept { reason: a.reason, channel: a.channel }).await?
        }
        "legal" => store::triage(db, cfg, user, id, Triage::Legal { body: a.body, note: a.note }).await?,
        "discipline" => store::triage(db, cfg, user, id, Triage::Discipline { note: a.note }).await?,
        "concerns" => {
            let unit = a.unit.ok_or_else(|| AppError::field("concerned_agency_id", "请选择被举报单位"))?;
            store::triage(db, cfg, user, id, Triage::Concerns { unit }).await?
        }
        "accept" => store::unit_act(db, cfg, user, id, UnitAction::Accept).await?,
        "object" => store::unit_act(db, cfg, user, id, UnitAction::Object { reason: a.reason }).await?,
        "extend" => {
            let days = a.days.ok_or_else(|| AppError::field("days", "请填写延长的天数"))?;
            store::unit_act(db, cfg, user, id, UnitAction::Extend { days, reason: a.reason }).await?
        }
        "decide" => {
            let decision = UnitAction::Decide { decision: a.decision, text: a.text, basis: a.basis, report: a.report };
            store::unit_act(db, cfg, user, id, decision).await?
        }
        "decide_review" => store::decide_review(db, cfg, user, id, &a.decision, &a.text, &a.basis).await?,
        "terminate" => store::terminate(db, cfg, user, id, &a.reason).await?,
        "supervise" => store::supervise(db, cfg, user, id, &a.note).await?,
        "answer_supervision" => store::answer_supervision(db, cfg, user, id, &a.note).await?,
        "reveal" => {
            let who = store::reveal(db, cfg, user, id, &a.reason).await?;
            return Ok(json!({"identity": who}));
        }
        _ => return Err(AppError::field("action", "未知的操作")),
    }
    Ok(json!({"ok": true}))
}

async fn act(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(a): Json<CaseAction>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let user = crate::pages::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
    lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
    Ok(Json(perform(&st, &user, id, a).await?))
}
