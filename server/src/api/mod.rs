//! The JSON API under `/api/v1`: one module per feature. Each handler carries its own OpenAPI
//! description (`#[utoipa::path]`); the router and the document are built from the one list below,
//! so a route cannot be served without being described.
pub mod accounts;
pub mod bulk;
pub mod cases;
pub mod comments;
pub mod consultations;
pub mod feedback;
pub mod legislation;
pub mod registry;
pub mod schema;
pub mod search;

use crate::respond::ApiError;
use app::error::AppError;
use app::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of API version 1, each with its description.
fn described() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(schema::ApiDoc::openapi())
        .routes(routes!(consultations::list))
        .routes(routes!(consultations::read))
        .routes(routes!(consultations::attachments))
        .routes(routes!(comments::public, comments::submit))
        .routes(routes!(comments::by_receipt))
        .routes(routes!(feedback::dispose))
        .routes(routes!(bulk::selection))
        .routes(routes!(bulk::moderate))
        .routes(routes!(bulk::answer))
        .routes(routes!(accounts::sign_in))
        .routes(routes!(openapi))
        .routes(routes!(search::search))
        .routes(routes!(feedback::read_report, feedback::write_report))
        .routes(routes!(cases::file))
        .routes(routes!(cases::progress))
        .routes(routes!(cases::rate))
        .routes(routes!(cases::review))
        .routes(routes!(cases::queue))
        .routes(routes!(cases::view))
        .routes(routes!(cases::act))
        .routes(routes!(registry::list))
        .routes(routes!(registry::read))
        .routes(routes!(registry::versions))
        .routes(routes!(registry::history))
        .routes(routes!(registry::cleanups))
        .routes(routes!(registry::cleanup))
        .routes(routes!(legislation::calls))
        .routes(routes!(legislation::call))
        .routes(routes!(legislation::plan_item))
        .routes(routes!(legislation::propose))
        .routes(routes!(legislation::by_receipt))
}

/// Routes of API version 1.
pub fn routes() -> Router<AppState> {
    described().split_for_parts().0
}

/// The OpenAPI 3 document of API version 1.
pub fn document() -> utoipa::openapi::OpenApi {
    described().into_openapi()
}

/// This document
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    responses(
        (status = 200, description = "OpenAPI 3 document", body = Object, content_type = "application/json"),
        (status = "default", response = schema::Refusal),
    )
)]
async fn openapi() -> Result<Response, ApiError> {
    let json = document().to_pretty_json().map_err(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        AppError::Internal
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
