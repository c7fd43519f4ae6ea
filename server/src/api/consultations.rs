//! Consultations in the JSON API: the list, one consultation, and its attachments.
use crate::extract::{Json, Refusal, Viewer};
use crate::respond::ApiError;
use app::attachments::Attachment;
use app::consultations::{store, Detail, Summary, FILES};
use app::state::AppState;
use axum::extract::{Path, State};

/// List consultations (open first)
#[utoipa::path(
    get,
    path = "/api/v1/consultations",
    operation_id = "listConsultations",
    tag = "consultations",
    responses(
        (status = 200, description = "Consultations", body = Vec<Summary>),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn list(State(st): State<AppState>) -> Result<Json<Vec<Summary>>, ApiError> {
    Ok(Json(store::list(&st.db, None).await?))
}

/// Read a consultation with its articles, window and comment counts
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}",
    operation_id = "getConsultation",
    tag = "consultations",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Consultation", body = Detail),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn read(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<Detail>, ApiError> {
    Ok(Json(store::detail(&st.db, id).await?))
}

/// List a consultation's attachments (a draft's: for its own agency's staff only, with the names
/// the files were uploaded under); each downloads at its `url`
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/attachments",
    operation_id = "listConsultationAttachments",
    tag = "consultations",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Attachments, oldest first", body = Vec<Attachment>),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn attachments(
    State(st): State<AppState>,
    viewer: Result<Viewer, Refusal>,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    let Viewer(viewer) = viewer?;
    Ok(Json(FILES.list_for(&st.db, id, viewer.as_ref()).await?))
}
