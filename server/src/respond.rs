//! Turning errors into responses: JSON envelopes for the API, Chinese pages for browsers.
use app::error::AppError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// The API's one error shape: `{"error": {"code", "message", "fields"}}`.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let fields = match &e {
            AppError::Invalid(f) => f.clone(),
            _ => vec![],
        };
        let body = json!({ "error": { "code": e.code(), "message": e.to_string(), "fields": fields } });
        let mut res = (status(&e), Json(body)).into_response();
        add_retry_after(&e, res.headers_mut());
        res
    }
}

/// HTTP status of an error.
pub fn status(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `Retry-After` for rate limits and lockouts.
pub fn add_retry_after(e: &AppError, headers: &mut HeaderMap) {
    if let Some(secs) = e.retry_after() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
}

/// An error for a request outside a page flow: JSON if the client asked for it, else plain Chinese text.
pub fn error_response(req_headers: &HeaderMap, e: AppError) -> Response {
    let wants_json = req_headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"))
        || req_headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if wants_json {
        return ApiError(e).into_response();
    }
    let mut res = (status(&e), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e.to_string()).into_response();
    add_retry_after(&e, res.headers_mut());
    res
}
