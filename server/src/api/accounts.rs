//! Accounts in the JSON API: signing in for a session cookie.
use crate::extract::Json;
use crate::extract::Limits;
use crate::respond::ApiError;
use app::accounts::{store, Role};
use app::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// A login (phone number or e-mail address) and its password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    login: String,
    #[schema(format = Password)]
    password: String,
}

/// Who signed in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedInAs {
    id: i64,
    display_name: String,
    role: Role,
}

/// Sign in; sets the session cookie
#[utoipa::path(
    post,
    path = "/api/v1/session",
    operation_id = "signIn",
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = SignedInAs,
            headers(("Set-Cookie" = String, description = "The session cookie canyu_sid"))),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn sign_in(
    State(st): State<AppState>,
    limits: Limits,
    Json(c): Json<Credentials>,
) -> Result<Response, ApiError> {
    let user = crate::session::check_credentials(&st, &limits.limiters, limits.ip, &c.login, &c.password).await?;
    let token = store::start_session(&st.db, user.id).await?;
    let cookie = crate::session::session_cookie(&st, &token, store::SESSION_SECONDS);
    let body = SignedInAs { id: user.id, display_name: user.display_name, role: user.role };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}
