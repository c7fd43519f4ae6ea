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
    if wants_json(req_headers) {
        return ApiError(e).into_response();
    }
    plain_error(e)
}

/// Whether a request asked for JSON (by `Accept`, or by sending it).
pub fn wants_json(req_headers: &HeaderMap) -> bool {
    let says_json =
        |name| req_headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    says_json(header::ACCEPT) || says_json(header::CONTENT_TYPE)
}

/// An error as plain Chinese text, with its status.
pub fn plain_error(e: AppError) -> Response {
    let mut res = (status(&e), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e.to_string()).into_response();
    add_retry_after(&e, res.headers_mut());
    res
}

/// The most of a framework's own error text read back, to put it in the envelope.
const REJECTION_TEXT_LIMIT: usize = 4 * 1024;

/// Under `/api/`: a refusal made by the framework itself (malformed JSON, a wrong content type, a
/// body too large, a bad path or query, an unknown route) gets the API's one error shape instead of
/// plain text or an HTML page; and a server function's typed error gets its own status instead of
/// 500 for every refusal. Everything else passes unchanged.
pub async fn api_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") {
        return framework_text_in_chinese(next.run(req).await).await;
    }
    let server_fn = !path.starts_with("/api/v1/");
    let res = next.run(req).await;
    if res.status().is_success() || res.status().is_redirection() {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json && !server_fn {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, REJECTION_TEXT_LIMIT).await.unwrap_or_default();
    if server_fn {
        // A server function answers 500 with its error encoded; the status follows the error.
        if let Ok(e) = serde_json::from_slice::<AppError>(&text) {
            parts.status = status(&e);
            add_retry_after(&e, &mut parts.headers);
            return Response::from_parts(parts, axum::body::Body::from(text));
        }
        if is_json {
            return Response::from_parts(parts, axum::body::Body::from(text));
        }
    }
    let e = AppError::from_status(parts.status.as_u16());
    let detail = String::from_utf8_lossy(&text);
    let fields = match e {
        // The framework says what was wrong with the body, path or query: keep it for the caller.
        AppError::BadRequest | AppError::Invalid(_) if !detail.trim().is_empty() => {
            vec![app::error::FieldError { field: "request".into(), message: detail.trim().to_string() }]
        }
        _ => vec![],
    };
    let e = match e {
        AppError::Invalid(_) => AppError::Invalid(fields.clone()),
        e => e,
    };
    // The framework's own words (English) stay in `fields` for the developer; the message is ours.
    let message = match &e {
        AppError::Invalid(_) if detail.is_ascii() => "请求内容不符合接口说明（缺少字段或类型不对）".to_string(),
        e => e.to_string(),
    };
    let body = json!({ "error": { "code": e.code(), "message": message, "fields": fields } });
    let mut res = (parts.status, Json(body)).into_response();
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = parts.headers.get(&name) {
            res.headers_mut().insert(name, v.clone());
        }
    }
    res
}

/// Outside the API: a refusal the framework wrote itself (a path that is not a number, a body it
/// cannot read), in English plain text, is said in Chinese like every other refusal. Ours are
/// never plain ASCII, so they pass unchanged.
async fn framework_text_in_chinese(res: Response) -> Response {
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !res.status().is_client_error() || !plain {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, REJECTION_TEXT_LIMIT).await.unwrap_or_default();
    if !text.is_ascii() {
        return Response::from_parts(parts, axum::body::Body::from(text));
    }
    let mut res = plain_error(AppError::from_status(parts.status.as_u16()));
    *res.status_mut() = parts.status;
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = parts.headers.get(&name) {
            res.headers_mut().insert(name, v.clone());
        }
    }
    res
}

/// A stored file handed back: always a download (see `app::cases::attachments::download_headers`),
/// streamed 64 KB at a time with its length, so a reader who reads slowly or not at all holds a
/// file handle and one buffer, never the file in memory.
pub fn download(kind: app::cases::files::FileKind, name: &str, opened: app::cases::storage::Opened) -> Response {
    let stream = tokio_util::io::ReaderStream::with_capacity(opened.file, 64 * 1024);
    let mut res = axum::body::Body::from_stream(stream).into_response();
    res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(opened.len));
    for (k, v) in app::cases::attachments::download_headers(kind, name) {
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().insert(k, v);
        }
    }
    res
}
