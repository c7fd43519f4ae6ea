//! Accounts in the JSON API: signing in for a session cookie.
use crate::extract::Limits;
use crate::respond::ApiError;
use app::accounts::{store, Role};
use app::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct Credentials {
    login: String,
    password: String,
}

/// Who signed in.
#[derive(Serialize)]
pub struct SignedInAs {
    id: i64,
    display_name: String,
    role: Role,
}

/// POST /api/v1/session
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
