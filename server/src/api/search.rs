//! Search in the JSON API: what the asker may see.
use crate::extract::Viewer;
use crate::respond::ApiError;
use app::search::{SearchParams, SearchResults};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;

/// GET /api/v1/search
pub async fn search(
    State(st): State<AppState>,
    Query(p): Query<SearchParams>,
    Viewer(user): Viewer,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(app::search::search_for(&st, &p, user.as_ref()).await?))
}
