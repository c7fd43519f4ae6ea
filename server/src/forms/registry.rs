//! Form posts of the registry: an agency registers a document and changes its status; the
//! administrator sets the code an agency's documents are numbered under.
use super::common::{see_other, Page};
use crate::extract::{lenient, FormPost, Refusal, StaffWork, Working};
use app::error::AppError;
use app::registry::cleanup_store::{self, Typed};
use app::registry::store::{self, NewDocument, StatusRequest};
use axum::extract::{Form, Path};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Fields of a document being registered.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    title: String,
    full_text: String,
    adopted_on: String,
    published_on: String,
    effective_on: String,
    valid_until: String,
    consultation: String,
    same_title_confirmed: Option<String>,
}

/// POST /staff/documents/new
pub async fn register(page: Page, user: Result<StaffWork, Refusal>, mut form: FormPost<RegisterForm>) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        let input = NewDocument {
            title: f.title,
            full_text: f.full_text,
            adopted_on: f.adopted_on,
            published_on: f.published_on,
            effective_on: f.effective_on,
            valid_until: f.valid_until,
            consultation: f.consultation,
            same_title_confirmed: f.same_title_confirmed.is_some(),
        };
        let filing = app::cases::store::filing_clock(&page.st.db, &page.st.cases).await?;
        let (id, _) = store::register(&page.st.db, &user, &input, &filing).await?;
        Ok::<_, AppError>(see_other(&format!("/documents/{id}")))
    }
    .await;
    page.settle(result, "/staff/documents/new", form.fields).await
}

/// Fields of a change of status.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    to: String,
    on_date: String,
    reason: String,
    by_number: String,
    amended_text: String,
    /// Empty: none; anything but a number is refused (never taken for none).
    objection: String,
}

/// POST /staff/documents/{id}/status
pub async fn change_status(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<StatusForm>,
) -> Response {
    let back = format!("/documents/{id}");
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        let req = StatusRequest {
            to: f.to,
            on_date: f.on_date,
            reason: f.reason,
            by_number: f.by_number,
            amended_text: f.amended_text,
            objection: match f.objection.trim() {
                "" => None,
                typed => Some(typed.parse().map_err(|_| AppError::field("objection", "请从列表中选择异议审查申请"))?),
            },
        };
        store::change_status(&page.st.db, &user, id, &req).await
    }
    .await;
    // A redirect, so reloading the page does not post the change again.
    match result {
        Ok(_) => see_other(&back),
        Err(e) => page.rejected(&back, form.fields, e).await,
    }
}

/// An agency and its code.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    #[serde(deserialize_with = "lenient")]
    agency_id: Option<i64>,
    code: String,
}

/// POST /admin/agencies/code
pub async fn set_code(page: Page, user: Result<Working, Refusal>, mut form: FormPost<CodeForm>) -> Response {
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let agency = f.agency_id.ok_or_else(|| AppError::field("agency_id", "请选择单位"))?;
        app::registry::codes::set_code(&page.st.db, &user, agency, &f.code).await?;
        Ok::<_, AppError>(see_other("/admin"))
    }
    .await;
    page.settle(result, "/admin", form.fields).await
}

/// The clean-up's title; its decisions are the fields `decision_{id}` and `reason_{id}`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CleanupForm {
    title: String,
}

/// POST /staff/documents/cleanup: publish the decisions taken (a document left without one waits
/// for the next clean-up).
pub async fn publish_cleanup(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut form = FormPost::<CleanupForm>::from_pairs(pairs.clone());
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        // One decision per document: a field sent twice is ambiguous, and a repeal is final.
        let mut seen = std::collections::HashSet::new();
        if pairs.iter().any(|(k, _)| k.starts_with("decision_") && !seen.insert(k.as_str())) {
            return Err(AppError::field("form", "同一文件只能有一个清理结论，请刷新页面后重新填写"));
        }
        let mut typed: Vec<Typed> = form
            .fields
            .iter()
            .filter(|(_, decision)| !decision.is_empty())
            .filter_map(|(name, decision)| {
                let document: i64 = name.strip_prefix("decision_")?.parse().ok()?;
                let reason = form.fields.get(&format!("reason_{document}")).cloned().unwrap_or_default();
                Some(Typed { document, decision: decision.clone(), reason })
            })
            .collect();
        typed.sort_by_key(|t| t.document);
        let id = cleanup_store::publish(&page.st.db, &user, &f.title, &typed).await?;
        Ok::<_, AppError>(see_other(&format!("/cleanups/{id}")))
    }
    .await;
    page.settle(result, "/staff/documents/cleanup", form.fields).await
}

/// A corrected public answer.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    public_answer: String,
    reason: String,
    /// The document's page the form was on (for showing an error there).
    document: String,
}

/// POST /staff/objections/{key}/answer: the issuing body corrects a published answer.
pub async fn correct_answer(
    page: Page,
    user: Result<Working, Refusal>,
    Path(key): Path<i64>,
    mut form: FormPost<CorrectionForm>,
) -> Response {
    let back = match form.fields.get("document").and_then(|d| d.parse::<i64>().ok()) {
        Some(d) => format!("/documents/{d}"),
        None => "/documents".into(),
    };
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let _ = f.document;
        let document = app::cases::store::correct_objection_answer(
            &page.st.db,
            &page.st.cases,
            &user,
            key,
            &f.public_answer,
            &f.reason,
        )
        .await?;
        Ok(see_other(&format!("/documents/{document}")))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

/// GET /documents/number/{number}: the citable address of a document, by its number; it always
/// leads to the same document (numbers are never reused).
pub async fn by_number(page: Page, Path(number): Path<String>) -> Response {
    match app::registry::read::id_by_number(&page.st.db, &number).await {
        Ok(id) => axum::response::Redirect::permanent(&format!("/documents/{id}")).into_response(),
        // No such number: the registry's page searching for what was cited, as a 404.
        Err(AppError::NotFound) if !crate::respond::wants_json(&page.headers) => {
            let typed: String = number.chars().filter(|c| !c.is_control()).take(40).collect();
            let search = format!("/documents?q={}", app::ui::encode_query(&typed));
            let echo = app::forms::FormEcho::default();
            page.rerender(&search, echo, axum::http::StatusCode::NOT_FOUND).await
        }
        Err(e) => crate::respond::error_response(&page.headers, e),
    }
}
