//! Feedback in the JSON API: the agency's answer to a comment, and the adoption report.
use crate::extract::Json;
use crate::extract::{Refusal, StaffWork};
use crate::respond::ApiError;
use app::error::AppError;
use app::feedback::{report, Disposition, Report};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

/// The agency's answer to one comment.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDisposition {
    #[schema(value_type = Disposition)]
    disposition: String,
    /// Required for every disposition except adopted
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
}

/// The answer given to a comment.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Answered {
    id: i64,
    disposition: Disposition,
    reason: Option<String>,
}

/// The drafting agency answers one comment (staff of the consultation's agency only)
#[utoipa::path(
    put,
    path = "/api/v1/comments/{id}/disposition",
    operation_id = "disposeComment",
    tag = "feedback",
    params(("id" = i64, Path)),
    request_body = NewDisposition,
    security(("session" = [])),
    responses(
        (status = 200, description = "The answer as stored; each change is recorded (who, when, old → new)", body = Answered),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn dispose(
    State(st): State<AppState>,
    user: Result<StaffWork, Refusal>,
    Path(id): Path<i64>,
    Json(d): Json<NewDisposition>,
) -> Result<Json<Answered>, ApiError> {
    let StaffWork(user) = user?;
    let disposition = Disposition::from_field(&d.disposition)?;
    app::feedback::store::dispose(&st.db, &user, None, &[id], disposition, &d.reason).await?;
    let reason = Some(d.reason.trim().to_string()).filter(|r| !r.is_empty());
    Ok(Json(Answered { id, disposition, reason }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 1 to 1000; outside it 422 invalid_input.
    #[serde(default, deserialize_with = "app::paging::lenient")]
    #[param(minimum = 1, maximum = 1000)]
    page: Option<u32>,
    /// The draft, for staff of the consultation's agency
    #[serde(default)]
    preview: bool,
}

/// The published adoption report, 100 comments per page (preview=true: the draft, for staff of the consultation's agency)
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/report",
    operation_id = "getReport",
    tag = "feedback",
    params(("id" = i64, Path), ReportQuery),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn read_report(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Json<Report>, ApiError> {
    let staff = match q.preview {
        true => Some(crate::session::viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?),
        false => None,
    };
    let page = app::paging::check(q.page)?;
    Ok(Json(report::load(&st.db, id, page, false, staff.as_ref()).await?))
}

/// The adoption report's text, and whether to publish it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    #[schema(max_length = 20000)]
    summary: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    unanswered_reason: String,
    /// The revised draft's full text, compared article by article
    #[serde(default)]
    #[schema(max_length = 200000)]
    revised_text: String,
    #[serde(default)]
    #[schema(default = false)]
    publish: bool,
}

/// Save the adoption report's draft, or publish it (staff of the consultation's agency). Publishing is refused before the window closes (409), without a summary (422), and while comments are unanswered or unmoderated unless unanswered_reason says why (422); afterwards answers are final (409) and commenters are notified.
#[utoipa::path(
    put,
    path = "/api/v1/consultations/{id}/report",
    operation_id = "writeReport",
    tag = "feedback",
    params(("id" = i64, Path)),
    request_body = ReportInput,
    security(("session" = [])),
    responses(
        (status = 200, description = "The report as it now stands", body = Report),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn write_report(
    State(st): State<AppState>,
    user: Result<StaffWork, Refusal>,
    Path(id): Path<i64>,
    Json(r): Json<ReportInput>,
) -> Result<Json<Report>, ApiError> {
    let StaffWork(user) = user?;
    let text =
        report::ReportText { summary: r.summary, unanswered_reason: r.unanswered_reason, revised_text: r.revised_text };
    if r.publish {
        report::publish(&st.db, &user, id, &text, st.mail_enabled, &st.public_url).await?;
    } else {
        report::save(&st.db, &user, id, &text).await?;
    }
    Ok(Json(report::load(&st.db, id, 1, false, Some(&user)).await?))
}
