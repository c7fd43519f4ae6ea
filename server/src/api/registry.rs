//! The registry in the JSON API: the list of normative documents and one document with its
//! versions, what each amendment changed and its status history. Read only; public.
use crate::extract::Json;
use crate::respond::ApiError;
use app::registry::cleanup::{CleanupDetail, CleanupPage};
use app::registry::{cleanup_store, read, DocDetail, DocFilter, DocPage};
use app::state::AppState;
use axum::extract::{Path, Query, State};

/// List registered normative documents, newest first, narrowed and paged (`q`: a number, or words
/// of the title, number or text)
#[utoipa::path(
    get,
    path = "/api/v1/documents",
    operation_id = "listDocuments",
    tag = "registry",
    params(DocFilter),
    responses(
        (status = 200, description = "One page of documents", body = DocPage),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn list(State(st): State<AppState>, Query(filter): Query<DocFilter>) -> Result<Json<DocPage>, ApiError> {
    Ok(Json(read::list_for(&st, &filter).await?))
}

/// Read a normative document: its number, dates, status, attachments, its latest 20 versions, what each
/// amendment changed, its latest 100 status changes and the consultation it came from (every
/// version and change: `/versions` and `/history`)
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}",
    operation_id = "getDocument",
    tag = "registry",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Document", body = DocDetail),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn read(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<DocDetail>, ApiError> {
    Ok(Json(read::detail(&st.db, id).await?))
}

/// Page through every version of a normative document, oldest first (5 a page: each is a whole text)
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}/versions",
    operation_id = "listDocumentVersions",
    tag = "registry",
    params(("id" = i64, Path), Paged),
    responses(
        (status = 200, description = "One page of versions", body = app::registry::VersionPage),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn versions(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(p): Query<Paged>,
) -> Result<Json<app::registry::VersionPage>, ApiError> {
    Ok(Json(app::registry::history::versions_page(&st.db, id, p.page).await?))
}

/// Page through every status change of a normative document, oldest first (100 a page)
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}/history",
    operation_id = "listDocumentStatusChanges",
    tag = "registry",
    params(("id" = i64, Path), Paged),
    responses(
        (status = 200, description = "One page of status changes", body = app::registry::HistoryPage),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn history(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(p): Query<Paged>,
) -> Result<Json<app::registry::HistoryPage>, ApiError> {
    Ok(Json(app::registry::history::history_page(&st.db, id, p.page).await?))
}

/// List published clean-ups of normative documents, newest first
#[utoipa::path(
    get,
    path = "/api/v1/cleanups",
    operation_id = "listCleanups",
    tag = "registry",
    params(Paged),
    responses(
        (status = 200, description = "One page of clean-ups", body = CleanupPage),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn cleanups(State(st): State<AppState>, Query(p): Query<Paged>) -> Result<Json<CleanupPage>, ApiError> {
    Ok(Json(cleanup_store::list(&st.db, p.page).await?))
}

/// Read a published clean-up: every document decided on, with the decision and its reason
#[utoipa::path(
    get,
    path = "/api/v1/cleanups/{id}",
    operation_id = "getCleanup",
    tag = "registry",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Clean-up", body = CleanupDetail),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn cleanup(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<CleanupDetail>, ApiError> {
    Ok(Json(cleanup_store::detail(&st.db, id).await?))
}

/// A page number.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct Paged {
    /// Page, from 1.
    #[serde(deserialize_with = "app::paging::lenient")]
    pub page: Option<u32>,
}
