//! Consultations in the JSON API: the list and one consultation.
use crate::extract::Json;
use crate::respond::ApiError;
use app::consultations::{store, Detail, Summary};
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
