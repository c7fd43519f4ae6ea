//! The registry of normative documents (规范性文件库): each document registered, numbered and
//! published in one place, with its text in every version, its validity and its status over time.
//! An unpublished document may not be the basis of administration, so what is here is what binds.
pub mod cleanup;
pub mod cleanup_pages;
#[cfg(feature = "ssr")]
pub mod cleanup_store;
#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod expiry;
pub mod file_pages;
#[cfg(feature = "ssr")]
pub mod filing;
pub mod filing_pages;
#[cfg(feature = "ssr")]
pub mod filing_reminders;
#[cfg(feature = "ssr")]
pub mod history;
pub mod number;
#[cfg(feature = "ssr")]
pub mod objections;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod store;
pub mod terms;
pub mod text_view;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use terms::DocStatus;

/// Documents on one page of the registry.
pub const PER_PAGE: i64 = 20;

/// Where a registered document's files are kept: its issuing body adds them at any time; they are
/// public from the start (a document is registered when published) and never removed.
pub const FILES: crate::attachments::Shelf = crate::attachments::Shelf {
    table: "document_files",
    owner: "document_id",
    base: "/documents",
    staff_base: "/staff/documents",
    kinds: &[
        crate::attachments::AttachmentKind::Annex,
        crate::attachments::AttachmentKind::Interpretation,
        crate::attachments::AttachmentKind::Explanation,
        crate::attachments::AttachmentKind::Other,
    ],
    // A file added on the day of registration (China time) is part of it; one added from the next
    // day on says so.
    own_sql: "SELECT 1, 0, ((registered_at + 28800) / 86400 + 1) * 86400 - 28800
              FROM normative_documents WHERE id = $1 AND agency_id = $2",
    seen_sql: "SELECT agency_id, 1 FROM normative_documents WHERE id = $1",
    each: "每份文件",
    closed: "",
    kept: "文件已登记公布：附件一经公开不能删除，如有错误请上传更正后的文件。登记次日起添加的附件将注明“发布后于某日补充”。",
    what: "document",
};

/// A document in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocSummary {
    pub id: i64,
    /// 长政发〔2026〕12号
    pub number: String,
    pub title: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub status: DocStatus,
    /// Dates: the start of their day (China time), in seconds.
    pub published_on: i64,
    pub effective_on: i64,
    /// The last day it is valid.
    pub valid_until: i64,
}

/// One text the document has had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocVersion {
    pub version: i64,
    pub full_text: String,
    pub effective_on: i64,
    /// The document that amended it into this text (none for the text as registered).
    pub amended_by: Option<DocLink>,
}

/// Another document, as linked from this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocLink {
    pub id: i64,
    pub number: String,
    pub title: String,
}

/// One page of a document's versions, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionPage {
    pub versions: Vec<DocVersion>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// One page of a document's status changes, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub history: Vec<StatusChange>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// A dated change of status, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub status: DocStatus,
    pub on_date: i64,
    pub reason: String,
    /// The amending or repealing document, when there is one.
    pub related: Option<DocLink>,
    /// Made by the clock (expiry at the end of the validity), not by a person.
    pub by_clock: bool,
    /// Made because of an objection review: the day that application was received.
    pub objection_received_on: Option<String>,
}

/// An objection review (异议审查) of a document, as the public may know it: never the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ObjectionReview {
    /// The review's reference (what a status change made because of it names); not the case's.
    pub key: i64,
    /// The day the application was received (YYYY-MM-DD).
    pub received_on: String,
    /// The day the issuing body must answer by.
    pub due_on: String,
    /// The day the issuing body accepted it.
    pub accepted_on: Option<String>,
    /// Why it ended without an answer (不予受理, 转入法定途径).
    pub ended: Option<String>,
    pub answered_on: Option<String>,
    /// Answered after the day it was due, or still unanswered after it.
    pub late: bool,
    pub decision_label: Option<String>,
    /// The issuing body's answer, written for the public.
    pub public_answer: Option<String>,
    /// The day the issuing body corrected its public answer, and why.
    pub corrected_on: Option<String>,
    pub correction_reason: Option<String>,
}

/// A document with its versions (oldest first) and its status history (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocDetail {
    pub summary: DocSummary,
    pub adopted_on: i64,
    pub provisional: bool,
    /// The consultation the draft was published for comment in.
    pub consultation: Option<ConsultationLink>,
    pub versions: Vec<DocVersion>,
    pub history: Vec<StatusChange>,
    /// Documents this one amended or repealed.
    pub acted_on: Vec<DocLink>,
    /// What each amendment changed, article by article (the changed articles only).
    pub amendments: Vec<Amendment>,
    /// Objection reviews of the document the issuing body accepted (or that ended), answered ones
    /// first, newest first.
    pub objections: Vec<ObjectionReview>,
    /// Applications received and not yet accepted.
    pub objections_waiting: i64,
    /// Its filing for review (备案审查); None for documents registered before filing was kept.
    pub filing: Option<DocFiling>,
    /// Files its issuing body published with it (annexes, 政策解读, other material), oldest first;
    /// each downloads at its `url`.
    #[serde(default)]
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// The articles an amendment changed: version `version` against the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Amendment {
    pub version: i64,
    pub changes: Vec<crate::feedback::diff::ArticleRevision>,
}

/// The consultation a document came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConsultationLink {
    pub id: i64,
    pub title: String,
    /// Whether its adoption report is published.
    pub report_published: bool,
}

/// What the registry's list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(default)]
pub struct DocFilter {
    /// Issuing agency.
    #[serde(deserialize_with = "crate::paging::lenient_id")]
    pub agency: Option<i64>,
    /// `in_force`, `amended`, `to_clean_up`, `repealed`, `expired`, or `binding` (the first three).
    pub status: Option<String>,
    /// Year of the number.
    #[serde(deserialize_with = "crate::paging::lenient_id")]
    pub year: Option<i64>,
    /// Words of the title or number.
    pub q: Option<String>,
    /// Page, from 1.
    #[serde(deserialize_with = "crate::paging::lenient")]
    pub page: Option<u32>,
}

/// One page of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocPage {
    pub documents: Vec<DocSummary>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// The registry, narrowed and paged.
#[server(endpoint = "documents")]
pub async fn list_documents(filter: DocFilter) -> Result<DocPage, AppError> {
    let st = crate::state::state()?;
    read::list_for(&st, &filter).await
}

/// The agencies that have registered documents (id, name), to narrow the registry by.
#[server(endpoint = "document_agencies")]
pub async fn document_agencies() -> Result<Vec<(i64, String)>, AppError> {
    let st = crate::state::state()?;
    read::issuing_agencies(&st.db).await
}

/// One document with its versions and history.
#[server(endpoint = "document")]
pub async fn get_document(id: i64) -> Result<DocDetail, AppError> {
    let st = crate::state::state()?;
    read::detail(&st.db, id).await
}

/// One document of the signed-in staff member's own agency, with the names its files were
/// uploaded under: for its page of attachments.
#[server(endpoint = "own_document")]
pub async fn own_document(id: i64) -> Result<DocDetail, AppError> {
    let user = crate::state::require_viewer().await?;
    let agency = user.staff_agency()?;
    let st = crate::state::state()?;
    let mut d = read::detail(&st.db, id).await?;
    if d.summary.agency_id != agency {
        return Err(AppError::NotFound);
    }
    d.attachments = FILES.list(&st.db, id, true).await?;
    Ok(d)
}

/// The signed-in staff member's agency's code and consultations, for the registration form.
#[server(endpoint = "registration_context")]
pub async fn registration_context() -> Result<Registering, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    let v = st.cases.periods.document_validity;
    codes::registration_context(&st.db, &user, (v.years, v.provisional_years)).await
}

/// Published clean-ups, newest first.
#[server(endpoint = "cleanups")]
pub async fn list_cleanups(page: Option<u32>) -> Result<cleanup::CleanupPage, AppError> {
    let st = crate::state::state()?;
    cleanup_store::list(&st.db, page).await
}

/// One published clean-up.
#[server(endpoint = "cleanup")]
pub async fn get_cleanup(id: i64) -> Result<cleanup::CleanupDetail, AppError> {
    let st = crate::state::state()?;
    cleanup_store::detail(&st.db, id).await
}

/// The signed-in staff member's agency's documents under clean-up.
#[server(endpoint = "cleanup_candidates")]
pub async fn cleanup_candidates() -> Result<Vec<cleanup::Candidate>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    cleanup_store::candidates(&st.db, &user).await
}

/// What the registration form offers the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registering {
    /// The agency's code; `None`: the administrator has not set one, so nothing can be numbered.
    pub code: Option<String>,
    /// The agency's consultations, newest first (at most 200), for "came from".
    pub consultations: Vec<(i64, String)>,
    /// The configured validity: years by default and at most, and for a provisional document.
    pub validity: (u32, u32),
}

/// The outcome of a filing review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FilingOutcome {
    /// 准予备案
    Filed,
    /// 责令纠正: the issuing body must correct the document (with the reasons) and file it again.
    Correction,
}

impl FilingOutcome {
    pub fn parse(s: &str) -> Option<FilingOutcome> {
        match s {
            "filed" => Some(FilingOutcome::Filed),
            "correction" => Some(FilingOutcome::Correction),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FilingOutcome::Filed => "filed",
            FilingOutcome::Correction => "correction",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FilingOutcome::Filed => "准予备案",
            FilingOutcome::Correction => "责令纠正",
        }
    }
}

/// A document's filing for review, as the public sees it: dates are YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocFiling {
    /// The issuing body files it by this day (a period from publication).
    pub file_by: String,
    pub filed_on: Option<String>,
    /// The issuing body's filing report (备案报告).
    pub report: Option<String>,
    /// The reviewing office records its outcome by this day (a period from the filing).
    pub review_by: Option<String>,
    pub reviewed_on: Option<String>,
    pub outcome: Option<FilingOutcome>,
    /// Why, for a correction (public).
    pub reasons: Option<String>,
    /// Filed after its day, or still not filed after it.
    pub filed_late: bool,
    /// Reviewed after its day, or still not reviewed after it.
    pub reviewed_late: bool,
    /// Earlier rounds that ended in a correction, oldest first.
    pub earlier: Vec<FilingRound>,
}

/// An earlier round of filing that ended in a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FilingRound {
    pub filed_on: String,
    pub reviewed_on: String,
    pub reasons: String,
}

/// One document in the reviewing office's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingEntry {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub agency_name: String,
    /// The day the step is due (review, or filing).
    pub due: String,
    pub late: bool,
}

/// A page of the reviewing office's list: filed documents awaiting review, or documents not filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingQueue {
    pub unfiled: bool,
    pub entries: Vec<FilingEntry>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// Whether the viewer may record the outcome of `id`'s filing (holds the power, another body's).
#[server(endpoint = "may_review_filing")]
pub async fn may_review_filing(id: i64) -> Result<bool, AppError> {
    let st = crate::state::state()?;
    match crate::state::viewer().await? {
        Some(user) => filing::may_review(&st.db, &user, id).await,
        None => Ok(false),
    }
}

/// One page of the reviewing office's list.
#[server(endpoint = "filings")]
pub async fn list_filings(unfiled: bool, page: Option<u32>) -> Result<FilingQueue, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    filing::queue(&st.db, &user, unfiled, page).await
}
