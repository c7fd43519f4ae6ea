//! The JSON API under `/api/v1`, described by `openapi.json`: one module per feature.
pub mod accounts;
pub mod cases;
pub mod comments;
pub mod consultations;
pub mod feedback;
pub mod search;

use app::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

/// The OpenAPI 3 document.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Routes of API version 1.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/consultations", get(consultations::list))
        .route("/api/v1/consultations/{id}", get(consultations::read))
        .route("/api/v1/consultations/{id}/comments", get(comments::public).post(comments::submit))
        .route("/api/v1/comments/receipt", post(comments::by_receipt))
        .route("/api/v1/comments/{id}/disposition", put(feedback::dispose))
        .route("/api/v1/consultations/{id}/report", get(feedback::read_report).put(feedback::write_report))
        .route("/api/v1/session", post(accounts::sign_in))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/cases", post(cases::file))
        .route("/api/v1/cases/progress", post(cases::progress))
        .route("/api/v1/cases/{number}/rating", post(cases::rate))
        .route("/api/v1/cases/{number}/review", post(cases::review))
        .route("/api/v1/staff/cases", get(cases::queue))
        .route("/api/v1/staff/cases/{id}", get(cases::view))
        .route("/api/v1/staff/cases/{id}/actions", post(cases::act))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
