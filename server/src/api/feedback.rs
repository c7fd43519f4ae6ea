//! Feedback in the JSON API: the agency's answer to a comment, and the adoption report.
use crate::extract::{Limits, Refusal, SignedIn};
use crate::respond::ApiError;
use app::error::AppError;
use app::feedback::{report, Disposition, Report};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct NewDisposition {
    disposition: String,
    #[serde(default)]
    reason: String,
}

/// The answer given to a comment.
#[derive(Serialize)]
pub struct Answered {
    id: i64,
    disposition: Disposition,
    reason: Option<String>,
}

/// PUT /api/v1/comments/{id}/disposition: the drafting agency answers one comment (staff of its
/// agency only).
pub async fn dispose(
    State(st): State<AppState>,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(d): Json<NewDisposition>,
) -> Result<Json<Answered>, ApiError> {
    let SignedIn(user) = user?;
    user.staff_agency()?;
    limits.submit(Some(&user))?;
    let disposition = Disposition::from_field(&d.disposition)?;
    app::feedback::store::dispose(&st.db, &user, &[id], disposition, &d.reason).await?;
    let reason = Some(d.reason.trim().to_string()).filter(|r| !r.is_empty());
    Ok(Json(Answered { id, disposition, reason }))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default, deserialize_with = "app::paging::lenient")]
    page: Option<u32>,
    #[serde(default)]
    preview: bool,
}

/// GET /api/v1/consultations/{id}/report: the published adoption report (`preview=true`: the
/// draft, for staff of the agency).
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

#[derive(Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    unanswered_reason: String,
    #[serde(default)]
    revised_text: String,
    #[serde(default)]
    publish: bool,
}

/// PUT /api/v1/consultations/{id}/report: save the report's draft, or publish it (staff of the
/// consultation's agency).
pub async fn write_report(
    State(st): State<AppState>,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(r): Json<ReportInput>,
) -> Result<Json<Report>, ApiError> {
    let SignedIn(user) = user?;
    user.staff_agency()?;
    limits.submit(Some(&user))?;
    let text =
        report::ReportText { summary: r.summary, unanswered_reason: r.unanswered_reason, revised_text: r.revised_text };
    if r.publish {
        report::publish(&st.db, &user, id, &text, st.mail_enabled, &st.public_url).await?;
    } else {
        report::save(&st.db, &user, id, &text).await?;
    }
    Ok(Json(report::load(&st.db, id, 1, false, Some(&user)).await?))
}
