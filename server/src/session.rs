//! Who is asking: the session's user, signing in under the rate limit and the lockout, and the
//! session cookie. Shared by the form posts, the JSON API and the page middleware.
use crate::guard::{keys, Action, ClientIp, Limiters};
use app::accounts::{lockout, store as accounts, CurrentUser};
use app::error::AppError;
use app::state::{AppState, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The signed-in user of a request, by its session cookie.
pub async fn viewer(st: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    app::state::viewer_from(&st.db, headers).await
}

/// Record a request's viewer for the pages (`app::state::Viewer`); on a database error the pages
/// look it up again themselves.
pub async fn attach_viewer(st: &AppState, req: &mut Request<Body>) {
    match viewer(st, req.headers()).await {
        Ok(v) => {
            req.extensions_mut().insert(app::state::Viewer(v));
        }
        Err(e) => tracing::warn!(error = %e, "viewer lookup failed"),
    }
}

/// A request for a page (rendered by Leptos), not a form post, the API, a static file or health.
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD)
        && !["/api/", "/pkg/", "/healthz"].iter().any(|p| path.starts_with(p))
}

/// Look up the signed-in user once per page request, before anything renders. Form posts and the
/// API look the user up themselves, once.
pub async fn look_up_viewer(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_page(&req) {
        attach_viewer(&st, &mut req).await;
    }
    next.run(req).await
}

/// Check credentials under the sign-in rate limit (per IP and per account, on this node) and the
/// account lockout (in the database, on every node); shared by the form and the API.
pub async fn check_credentials(
    st: &AppState,
    lim: &Limiters,
    ip: ClientIp,
    login: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let account = accounts::normalise_login(login).unwrap_or_else(|| login.trim().to_string());
    // Per address only: a limit per account would let anyone keep an account answering "too many
    // attempts"; guessing one account is slowed by the lockout, per account and address.
    lim.check(Action::Login, &keys(ip, None))?;
    // Not a login anyone could have: refused before it reaches the database.
    if account.chars().count() > 254 || account.chars().any(char::is_control) {
        return Err(AppError::BadCredentials);
    }
    let source = crate::listen::client_key(ip.0).to_string();
    lockout::attempt(&st.db, &account, &source).await?;
    let id = accounts::authenticate(&st.db, login, password).await?;
    lockout::succeeded(&st.db, &account, &source).await?;
    accounts::user(&st.db, id).await
}

/// The session cookie carrying `token` (empty with `max_age` 0: the cookie is cleared).
pub fn session_cookie(st: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    let v = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}
