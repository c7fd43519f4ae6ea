//! Search in the JSON API: what the asker may see.
use crate::extract::Json;
use crate::extract::Viewer;
use crate::respond::ApiError;
use app::search::{SearchParams, SearchResults};
use app::state::AppState;
use axum::extract::{Query, State};

/// Full-text search (Chinese-aware) over consultations, articles, comments and published reports the
/// caller may see; a receipt or case number is not searched but answered with a `hint`
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of hits with facet counts, or a hint for a receipt or case number", body = SearchResults),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn search(
    State(st): State<AppState>,
    Query(p): Query<SearchParams>,
    Viewer(user): Viewer,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(app::search::search_for(&st, &p, user.as_ref()).await?))
}
