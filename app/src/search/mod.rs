//! Full-text search in Chinese over consultations, articles, comments and published adoption
//! reports, kept in step with the database through change records (see `indexer`); and over cases,
//! for the staff queues only (see `cases`).
#[cfg(feature = "ssr")]
pub mod cases;
#[cfg(feature = "ssr")]
pub mod documents;
pub mod hint;
#[cfg(feature = "ssr")]
pub mod index;
#[cfg(feature = "ssr")]
pub mod indexer;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod position;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod tokens;

use crate::error::AppError;
pub use hint::{HintKind, SearchHint};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Hits per page.
pub const PER_PAGE: u32 = 20;

/// What someone searches for: words, filters, order and page (all optional but the words).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    /// `consultation`, `article`, `comment`, `report` or `document`.
    pub kind: Option<String>,
    pub agency: Option<i64>,
    pub consultation: Option<i64>,
    /// Article anchor such as `a12`.
    pub article: Option<String>,
    /// Comment status: `pending`, `approved`, `rejected`.
    pub status: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: Option<String>,
    /// `relevance` (default) or `date`.
    pub sort: Option<String>,
    #[serde(default, deserialize_with = "crate::paging::lenient")]
    pub page: Option<u32>,
}

/// A piece of a snippet; `hit` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Hit {
    pub kind: String,
    pub title: String,
    pub url: String,
    pub snippet: Vec<Segment>,
    pub created_at: i64,
    /// Moderation status, for comments.
    pub status: Option<String>,
}

/// How many matches have one value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// A page of results with facet counts over all matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub kinds: Vec<FacetCount>,
    pub agencies: Vec<FacetCount>,
    pub page: u32,
    pub per_page: u32,
    /// Set when the search is a receipt or case number: it is not looked up here (no hits), and
    /// this says where it is.
    pub hint: Option<SearchHint>,
}

/// Name of a kind of item.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "consultation" => "征求意见项目",
        "article" => "条文",
        "comment" => "意见",
        "report" => "意见采纳情况说明",
        "document" => "规范性文件",
        "call" => "立法项目建议征集",
        "proposal" => "立法项目建议",
        "version" => "规范性文件历次文本",
        "objection" => "异议审查答复",
        "cleanup" => "规范性文件清理结果",
        "plan_item" => "立法计划项目",
        _ => "其他",
    }
}

/// Search as the current viewer.
#[server(endpoint = "search")]
pub async fn run_search(params: SearchParams) -> Result<SearchResults, AppError> {
    let viewer = crate::state::viewer().await?;
    let st = crate::state::state()?;
    search_for(&st, &params, viewer.as_ref()).await
}

/// Search for a viewer: the public sees published items; staff also their own agency's.
#[cfg(feature = "ssr")]
pub async fn search_for(
    st: &crate::state::AppState,
    params: &SearchParams,
    viewer: Option<&crate::accounts::user::CurrentUser>,
) -> Result<SearchResults, AppError> {
    use crate::accounts::user::Role;
    use query::Audience;
    if params.q.chars().count() > 200 {
        return Err(AppError::field("q", "搜索词不能超过200字"));
    }
    let params = &SearchParams { page: Some(crate::paging::check(params.page)?), ..params.clone() };
    if let Some(hint) = hint::for_query(&params.q) {
        let page = params.page.unwrap_or(1);
        let none = SearchResults {
            total: 0,
            hits: vec![],
            kinds: vec![],
            agencies: vec![],
            page,
            per_page: PER_PAGE,
            hint: Some(hint),
        };
        return Ok(none);
    }
    let who = match viewer {
        Some(u) if u.require(Role::Admin).is_ok() => Audience::Everything,
        Some(u) => u.staff_agency().map(Audience::Agency).unwrap_or(Audience::Public),
        None => Audience::Public,
    };
    let idx = st.search.index();
    let p = params.clone();
    let mut results = tokio::task::spawn_blocking(move || query::execute(&idx, &p, who))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "search failed");
            AppError::Internal
        })?;
    let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM agencies").fetch_all(&st.db).await?;
    for a in &mut results.agencies {
        if let Some((_, n)) = names.iter().find(|(id, _)| id.to_string() == a.value) {
            a.label = n.clone();
        }
    }
    for k in &mut results.kinds {
        k.label = kind_label(&k.value).to_string();
    }
    Ok(results)
}
