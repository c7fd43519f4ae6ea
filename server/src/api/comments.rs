//! Comments in the JSON API: the published ones, commenting, and one's own by receipt.
use crate::extract::{Limits, Refusal, Viewer};
use crate::respond::ApiError;
use app::comments::{store, OwnComment, PublicComment};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ArticleFilter {
    article: Option<String>,
    #[serde(default, deserialize_with = "app::paging::lenient")]
    page: Option<u32>,
}

/// GET /api/v1/consultations/{id}/comments
pub async fn public(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ArticleFilter>,
) -> Result<Json<Vec<PublicComment>>, ApiError> {
    app::consultations::store::detail(&st.db, id).await?;
    Ok(Json(store::public(&st.db, id, q.article.as_deref(), q.page).await?))
}

#[derive(Deserialize)]
pub struct NewComment {
    #[serde(default)]
    article: Option<String>,
    body: String,
}

/// POST /api/v1/consultations/{id}/comments
pub async fn submit(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(c): Json<NewComment>,
) -> Result<Response, ApiError> {
    let Viewer(user) = user?;
    limits.submit(user.as_ref())?;
    let receipt = store::submit(&st.db, user.as_ref(), id, c.article.as_deref(), &c.body).await?;
    let own = store::by_receipt(&st.db, &receipt, user.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(own)).into_response())
}

#[derive(Deserialize)]
pub struct ReceiptLookup {
    receipt: String,
}

/// POST /api/v1/comments/receipt: one's own comment by its receipt number, which travels in the
/// body (never in a URL or a log).
pub async fn by_receipt(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    Json(r): Json<ReceiptLookup>,
) -> Result<Json<OwnComment>, ApiError> {
    let Viewer(user) = user?;
    Ok(Json(store::by_receipt(&st.db, &r.receipt, user.as_ref()).await?))
}
