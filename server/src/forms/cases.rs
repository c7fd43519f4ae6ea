//! Form posts of the case pages: filing (multipart, with attachments), following a case by number
//! and query code, one's own case by number, and the staff actions. Each acts, then redirects or
//! re-renders the page.
use super::common::{see_other, Page};
use super::upload::read_multipart;
use crate::budgets::Kind;
use crate::case_actions::{check_lookup, perform, CaseAction, Performed};
use crate::extract::{lenient, typed, FormPost, Limits, Refusal, SignedIn, Viewer, Working};
use crate::session::{check_credentials, session_cookie};
use app::cases::Filing;
use app::error::AppError;
use app::forms::{FormEcho, FORM_FIELD};
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;

/// The text fields of a filing (`anonymous`: a ticked box, sent only when ticked).
#[derive(Default, Deserialize)]
#[serde(default)]
struct FilingForm {
    petition_kind: Option<String>,
    matter: String,
    facts: String,
    request: String,
    #[serde(deserialize_with = "lenient")]
    concerned_agency_id: Option<i64>,
    concerned_unit: String,
    #[serde(deserialize_with = "lenient")]
    document_id: Option<i64>,
    document_title: String,
    document_number: String,
    name: String,
    phone: String,
    email: String,
    address: String,
    anonymous: Option<String>,
}

impl FilingForm {
    fn into_filing(self, kind: String) -> Filing {
        Filing {
            kind,
            petition_kind: self.petition_kind,
            matter: self.matter,
            facts: self.facts,
            request: self.request,
            concerned_agency_id: self.concerned_agency_id,
            concerned_unit: self.concerned_unit,
            document_id: self.document_id,
            document_title: self.document_title,
            document_number: self.document_number,
            name: self.name,
            phone: self.phone,
            email: self.email,
            address: self.address,
            anonymous: self.anonymous.is_some(),
        }
    }
}

/// POST /cases/new/{kind}: file a case. The number and query code are shown on the response
/// itself (never in a URL), once the case is stored. The rate limit is checked before the body is
/// read; the body is read part by part within its limits.
pub async fn file(
    page: Page,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(kind): Path<String>,
    form: Multipart,
) -> Response {
    let path = format!("/cases/new/{kind}");
    let mut fields = HashMap::new();
    // A session started by signing in on the form itself, to set on whatever the answer is.
    let mut started: Option<String> = None;
    let result = async {
        let Viewer(mut user) = user?;
        limits.spend(Kind::Filing, user.as_ref())?;
        if page.st.disk_low() {
            tracing::error!("case filing refused: the data folder is below its free-space floor");
            return Err(AppError::Unavailable);
        }
        let _slot = limits.limiters.upload_slot(limits.ip)?;
        let files = read_multipart(form, &mut fields, limits.limiters.min_upload_rate, super::upload::FILING).await?;
        // Signed out, with the account typed into the form: sign in and file in one step, so
        // nothing typed (attachments included) is lost to a trip through the sign-in page.
        let account = fields.get("account_login").map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
        if let (None, Some(login)) = (&user, account) {
            let password = fields.get("account_password").cloned().unwrap_or_default();
            let signed = check_credentials(&page.st, &limits.limiters, limits.ip, &login, &password).await;
            let signed = signed.map_err(|e| match e {
                AppError::BadCredentials => AppError::field("account_password", "账号或密码不正确"),
                other => other,
            })?;
            started = Some(app::accounts::store::start_session(&page.st.db, signed.id).await?);
            user = Some(signed);
        }
        if user.is_none() {
            limits.limiters.check_anonymous_upload(files.iter().map(|f| f.1.len()).sum())?;
        }
        let filing = typed::<FilingForm>(&fields)?.into_filing(kind.clone());
        app::cases::store::file(&page.st.db, &page.st.cases, user.as_ref(), &filing, &files).await.map_err(|e| match e {
            // Not a trip to the sign-in page with everything lost: the same form, kept, saying so.
            AppError::Unauthorized => AppError::field(
                "account_login",
                "提出该类事项须以本人账号提出：请在表单末尾登录后再提交（没有账号的，可在新窗口注册）。已填写的内容已保留，附件请重新选择。",
            ),
            other => other,
        })
    }
    .await;
    // Signed in on the form: the answer is rendered for the account now signed in.
    let signed_in_page;
    let page = match &started {
        Some(token) => {
            let mut headers = page.headers.clone();
            let cookie = format!("{}={token}", app::state::SESSION_COOKIE);
            if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
                headers.insert(axum::http::header::COOKIE, v);
            }
            signed_in_page = Page { st: page.st.clone(), headers, posted: page.posted.clone() };
            &signed_in_page
        }
        None => &page,
    };
    let mut res = match result {
        Ok(filed) => {
            let values = vec![
                ("filed_number".to_string(), filed.number),
                ("filed_code".to_string(), filed.query_code),
                ("filed_repeats".to_string(), filed.repeats.unwrap_or_default()),
            ];
            page.rerender(&path, FormEcho { values, ..Default::default() }, StatusCode::CREATED).await
        }
        Err(e) => page.rejected(&path, fields, e).await,
    };
    if let Some(token) = started {
        let cookie = session_cookie(&page.st, &token, app::accounts::store::SESSION_SECONDS);
        res.headers_mut().insert(axum::http::header::SET_COOKIE, cookie);
    }
    res
}

/// A case's number and query code, and what the filer typed with them.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Track {
    number: String,
    code: String,
    comment: String,
    reason: String,
    #[serde(deserialize_with = "lenient")]
    score: Option<i64>,
}

/// Re-render the progress page for a number and code, with a notice or an error.
async fn track_page(page: &Page, f: &Track, notice: Option<String>, err: Option<AppError>) -> Response {
    let values = [("number", &f.number), ("code", &f.code), ("comment", &f.comment), ("reason", &f.reason)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let status = err
        .as_ref()
        .map(|e| StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST))
        .unwrap_or(StatusCode::OK);
    let errors = err.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let echo = FormEcho { values, errors, notice, ..Default::default() };
    let mut res = page.rerender("/cases/track", echo, status).await;
    if let Some(e) = &err {
        crate::respond::add_retry_after(e, res.headers_mut());
    }
    res
}

/// The progress page after a filer's action: with `done` as the notice, or with the error.
async fn settle_track(page: &Page, f: &Track, result: Result<(), AppError>, done: &str) -> Response {
    match result {
        Ok(()) => track_page(page, f, Some(done.to_string()), None).await,
        Err(e) => track_page(page, f, None, Some(e)).await,
    }
}

/// The fields of a lookup form, or (unreadable) none: the page shows the error with empty fields.
fn track_fields(form: &mut FormPost<Track>) -> (Track, Result<(), AppError>) {
    match form.input() {
        Ok(f) => (f, Ok(())),
        Err(e) => (Track::default(), Err(e)),
    }
}

/// POST /cases/track: show a case's progress (the code never goes into a URL).
pub async fn track(page: Page, viewer: Result<Viewer, Refusal>, limits: Limits, mut form: FormPost<Track>) -> Response {
    let (f, readable) = track_fields(&mut form);
    match check_lookup(&limits, viewer).and(readable) {
        Ok(()) => track_page(&page, &f, None, None).await,
        Err(e) => track_page(&page, &f, None, Some(e)).await,
    }
}

/// Who is asking: with the query code, anyone holding it; without it, the signed-in citizen the
/// case was filed under (their own cases, from 我的信访).
fn proof<'a>(f: &'a Track, viewer: &'a Option<app::accounts::CurrentUser>) -> app::cases::store::Proof<'a> {
    use app::cases::store::Proof;
    match viewer {
        Some(user) if f.code.trim().is_empty() => Proof::Account { user, number: &f.number },
        _ => Proof::Code { number: &f.number, code: &f.code },
    }
}

/// The page after a filer's rating or review request: the progress page for a code, 我的信访 for
/// the account's own case.
async fn settle_filer(page: &Page, f: &Track, by_account: bool, result: Result<(), AppError>, done: &str) -> Response {
    if !by_account {
        return settle_track(page, f, result, done).await;
    }
    let mut values = vec![("number".to_string(), f.number.clone())];
    let (notice, errors, status) = match result {
        Ok(()) => (Some(done.to_string()), vec![], StatusCode::OK),
        Err(e) => {
            values.extend([("comment".to_string(), f.comment.clone()), ("reason".to_string(), f.reason.clone())]);
            (None, e.field_errors(), StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST))
        }
    };
    let form = page.posted.clone();
    let echo = FormEcho { values, errors, notice, form: Some(form), ..Default::default() };
    page.rerender("/me/cases", echo, status).await
}

/// POST /cases/rating: the filer rates the handling.
pub async fn rate(page: Page, viewer: Result<Viewer, Refusal>, limits: Limits, mut form: FormPost<Track>) -> Response {
    let (f, readable) = track_fields(&mut form);
    let user = viewer.as_ref().ok().and_then(|v| v.0.clone());
    let by_account = user.is_some() && f.code.trim().is_empty();
    let result = async {
        check_lookup(&limits, viewer)?;
        readable?;
        let score = f.score.ok_or_else(|| AppError::field("score", "请选择1至5分"))?;
        app::cases::store::rate(&page.st.db, &page.st.cases, proof(&f, &user), score, &f.comment).await
    }
    .await;
    settle_filer(&page, &f, by_account, result, "感谢您的评价。").await
}

/// POST /cases/review: the filer asks for a review (复查) or re-review (复核).
pub async fn review(
    page: Page,
    viewer: Result<Viewer, Refusal>,
    limits: Limits,
    mut form: FormPost<Track>,
) -> Response {
    let (f, readable) = track_fields(&mut form);
    let user = viewer.as_ref().ok().and_then(|v| v.0.clone());
    let by_account = user.is_some() && f.code.trim().is_empty();
    let result = async {
        check_lookup(&limits, viewer)?;
        readable?;
        app::cases::store::request_review(&page.st.db, &page.st.cases, proof(&f, &user), &f.reason).await
    }
    .await;
    settle_filer(&page, &f, by_account, result, "申请已提交。").await
}

/// The case number typed into the "my cases" form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CaseNumber {
    number: String,
}

/// POST /me/cases: one of the signed-in citizen's own cases, chosen by number in the body.
pub async fn my_case(page: Page, mut form: FormPost<CaseNumber>) -> Response {
    let number: String = form.input().map(|f| f.number).unwrap_or_default().chars().take(64).collect();
    let echo = FormEcho { values: vec![("number".into(), number)], ..Default::default() };
    page.rerender("/me/cases", echo, StatusCode::OK).await
}

/// Fields of a staff action, as the case page's forms send them (see [`CaseAction`]).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    action: String,
    #[serde(deserialize_with = "lenient")]
    unit: Option<i64>,
    due_on: Option<String>,
    note: String,
    reason: String,
    channel: String,
    body: String,
    #[serde(deserialize_with = "lenient")]
    days: Option<u32>,
    decision: String,
    text: String,
    basis: String,
    report: String,
    public_answer: String,
}

impl From<ActForm> for CaseAction {
    fn from(f: ActForm) -> CaseAction {
        CaseAction {
            action: f.action,
            unit: f.unit,
            // A date left empty is no date.
            due_on: f.due_on.filter(|d| !d.is_empty()),
            note: f.note,
            reason: f.reason,
            channel: f.channel,
            body: f.body,
            days: f.days,
            decision: f.decision,
            text: f.text,
            basis: f.basis,
            report: f.report,
            public_answer: f.public_answer,
        }
    }
}

/// POST /staff/cases/{id}/actions: one staff action (`action` names it).
pub async fn act(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<ActForm>,
) -> Response {
    let path = format!("/staff/cases/{id}");
    // The action names its form (several forms on the page post here), whatever `_form` says.
    let sent = form.fields.get("action").map(|a| app::cases::pages::staff_form(a)).unwrap_or_default();
    form.fields.insert(FORM_FIELD.to_string(), sent.to_string());
    let result = async {
        let Working(user) = user?;
        let action = CaseAction::from(form.input()?);
        perform(&page.st, &user, id, action).await
    }
    .await;
    match result {
        Ok(Performed::Revealed { identity: who }) => {
            let notice = if who.name.is_empty() && who.phone.is_empty() && who.email.is_empty() {
                "该件为匿名提出，没有提出人身份信息。本次查看已记录。".to_string()
            } else {
                format!(
                    "提出人：{} 电话：{} 邮箱：{} 地址：{}（本次查看已记录）",
                    who.name, who.phone, who.email, who.address
                )
            };
            page.saying(&path, notice).await
        }
        Ok(Performed::Done { .. }) => see_other(&path),
        Err(e) => page.rejected(&path, form.fields, e).await,
    }
}

/// GET /staff/cases/{id}/files/{file}: an attachment, for staff who may see the case; always a
/// download, never shown inline.
pub async fn attachment(page: Page, Path((id, file)): Path<(i64, String)>, SignedIn(user): SignedIn) -> Response {
    let result = app::cases::store::attachment(&page.st.db, &page.st.cases, &user, id, &file).await;
    super::files::answer_download(&page, &format!("/staff/cases/{id}"), result).await
}
