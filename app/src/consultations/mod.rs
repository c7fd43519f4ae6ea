//! Consultations: drafts and decisions published for comment, their structure and comment window.
#[cfg(feature = "ssr")]
pub mod amend;
pub mod attachment_pages;
pub mod change_notes;
#[cfg(feature = "ssr")]
pub mod correct;
pub mod correct_page;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod structure;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a consultation's attachments are kept: its agency adds them to a draft or a published
/// consultation (not a withdrawn one) and removes them only from a draft.
pub const FILES: crate::attachments::Shelf = crate::attachments::Shelf {
    table: "consultation_files",
    owner: "consultation_id",
    base: "/consultations",
    staff_base: "/staff/consultations",
    kinds: &[
        crate::attachments::AttachmentKind::Explanation,
        crate::attachments::AttachmentKind::Comparison,
        crate::attachments::AttachmentKind::Other,
    ],
    own_sql:
        "SELECT CASE WHEN published_at IS NULL THEN 0 ELSE 1 END, CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END,
              published_at FROM consultations WHERE id = $1 AND agency_id = $2",
    seen_sql: "SELECT agency_id, CASE WHEN published_at IS NULL THEN 0 ELSE 1 END FROM consultations WHERE id = $1",
    each: "每项征求意见",
    closed: "该征求意见已撤回，不能再添加附件",
    kept:
        "本征求意见已发布：已公开的附件不能删除，如有错误请上传更正后的文件。此后添加的附件将注明“发布后于某日补充”。",
    what: "consultation",
};

/// What is being consulted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Regulation,
    Rule,
    Normative,
    Decision,
}

impl Kind {
    /// All kinds, in the order forms list them.
    pub const ALL: [Kind; 4] = [Kind::Regulation, Kind::Rule, Kind::Normative, Kind::Decision];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Regulation => "regulation",
            Kind::Rule => "rule",
            Kind::Normative => "normative",
            Kind::Decision => "decision",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Regulation => "地方性法规草案",
            Kind::Rule => "政府规章草案",
            Kind::Normative => "规范性文件征求意见稿",
            Kind::Decision => "重大行政决策",
        }
    }

    /// Whether the law expects a window of at least 30 days (shorter needs a public reason).
    pub fn needs_30_days(self) -> bool {
        !matches!(self, Kind::Normative)
    }
}

/// Where a consultation stands, decided by the server clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Upcoming,
    Open,
    Closed,
    /// Withdrawn by its agency, with a public reason: no comments are taken.
    Withdrawn,
    /// Saved by its agency and not yet published: only the agency's staff see it (a preview).
    Draft,
}

impl Status {
    /// Status at instant `now` for a window [opens, closes).
    pub fn at(now: i64, opens_at: i64, closes_at: i64) -> Status {
        if now < opens_at {
            Status::Upcoming
        } else if now < closes_at {
            Status::Open
        } else {
            Status::Closed
        }
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Upcoming => "即将开始",
            Status::Open => "征求意见中",
            Status::Closed => "已截止",
            Status::Withdrawn => "已撤回",
            Status::Draft => "草稿（未发布）",
        }
    }
}

/// A consultation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Summary {
    pub id: i64,
    pub kind: Kind,
    pub title: String,
    pub agency_name: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub status: Status,
    pub approved_comments: i64,
}

/// One article (or kept text block) with its public comment counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Article {
    pub anchor: String,
    pub is_article: bool,
    pub label: String,
    pub part: Option<String>,
    pub chapter: Option<String>,
    pub section: Option<String>,
    pub body: String,
    /// Comments published on this article.
    pub approved: i64,
    /// Comments received on this article, published or not.
    pub received: i64,
}

/// A consultation with its full structured text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Detail {
    pub summary: Summary,
    pub agency_id: i64,
    pub explanation: String,
    pub short_window_reason: Option<String>,
    pub allow_anonymous: bool,
    /// When the public could first see the draft; the window never starts before it.
    pub published_at: i64,
    /// Extensions and a withdrawal, oldest first, as the public page shows them.
    pub changes: Vec<Change>,
    /// Files attached by the agency (起草说明, 对照表, other material), oldest first.
    pub attachments: Vec<crate::attachments::Attachment>,
    pub articles: Vec<Article>,
    pub whole_approved: i64,
    pub whole_received: i64,
    /// When the agency published its adoption report (意见采纳情况说明), if it has.
    pub report_published_at: Option<i64>,
    /// The normative documents registered as made from this draft, oldest first.
    #[serde(default)]
    pub documents: Vec<ResultingDocument>,
    /// The item of a published legislative plan this draft carries out, if it is linked to one.
    #[serde(default)]
    pub plan_item: Option<PlanItemLink>,
}

/// The legislative plan item a draft carries out: the item (its page is
/// `/legislation/items/{item_id}`), its call and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItemLink {
    pub item_id: i64,
    pub call_id: i64,
    pub plan_year: i64,
    pub title: String,
}

/// A registered normative document made from a consultation's draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultingDocument {
    pub id: i64,
    /// Its number (文号), e.g. 长政发〔2026〕12号.
    pub number: String,
    pub title: String,
    /// Whether it still binds (in force, amended or under clean-up); else repealed or expired.
    #[serde(default)]
    pub binding: bool,
}

/// A change to a published consultation, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Change {
    /// "extended", "withdrawn" or "corrected".
    pub kind: String,
    pub note: String,
    /// For an extension: the last day before and after (exclusive ends, UTC seconds).
    pub from_closes_at: Option<i64>,
    pub to_closes_at: Option<i64>,
    pub at: i64,
    /// For a correction: each part corrected, its text before and after.
    #[serde(default)]
    pub corrected: Vec<Corrected>,
}

/// One part of a published draft that a correction changed (标题, 起草说明, or an article), with the
/// difference between its text before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Corrected {
    /// "标题", "起草说明", or the article's label ("第五条").
    pub part: String,
    /// The article's anchor on the draft's page, for an article.
    pub anchor: Option<String>,
    pub pieces: Vec<crate::feedback::diff::Piece>,
}

/// A draft's own text as its agency typed it, for the correction form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub title: String,
    pub explanation: String,
    pub full_text: String,
    pub status: Status,
    /// A fingerprint of the text as stored, sent back with a correction.
    pub version: String,
}

impl Detail {
    /// Length of the comment window in days.
    pub fn window_days(&self) -> i64 {
        (self.summary.closes_at - self.summary.opens_at) / 86_400
    }
}

/// Consultations the public can see, newest first.
#[server(endpoint = "consultations")]
pub async fn list_consultations() -> Result<Vec<Summary>, AppError> {
    let st = crate::state::state()?;
    store::list(&st.db, None).await
}

/// One consultation with its articles.
#[server(endpoint = "consultation")]
pub async fn get_consultation(id: i64) -> Result<Detail, AppError> {
    let st = crate::state::state()?;
    let viewer = crate::state::viewer().await?;
    store::detail_for(&st.db, id, viewer.as_ref()).await
}

/// The signed-in staff member's agency's consultations.
#[server(endpoint = "agency_consultations")]
pub async fn agency_consultations() -> Result<Vec<Summary>, AppError> {
    let user = crate::state::require_viewer().await?;
    let agency = user.staff_agency()?;
    let st = crate::state::state()?;
    store::list(&st.db, Some(agency)).await
}

/// Lines of a consultation's text that were not recognised as structure (its own agency only).
#[server(endpoint = "parse_report")]
pub async fn parse_report(id: i64) -> Result<Vec<(i64, String)>, AppError> {
    let user = crate::state::require_viewer().await?;
    let agency = user.staff_agency()?;
    let st = crate::state::state()?;
    store::unrecognised_lines(&st.db, id, agency).await
}

/// A draft's text for its own agency's correction form.
#[server(endpoint = "consultation_source")]
pub async fn consultation_source(id: i64) -> Result<Source, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    correct::source(&st.db, &user, id).await
}
