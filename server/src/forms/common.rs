//! What every form post answers with: a redirect (PRG), or the same page re-rendered with what was
//! typed and the errors, so nothing is lost with or without JavaScript.
use app::error::AppError;
use app::forms::{FormEcho, FORM_FIELD};
use app::state::AppState;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::convert::Infallible;

/// The largest value echoed back into a re-rendered form: more than the longest field (a draft of
/// 200,000 characters) holds.
const MAX_ECHO_BYTES: usize = 1024 * 1024;

/// Fields never echoed back: secrets.
use app::text::SECRETS;

/// The longest form name taken from a post (`_form`); page forms' names are far shorter.
const MAX_FORM_NAME: usize = 100;

/// The page a form post answers with: the state, the request's headers (cookie, host, language)
/// to render it for the same viewer, and the path posted to (which form was sent, when the post
/// does not name one).
pub struct Page {
    pub st: AppState,
    pub headers: HeaderMap,
    pub posted: String,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Infallible> {
        Ok(Page { st: st.clone(), headers: parts.headers.clone(), posted: parts.uri.path().to_string() })
    }
}

impl Page {
    /// Render the page at `path` for this request's viewer, with the form echo, at `status`. An
    /// echo that names no form was sent by the form posting to this request's path.
    pub async fn rerender(&self, path: &str, mut echo: FormEcho, status: StatusCode) -> Response {
        if echo.form.is_none() {
            echo.form = Some(self.posted.clone());
        }
        let (st, opts) = (self.st.clone(), self.st.leptos_options.clone());
        let handler = leptos_axum::render_app_async_with_context(
            move || {
                leptos::prelude::provide_context(st.clone());
                leptos::prelude::provide_context(echo.clone());
            },
            move || app::shell(opts.clone()),
        );
        let mut req = Request::builder().uri(path).body(Body::empty()).unwrap_or_default();
        for name in [header::COOKIE, header::HOST, header::ACCEPT_LANGUAGE, header::USER_AGENT] {
            if let Some(v) = self.headers.get(&name) {
                req.headers_mut().insert(name, v.clone());
            }
        }
        crate::session::attach_viewer(&self.st, &mut req).await;
        let mut res = handler(req).await;
        if res.status() == StatusCode::OK {
            *res.status_mut() = status;
        }
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }

    /// The page at `path` again, with a notice at its top.
    pub async fn saying(&self, path: &str, notice: String) -> Response {
        self.rerender(path, FormEcho { notice: Some(notice), ..Default::default() }, StatusCode::OK).await
    }

    /// Re-render `path` showing `err`, keeping the submitted fields except secrets.
    pub async fn rejected(&self, path: &str, fields: HashMap<String, String>, err: AppError) -> Response {
        // Secrets are never echoed; nor is a value larger than any field takes (it was refused for it).
        let form = fields.get(FORM_FIELD).filter(|f| !f.is_empty() && f.len() <= MAX_FORM_NAME).cloned();
        let values =
            fields.into_iter().filter(|(k, v)| !SECRETS.contains(&k.as_str()) && v.len() <= MAX_ECHO_BYTES).collect();
        let echo = FormEcho { values, errors: err.field_errors(), form, ..Default::default() };
        let mut res = self.rerender(path, echo, crate::respond::status(&err)).await;
        crate::respond::add_retry_after(&err, res.headers_mut());
        res
    }

    /// The answer to a form post: the action's own on success, else the same page re-rendered.
    pub async fn settle(
        &self,
        result: Result<Response, AppError>,
        path: &str,
        fields: HashMap<String, String>,
    ) -> Response {
        match result {
            Ok(r) => r,
            Err(e) => self.rejected(path, fields, e).await,
        }
    }
}

/// 303 to `to`: the browser follows with a GET.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
