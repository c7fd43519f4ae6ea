//! Server state shared with pages and server functions through context, never a global.
use crate::accounts::store;
use crate::accounts::user::CurrentUser;
use crate::error::{AppError, AppResult};
use axum::extract::FromRef;
use axum::http::HeaderMap;
use leptos::prelude::*;
use sqlx::AnyPool;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "canyu_sid";

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub leptos_options: LeptosOptions,
    /// Mark cookies `Secure` (served over https).
    pub secure_cookies: bool,
    /// The search engine of this process.
    pub search: std::sync::Arc<crate::search::indexer::Search>,
    /// An SMTP relay is configured: publications also queue e-mail.
    pub mail_enabled: bool,
    /// Public address of the site for links in e-mail (no trailing `/`); empty: paths only.
    pub public_url: String,
    /// The case key, deadlines and attachment folder.
    pub cases: std::sync::Arc<crate::cases::config::CaseConfig>,
    /// The data folder (embedded database, index, attachments) and the free space below which it
    /// counts as full: the health check fails and uploads are refused before they are read.
    pub data_dir: std::path::PathBuf,
    pub min_free_bytes: u64,
    /// The process's comment writer (concurrent submissions share commits).
    pub comments: crate::comments::writer::Writer,
    /// The process's background grouping of large consultations' comments.
    pub grouping: crate::feedback::grouping::Grouper,
}

impl AppState {
    /// Whether the data folder has less free space than the configured floor (or cannot be asked).
    pub fn disk_low(&self) -> bool {
        match fs4::available_space(&self.data_dir) {
            Ok(free) => free < self.min_free_bytes,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the data folder's free space");
                true
            }
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The state, from the Leptos context.
pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

/// The session token in a request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Name of the cookie that carries a just-given receipt number from the comment form to the receipt
/// page (`Path=/receipts`, a quarter of an hour): the number never travels in a URL.
pub const RECEIPT_COOKIE: &str = "canyu_receipt";

/// The receipt number a comment form just gave this browser, if any.
pub fn fresh_receipt(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == RECEIPT_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// The user behind a request's session cookie, if any.
pub async fn viewer_from(db: &AnyPool, headers: &HeaderMap) -> AppResult<Option<CurrentUser>> {
    match session_token(headers) {
        Some(token) => store::session_user(db, &token).await,
        None => Ok(None),
    }
}

/// The viewer of a request, looked up once by the server's middleware before anything renders.
#[derive(Clone)]
pub struct Viewer(pub Option<CurrentUser>);

/// The user behind the current request (inside pages and server functions).
pub async fn viewer() -> AppResult<Option<CurrentUser>> {
    let st = state()?;
    match use_context::<axum::http::request::Parts>() {
        Some(parts) => match parts.extensions.get::<Viewer>() {
            Some(v) => Ok(v.0.clone()),
            None => viewer_from(&st.db, &parts.headers).await,
        },
        None => Ok(None),
    }
}

/// The viewer the middleware looked up, read without waiting (for the page header, which then needs
/// no `<Suspense>` of its own).
pub fn known_viewer() -> Option<CurrentUser> {
    use_context::<axum::http::request::Parts>()?.extensions.get::<Viewer>()?.0.clone()
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_viewer() -> AppResult<CurrentUser> {
    viewer().await?.ok_or(AppError::Unauthorized)
}
