//! Adoption feedback: the drafting agency's answer to each comment (adopted or not, and why), its
//! review queue, and the adoption report built from the answers.
pub mod bulk_pages;
pub mod diff;
#[cfg(feature = "ssr")]
pub mod figures;
#[cfg(feature = "ssr")]
pub mod grouping;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
mod queue_entries;
#[cfg(feature = "ssr")]
mod queue_search;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod report_csv;
pub mod report_pages;
#[cfg(feature = "ssr")]
pub mod report_walk;
#[cfg(feature = "ssr")]
pub mod revised;
#[cfg(feature = "ssr")]
pub mod store;

use crate::comments::status::CommentStatus;
pub use crate::comments::status::Disposition;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One recorded change of a comment's disposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionChange {
    pub changed_by: String,
    pub changed_at: i64,
    pub old: Option<Disposition>,
    pub new: Disposition,
    pub new_reason: Option<String>,
}

/// Which comments of a consultation's review queue to show, and to answer in bulk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// `pending`, `unanswered`, `answered` or `rejected`; every comment when absent.
    pub show: Option<String>,
    /// An article's anchor, or `whole` for comments on the draft as a whole.
    pub article: Option<String>,
    /// Words to search for (the platform's search, within this consultation).
    pub q: Option<String>,
    /// Only the members of this near-duplicate group (its representative's id).
    pub group: Option<i64>,
    #[serde(default, deserialize_with = "crate::paging::lenient")]
    pub page: Option<u32>,
}

impl QueueFilter {
    /// The filter named by a page's or form's fields.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> QueueFilter {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        QueueFilter {
            show: get("show"),
            article: get("article"),
            q: get("q"),
            group: get("group").and_then(|g| g.parse().ok()),
            page: crate::paging::from_query(get("page").as_deref()),
        }
    }

    /// The filter as query-string pairs (without the page), to carry it through links and forms.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(s) = &self.show {
            v.push(("show", s.clone()));
        }
        if let Some(a) = &self.article {
            v.push(("article", a.clone()));
        }
        if let Some(q) = &self.q {
            v.push(("q", q.clone()));
        }
        if let Some(g) = self.group {
            v.push(("group", g.to_string()));
        }
        v
    }

    /// Whether anything narrows the selection.
    pub fn is_narrowed(&self) -> bool {
        !self.pairs().is_empty()
    }
}

/// Groups (or, inside one group, comments) per page of the review queue.
pub const QUEUE_PAGE: usize = 50;

/// The most comments one bulk decision (a filter or a group) acts on. A decision is one
/// transaction, all or none, and holds the write lock while it runs: at 100,000 comments that is a
/// few seconds, beyond it citizens' comments would wait too long and the request would outlast its
/// deadline. Larger selections are narrowed (by article, state or group) and decided in parts.
pub const MAX_SELECTED: usize = 100_000;

/// The refusal of a bulk decision over `n` comments, more than [`MAX_SELECTED`].
#[cfg(feature = "ssr")]
pub fn too_many_selected(n: u64) -> crate::error::AppError {
    crate::error::AppError::field(
        "expected",
        &format!("筛选出{n}条意见，一次最多统一处理{MAX_SELECTED}条；请按条文、状态或相似意见组缩小筛选后分批处理"),
    )
}

/// A comment in the drafting agency's review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedComment {
    pub id: i64,
    pub article_anchor: Option<String>,
    pub article_label: Option<String>,
    pub body: String,
    pub status: CommentStatus,
    pub moderation_reason: Option<String>,
    pub created_at: i64,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
    /// Every change of the answer, oldest first.
    pub history: Vec<DispositionChange>,
}

/// One entry of the queue: a comment standing for its near-duplicate group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub comment: QueuedComment,
    /// The group: its representative's id (the comment's own id when it has no near-duplicates).
    pub group: i64,
    /// Members of the group in the current selection (1 for a comment without near-duplicates).
    pub selected: u64,
    /// Members of the group in all.
    pub size: u64,
    /// Published members, and those of them still without an answer.
    pub published: u64,
    pub unanswered: u64,
    /// Members awaiting moderation.
    pub pending: u64,
    /// Many near-identical comments within seconds: possibly machine-generated.
    pub burst: bool,
}

/// Comments per article (or the draft as a whole, `anchor` None) and how many await an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCount {
    pub anchor: Option<String>,
    pub label: String,
    pub total: u64,
    pub unanswered: u64,
}

/// Counts of the whole queue by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub total: u64,
    pub pending: u64,
    pub unanswered: u64,
    pub answered: u64,
    pub rejected: u64,
}

/// One page of a consultation's review queue, grouped by article and near-duplicate group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub consultation_id: i64,
    pub title: String,
    pub closed: bool,
    /// Once the report is published, answers are final.
    pub report_published: bool,
    pub counts: QueueCounts,
    pub articles: Vec<ArticleCount>,
    /// Comments in the current selection, and how many of them are published (so can be answered).
    pub selected: u64,
    pub answerable: u64,
    /// Comments in the current selection awaiting moderation.
    pub moderatable: u64,
    /// New comments not yet grouped (a large consultation is grouped in the background): each is
    /// shown alone until then.
    pub ungrouped: u64,
    /// Entries of this page, in article order.
    pub entries: Vec<QueueEntry>,
    pub page: u32,
    pub pages: u32,
}

/// One page of a staff member's review queue for their own agency's consultation.
#[server(endpoint = "review_queue")]
pub async fn load_review_queue(consultation_id: i64, filter: QueueFilter) -> Result<ReviewQueue, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    queue::page(&st, &user, consultation_id, &filter).await
}

/// How many comments got each disposition, and how many none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tally {
    /// Published comments, and the people who wrote them.
    pub comments: u64,
    pub participants: u64,
    /// In the order of `Disposition::ALL`.
    pub by_disposition: [u64; 5],
    pub unanswered: u64,
}

impl Tally {
    pub fn count(&self, d: Disposition) -> u64 {
        self.by_disposition[Disposition::ALL.iter().position(|x| *x == d).unwrap_or(0)]
    }

    /// Adopted in whole or in part.
    pub fn adopted(&self) -> u64 {
        self.count(Disposition::Adopted) + self.count(Disposition::PartlyAdopted)
    }
}

/// The tally of one article (`anchor` None: the draft as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleTally {
    pub anchor: Option<String>,
    pub label: String,
    pub tally: Tally,
}

/// A published comment in the report, with the agency's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportComment {
    pub id: i64,
    pub article_anchor: Option<String>,
    pub article_label: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub disposition: Option<Disposition>,
    pub reason: Option<String>,
}

/// An article of the revised draft compared with the draft consulted on, and the comments adopted
/// (wholly or partly) on that article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RevisedArticle {
    pub revision: diff::ArticleRevision,
    pub adopted: Vec<i64>,
}

/// The adoption report (意见采纳情况说明) of one consultation, published or in preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Report {
    pub consultation_id: i64,
    pub title: String,
    pub agency: String,
    pub closes_at: i64,
    /// Comments received (published or not), and the people who sent them (each anonymous comment
    /// counts as one person).
    pub received: u64,
    pub participants: u64,
    pub overall: Tally,
    pub articles: Vec<ArticleTally>,
    pub summary: String,
    pub unanswered_reason: Option<String>,
    pub revised_text: Option<String>,
    pub revisions: Vec<RevisedArticle>,
    pub published_at: Option<i64>,
    /// Published comments with their answers: one page of them (a part, for the printable version).
    pub comments: Vec<ReportComment>,
    pub page: u32,
    pub pages: u32,
}

/// Comments per page of the public report.
pub const REPORT_PAGE: usize = 100;

/// Adopted comments linked from each revised article, at most; the article table gives the count.
pub const MAX_LINKED: usize = 50;

/// Comments per part of the printable report; the CSV download has every comment.
pub const PRINT_PAGE: usize = 1_000;

/// A consultation's adoption report: the published one for everyone; with `preview`, the draft for
/// staff of the consultation's agency. With `print`, a part of the printable version
/// ([`PRINT_PAGE`] comments a part instead of [`REPORT_PAGE`]).
#[server(endpoint = "adoption_report")]
pub async fn adoption_report(consultation_id: i64, page: u32, preview: bool, print: bool) -> Result<Report, AppError> {
    let st = crate::state::state()?;
    let viewer = if preview { Some(crate::state::require_viewer().await?) } else { None };
    report::load(&st.db, consultation_id, page, print, viewer.as_ref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_disposition_reads_back_and_only_adoption_needs_no_reason() {
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
        assert_eq!(Disposition::parse("maybe"), None);
        let silent: Vec<_> = Disposition::ALL.into_iter().filter(|d| !d.needs_reason()).collect();
        assert_eq!(silent, vec![Disposition::Adopted]);
    }
}
