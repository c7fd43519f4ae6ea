//! Consultations in the JSON API: the list and one consultation.
use crate::respond::ApiError;
use app::consultations::{store, Detail, Summary};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::Json;

/// GET /api/v1/consultations
pub async fn list(State(st): State<AppState>) -> Result<Json<Vec<Summary>>, ApiError> {
    Ok(Json(store::list(&st.db, None).await?))
}

/// GET /api/v1/consultations/{id}
pub async fn read(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<Detail>, ApiError> {
    Ok(Json(store::detail(&st.db, id).await?))
}
