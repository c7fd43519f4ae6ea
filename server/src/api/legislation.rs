//! Legislative project proposals in the JSON API: the calls, one call with its published
//! proposals and, once out, the outcome and the plan (public); a citizen's proposal.
use crate::budgets::Kind;
use crate::extract::{Json, Limits, Refusal, SignedIn, Viewer};
use crate::respond::ApiError;
use app::legislation::read;
use app::legislation::store::{self, NewProposal};
use app::legislation::{CallDetail, CallPage, OwnProposal, PlanItemDetail};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::registry::Paged;

/// List calls for legislative project proposals (立法项目建议征集), newest first
#[utoipa::path(
    get,
    path = "/api/v1/legislation/calls",
    operation_id = "listProposalCalls",
    tag = "legislation",
    params(Paged),
    responses(
        (status = 200, description = "One page of calls", body = CallPage),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn calls(State(st): State<AppState>, Query(p): Query<Paged>) -> Result<Json<CallPage>, ApiError> {
    Ok(Json(read::calls(&st.db, p.page).await?))
}

/// Read a call: one page of its published proposals (without their authors) and, once published,
/// each one's disposition, the outcome report and the legislative plan with the consultations
/// drafting its items
#[utoipa::path(
    get,
    path = "/api/v1/legislation/calls/{id}",
    operation_id = "getProposalCall",
    tag = "legislation",
    params(("id" = i64, Path), Paged),
    responses(
        (status = 200, description = "Call", body = CallDetail),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn call(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(p): Query<Paged>,
) -> Result<Json<CallDetail>, ApiError> {
    Ok(Json(read::call(&st.db, id, p.page, None).await?))
}

/// Read an item of a published legislative plan: the proposals included in it (without their
/// authors), the consultations on its draft and the normative documents registered from them
#[utoipa::path(
    get,
    path = "/api/v1/legislation/items/{id}",
    operation_id = "getPlanItem",
    tag = "legislation",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Plan item", body = PlanItemDetail),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn plan_item(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<PlanItemDetail>, ApiError> {
    Ok(Json(read::plan_item(&st.db, id).await?))
}

/// A legislative project proposal.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewLegislativeProposal {
    /// What should be regulated: the project's name
    #[schema(max_length = 200)]
    subject: String,
    /// Why: the problem it would solve
    #[schema(max_length = 5000)]
    problem: String,
    /// The approach suggested; may be empty
    #[serde(default)]
    #[schema(max_length = 5000)]
    approach: String,
}

/// Propose a subject while the call is open (signed-in citizens); published after moderation,
/// without the author
#[utoipa::path(
    post,
    path = "/api/v1/legislation/calls/{id}/proposals",
    operation_id = "submitLegislativeProposal",
    tag = "legislation",
    params(("id" = i64, Path)),
    request_body = NewLegislativeProposal,
    responses(
        (status = 201, description = "Received and stored; the receipt number identifies it", body = OwnProposal),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn propose(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(p): Json<NewLegislativeProposal>,
) -> Result<Response, ApiError> {
    let Viewer(user) = user?;
    limits.spend(Kind::Comment, user.as_ref())?;
    let input = NewProposal { subject: p.subject, problem: p.problem, approach: p.approach };
    let own = store::submit(&st.db, user.as_ref(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(own)).into_response())
}

/// A proposal's receipt number.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalReceipt {
    /// The receipt number given on proposing; letters in any case
    #[schema(max_length = 64, example = "JY-2026-7KQ3-M9XD-2PWE")]
    receipt: String,
}

/// Look up one's own legislative proposal by its receipt number
///
/// The receipt travels in the body, never in the URL. Only its author, signed in, is shown it
/// (401 signed out, 404 to anyone else); its disposition shows once the call's outcome is published.
#[utoipa::path(
    post,
    path = "/api/v1/legislation/proposals/receipt",
    operation_id = "getLegislativeProposalByReceipt",
    tag = "legislation",
    request_body = ProposalReceipt,
    responses(
        (status = 200, description = "The proposal, its status and, once out, its disposition", body = OwnProposal),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
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
pub async fn by_receipt(
    State(st): State<AppState>,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    Json(r): Json<ProposalReceipt>,
) -> Result<Json<OwnProposal>, ApiError> {
    let SignedIn(user) = user?;
    limits.spend(Kind::Lookup, Some(&user))?;
    Ok(Json(read::own_by_receipt(&st.db, &user, &r.receipt).await?))
}
