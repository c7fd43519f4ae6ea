//! Axum extractors for what handlers share: who is asking (optional or required), the client's
//! address and rate limits, and a urlencoded form read leniently into a typed struct.
use crate::budgets::Kind;
use crate::guard::{keys, Action, ClientIp, Limiters};
use crate::respond::{self, ApiError};
use app::accounts::CurrentUser;
use app::error::AppError;
use app::state::AppState;
use axum::extract::rejection::{ExtensionRejection, FormRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

/// An extractor's refusal: the API's JSON envelope under `/api/` or when the client asked for
/// JSON, else plain Chinese text. Form handlers that re-render their page take the error instead
/// (`Result<SignedIn, Refusal>` and `?`), so the page keeps what was typed.
#[derive(Debug)]
pub struct Refusal {
    pub error: AppError,
    json: bool,
}

impl Refusal {
    fn new(parts: &Parts, error: AppError) -> Refusal {
        let json = parts.uri.path().starts_with("/api/") || respond::wants_json(&parts.headers);
        Refusal { error, json }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if self.json {
            ApiError(self.error).into_response()
        } else {
            respond::plain_error(self.error)
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> AppError {
        r.error
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        ApiError(r.error)
    }
}

/// The signed-in user, if any.
pub struct Viewer(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Refusal> {
        match looked_up(parts, st).await {
            Ok(user) => Ok(Viewer(user)),
            Err(e) => Err(Refusal::new(parts, e)),
        }
    }
}

/// The request's viewer, looked up in the database once however many extractors (and the page
/// middleware) ask: the first answer is kept with the request.
async fn looked_up(parts: &mut Parts, st: &AppState) -> Result<Option<CurrentUser>, AppError> {
    if let Some(app::state::Viewer(known)) = parts.extensions.get::<app::state::Viewer>() {
        return Ok(known.clone());
    }
    let user = crate::session::viewer(st, &parts.headers).await?;
    parts.extensions.insert(app::state::Viewer(user.clone()));
    Ok(user)
}

/// The signed-in user; refused with `Unauthorized` when nobody is.
pub struct SignedIn(pub CurrentUser);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Refusal> {
        match looked_up(parts, st).await {
            Ok(Some(user)) => Ok(SignedIn(user)),
            Ok(None) => Err(Refusal::new(parts, AppError::Unauthorized)),
            Err(e) => Err(Refusal::new(parts, e)),
        }
    }
}

/// Someone signed in who has spent one submission of work on this request (refused with
/// `Unauthorized` or `RateLimited`, in that order). What they may do is the domain's to decide.
pub struct Working(pub CurrentUser);

impl FromRequestParts<AppState> for Working {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Refusal> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, st).await?;
        let limits =
            Limits::from_request_parts(parts, st).await.map_err(|_| Refusal::new(parts, AppError::Internal))?;
        limits.spend(Kind::Work, Some(&user)).map(|_| Working(user)).map_err(|e| Refusal::new(parts, e))
    }
}

/// A member of an agency's staff, signed in, who has spent one submission of work on this request
/// (refused with `Unauthorized`, `Forbidden` or `RateLimited`, in that order).
pub struct StaffWork(pub CurrentUser);

impl FromRequestParts<AppState> for StaffWork {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Refusal> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, st).await?;
        let limits =
            Limits::from_request_parts(parts, st).await.map_err(|_| Refusal::new(parts, AppError::Internal))?;
        let allowed = user.staff_agency().and_then(|_| limits.spend(Kind::Work, Some(&user)));
        allowed.map(|_| StaffWork(user)).map_err(|e| Refusal::new(parts, e))
    }
}

/// The client's address, as the `guard::client_ip` middleware found it.
impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ExtensionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Extension::<ClientIp>::from_request_parts(parts, state).await?.0)
    }
}

/// The rate limits that apply to this request: the limiters and the client's address.
#[derive(Clone)]
pub struct Limits {
    pub limiters: Arc<Limiters>,
    pub ip: ClientIp,
}

impl Limits {
    /// Count one submission of `kind`: against the account's own budget when signed in (and the
    /// address's ceiling for signed-in requests), else against the address's budget.
    pub fn spend(&self, kind: Kind, user: Option<&CurrentUser>) -> Result<(), AppError> {
        self.limiters.spend(kind, self.ip, user.map(|u| u.id))
    }

    /// Count one request of `action` for the address, and for `account` when given.
    pub fn check(&self, action: Action, account: Option<String>) -> Result<(), AppError> {
        self.limiters.check(action, &keys(self.ip, account))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Limits {
    type Rejection = ExtensionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Extension(limiters) = Extension::<Arc<Limiters>>::from_request_parts(parts, state).await?;
        Ok(Limits { limiters, ip: ClientIp::from_request_parts(parts, state).await? })
    }
}

/// A urlencoded form post: the fields as sent (the last of a repeated name wins), to echo back
/// into a re-rendered page, and the same fields as `T`. A missing field is `T`'s default, never
/// axum's plain-text 422; a body that cannot be read as `T` is a form error for the page.
pub struct FormPost<T> {
    pub fields: HashMap<String, String>,
    input: Option<T>,
}

impl<T: DeserializeOwned> FormPost<T> {
    /// The form of these fields as sent (for a handler that also reads them as sent, e.g. to see a
    /// field sent twice).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormPost<T> {
        let fields: HashMap<String, String> = pairs.into_iter().map(|(k, v)| neutralised(k, v)).collect();
        let input = typed(&fields).ok();
        FormPost { fields, input }
    }
}

impl<T> FormPost<T> {
    /// The typed fields (taken once), or the form error the page shows.
    pub fn input(&mut self) -> Result<T, AppError> {
        self.input.take().ok_or_else(unreadable)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormPost<T> {
    type Rejection = FormRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(FormPost::from_pairs(pairs))
    }
}

/// A form field with its text made inert (`app::text`): secrets stay exactly as typed.
pub fn neutralised(name: String, value: String) -> (String, String) {
    let name = app::text::neutralise(&name).into_owned();
    if app::text::SECRETS.contains(&name.as_str()) {
        return (name, value);
    }
    let value = match app::text::neutralise(&value) {
        std::borrow::Cow::Borrowed(_) => value,
        std::borrow::Cow::Owned(clean) => clean,
    };
    (name, value)
}

/// A JSON body as `T`, every string in it made inert first (`app::text`); rejected exactly as
/// axum's `Json` rejects. Answers are axum's `Json` too.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = axum::extract::rejection::JsonRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        app::text::neutralise_json(&mut value);
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        axum::Json::<T>::from_bytes(&bytes).map(|axum::Json(t)| Json(t))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Form fields (urlencoded or multipart text parts) as a typed struct.
pub fn typed<T: DeserializeOwned>(fields: &HashMap<String, String>) -> Result<T, AppError> {
    let encoded = serde_urlencoded::to_string(fields).map_err(|_| unreadable())?;
    serde_urlencoded::from_str(&encoded).map_err(|e| {
        tracing::warn!(error = %e, "form fields not readable as their struct");
        unreadable()
    })
}

/// The error for a form body that cannot be read.
pub fn unreadable() -> AppError {
    AppError::field("form", "表单内容无法读取，请重新提交")
}

/// A form value parsed as `T`; `None` when missing or not one (a choice left empty, a typo).
pub fn lenient<'de, D: Deserializer<'de>, T: FromStr>(d: D) -> Result<Option<T>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.and_then(|s| s.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::header;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Agency {
        name: String,
        #[serde(deserialize_with = "lenient")]
        parent_id: Option<i64>,
        ticked: Option<String>,
    }

    async fn post(body: &'static str) -> FormPost<Agency> {
        let req = Request::post("/admin/agencies")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        FormPost::from_request(req, &()).await.unwrap()
    }

    #[tokio::test]
    async fn a_form_missing_fields_or_with_a_bad_number_is_read_with_defaults_not_refused() {
        let mut form = post("parent_id=abc").await;
        assert_eq!(form.input().unwrap(), Agency { name: String::new(), parent_id: None, ticked: None });
        assert_eq!(form.fields.get("parent_id").map(String::as_str), Some("abc"), "kept to echo back as typed");
    }

    #[tokio::test]
    async fn a_repeated_field_counts_once_the_last_as_sent_and_text_survives_whole() {
        // Line ends arrive as one `\n` (text is made inert as it is read; see `app::text`).
        let mut form = post("name=a&name=%E5%B8%82+%E5%B1%80%2B%26%0D%0A&parent_id=7&ticked=").await;
        let agency = form.input().unwrap();
        assert_eq!(agency.name, "市 局+&\n");
        assert_eq!(agency.parent_id, Some(7));
        assert_eq!(agency.ticked.as_deref(), Some(""), "a box sent empty is still sent");
        assert_eq!(form.fields["name"], "市 局+&\n");
    }
}
