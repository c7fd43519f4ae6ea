//! Form posts of filing for review (备案审查): the issuing body files a document with its report;
//! the reviewing office records the outcome. Both answer with a redirect to the document's page.
use super::common::{see_other, Page};
use crate::extract::{FormPost, Refusal, StaffWork};
use app::registry::filing;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

/// The filing report.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct FileForm {
    report: String,
}

/// POST /staff/documents/{id}/filing
pub async fn file(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<FileForm>,
) -> Response {
    let back = format!("/documents/{id}");
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        let clock = app::cases::store::filing_clock(&page.st.db, &page.st.cases).await?;
        filing::file(&page.st.db, &user, id, &f.report, &clock).await?;
        Ok(see_other(&back))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

/// The reviewing office's outcome.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    outcome: String,
    reasons: String,
}

/// POST /staff/documents/{id}/filing/review
pub async fn review(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<ReviewForm>,
) -> Response {
    let back = format!("/documents/{id}");
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        filing::review(&page.st.db, &user, id, &f.outcome, &f.reasons).await?;
        Ok(see_other(&back))
    }
    .await;
    page.settle(result, &back, form.fields).await
}
