//! What the OpenAPI document says beyond the handlers: its info, the one error shape, the session
//! cookie. Every body type derives its schema where it is defined (app types behind `ssr`).

use app::error::AppError;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};

/// The document's info, description and shared components; the paths come from the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "公众参与平台 API",
        version = "1.0.0",
        description = "Consultations, articles and comments; cases (complaints and reports, petitions, objection-review applications) and their handling by staff. Errors always have the shape {\"error\": {\"code\", \"message\", \"fields\"}}. Unsafe methods from another origin are refused (403 cross_origin). Submissions are rate limited (429 rate_limited, with Retry-After). After five failed sign-ins for one account from one address (IPv6: one /64) within 15 minutes, that address is locked out of the account on every node for 1 minute, doubling with each further lock up to 64 minutes; after 50 failures from all addresses together, addresses the account has never signed in from are locked out for 15 minutes (429 account_locked, with Retry-After). The owner signing in from elsewhere, or from an address it used before, is not affected. Authentication: the session cookie `canyu_sid`, set by POST /api/v1/session or the sign-in page. Every refusal, the framework's own included (malformed JSON 400 bad_request, a wrong content type 415 unsupported_media_type, a body too large 413 payload_too_large, a wrong method 405 method_not_allowed, an unknown route 404 not_found, a page number outside 1–1000 422 invalid_input, a storage fault 503 unavailable), has the error shape."
    ),
    components(responses(Refusal), schemas(Error)),
    modifiers(&SessionCookie)
)]
pub struct ApiDoc;

/// The session cookie, declared as the `session` security scheme.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scheme = SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            app::state::SESSION_COOKIE,
            "The session, set by POST /api/v1/session or the sign-in page",
        )));
        doc.components.get_or_insert_with(Default::default).add_security_scheme("session", scheme);
    }
}

/// The API's one error shape: `{"error": {"code", "message", "fields"}}`.
#[derive(ToSchema)]
#[expect(dead_code, reason = "schema only: `crate::respond::ApiError` writes this shape")]
pub struct Error {
    #[schema(inline)]
    error: ErrorDetail,
}

/// What went wrong.
#[derive(ToSchema)]
#[expect(dead_code, reason = "schema only")]
struct ErrorDetail {
    #[schema(schema_with = error_codes)]
    code: String,
    /// Human-readable, in Chinese
    message: String,
    fields: Vec<app::error::FieldError>,
}

/// A refusal: any error the operation can answer, in the one error shape.
#[derive(ToResponse)]
#[response(description = "Error")]
#[expect(dead_code, reason = "schema only")]
pub struct Refusal(Error);

/// What a staff member's change can be refused with: each status in the one error shape.
#[derive(utoipa::IntoResponses)]
pub enum StaffChangeRefusals {
    #[response(status = 400)]
    BadRequest(#[ref_response] Refusal),
    #[response(status = 401)]
    Unauthorized(#[ref_response] Refusal),
    #[response(status = 403)]
    Forbidden(#[ref_response] Refusal),
    #[response(status = 404)]
    NotFound(#[ref_response] Refusal),
    #[response(status = 409)]
    Conflict(#[ref_response] Refusal),
    #[response(status = 413)]
    TooLarge(#[ref_response] Refusal),
    #[response(status = 415)]
    UnsupportedMediaType(#[ref_response] Refusal),
    #[response(status = 422)]
    Invalid(#[ref_response] Refusal),
    #[response(status = 429)]
    RateLimited(#[ref_response] Refusal),
    #[response(status = 503)]
    Unavailable(#[ref_response] Refusal),
    #[response(status = "default")]
    Other(#[ref_response] Refusal),
}

/// Every error's code, from `AppError` itself.
fn error_codes() -> impl Into<RefOr<Schema>> {
    let codes: Vec<&str> = every_error().iter().map(AppError::code).collect();
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).enum_values(Some(codes))
}

/// One of each error; the match makes a new variant a compile error here until it is listed.
fn every_error() -> Vec<AppError> {
    let all = vec![
        AppError::Unauthorized,
        AppError::Forbidden,
        AppError::PasswordChangeRequired,
        AppError::NotFound,
        AppError::Invalid(vec![]),
        AppError::NotOpenYet,
        AppError::Closed,
        AppError::BadCredentials,
        AppError::Conflict(String::new()),
        AppError::RateLimited(1),
        AppError::LockedOut(1),
        AppError::CrossOrigin,
        AppError::BadRequest,
        AppError::MethodNotAllowed,
        AppError::TooLarge,
        AppError::UnsupportedMediaType,
        AppError::Unavailable,
        AppError::Internal,
    ];
    for e in &all {
        match e {
            AppError::Unauthorized
            | AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::NotFound
            | AppError::Invalid(_)
            | AppError::NotOpenYet
            | AppError::Closed
            | AppError::BadCredentials
            | AppError::Conflict(_)
            | AppError::RateLimited(_)
            | AppError::LockedOut(_)
            | AppError::CrossOrigin
            | AppError::BadRequest
            | AppError::MethodNotAllowed
            | AppError::TooLarge
            | AppError::UnsupportedMediaType
            | AppError::Unavailable
            | AppError::Internal => {}
        }
    }
    all
}

/// Any JSON object (the document itself).
pub fn any_object() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_error_code_is_listed_once() {
        let mut codes: Vec<&str> = super::every_error().iter().map(app::error::AppError::code).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
