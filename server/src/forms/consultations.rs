//! Form posts of consultations: staff open a new one.
use super::common::{see_other, Page};
use crate::extract::{FormPost, Refusal, StaffWork};
use app::consultations::store::{self, NewConsultation};
use app::error::AppError;
use axum::response::Response;
use serde::Deserialize;

/// Fields of a new consultation (`allow_anonymous`: a ticked box, sent only when ticked).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ConsultationForm {
    kind: String,
    title: String,
    explanation: String,
    full_text: String,
    opens_on: String,
    closes_on: String,
    short_window_reason: String,
    allow_anonymous: Option<String>,
    draft: Option<String>,
}

/// POST /staff/consultations/new
pub async fn new_consultation(
    page: Page,
    user: Result<StaffWork, Refusal>,
    mut form: FormPost<ConsultationForm>,
) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        let input = NewConsultation {
            kind: f.kind,
            title: f.title,
            explanation: f.explanation,
            full_text: f.full_text,
            opens_on: f.opens_on,
            closes_on: f.closes_on,
            short_window_reason: f.short_window_reason,
            allow_anonymous: f.allow_anonymous,
            draft: f.draft,
        };
        let id = store::create(&page.st.db, &user, &input).await?;
        // A draft opens as its preview, with the form to publish it.
        let to =
            if input.draft.is_some() { format!("/consultations/{id}") } else { format!("/staff/consultations/{id}") };
        Ok::<_, AppError>(see_other(&to))
    }
    .await;
    page.settle(result, "/staff/consultations/new", form.fields).await
}

/// A change to the window: the new last day (extension) and the public reason; or, publishing a
/// draft, its window as confirmed then.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct WindowForm {
    opens_on: String,
    closes_on: String,
    reason: String,
    short_window_reason: String,
}

/// POST /staff/consultations/{id}/extend and /withdraw: the agency extends the window or withdraws
/// the consultation, each with a public reason.
pub async fn change_window(
    page: Page,
    user: Result<StaffWork, Refusal>,
    axum::extract::Path((id, what)): axum::extract::Path<(i64, String)>,
    mut form: FormPost<WindowForm>,
) -> Response {
    let back =
        if what == "publish" { format!("/consultations/{id}") } else { format!("/staff/consultations/{id}/window") };
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        match what.as_str() {
            "publish" => {
                let window = NewConsultation {
                    opens_on: f.opens_on.clone(),
                    closes_on: f.closes_on.clone(),
                    short_window_reason: f.short_window_reason.clone(),
                    ..Default::default()
                };
                store::publish(&page.st.db, &user, id, &window).await?;
                return Ok::<_, AppError>(see_other(&format!("/consultations/{id}")));
            }
            "extend" => app::consultations::amend::extend(&page.st.db, &user, id, &f.closes_on, &f.reason).await?,
            "withdraw" => app::consultations::amend::withdraw(&page.st.db, &user, id, &f.reason).await?,
            _ => return Err(AppError::NotFound),
        }
        Ok::<_, AppError>(see_other(&format!("/consultations/{id}")))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

/// POST /staff/consultations/{id}/correct: the agency rewrites its unpublished draft, or corrects a
/// published one's wording with a public note.
pub async fn correct(
    page: Page,
    user: Result<StaffWork, Refusal>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    mut form: FormPost<app::consultations::correct::Correction>,
) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        let c = form.input()?;
        app::consultations::correct::correct(&page.st.db, &user, id, &c).await?;
        Ok::<_, AppError>(see_other(&format!("/consultations/{id}")))
    }
    .await;
    page.settle(result, &format!("/staff/consultations/{id}/correct"), form.fields).await
}
