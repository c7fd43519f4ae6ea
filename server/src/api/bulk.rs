//! Bulk moderation and bulk answers in the JSON API: one decision, or one answer, for many comments
//! of a consultation (ticked ids, a near-duplicate group, or everything a review-queue filter
//! selects), all or none, as the review queue's forms do; and what a filter selects, counted, so a
//! client confirms the number it acts on.
use crate::extract::{Json, Refusal, SignedIn, StaffWork};
use crate::respond::ApiError;
use crate::selection::{confirmed, decision, ticked};
use app::accounts::CurrentUser;
use app::comments::CommentStatus;
use app::error::AppError;
use app::feedback::{queue, store, Disposition, QueueFilter};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

/// Which comments of the review queue a filter selects (all of them when nothing is given).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// `pending`, `unanswered`, `answered` or `rejected`
    #[param(inline, value_type = Option<Shown>)]
    #[schema(inline, value_type = Option<Shown>)]
    show: Option<String>,
    /// An article's anchor (`a3`), or `whole` for comments on the draft as a whole
    #[param(max_length = 40)]
    #[schema(max_length = 40)]
    article: Option<String>,
    /// Words, as the platform's search finds them within this consultation
    #[param(max_length = 200)]
    #[schema(max_length = 200)]
    q: Option<String>,
    /// A near-duplicate group: its representative comment's id
    group: Option<i64>,
}

/// The values of `show` (schema only; the queue reads the name).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "schema only")]
enum Shown {
    Pending,
    Unanswered,
    Answered,
    Rejected,
}

impl Filter {
    /// The queue's filter, once each field is checked.
    fn checked(&self) -> Result<QueueFilter, AppError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let show = given(&self.show);
        if show.as_deref().is_some_and(|s| !["pending", "unanswered", "answered", "rejected"].contains(&s)) {
            return Err(AppError::field("show", "show 须为 pending、unanswered、answered 或 rejected"));
        }
        let article = given(&self.article);
        if article.as_deref().is_some_and(|a| a.chars().count() > 40) {
            return Err(AppError::field("article", "条文编号不能超过40字"));
        }
        let q = given(&self.q);
        if q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::field("q", "搜索词不能超过200字"));
        }
        Ok(QueueFilter { show, article, q, group: self.group, page: None })
    }
}

/// The comments a bulk action acts on: `ids`, or everything `filter` selects, confirmed by `expected`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct Selection {
    /// Ticked comments, 1 to 5,000 (leave out to act on `filter` instead)
    #[serde(default)]
    #[schema(max_items = 5000)]
    ids: Option<Vec<i64>>,
    #[serde(default)]
    filter: Option<Filter>,
    /// With `filter`: how many comments it selects, as counted by GET …/review/selection; if it is no longer so, nothing changes (422, field `expected`, the message says the new number)
    #[serde(default)]
    expected: Option<usize>,
}

impl Selection {
    /// The ids meant, among comments of `status` of the staff member's consultation.
    async fn ids(
        &self,
        st: &AppState,
        user: &CurrentUser,
        consultation: i64,
        status: CommentStatus,
        none_ticked: &str,
    ) -> Result<Vec<i64>, AppError> {
        match (&self.ids, &self.filter) {
            (Some(_), Some(_)) => Err(AppError::field("filter", "ids 与 filter 只能二选一")),
            (Some(ids), None) => ticked(ids.clone(), none_ticked),
            (None, Some(filter)) => {
                let filter = filter.checked()?;
                confirmed(queue::selected_in(st, user, consultation, &filter, status).await?, self.expected)
            }
            (None, None) => ticked(vec![], none_ticked),
        }
    }
}

/// One moderation decision for many pending comments.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulkModeration {
    #[schema(inline, value_type = Decision)]
    decision: String,
    /// Required to reject (keep from publication), at most 500 characters
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: String,
    #[serde(flatten)]
    selection: Selection,
}

/// A moderation decision (schema only).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "schema only")]
enum Decision {
    Approve,
    Reject,
}

/// One answer for many published comments.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulkAnswer {
    #[schema(value_type = Disposition)]
    disposition: String,
    /// Required for every disposition except adopted, at most 2,000 characters
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
    #[serde(flatten)]
    selection: Selection,
}

/// How many comments a bulk action changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Changed {
    changed: u64,
}

/// What a filter selects now: the pending comments a moderation would act on, and the published ones an answer would.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Selected {
    pending: u64,
    published: u64,
}

/// Count what a review-queue filter selects (staff of the consultation's agency), to confirm it as `expected`
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/review/selection",
    operation_id = "countReviewSelection",
    tag = "feedback",
    params(("id" = i64, Path), Filter),
    security(("session" = [])),
    responses(
        (status = 200, description = "The counts", body = Selected),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn selection(
    State(st): State<AppState>,
    user: Result<SignedIn, Refusal>,
    Path(id): Path<i64>,
    Query(f): Query<Filter>,
) -> Result<Json<Selected>, ApiError> {
    let SignedIn(user) = user?;
    user.staff_agency()?;
    let filter = f.checked()?;
    let (pending, published) = queue::selection(&st, &user, id, &filter).await?;
    Ok(Json(Selected { pending, published }))
}

/// Approve, or keep from publication with one reason, many pending comments of a consultation (staff of its agency): the ticked `ids`, or everything `filter` selects (a near-duplicate group is `filter.group`) confirmed by `expected`. All or none: if any is no longer pending or not of this consultation, nothing changes (409).
#[utoipa::path(
    post,
    path = "/api/v1/consultations/{id}/review/moderation",
    operation_id = "moderateComments",
    tag = "feedback",
    params(("id" = i64, Path)),
    request_body = BulkModeration,
    security(("session" = [])),
    responses(
        (status = 200, description = "How many comments were moderated", body = Changed),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn moderate(
    State(st): State<AppState>,
    StaffWork(user): StaffWork,
    Path(id): Path<i64>,
    Json(b): Json<BulkModeration>,
) -> Result<Json<Changed>, ApiError> {
    let approve = decision(&b.decision, &b.reason)?;
    let ids = b.selection.ids(&st, &user, id, CommentStatus::Pending, "请先选择要审核的意见").await?;
    let changed = app::comments::bulk::moderate_many(&st.db, &user, id, &ids, approve, &b.reason).await?;
    Ok(Json(Changed { changed }))
}

/// Give one answer to many published comments of a consultation (staff of its agency), before its report is published: the ticked `ids`, or everything `filter` selects confirmed by `expected`. All or none; each change is recorded (who, when, old → new); a comment that already has this answer is not changed again (not counted in `changed`).
#[utoipa::path(
    post,
    path = "/api/v1/consultations/{id}/review/answers",
    operation_id = "answerComments",
    tag = "feedback",
    params(("id" = i64, Path)),
    request_body = BulkAnswer,
    security(("session" = [])),
    responses(
        (status = 200, description = "How many comments' answers changed", body = Changed),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn answer(
    State(st): State<AppState>,
    StaffWork(user): StaffWork,
    Path(id): Path<i64>,
    Json(b): Json<BulkAnswer>,
) -> Result<Json<Changed>, ApiError> {
    let disposition = Disposition::from_field(&b.disposition)?;
    let ids = b.selection.ids(&st, &user, id, CommentStatus::Approved, "请先选择要答复的意见").await?;
    let changed = store::dispose(&st.db, &user, Some(id), &ids, disposition, &b.reason).await?;
    Ok(Json(Changed { changed }))
}
