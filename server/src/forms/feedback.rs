//! Form posts of feedback: the agency's answer to a comment (many at once: `bulk`), taking a
//! comment out of its near-duplicate group, and the adoption report.
use super::common::{see_other, Page};
use crate::extract::{FormPost, Refusal, StaffWork, Working};
use app::error::AppError;
use app::feedback::{grouping, report, store, Disposition};
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

/// Fields of one answer.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Answer {
    consultation_id: String,
    disposition: String,
    reason: String,
}

/// POST /staff/comments/{id}/dispose: the agency's answer to one comment.
pub async fn dispose(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(comment): Path<i64>,
    mut form: FormPost<Answer>,
) -> Response {
    // A re-rendered page shows the message under this comment's form.
    form.fields.insert("dispose_id".into(), comment.to_string());
    let f = form.input();
    let consultation = f.as_ref().map(|f| f.consultation_id.clone()).unwrap_or_default();
    let result = async {
        let StaffWork(user) = user?;
        let f = f?;
        let disposition = Disposition::from_field(&f.disposition)?;
        store::dispose(&page.st.db, &user, None, &[comment], disposition, &f.reason).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    let path = match consultation.parse::<i64>() {
        Ok(c) => format!("/staff/consultations/{c}"),
        Err(_) => "/staff".into(),
    };
    page.settle(result, &path, form.fields).await
}

/// POST /staff/comments/{id}/split: take a comment out of its near-duplicate group.
pub async fn split(page: Page, Path(comment): Path<i64>, user: Result<Working, Refusal>) -> Response {
    let result = async {
        let Working(user) = user?;
        let consultation = grouping::split(&page.st.db, &user, comment).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    result.unwrap_or_else(|e| crate::respond::error_response(&page.headers, e))
}

/// Fields of the adoption report (`action=publish` publishes it; anything else saves the draft).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    summary: String,
    unanswered_reason: String,
    revised_text: String,
    action: String,
}

/// POST /staff/consultations/{id}/report: save the report's draft (`action=save`), or publish it.
pub async fn report(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(consultation): Path<i64>,
    mut form: FormPost<ReportForm>,
) -> Response {
    let path = format!("/staff/consultations/{consultation}/report");
    let result = async {
        let StaffWork(user) = user?;
        let f = form.input()?;
        let text = report::ReportText {
            summary: f.summary,
            unanswered_reason: f.unanswered_reason,
            revised_text: f.revised_text,
        };
        let st = &page.st;
        if f.action == "publish" {
            report::publish(&st.db, &user, consultation, &text, st.mail_enabled, &st.public_url).await?;
            Ok::<_, AppError>(see_other(&format!("/consultations/{consultation}/report")))
        } else {
            report::save(&st.db, &user, consultation, &text).await?;
            Ok(see_other(&path))
        }
    }
    .await;
    page.settle(result, &path, form.fields).await
}
