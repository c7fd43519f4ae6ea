//! Schemas of the case types the JSON API carries. The types live in `app::cases` (edited
//! elsewhere); these server-only mirrors describe their JSON under the same names, and the
//! HTTP tests and the fuzzer's conformance checks hold them to what the handlers send.
#![expect(dead_code, reason = "schema-only mirrors: never built, only described")]
use utoipa::ToSchema;

/// complaint: 投诉举报 (prefix TS); petition: 信访事项 (XF); objection: 规范性文件异议审查申请 (YY)
#[derive(ToSchema)]
#[schema(as = CaseKind)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Complaint,
    Petition,
    Objection,
}

/// suggestion: 建议意见; accusation: 检举控告; claim: 申诉求决
#[derive(ToSchema)]
#[schema(as = PetitionKind)]
#[serde(rename_all = "snake_case")]
pub enum PetitionKind {
    Suggestion,
    Accusation,
    Claim,
}

/// received: filed, to be registered and routed by the petition office; not_accepted: not accepted,
/// with the reason and the proper channel; legal: litigation-related, in the legal channel;
/// discipline: in the discipline/supervision channel; routed: transferred or assigned to a unit that
/// has yet to accept it; objected: the unit objected, to be routed again; handling: accepted by the
/// unit; decided: the written decision is out; under_review: a review (复查) or re-review (复核) is
/// being decided; terminated: lawfully terminated (依法终结)
#[derive(ToSchema)]
#[schema(as = CaseStatus)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Received,
    NotAccepted,
    Legal,
    Discipline,
    Routed,
    Objected,
    Handling,
    Decided,
    UnderReview,
    Terminated,
}

/// The written decision (信访处理意见书): support 支持, explain 解释说明, not_support 不予支持
#[derive(ToSchema)]
#[schema(as = Decision)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Support,
    Explain,
    NotSupport,
}

/// first: the first handling (办理); review: 复查; rereview: 复核
#[derive(ToSchema)]
#[schema(as = Stage)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    First,
    Review,
    Rereview,
}

/// What a citizen files.
#[derive(ToSchema)]
#[schema(as = Filing)]
pub struct Filing {
    kind: CaseKind,
    /// Required for petitions; ignored otherwise
    #[serde(default)]
    petition_kind: Option<PetitionKind>,
    /// The matter, as a title
    #[schema(max_length = 100)]
    matter: String,
    /// Facts and reasons
    #[schema(max_length = 10000)]
    facts: String,
    /// What is asked for; required except for complaints
    #[serde(default)]
    #[schema(max_length = 2000)]
    request: String,
    /// The unit concerned, as an agency id; a report is never routed to it
    #[serde(default)]
    concerned_agency_id: Option<i64>,
    /// The unit concerned, by name, when not in the list
    #[serde(default)]
    #[schema(max_length = 100)]
    concerned_unit: String,
    /// The normative document's title; required for objections
    #[serde(default)]
    #[schema(max_length = 200)]
    document_title: String,
    /// Its document number (文号); required for objections
    #[serde(default)]
    #[schema(max_length = 100)]
    document_number: String,
    /// Required unless anonymous
    #[serde(default)]
    #[schema(max_length = 50)]
    name: String,
    /// Phone or email is required unless anonymous
    #[serde(default)]
    #[schema(max_length = 30)]
    phone: String,
    #[serde(default)]
    #[schema(max_length = 254)]
    email: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    address: String,
    /// Only for complaints and accusation petitions
    #[serde(default)]
    #[schema(default = false)]
    anonymous: bool,
}

/// What filing returns, once the case is durably stored.
#[derive(ToSchema)]
#[schema(as = Filed)]
pub struct Filed {
    #[schema(example = "XF-2026-000042")]
    number: String,
    /// Shown only this once; with the number, the key for following the case
    #[schema(example = "K7M2-X9QD")]
    query_code: String,
    /// The number of the filer's earlier case on the same matter, still in progress
    repeats: Option<String>,
}

/// A step of a case as its filer sees it.
#[derive(ToSchema)]
#[schema(as = PublicStep)]
pub struct PublicStep {
    /// Unix seconds
    at: i64,
    /// e.g. filed, routed, unit_accepted, extended, decided, review_requested, rated
    action: String,
    /// What happened, in Chinese
    text: String,
}

/// A case as its filer (whoever holds the number and query code) sees it
#[derive(ToSchema)]
#[schema(as = Progress)]
pub struct Progress {
    number: String,
    kind: CaseKind,
    /// For petitions
    petition_kind: Option<PetitionKind>,
    matter: String,
    status: CaseStatus,
    stage: Stage,
    /// The unit handling it, once routed
    unit: Option<String>,
    /// The current step's deadline (a Beijing date)
    #[schema(format = Date)]
    due_on: Option<String>,
    /// The latest written decision
    decision: Option<Decision>,
    /// Unix seconds
    decided_at: Option<i64>,
    #[schema(minimum = 1, maximum = 5)]
    satisfaction: Option<i64>,
    /// Unix seconds
    received_at: i64,
    steps: Vec<PublicStep>,
    may_rate: bool,
    /// A review (复查) may be asked for now
    may_request_review: bool,
    /// A re-review (复核) may be asked for now
    may_request_rereview: bool,
}

/// A case in a staff queue, with its clock.
#[derive(ToSchema)]
#[schema(as = CaseSummary)]
pub struct CaseSummary {
    id: i64,
    number: String,
    kind: CaseKind,
    /// For petitions
    petition_kind: Option<PetitionKind>,
    matter: String,
    status: CaseStatus,
    stage: Stage,
    unit: Option<String>,
    /// The current step's deadline (a Beijing date)
    #[schema(format = Date)]
    due_on: Option<String>,
    /// Calendar days to the deadline, negative when overdue; null when no step is owed
    days_left: Option<i64>,
    /// Under supervision (督办), awaiting the unit's answer
    supervised: bool,
    /// The number of the same person's earlier case on the same matter, still in progress
    repeats: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    satisfaction: Option<i64>,
    /// Unix seconds
    received_at: i64,
}

/// A recorded step as staff see it (internal steps too).
#[derive(ToSchema)]
#[schema(as = StaffStep)]
pub struct StaffStep {
    seq: i64,
    /// Unix seconds
    at: i64,
    /// Who acted (display name); null for the filer or the system
    actor: Option<String>,
    action: String,
    /// What happened, in Chinese
    text: String,
    /// Whether the filer sees this step
    public: bool,
}

/// An attachment; the file is downloaded at /staff/cases/{id}/files/{attachment id}
#[derive(ToSchema)]
#[schema(as = AttachmentInfo)]
pub struct AttachmentInfo {
    id: String,
    /// pdf, png, jpeg, gif, webp, docx, xlsx, pptx, doc, xls, ppt, odt or ods
    kind: String,
    /// The original file name
    name: String,
    /// Bytes
    size: i64,
}

/// The channel a case is in.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Ordinary,
    Legal,
    Discipline,
}

/// How a case was routed to the unit (转送 or 交办).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    Transfer,
    Assign,
}

/// A case as the staff who may see it see it: everything but who filed it
#[derive(ToSchema)]
#[schema(as = StaffCase)]
pub struct StaffCase {
    summary: CaseSummary,
    facts: String,
    request: String,
    /// The unit concerned
    concerned: Option<String>,
    /// The normative document objected to: title and number
    document: Option<String>,
    anonymous: bool,
    #[schema(inline)]
    channel: Channel,
    /// How it was routed to the unit (转送 or 交办)
    #[schema(inline)]
    routing: Option<Routing>,
    /// The latest written decision
    decision: Option<Decision>,
    attachments: Vec<AttachmentInfo>,
    steps: Vec<StaffStep>,
    /// transfer, assign, not_accept, legal, discipline
    may_triage: bool,
    /// accept, object, extend, decide
    may_handle: bool,
    may_decide_review: bool,
    may_terminate: bool,
    may_reveal: bool,
    may_supervise: bool,
}

/// The filer's identity and contact details, as sealed on filing (empty strings for an anonymous
/// filing)
#[derive(ToSchema)]
#[schema(as = CaseIdentity)]
pub struct CaseIdentity {
    name: String,
    phone: String,
    email: String,
    address: String,
    /// The citizen account that filed it
    user_id: Option<i64>,
}

/// Done and recorded in the case's hash-chained record: `{"ok": true}`, or for reveal
/// `{"identity": …}`
#[derive(ToSchema)]
#[schema(as = Performed)]
#[serde(untagged)]
pub enum Performed {
    Revealed { identity: CaseIdentity },
    Done { ok: bool },
}
