//! Comments in the JSON API: the published ones, commenting, and one's own by receipt.
use crate::budgets::Kind;
use crate::extract::Json;
use crate::extract::{Limits, Refusal, Viewer};
use crate::respond::ApiError;
use app::comments::{store, OwnComment, PublicComment};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleFilter {
    /// Article anchor such as a12 or a10-1; empty string for comments on the whole draft; absent for
    /// every comment of the consultation. An anchor that is no article of it: 404 not_found.
    article: Option<String>,
    /// 100 comments a page, in the order received (by id); 1 to 1000; outside it 422 invalid_input.
    /// Reading on is cheaper with `after`.
    #[serde(default, deserialize_with = "app::paging::lenient")]
    #[param(minimum = 1, maximum = 1000)]
    page: Option<u32>,
    /// The 100 comments after this id (the next page: the last id of a page); an empty or short
    /// list means there are no more. Not a non-negative integer: 422 invalid_input.
    #[serde(default, deserialize_with = "app::paging::lenient_id")]
    #[param(minimum = 0)]
    after: Option<i64>,
    /// The 100 comments before this id (the page before: the first id of a page), still in the
    /// order received. At most one of `page`, `after` and `before`.
    #[serde(default, deserialize_with = "app::paging::lenient_id")]
    #[param(minimum = 0)]
    before: Option<i64>,
}

/// Published (approved) comments, optionally of one article
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/comments",
    operation_id = "listComments",
    tag = "comments",
    params(("id" = i64, Path), ArticleFilter),
    responses(
        (status = 200, description = "Comments", body = Vec<PublicComment>),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn public(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ArticleFilter>,
) -> Result<Json<Vec<PublicComment>>, ApiError> {
    let at = app::paging::cursor(q.page, q.after, q.before)?;
    app::consultations::store::detail(&st.db, id).await?;
    Ok(Json(store::public(&st.db, id, q.article.as_deref(), at).await?.comments))
}

/// A comment on the whole draft or one article.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewComment {
    /// Article anchor; omit or empty for the whole draft
    #[serde(default)]
    article: Option<String>,
    #[schema(max_length = 5000)]
    body: String,
}

/// Submit a comment on the whole draft or one article
#[utoipa::path(
    post,
    path = "/api/v1/consultations/{id}/comments",
    operation_id = "submitComment",
    tag = "comments",
    params(("id" = i64, Path)),
    request_body = NewComment,
    responses(
        (status = 201, description = "Accepted and durably stored; the receipt number identifies it", body = OwnComment),
        crate::api::schema::StaffChangeRefusals,
    )
)]
pub async fn submit(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    Json(c): Json<NewComment>,
) -> Result<Response, ApiError> {
    let Viewer(user) = user?;
    limits.spend(Kind::Comment, user.as_ref())?;
    let own = store::submit(&st.db, &st.comments, user.as_ref(), id, c.article.as_deref(), &c.body).await?;
    Ok((StatusCode::CREATED, Json(own)).into_response())
}

/// A receipt number.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptLookup {
    /// The receipt number given on submitting; letters in any case
    #[schema(max_length = 64, example = "YJ-2026-7KQ3-M9XD-2PWE")]
    receipt: String,
}

/// Look up one's own comment by receipt number
///
/// The receipt number travels in the body, never in the URL (it is the only key to an anonymous
/// comment). A comment made from an account is shown only to that account (401 signed out, 404 to
/// another account).
#[utoipa::path(
    post,
    path = "/api/v1/comments/receipt",
    operation_id = "getCommentByReceipt",
    tag = "comments",
    request_body = ReceiptLookup,
    responses(
        (status = 200, description = "The comment and its moderation status", body = OwnComment),
        (status = 400, response = crate::api::schema::Refusal),
        (status = 401, response = crate::api::schema::Refusal),
        (status = 403, response = crate::api::schema::Refusal),
        (status = 404, response = crate::api::schema::Refusal),
        (status = 413, response = crate::api::schema::Refusal),
        (status = 415, response = crate::api::schema::Refusal),
        (status = 422, response = crate::api::schema::Refusal),
        (status = 429, response = crate::api::schema::Refusal),
        (status = 503, response = crate::api::schema::Refusal),
        (status = "default", response = crate::api::schema::Refusal),
    )
)]
pub async fn by_receipt(
    State(st): State<AppState>,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Json(r): Json<ReceiptLookup>,
) -> Result<Json<OwnComment>, ApiError> {
    let Viewer(user) = user?;
    limits.spend(Kind::Lookup, user.as_ref())?;
    if app::codes::normalise_receipt(&r.receipt).starts_with("JY-") {
        let message = "这是立法项目建议的回执编号，请通过 POST /api/v1/legislation/proposals/receipt 查询";
        return Err(AppError::field("receipt", message).into());
    }
    Ok(Json(store::by_receipt(&st.db, &r.receipt, user.as_ref()).await?))
}
