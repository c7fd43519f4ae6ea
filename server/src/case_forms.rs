//! Form posts of the case pages: filing (multipart, with attachments), following a case by number
//! and query code, and the staff actions. Each acts, then redirects or re-renders the page.
use crate::guard::{keys, Action, ClientIp, Limiters};
use crate::pages::{field, rejected, rerender, see_other, viewer};
use app::cases::Filing;
use app::error::AppError;
use app::forms::FormEcho;
use app::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use std::collections::HashMap;
use std::sync::Arc;

/// The largest filing body read: the attachments' total limit and room for the text fields.
pub const MAX_FILING_BYTES: usize = app::cases::attachments::MAX_TOTAL_BYTES + 2 * 1024 * 1024;

type Fields = HashMap<String, String>;

/// The most one text field of a filing may hold: the longest field (事实和理由, 10,000 characters)
/// with room to spare. A larger one is refused without being read further or echoed back.
const MAX_TEXT_PART: usize = 64 * 1024;

/// At most this many parts in one filing (the fields, five files, and empty file inputs).
const MAX_PARTS: usize = 40;

/// How long a filing's body may arrive at any pace before the average-rate floor applies.
pub const UPLOAD_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The longest pause allowed between two pieces of a filing's body.
pub const UPLOAD_STALL: std::time::Duration = std::time::Duration::from_secs(15);

/// The pace of a filing's body: after [`UPLOAD_GRACE`], bytes so far must average at least
/// `min_rate` a second (0: no floor), so a trickle cannot hold an upload slot for the whole
/// request deadline.
struct Pace {
    started: std::time::Instant,
    received: u64,
    min_rate: u64,
}

impl Pace {
    fn add(&mut self, n: usize) -> Result<(), AppError> {
        self.received += n as u64;
        let elapsed = self.started.elapsed();
        if self.min_rate > 0 && elapsed > UPLOAD_GRACE && self.received < self.min_rate * elapsed.as_secs() {
            return Err(too_slow());
        }
        Ok(())
    }
}

fn too_slow() -> AppError {
    AppError::field("attachments", "网络过慢，附件未能接收：请在网络较好时重新提交，或减少、压缩附件")
}

/// The next piece of a body, or a refusal when the client pauses longer than [`UPLOAD_STALL`].
async fn within_stall<T, E>(next: impl std::future::Future<Output = Result<T, E>>) -> Result<T, AppError> {
    match tokio::time::timeout(UPLOAD_STALL, next).await {
        Ok(r) => r.map_err(|_| AppError::field("form", "表单内容无法读取，请重新提交")),
        Err(_) => Err(too_slow()),
    }
}

/// Text fields and files of a multipart form, each read in chunks and refused as soon as it passes
/// its own limit (a file 10 MB, a text field 64 KiB, all files 30 MB), so no part is held in
/// memory beyond what it may be, and refused when it arrives slower than `min_rate` (see [`Pace`]).
/// An unreadable body is a form error, not a crash.
async fn read_multipart(
    mut form: Multipart,
    fields: &mut Fields,
    min_rate: u64,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    use app::cases::attachments::{sanitise_name, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
    let mut files = Vec::new();
    let (mut total, mut parts) = (0usize, 0usize);
    let mut pace = Pace { started: std::time::Instant::now(), received: 0, min_rate };
    let unreadable = || AppError::field("form", "表单内容无法读取，请重新提交");
    while let Some(mut part) = within_stall(form.next_field()).await? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(unreadable());
        }
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let limit = if file_name.is_some() { MAX_FILE_BYTES.min(MAX_TOTAL_BYTES - total) } else { MAX_TEXT_PART };
        let mut bytes = Vec::new();
        while let Some(chunk) = within_stall(part.chunk()).await? {
            pace.add(chunk.len())?;
            if bytes.len() + chunk.len() > limit {
                let message = match &file_name {
                    None => return Err(AppError::field(&name, "内容过长，未能接收")),
                    Some(f) if bytes.len() + chunk.len() > MAX_FILE_BYTES => {
                        format!("“{}”超过{}MB，未能接收", sanitise_name(f), MAX_FILE_BYTES >> 20)
                    }
                    Some(_) => format!("附件合计不能超过{}MB", MAX_TOTAL_BYTES >> 20),
                };
                return Err(AppError::field("attachments", &message));
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            // A file input left empty sends a part with no name and no bytes.
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(f) => {
                total += bytes.len();
                files.push((f, bytes));
            }
            None => {
                let text = String::from_utf8(bytes).map_err(|_| unreadable())?;
                fields.insert(name, text);
            }
        }
    }
    Ok(files)
}

/// POST /cases/new/{kind}: file a case. The number and query code are shown on the response
/// itself (never in a URL), once the case is stored. The rate limit is checked before the body is
/// read; the body is read part by part within its limits.
pub async fn file(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    form: Multipart,
) -> Response {
    let path = format!("/cases/new/{kind}");
    let mut fields = Fields::new();
    let result = async {
        let user = viewer(&st, &headers).await?;
        lim.check(Action::Submit, &keys(ip, user.as_ref().map(|u| u.id.to_string())))?;
        if st.disk_low() {
            tracing::error!("case filing refused: the data folder is below its free-space floor");
            return Err(AppError::Unavailable);
        }
        let _slot = lim.upload_slot(ip)?;
        let files = read_multipart(form, &mut fields, lim.min_upload_rate).await?;
        if user.is_none() {
            lim.check_anonymous_upload(files.iter().map(|f| f.1.len()).sum())?;
        }
        let filing = Filing {
            kind: kind.clone(),
            petition_kind: fields.get("petition_kind").cloned(),
            matter: field(&fields, "matter"),
            facts: field(&fields, "facts"),
            request: field(&fields, "request"),
            concerned_agency_id: field(&fields, "concerned_agency_id").parse().ok(),
            concerned_unit: field(&fields, "concerned_unit"),
            document_title: field(&fields, "document_title"),
            document_number: field(&fields, "document_number"),
            name: field(&fields, "name"),
            phone: field(&fields, "phone"),
            email: field(&fields, "email"),
            address: field(&fields, "address"),
            anonymous: fields.contains_key("anonymous"),
        };
        app::cases::store::file(&st.db, &st.cases, user.as_ref(), &filing, &files).await
    }
    .await;
    match result {
        Ok(filed) => {
            let values = vec![
                ("filed_number".to_string(), filed.number),
                ("filed_code".to_string(), filed.query_code),
                ("filed_repeats".to_string(), filed.repeats.unwrap_or_default()),
            ];
            rerender(&st, &path, &headers, FormEcho { values, ..Default::default() }, StatusCode::CREATED).await
        }
        Err(AppError::Unauthorized) => see_other(&format!("/login?next={}", app::ui::encode_query(&path))),
        Err(e) => rejected(&st, &path, &headers, fields, e).await,
    }
}

/// Re-render the progress page for a number and code, with a notice or an error.
async fn track_page(
    st: &AppState,
    headers: &HeaderMap,
    f: &Fields,
    notice: Option<String>,
    err: Option<AppError>,
) -> Response {
    let values = ["number", "code", "comment", "reason"].into_iter().map(|k| (k.to_string(), field(f, k))).collect();
    let status = err
        .as_ref()
        .map(|e| StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST))
        .unwrap_or(StatusCode::OK);
    let errors = err.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let echo = FormEcho { values, errors, notice };
    let mut res = rerender(st, "/cases/track", headers, echo, status).await;
    if let Some(e) = &err {
        crate::respond::add_retry_after(e, res.headers_mut());
    }
    res
}

/// The progress page after a filer's action: with `done` as the notice, or with the error.
async fn settle_track(
    st: &AppState,
    headers: &HeaderMap,
    f: &Fields,
    result: Result<(), AppError>,
    done: &str,
) -> Response {
    match result {
        Ok(()) => track_page(st, headers, f, Some(done.to_string()), None).await,
        Err(e) => track_page(st, headers, f, None, Some(e)).await,
    }
}

/// POST /cases/track: show a case's progress (the code never goes into a URL).
pub async fn track(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    match crate::api::cases::check_lookup(&lim, ip) {
        Ok(()) => track_page(&st, &headers, &f, None, None).await,
        Err(e) => track_page(&st, &headers, &Fields::new(), None, Some(e)).await,
    }
}

/// POST /cases/rating: the filer rates the handling.
pub async fn rate(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let result = async {
        crate::api::cases::check_lookup(&lim, ip)?;
        let score = field(&f, "score").parse().map_err(|_| AppError::field("score", "请选择1至5分"))?;
        app::cases::store::rate(
            &st.db,
            &st.cases,
            &field(&f, "number"),
            &field(&f, "code"),
            score,
            &field(&f, "comment"),
        )
        .await
    }
    .await;
    settle_track(&st, &headers, &f, result, "感谢您的评价。").await
}

/// POST /cases/review: the filer asks for a review (复查) or re-review (复核).
pub async fn review(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let result = async {
        crate::api::cases::check_lookup(&lim, ip)?;
        app::cases::store::request_review(
            &st.db,
            &st.cases,
            &field(&f, "number"),
            &field(&f, "code"),
            &field(&f, "reason"),
        )
        .await
    }
    .await;
    settle_track(&st, &headers, &f, result, "申请已提交。").await
}

/// POST /staff/cases/{id}/actions: one staff action (`action` names it).
pub async fn act(
    State(st): State<AppState>,
    Extension(lim): Extension<Arc<Limiters>>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let path = format!("/staff/cases/{id}");
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        lim.check(Action::Submit, &keys(ip, Some(user.id.to_string())))?;
        let a = crate::api::cases::CaseAction {
            action: field(&f, "action"),
            unit: field(&f, "unit").parse().ok(),
            due_on: f.get("due_on").filter(|d| !d.is_empty()).cloned(),
            note: field(&f, "note"),
            reason: field(&f, "reason"),
            channel: field(&f, "channel"),
            body: field(&f, "body"),
            days: field(&f, "days").parse().ok(),
            decision: field(&f, "decision"),
            text: field(&f, "text"),
            basis: field(&f, "basis"),
            report: field(&f, "report"),
        };
        if a.action == "extend" && a.days.is_none() {
            return Err(AppError::field("days", "请填写延长的天数"));
        }
        crate::api::cases::perform(&st, &user, id, a).await
    }
    .await;
    match result {
        Ok(v) => match v.get("identity") {
            Some(who) => {
                let s = |k: &str| who.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
                let notice = if s("name").is_empty() && s("phone").is_empty() && s("email").is_empty() {
                    "该件为匿名提出，没有提出人身份信息。本次查看已记录。".to_string()
                } else {
                    format!(
                        "提出人：{} 电话：{} 邮箱：{} 地址：{}（本次查看已记录）",
                        s("name"),
                        s("phone"),
                        s("email"),
                        s("address")
                    )
                };
                let echo = FormEcho { notice: Some(notice), ..Default::default() };
                let mut res = rerender(&st, &path, &headers, echo, StatusCode::OK).await;
                res.headers_mut().insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                res
            }
            None => see_other(&path),
        },
        Err(e) => rejected(&st, &path, &headers, f, e).await,
    }
}

/// GET /staff/cases/{id}/files/{file}: an attachment, for staff who may see the case; always a
/// download, never shown inline.
pub async fn attachment(
    State(st): State<AppState>,
    Path((id, file)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let user = viewer(&st, &headers).await?.ok_or(AppError::Unauthorized)?;
        app::cases::store::attachment(&st.db, &st.cases, &user, id, &file).await
    }
    .await;
    match result {
        Ok((kind, name, bytes)) => {
            let mut res = bytes.into_response();
            for (k, v) in app::cases::attachments::download_headers(kind, &name) {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    res.headers_mut().insert(k, v);
                }
            }
            res
        }
        Err(e) => crate::respond::error_response(&headers, e),
    }
}
