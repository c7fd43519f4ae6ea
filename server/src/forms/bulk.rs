//! Form posts that act on many comments of a consultation at once: one answer, or one moderation
//! decision, for the ticked comments, a near-duplicate group, or everything the queue's filter
//! selects (refused if the selection is no longer the number the page showed).
use super::common::{see_other, Page};
use crate::extract::{Refusal, StaffWork};
use crate::selection::{confirmed, decision, ticked};
use app::comments::CommentStatus;
use app::error::AppError;
use app::feedback::{pages::queue_href, queue, store, Disposition, QueueFilter};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;

/// The fields of a bulk form: the ticked `ids` (repeated), or the filter's selection (`scope`
/// "selection" or "group-…") of `expected` comments; and the answer or the decision.
struct Bulk {
    scope: String,
    ticked: Vec<String>,
    expected: Option<String>,
    filter: QueueFilter,
    disposition: String,
    decision: String,
    reason: String,
}

impl Bulk {
    /// The form's fields, control characters and direction overrides removed as from every form.
    fn from_pairs(pairs: Vec<(String, String)>) -> Bulk {
        let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| crate::extract::neutralised(k, v)).collect();
        let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Bulk {
            scope: value("scope").unwrap_or_default(),
            ticked: pairs.iter().filter(|(k, _)| k == "ids").map(|(_, v)| v.clone()).collect(),
            expected: value("expected"),
            filter: QueueFilter::from_fields(value),
            disposition: value("disposition").unwrap_or_default(),
            decision: value("decision").unwrap_or_default(),
            reason: value("reason").unwrap_or_default(),
        }
    }

    fn by_filter(&self) -> bool {
        self.scope == "selection" || self.scope.starts_with("group-")
    }

    /// The comments meant: the ticked ones, or those `selection` finds, if still as many as shown.
    fn ids(&self, selection: Vec<i64>, none_ticked: &str) -> Result<Vec<i64>, AppError> {
        if self.by_filter() {
            return confirmed(selection, self.expected.as_deref().and_then(|e| e.trim().parse().ok()));
        }
        // One unreadable id refuses the whole selection: all or none.
        let ids = self
            .ticked
            .iter()
            .map(|i| i.trim().parse().map_err(|_| AppError::field("ids", "所选意见的编号有误，请刷新后重新勾选")))
            .collect::<Result<_, _>>()?;
        ticked(ids, none_ticked)
    }

    /// Where a done bulk action returns: the queue as filtered, on its first page.
    fn done(&self, consultation: i64, n: u64) -> Response {
        let back = QueueFilter { group: None, page: None, ..self.filter.clone() };
        let mut to = queue_href(consultation, &back, None);
        to.push(if to.contains('?') { '&' } else { '?' });
        see_other(&format!("{to}done={}", n.max(1)))
    }

    /// The queue page re-rendered with this form's values and messages (`prefix` tells the
    /// answer forms from the moderation forms).
    async fn rejected(&self, page: &Page, consultation: i64, prefix: &str, e: AppError) -> Response {
        let page_filter = if self.scope.starts_with("group-") { QueueFilter::default() } else { self.filter.clone() };
        let path = queue_href(consultation, &page_filter, self.filter.page);
        let scope = if self.by_filter() { self.scope.clone() } else { "ticked".into() };
        let echo = HashMap::from([
            ("bulk".to_string(), format!("{prefix}{scope}")),
            ("ids".to_string(), self.ticked.join(",")),
            ("disposition".to_string(), self.disposition.clone()),
            ("reason".to_string(), self.reason.clone()),
        ]);
        page.rejected(&path, echo, e).await
    }
}

/// POST /staff/consultations/{id}/dispose: one answer for many published comments.
pub async fn dispose_many(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(consultation): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let b = Bulk::from_pairs(pairs);
    let result = async {
        let StaffWork(user) = user?;
        let disposition = Disposition::from_field(&b.disposition)?;
        let selection = match b.by_filter() {
            true => queue::selected_in(&page.st, &user, consultation, &b.filter, CommentStatus::Approved).await?,
            false => vec![],
        };
        let ids = b.ids(selection, "请先勾选要答复的意见")?;
        let changed = store::dispose(&page.st.db, &user, Some(consultation), &ids, disposition, &b.reason).await?;
        Ok::<_, AppError>(b.done(consultation, changed))
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => b.rejected(&page, consultation, "", e).await,
    }
}

/// POST /staff/consultations/{id}/moderate: approve, or keep from publication with one reason,
/// many pending comments — all or none.
pub async fn moderate_many(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path(consultation): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let b = Bulk::from_pairs(pairs);
    let result = async {
        let StaffWork(user) = user?;
        let approve = decision(&b.decision, &b.reason)?;
        let selection = match b.by_filter() {
            true => queue::selected_in(&page.st, &user, consultation, &b.filter, CommentStatus::Pending).await?,
            false => vec![],
        };
        let ids = b.ids(selection, "请先勾选要审核的意见")?;
        let changed =
            app::comments::bulk::moderate_many(&page.st.db, &user, consultation, &ids, approve, &b.reason).await?;
        Ok::<_, AppError>(b.done(consultation, changed))
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => b.rejected(&page, consultation, "moderate-", e).await,
    }
}
