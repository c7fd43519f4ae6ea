//! Comments on a draft or one of its articles: submission with receipts, moderation, publication.
#[cfg(feature = "ssr")]
pub mod bulk;
pub mod pages;
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod writer;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use status::CommentStatus;

/// Longest comment accepted, in characters.
pub const MAX_CHARS: usize = 5000;

/// A published comment as the public sees it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicComment {
    pub id: i64,
    pub article_anchor: Option<String>,
    pub article_label: Option<String>,
    pub body: String,
    pub created_at: i64,
}

/// A comment as its own author sees it, found by receipt number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnComment {
    pub receipt: String,
    pub consultation_id: i64,
    pub consultation_title: String,
    pub article_anchor: Option<String>,
    pub article_label: Option<String>,
    pub body: String,
    pub status: CommentStatus,
    pub moderation_reason: Option<String>,
    pub created_at: i64,
    /// The agency's answer, once its adoption report is published.
    pub disposition: Option<crate::comments::status::Disposition>,
    pub disposition_reason: Option<String>,
    /// Where the comment stands in the answering; null while it is not published (see `status`).
    pub answer: Option<status::AnswerStatus>,
    /// The reason the agency published for leaving comments unanswered, when `answer` is `unanswered`.
    pub unanswered_reason: Option<String>,
    /// The published adoption report's page, `/consultations/{id}/report`, once there is one.
    pub report: Option<String>,
}

/// One page of published comments, in the order received, and whether there are more before and
/// after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPage {
    pub comments: Vec<PublicComment>,
    pub earlier: bool,
    pub later: bool,
}

/// Published comments shown per page (the page and the API).
pub const PUBLIC_PAGE: i64 = 100;

/// Published comments of a consultation, optionally of one article, from a page number or cursor.
#[server(endpoint = "public_comments")]
pub async fn public_comments(
    consultation_id: i64,
    anchor: Option<String>,
    at: crate::paging::Cursor,
) -> Result<PublicPage, AppError> {
    let st = crate::state::state()?;
    store::public(&st.db, consultation_id, anchor.as_deref(), at).await
}

/// Look up one's own comment by receipt number.
#[server(endpoint = "receipt")]
pub async fn lookup_receipt(receipt: String) -> Result<OwnComment, AppError> {
    let viewer = crate::state::viewer().await?;
    let st = crate::state::state()?;
    store::by_receipt(&st.db, &receipt, viewer.as_ref()).await
}

/// A citizen's own comments shown per page (`/me`).
pub const OWN_PAGE: i64 = 50;

/// One page of the signed-in citizen's own comments, newest first.
#[server(endpoint = "my_comments")]
pub async fn my_comments(page: Option<u32>) -> Result<Vec<OwnComment>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    store::by_author(&st.db, &user, page).await
}
