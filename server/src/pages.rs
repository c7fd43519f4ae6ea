//! Form posts from the pages: each acts, then redirects (PRG), or re-renders the same page with
//! what was typed and the errors, so nothing is lost with or without JavaScript.
use crate::guard::{keys, Action, ClientIp, Limiters};
use app::accounts::{local_path, lockout, store as accounts, CurrentUser, Role};
use app::admin::{powers, staff};
use app::error::AppError;
use app::forms::FormEcho;
use app::state::{session_token, AppState, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leptos::prelude::provide_context;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

type Fields = Form<HashMap<String, String>>;

/// Render the page at `path` for this request's viewer, with the form echo, at the error's status.
pub async fn rerender(st: &AppState, path: &str, headers: &HeaderMap, echo: FormEcho, status: StatusCode) -> Response {
    let (st2, opts) = (st.clone(), st.leptos_options.clone());
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(st2.clone());
            provide_context(echo.clone());
        },
        move || app::shell(opts.clone()),
    );
    let mut req = Request::builder().uri(path).body(Body::empty()).unwrap_or_default();
    for name in [header::COOKIE, header::HOST, header::ACCEPT_LANGUAGE, header::USER_AGENT] {
        if let Some(v) = headers.get(&name) {
            req.headers_mut().insert(name, v.clone());
        }
    }
    attach_viewer(st, &mut req).await;
    let (parts, _) = req.into_parts();
    let mut res = crate::web::render_patiently(parts, crate::web::RENDER_STALL, &handler).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The largest value echoed back into a re-rendered form: more than the longest field (a draft of
/// 200,000 characters) holds.
const MAX_ECHO_BYTES: usize = 1024 * 1024;

/// Re-render `path` showing `err`, keeping the submitted fields except secrets.
pub(crate) async fn rejected(
    st: &AppState,
    path: &str,
    headers: &HeaderMap,
    fields: HashMap<String, String>,
    err: AppError,
) -> Response {
    // Secrets are never echoed; nor is a value larger than any field takes (it was refused for it).
    let values = fields
        .into_iter()
        .filter(|(k, v)| {
            !matches!(k.as_str(), "password" | "current" | "new" | "setup_code") && v.len() <= MAX_ECHO_BYTES
        })
        .collect();
    let echo = FormEcho { values, errors: err.field_errors(), notice: None };
    let mut res = rerender(st, path, headers, echo, crate::respond::status(&err)).await;
    crate::respond::add_retry_after(&err, res.headers_mut());
    res
}

/// The response for a form post: the action's own on success, else the same page re-rendered.
async fn settle(
    result: Result<Response, AppError>,
    st: &AppState,
    path: &str,
    headers: &HeaderMap,
    fields: HashMap<String, String>,
) -> Response {
    match result {
        Ok(r) => r,
        Err(e) => rejected(st, path, headers, fields, e).await,
    }
}

/// The signed-in user of a form post.
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

pub fn session_cookie(st: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    let v = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub(crate) fn field(f: &HashMap<String, String>, k: &str) -> String {
    f.get(k).cloned().unwrap_or_default()
}

/// Start a fresh session (ending any old one: the id rotates at every sign-in).
async fn sign_in(st: &AppState, headers: &HeaderMap, user_id: i64, to: &str) -> Result<Response, AppError> {
    if let Some(old) = session_token(headers) {
        accounts::end_session(&st.db, &old).await?;
    }
    let token = accounts::start_session(&st.db, user_id).await?;
    let mut res = see_other(to);
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(st, &token, accounts::SESSION_SECONDS));
    Ok(res)
}

/// POST /register
pub async fn register(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        lim.check(Action::Register, &keys(ip, None))?;
        let reg = accounts::Registration {
            login: field(&f, "login"),
            password: field(&f, "password"),
            display_name: field(&f, "display_name"),
            real_name: field(&f, "real_name"),
        };
        let id = accounts::register(&st.db, reg).await?;
        tracing::info!(user = id, "citizen registered");
        let next = field(&f, "next");
        sign_in(&st, &headers, id, local_path(&next).unwrap_or("/")).await
    }
    .await;
    settle(result, &st, "/register", &headers, f).await
}

fn home_for(user: &CurrentUser) -> &'static str {
    if user.must_change_password {
        return "/account/password";
    }
    match user.role {
        Role::Staff => "/staff",
        Role::PetitionOfficer => "/petition",
        Role::Admin => "/admin",
        _ => "/",
    }
}

/// POST /login
pub async fn login(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = check_credentials(&st, &lim, ip, &field(&f, "login"), &field(&f, "password")).await?;
        let next = field(&f, "next");
        let to = local_path(&next).filter(|_| !user.must_change_password).unwrap_or_else(|| home_for(&user));
        tracing::info!(user = user.id, "signed in");
        sign_in(&st, &headers, user.id, to).await
    }
    .await;
    settle(result, &st, "/login", &headers, f).await
}

/// POST /logout: the session row is deleted, so the cookie is worthless even if kept.
pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(t) = session_token(&headers) {
        if let Err(e) = accounts::end_session(&st.db, &t).await {
            return crate::respond::error_response(&headers, e);
        }
    }
    let mut res = see_other("/");
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, "", 0));
    res
}

/// POST /account/password
pub async fn change_password(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        // Checking the current password is a sign-in attempt in all but name.
        lim.check(Action::Login, &keys(ip, Some(format!("user-{}", user.id))))?;
        staff::change_password(&st.db, &st.cases.key, &user, &field(&f, "current"), &field(&f, "new")).await?;
        let user = CurrentUser { must_change_password: false, ..user };
        // Every session ended with the change; this browser gets a fresh one.
        sign_in(&st, &headers, user.id, home_for(&user)).await
    }
    .await;
    settle(result, &st, "/account/password", &headers, f).await
}

/// POST /consultations/{id}/comment
pub async fn comment(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?;
        lim.check(Action::Submit, &keys(ip, user.as_ref().map(|u| u.id.to_string())))?;
        let article = field(&f, "article");
        let receipt =
            app::comments::store::submit(&st.db, user.as_ref(), id, Some(&article), &field(&f, "body")).await?;
        // The receipt page gets the number in a cookie for itself alone, never in the URL.
        let mut res = see_other("/receipts?new=1");
        let secure = if st.secure_cookies { "; Secure" } else { "" };
        let cookie = format!(
            "{}={receipt}; Path=/receipts; HttpOnly; SameSite=Lax; Max-Age=900{secure}",
            app::state::RECEIPT_COOKIE
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
        Ok::<_, AppError>(res)
    }
    .await;
    settle(result, &st, &format!("/consultations/{id}/comment"), &headers, f).await
}

/// POST /receipts: look up a receipt typed into the form (the number goes in the body, so it stays
/// out of URLs, history and logs); the receipt page is rendered with it.
///
/// Not rate limited, like the GET it replaces: receipt numbers carry about 60 random bits.
pub async fn receipt_lookup(State(st): State<AppState>, headers: HeaderMap, Form(f): Fields) -> Response {
    let no: String = field(&f, "no").chars().take(64).collect();
    let echo = FormEcho { values: vec![("no".into(), no)], ..Default::default() };
    rerender(&st, "/receipts", &headers, echo, StatusCode::OK).await
}

/// POST /me/cases: one of the signed-in citizen's own cases, chosen by number in the body.
pub async fn my_case(State(st): State<AppState>, headers: HeaderMap, Form(f): Fields) -> Response {
    let number: String = field(&f, "number").chars().take(64).collect();
    let echo = FormEcho { values: vec![("number".into(), number)], ..Default::default() };
    rerender(&st, "/me/cases", &headers, echo, StatusCode::OK).await
}

/// POST /staff/consultations/new
pub async fn new_consultation(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.staff_agency()?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let input = app::consultations::store::NewConsultation {
            kind: field(&f, "kind"),
            title: field(&f, "title"),
            explanation: field(&f, "explanation"),
            full_text: field(&f, "full_text"),
            opens_on: field(&f, "opens_on"),
            closes_on: field(&f, "closes_on"),
            short_window_reason: field(&f, "short_window_reason"),
            allow_anonymous: f.get("allow_anonymous").cloned(),
        };
        let id = app::consultations::store::create(&st.db, &user, &input).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{id}")))
    }
    .await;
    settle(result, &st, "/staff/consultations/new", &headers, f).await
}

/// Fields of a moderation decision.
#[derive(Deserialize)]
pub struct Decision {
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    consultation_id: Option<i64>,
}

/// POST /staff/comments/{id}/moderate
pub async fn moderate(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(comment): Path<i64>,
    headers: HeaderMap,
    Form(d): Form<Decision>,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.staff_agency()?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let approve = d.decision == "approve";
        let consultation = app::comments::store::moderate(&st.db, &user, comment, approve, &d.reason).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => {
            let path =
                d.consultation_id.map(|c| format!("/staff/consultations/{c}")).unwrap_or_else(|| "/staff".into());
            let fields = HashMap::from([
                ("comment_id".to_string(), comment.to_string()),
                ("reason".to_string(), d.reason.clone()),
            ]);
            rejected(&st, &path, &headers, fields, e).await
        }
    }
}

/// POST /staff/comments/{id}/dispose: the agency's answer to one comment.
pub async fn dispose(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(comment): Path<i64>,
    headers: HeaderMap,
    Form(mut f): Fields,
) -> Response {
    // A re-rendered page shows the message under this comment's form.
    f.insert("dispose_id".into(), comment.to_string());
    let consultation = field(&f, "consultation_id");
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.staff_agency()?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let disposition = app::feedback::Disposition::from_field(&field(&f, "disposition"))?;
        app::feedback::store::dispose(&st.db, &user, &[comment], disposition, &field(&f, "reason")).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    let path = match consultation.parse::<i64>() {
        Ok(c) => format!("/staff/consultations/{c}"),
        Err(_) => "/staff".into(),
    };
    settle(result, &st, &path, &headers, f).await
}

/// POST /staff/consultations/{id}/dispose: one answer for many comments. `scope` says which: the
/// ticked ones (`ids`, repeated), or every published comment the filter fields select (the whole
/// selection, or one near-duplicate group) — refused if that is no longer the `expected` number.
pub async fn dispose_many(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(consultation): Path<i64>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let text = |name: &str| value(name).unwrap_or_default();
    let filter = app::feedback::QueueFilter::from_fields(value);
    let ticked: Vec<String> = pairs.iter().filter(|(k, _)| k == "ids").map(|(_, v)| v.clone()).collect();
    let scope = text("scope");
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.staff_agency()?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let disposition = app::feedback::Disposition::from_field(&text("disposition"))?;
        let by_filter = scope == "selection" || scope.starts_with("group-");
        let ids: Vec<i64> = if !by_filter {
            let ids: Vec<i64> = ticked.iter().filter_map(|i| i.parse().ok()).collect();
            if ids.is_empty() {
                return Err(AppError::field("ids", "请先勾选要答复的意见"));
            }
            ids
        } else {
            let ids = app::feedback::queue::answerable(&st, &user, consultation, &filter).await?;
            if Some(ids.len().to_string()) != value("expected") {
                return Err(AppError::field("expected", &format!("筛选出的意见已变为{}条，请核对后再提交", ids.len())));
            }
            ids
        };
        let changed = app::feedback::store::dispose(&st.db, &user, &ids, disposition, &text("reason")).await?;
        let back = app::feedback::QueueFilter { group: None, page: None, ..filter.clone() };
        let mut to = app::feedback::pages::queue_href(consultation, &back, None);
        to.push(if to.contains('?') { '&' } else { '?' });
        Ok::<_, AppError>(see_other(&format!("{to}done={}", changed.max(1))))
    }
    .await;
    let fields = HashMap::from([
        (
            "bulk".to_string(),
            if scope.starts_with("group-") || scope == "selection" { scope.clone() } else { "ticked".into() },
        ),
        ("ids".to_string(), ticked.join(",")),
        ("disposition".to_string(), text("disposition")),
        ("reason".to_string(), text("reason")),
    ]);
    let page_filter = if scope.starts_with("group-") { app::feedback::QueueFilter::default() } else { filter.clone() };
    let path = app::feedback::pages::queue_href(consultation, &page_filter, filter.page);
    settle(result, &st, &path, &headers, fields).await
}

/// POST /staff/comments/{id}/split: take a comment out of its near-duplicate group.
pub async fn split(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(comment): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let consultation = app::feedback::queue::split(&st.db, &user, comment).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    result.unwrap_or_else(|e| crate::respond::error_response(&headers, e))
}

/// POST /staff/consultations/{id}/report: save the report's draft (`action=save`), or publish it.
pub async fn report(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(consultation): Path<i64>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let path = format!("/staff/consultations/{consultation}/report");
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.staff_agency()?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let text = app::feedback::report::ReportText {
            summary: field(&f, "summary"),
            unanswered_reason: field(&f, "unanswered_reason"),
            revised_text: field(&f, "revised_text"),
        };
        if field(&f, "action") == "publish" {
            app::feedback::report::publish(&st.db, &user, consultation, &text, st.mail_enabled, &st.public_url).await?;
            Ok::<_, AppError>(see_other(&format!("/consultations/{consultation}/report")))
        } else {
            app::feedback::report::save(&st.db, &user, consultation, &text).await?;
            Ok(see_other(&path))
        }
    }
    .await;
    settle(result, &st, &path, &headers, f).await
}

/// GET /consultations/{id}/report.csv: the published report's comments and answers.
pub async fn report_csv(State(st): State<AppState>, Path(consultation): Path<i64>, headers: HeaderMap) -> Response {
    use app::feedback::report::{csv_chunk, csv_head};
    use futures_util::stream::{self, StreamExt};
    match csv_head(&st.db, consultation).await {
        Ok(head) => {
            // Written as it is read, a few hundred lines at a time: however many comments, the
            // download never sits whole in memory.
            let db = st.db.clone();
            let rest = stream::unfold(Some(None), move |cursor| {
                let db = db.clone();
                async move {
                    match csv_chunk(&db, consultation, cursor?).await {
                        Ok(Some((lines, last))) => Some((Ok(lines), Some(Some(last)))),
                        Ok(None) => None,
                        // The status is already sent: the download is cut short (logged where it failed).
                        Err(_) => Some((Err(std::io::Error::other("report CSV cut short")), None)),
                    }
                }
            });
            let csv = Body::from_stream(stream::once(async { Ok::<_, std::io::Error>(head) }).chain(rest));
            let disposition = format!("attachment; filename=\"report-{consultation}.csv\"");
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                ],
                csv,
            )
                .into_response()
        }
        Err(e) => crate::respond::error_response(&headers, e),
    }
}

/// POST /inbox/read: mark every message read.
pub async fn inbox_read(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        app::inbox::store::mark_read(&st.db, &user).await?;
        Ok::<_, AppError>(see_other("/inbox"))
    }
    .await;
    result.unwrap_or_else(|e| crate::respond::error_response(&headers, e))
}

/// POST /admin/agencies
pub async fn create_agency(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        app::admin::store::create_agency(&st.db, &st.cases.key, &user, &field(&f, "name")).await?;
        Ok::<_, AppError>(see_other("/admin"))
    }
    .await;
    settle(result, &st, "/admin", &headers, f).await
}

/// POST /admin/agencies/parent: set the unit above an agency.
pub async fn set_parent(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let agency = field(&f, "agency_id").parse().map_err(|_| AppError::field("agency_id", "请选择单位"))?;
        let parent = field(&f, "parent_id").parse().ok();
        app::admin::store::set_parent(&st.db, &st.cases.key, &user, agency, parent).await?;
        Ok::<_, AppError>(see_other("/admin"))
    }
    .await;
    settle(result, &st, "/admin", &headers, f).await
}

/// POST /admin/grants: give a staff account a power (legal channel), or propose one that takes a
/// second administrator (discipline channel, reveal).
pub async fn grant(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.require(Role::Admin)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let by = powers::Actor::Admin(&user);
        powers::request(&st.db, &st.cases.key, by, &field(&f, "login"), &field(&f, "grant")).await
    }
    .await;
    match result {
        Ok(outcome) => {
            let notice = match outcome {
                powers::Outcome::Granted => format!("已授权：{}", field(&f, "login")),
                powers::Outcome::Proposed => {
                    format!("已提出授权申请：{}。须由另一名管理员批准后生效（7天内有效）。", field(&f, "login"))
                }
            };
            admin_page_saying(&st, &headers, notice).await
        }
        Err(e) => {
            let fields = HashMap::from([("grant_login".to_string(), field(&f, "login"))]);
            rejected(&st, "/admin", &headers, fields, e).await
        }
    }
}

/// POST /admin/grants/approve and /admin/grants/refuse: decide another administrator's proposal
/// (refusing one's own withdraws it).
pub async fn decide_grant(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    path: axum::extract::MatchedPath,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.require(Role::Admin)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let proposal = field(&f, "proposal").parse().map_err(|_| AppError::NotFound)?;
        let approve = path.as_str().ends_with("/approve");
        powers::decide(&st.db, &st.cases.key, &user, proposal, approve).await?;
        Ok::<_, AppError>(see_other("/admin"))
    }
    .await;
    settle(result, &st, "/admin", &headers, f).await
}

/// POST /admin/grants/revoke: take a power back.
pub async fn revoke(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.require(Role::Admin)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let by = powers::Actor::Admin(&user);
        powers::revoke(&st.db, &st.cases.key, by, &field(&f, "login"), &field(&f, "grant")).await?;
        Ok::<_, AppError>(see_other("/admin"))
    }
    .await;
    settle(result, &st, "/admin", &headers, f).await
}

/// The administration page again, with what was done said at its top.
async fn admin_page_saying(st: &AppState, headers: &HeaderMap, notice: String) -> Response {
    rerender(st, "/admin", headers, FormEcho { notice: Some(notice), ..Default::default() }, StatusCode::OK).await
}

/// What the administrator is told about a new setup code: where it went, or (handed over in
/// person) the code itself, on this response only.
fn setup_notice(what: &str, delivery: staff::Delivery) -> String {
    match delivery {
        staff::Delivery::Mailed => {
            format!("{what}设置码已通过邮件直接发给本人（72小时内有效），请提醒本人在“设置账号密码”页设置密码。")
        }
        staff::Delivery::Shown(code) => format!(
            "{what}一次性设置码：{code}（仅显示这一次，72小时内有效，请当面或通过安全渠道交给本人，由本人在 /account/setup 设置密码）"
        ),
    }
}

fn mail_of(st: &AppState) -> staff::Mail<'_> {
    staff::Mail { enabled: st.mail_enabled, public_url: &st.public_url }
}

/// POST /admin/staff: create a staff account; its holder sets the password with a setup code.
pub async fn create_staff(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.require(Role::Admin)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let role = Role::parse(&field(&f, "role")).ok_or_else(|| AppError::field("role", "请选择角色"))?;
        let agency = field(&f, "agency_id").parse().map_err(|_| AppError::field("agency_id", "请选择所属单位"))?;
        let (login, name) = (field(&f, "login"), field(&f, "display_name"));
        staff::create(&st.db, &st.cases.key, mail_of(&st), &user, &login, &name, role, agency).await
    }
    .await;
    match result {
        Ok(delivery) => {
            let notice = setup_notice("账号已创建。", delivery);
            admin_page_saying(&st, &headers, notice).await
        }
        Err(e) => rejected(&st, "/admin", &headers, f, e).await,
    }
}

/// POST /admin/staff/setup-code: a fresh setup code for a staff account (lost, expired, or a
/// forgotten password); earlier codes stop working.
pub async fn reissue_setup_code(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        user.require(Role::Admin)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let target = field(&f, "user_id").parse().map_err(|_| AppError::NotFound)?;
        staff::reissue(&st.db, &st.cases.key, mail_of(&st), &user, target).await
    }
    .await;
    match result {
        Ok((delivery, dropped)) => {
            let dropped: Vec<&str> = dropped.iter().filter_map(|g| app::cases::grant_label(g)).collect();
            let what = if dropped.is_empty() {
                "已重新签发。".to_string()
            } else {
                format!(
                    "已重新签发，并已收回须两名管理员批准的权限（{}），待本人设置密码后须重新提出、批准。",
                    dropped.join("、")
                )
            };
            let notice = setup_notice(&what, delivery);
            admin_page_saying(&st, &headers, notice).await
        }
        Err(e) => rejected(&st, "/admin", &headers, f, e).await,
    }
}

/// POST /account/setup: the holder of a new staff account sets its password with the setup code,
/// and is signed in. Rate limited like a sign-in (a code is a credential).
pub async fn setup_account(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let result = async {
        lim.check(Action::Login, &keys(ip, None))?;
        let id =
            staff::redeem(&st.db, &st.cases.key, &field(&f, "login"), &field(&f, "setup_code"), &field(&f, "password"))
                .await?;
        let user = accounts::user(&st.db, id).await?;
        tracing::info!(user = id, "staff account set up");
        sign_in(&st, &headers, id, home_for(&user)).await
    }
    .await;
    settle(result, &st, "/account/setup", &headers, f).await
}
