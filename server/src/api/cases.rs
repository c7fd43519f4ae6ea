//! Cases in the JSON API: filing and following a case, and the staff actions.
use crate::budgets::Kind;
use crate::case_actions::{check_lookup, perform, CaseAction, Performed};
use crate::extract::Json;
use crate::extract::{Limits, Refusal, SignedIn, Viewer, Working};
use crate::respond::ApiError;
use app::cases::store::{self, Queue};
use app::cases::{CaseSummary, Filed, Filing, Progress, StaffCase};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// File a case: a complaint or report (投诉举报), a petition (信访) or an objection-review application (规范性文件异议审查申请)
///
/// Only complaints (kind=complaint) and accusation petitions (kind=petition, petition_kind=accusation) may be filed anonymously (anonymous=true: no session needed, no name or contact details required, and the case is linked to no account). Everything else is filed by a signed-in citizen under their account: the session cookie is required (401 without it, 403 for a staff account), with a name and a phone number or e-mail address. The filer's identity and contact details are sealed apart from the case; staff never see them unless granted reveal_identity (see the reveal action). Attachments cannot be sent here: file with attachments through the HTML form POST /cases/new/{kind} (multipart/form-data, file field attachments; at most 5 files, 10 MB each, 30 MB in all; PDF, images and office documents). The case is durably stored before this answers. The query code appears only in this response (it is stored hashed and cannot be shown again): with the number it is the key for following the case, rating it and asking for a review. A citizen's new filing of the same matter as an earlier case of theirs still in progress is accepted and linked to it (repeats); one of a matter whose re-review (复核) is decided is refused (409). Rate limited like every submission (429).
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    operation_id = "fileCase",
    tag = "cases",
    request_body = Filing,
    responses(
        (status = 201, description = "Filed and durably stored", body = Filed),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 409, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn file(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Json(f): Json<Filing>,
) -> Result<Response, ApiError> {
    let Viewer(user) = user?;
    limits.spend(Kind::Filing, user.as_ref())?;
    let filed: Filed = store::file(&st.db, &st.cases, user.as_ref(), &f, &[]).await?;
    Ok((StatusCode::CREATED, Json(filed)).into_response())
}

/// A case number and its query code: the key to a case, so it travels in a body, never in a URL
/// (URLs end up in logs, browser history and proxies).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Lookup {
    /// The case number given on filing; letters in any case
    #[schema(example = "XF-2026-000042")]
    number: String,
    /// The query code given on filing
    #[schema(example = "K7M2-X9QD")]
    code: String,
}

/// Follow a case by its number and query code
///
/// The number and the query code together are the key: a wrong code answers 404 exactly like an unknown number. The code is read case-insensitively, ignoring hyphens and spaces (O reads as 0, I and L as 1). Lookups have a rate limit of their own (429): per account when signed in, else per address. The number and code travel in the body, never in the URL. Only the public steps are shown, and never who filed it.
#[utoipa::path(
    post,
    path = "/api/v1/cases/progress",
    operation_id = "getCaseProgress",
    tag = "cases",
    request_body = Lookup,
    responses(
        (status = 200, description = "The case's progress and what the filer may do now", body = Progress),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn progress(
    State(st): State<AppState>,
    viewer: Result<Viewer, Refusal>,
    limits: Limits,
    Json(l): Json<Lookup>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits, viewer)?;
    Ok(Json(store::progress(&st.db, &st.cases, &l.number, &l.code).await?))
}

/// A rating of how a case was handled.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Rating {
    /// The query code
    code: String,
    /// 1 很不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意
    #[schema(minimum = 1, maximum = 5)]
    score: i64,
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: String,
}

/// Rate how the case was handled (1–5), once, after a written decision
///
/// Allowed once the case has a written decision and has not been rated (Progress.may_rate); otherwise 409. A rating of 1 or 2 is flagged to the petition office. A wrong number or code answers 404. The rating becomes a public step of the case.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/rating",
    operation_id = "rateCase",
    tag = "cases",
    params(("number" = String, Path, description = "The case number given on filing; letters in any case", example = "XF-2026-000042")),
    request_body = Rating,
    responses(
        (status = 200, description = "The case's progress, with the rating", body = Progress),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 409, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn rate(
    State(st): State<AppState>,
    viewer: Result<Viewer, Refusal>,
    limits: Limits,
    Path(number): Path<String>,
    Json(r): Json<Rating>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits, viewer)?;
    store::rate(&st.db, &st.cases, store::Proof::Code { number: &number, code: &r.code }, r.score, &r.comment).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

/// A request for a review (复查) or re-review (复核).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// The query code
    code: String,
    /// Why the decision should be reviewed
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
}

/// Ask for a review (复查) of the written decision, or a re-review (复核) of the review decision
///
/// After the first decision (stage first) this asks for a review (复查), within 30 days of the decision (Progress.may_request_review); after the review decision (stage review) it asks for a re-review (复核), within 30 days of that decision (Progress.may_request_rereview). The case goes to status under_review and is decided within 30 days. The re-review decision is final: it cannot be reviewed again, and the same matter is not accepted again. 409 when the case has no decision yet, is already under review, the period has passed or the re-review is decided; 422 without a reason; a wrong number or code answers 404.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/review",
    operation_id = "requestCaseReview",
    tag = "cases",
    params(("number" = String, Path, description = "The case number given on filing; letters in any case", example = "XF-2026-000042")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The case's progress, now under review", body = Progress),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 409, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn review(
    State(st): State<AppState>,
    viewer: Result<Viewer, Refusal>,
    limits: Limits,
    Path(number): Path<String>,
    Json(r): Json<ReviewRequest>,
) -> Result<Json<Progress>, ApiError> {
    check_lookup(&limits, viewer)?;
    store::request_review(&st.db, &st.cases, store::Proof::Code { number: &number, code: &r.code }, &r.reason).await?;
    Ok(Json(store::progress(&st.db, &st.cases, &number, &r.code).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueName {
    #[serde(default)]
    #[param(inline, value_type = Option<QueueChoice>, default = "ordinary")]
    queue: String,
    /// Search within the queue, through the search index: the case whose number is q (with or
    /// without dashes), or the cases whose matter, facts, request or document contain every word of
    /// q, most relevant first (at most 100 characters, else 422). A search never finds a case
    /// outside the caller's queue, nor by who filed it; a case that just moved is found by its new
    /// unit once the index has applied the move (about a second).
    #[serde(default)]
    #[param(max_length = 100)]
    q: Option<String>,
    /// Page of 100 cases, from 1 (at most 1000)
    #[serde(default, deserialize_with = "app::paging::lenient")]
    #[param(minimum = 1, maximum = 1000)]
    page: Option<u32>,
}

/// The queues (schema only; `Queue::named` reads the name).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "schema only")]
enum QueueChoice {
    Ordinary,
    Legal,
    Discipline,
    Unit,
}

/// A staff queue of cases, most urgent first
///
/// queue=ordinary (the default): the ordinary channel, for petition officers. queue=legal: litigation-related cases (涉法涉诉), for accounts granted legal_channel. queue=discipline: reports sent to the discipline/supervision channel, for accounts granted discipline_channel. queue=unit: ordinary-channel cases routed to the caller's own unit, for staff of that unit — never a report about that unit itself. A page of 100 cases (`page`, from 1): those still owing a step first, earliest due first (overdue ones lead), then the rest, newest first; with `q`, the matching cases, most relevant first, then newest first. No filer's identity appears. 401 without a session; 403 for a queue the caller may not see; 422 for an unknown queue name or a search over 100 characters.
#[utoipa::path(
    get,
    path = "/api/v1/staff/cases",
    operation_id = "listStaffCases",
    tag = "staff",
    params(QueueName),
    security(("session" = [])),
    responses(
        (status = 200, description = "Cases", body = Vec<CaseSummary>),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn queue(
    State(st): State<AppState>,
    Query(q): Query<QueueName>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let which = Queue::named(&q.queue)?;
    Ok(Json(store::queue(&st.db, &st.search, &user, which, q.q.as_deref(), q.page).await?))
}

/// One case as the staff who may see it see it: everything but who filed it
///
/// Who may see a case: petition officers, the cases of the ordinary channel; staff of the unit a case is routed to, unless it is a report (a complaint or an accusation petition) about that unit; accounts granted legal_channel or discipline_channel, the cases of that channel. Anyone else gets 404, as for a case that does not exist. Every recorded step is shown, internal ones too; attachments are downloaded at /staff/cases/{id}/files/{file} with the same session. The filer's identity is never included (see the reveal action).
#[utoipa::path(
    get,
    path = "/api/v1/staff/cases/{id}",
    operation_id = "getStaffCase",
    tag = "staff",
    params(("id" = i64, Path, description = "The case's id (CaseSummary.id)")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The case", body = StaffCase),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn view(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(user): SignedIn,
) -> Result<Json<StaffCase>, ApiError> {
    Ok(Json(store::staff_view(&st.db, &user, id).await?))
}

/// Act on a case: triage, handle, decide, supervise, terminate, reveal the filer
///
/// One staff action on a case. `action` names it; each action reads only its own fields:
///
/// - `transfer` (转送) or `assign` (交办), petition officers, on a received or objected-to case: `unit` (agency id), `note` (optional, internal). `assign` also needs `due_on` (YYYY-MM-DD, after today), the unit's deadline; after `transfer` the unit must accept within 15 days. A report is never routed to the unit it is about (422). `route` is a synonym of `transfer`.
/// - `not_accept` (不予受理), petition officers, on a received or objected-to case: `reason` (≤ 2000) and `channel` (≤ 500), the proper channel; both are told to the filer.
/// - `legal` (涉法涉诉), petition officers, on a received or objected-to case: `body` (court | procuratorate | public_security | justice_bureau), `note`. The case leaves the ordinary queue for the legal channel.
/// - `discipline`, petition officers, on a received or objected-to report (complaint or accusation petition) only (else 409): `note`. The case goes to the discipline/supervision channel.
/// - `accept`, staff of the unit the case is routed to: no fields. Handling is due 60 days later (an objection-review application: 30 days from receipt).
/// - `object` (异议), staff of the unit, before accepting and within 5 working days of routing (else 409): `reason` (≤ 2000). The case goes back to the petition office to be routed again.
/// - `extend` (延期), staff of the unit, while handling, once only (else 409): `days` (1–30), `reason` (≤ 2000), told to the filer.
/// - `decide` (出具处理意见), staff of the unit, while handling: `decision` (support | explain | not_support), `text` (≤ 10000), `basis` (≤ 2000, the legal or policy basis).
/// - `decide_review`, petition officers (for the level above), on a case under review (复查 or 复核): the same fields as `decide`.
/// - `terminate` (依法终结), accounts granted legal_channel, on a case in the legal channel: `reason` (≤ 2000).
/// - `supervise` (督办), petition officers, on an ordinary-channel case still in progress: `note` (≤ 2000). The unit must answer.
/// - `answer_supervision`, staff of the unit, on a supervised case: `note` (≤ 2000).
/// - `reveal`, accounts granted reveal_identity, on a case they may see: `reason` (≤ 500). Returns the filer's identity and contact details (empty for an anonymous filing); every reveal is recorded with who, when and why.
///
/// Errors: 401 without a session; 403 when the caller's role or grants do not allow the action; 404 when the case does not exist or the caller may not see it (a unit never sees a report about itself); 409 when the case is not in a state that allows the action, or its deadline has passed; 422 for a missing or invalid field (`fields` names it) or an unknown action; 429 when rate limited.
#[utoipa::path(
    post,
    path = "/api/v1/staff/cases/{id}/actions",
    operation_id = "actOnCase",
    tag = "staff",
    params(("id" = i64, Path, description = "The case's id (CaseSummary.id)")),
    request_body = CaseAction,
    security(("session" = [])),
    responses(
        (status = 200, description = "Done and recorded in the case's hash-chained record: {\"ok\": true}, or for reveal {\"identity\": …}", body = crate::case_actions::Performed),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn act(
    State(st): State<AppState>,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    Json(a): Json<CaseAction>,
) -> Result<Json<Performed>, ApiError> {
    let Working(user) = user?;
    Ok(Json(perform(&st, &user, id, a).await?))
}
