//! Form posts of comments: commenting on a consultation, looking up a receipt, and moderation.
use super::common::{see_other, Page};
use crate::budgets::Kind;
use crate::extract::{FormPost, Limits, Refusal, StaffWork, Viewer};
use app::error::AppError;
use app::forms::FormEcho;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use std::collections::HashMap;

/// Fields of a comment.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewComment {
    article: String,
    body: String,
}

/// POST /consultations/{id}/comment
pub async fn comment(
    page: Page,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    mut form: FormPost<NewComment>,
) -> Response {
    let result = async {
        let Viewer(user) = user?;
        limits.spend(Kind::Comment, user.as_ref())?;
        let f = form.input()?;
        let receipt =
            app::comments::store::submit(&page.st.db, &page.st.comments, user.as_ref(), id, Some(&f.article), &f.body)
                .await?
                .receipt;
        // The receipt page gets the number in a cookie for itself alone, never in the URL.
        let mut res = see_other("/receipts?new=1");
        let secure = if page.st.secure_cookies { "; Secure" } else { "" };
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
    page.settle(result, &format!("/consultations/{id}/comment"), form.fields).await
}

/// The receipt typed into the lookup form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReceiptNo {
    no: String,
}

/// POST /receipts: look up a receipt typed into the form (the number goes in the body, so it stays
/// out of URLs, history and logs); the receipt page is rendered with it.
///
/// Not rate limited, like the GET it replaces: receipt numbers carry about 60 random bits.
/// Receipts are tried no faster than the lookup budget allows (an anonymous comment's receipt is
/// its only key); a lookup refused for it comes back with the number kept and nothing looked up.
pub async fn receipt_lookup(
    page: Page,
    viewer: Result<Viewer, Refusal>,
    limits: Limits,
    mut form: FormPost<ReceiptNo>,
) -> Response {
    let no: String = form.input().map(|f| f.no).unwrap_or_default().chars().take(64).collect();
    if let Err(e) = crate::case_actions::check_lookup(&limits, viewer) {
        return page.rejected("/receipts", HashMap::from([("no".to_string(), no)]), e).await;
    }
    let echo = FormEcho { values: vec![("no".into(), no)], ..Default::default() };
    page.rerender("/receipts", echo, StatusCode::OK).await
}

/// Fields of a moderation decision (`decision` is required: without it the post is refused).
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
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(comment): Path<i64>,
    Form(d): Form<Decision>,
) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        let approve = d.decision == "approve";
        let consultation = app::comments::store::moderate(&page.st.db, &user, comment, approve, &d.reason).await?;
        Ok::<_, AppError>(see_other(&format!("/staff/consultations/{consultation}?done=1#c{comment}")))
    }
    .await;
    let path = d.consultation_id.map(|c| format!("/staff/consultations/{c}")).unwrap_or_else(|| "/staff".into());
    let fields = HashMap::from([("comment_id".to_string(), comment.to_string()), ("reason".to_string(), d.reason)]);
    page.settle(result, &path, fields).await
}
