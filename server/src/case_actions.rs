//! What the case form and the case API share: a staff action on a case, carried out the same way
//! from both, and the rate limit on looking a case up by number and query code.
use crate::budgets::Kind;
use crate::extract::{Limits, Refusal, Viewer};
use app::accounts::CurrentUser;
use app::cases::store::{self, Identity, Triage, UnitAction};
use app::error::AppError;
use app::state::AppState;
use serde::{Deserialize, Serialize};

/// Case numbers with query codes are tried no faster than the lookup budget allows: the account's
/// own when signed in, else the address's (never per case: counting per case would let anyone use
/// up the filer's own allowance). Lookups have a budget of their own, so a flood of comments or
/// filings from an address does not stop people there following their cases.
pub fn check_lookup(limits: &Limits, viewer: Result<Viewer, Refusal>) -> Result<(), AppError> {
    let Viewer(user) = viewer?;
    limits.spend(Kind::Lookup, user.as_ref())
}

/// One staff action; see the operation's description for the fields each action reads
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CaseAction {
    #[schema(inline, value_type = ActionName)]
    pub action: String,
    /// transfer, assign: the agency id of the unit
    pub unit: Option<i64>,
    /// assign: the deadline, YYYY-MM-DD, after today
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// transfer, assign, legal, discipline: internal note; supervise, answer_supervision: required (≤ 2000)
    pub note: String,
    /// not_accept, object, extend, terminate (≤ 2000); reveal (≤ 500)
    pub reason: String,
    /// not_accept: the proper channel for the matter
    #[schema(max_length = 500)]
    pub channel: String,
    /// legal: the body of the legal procedure
    #[schema(inline, value_type = LegalBody)]
    pub body: String,
    /// extend: days added
    #[schema(minimum = 1, maximum = 30)]
    pub days: Option<u32>,
    /// decide, decide_review
    #[schema(inline, value_type = app::cases::Decision)]
    pub decision: String,
    /// decide, decide_review: the written decision
    #[schema(max_length = 10000)]
    pub text: String,
    /// decide, decide_review: the legal or policy basis
    #[schema(max_length = 2000)]
    pub basis: String,
    /// With decide: the completion report (办结报告) to the petition office; required for assigned
    /// (交办) cases; internal, not shown to the filer
    #[schema(max_length = 5000)]
    pub report: String,
    /// With decide, for an objection review of a registered document (required there): the answer
    /// published on the document's page; it must not repeat the applicant's name or contact details
    #[schema(max_length = 5000)]
    pub public_answer: String,
}

/// The actions `perform` knows (schema only).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "schema only")]
enum ActionName {
    Transfer,
    Route,
    Assign,
    NotAccept,
    Legal,
    Discipline,
    Concerns,
    Accept,
    Object,
    Extend,
    Decide,
    DecideReview,
    Terminate,
    Supervise,
    AnswerSupervision,
    Reveal,
}

/// The bodies of a legal procedure (schema only).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "schema only")]
enum LegalBody {
    Court,
    Procuratorate,
    PublicSecurity,
    JusticeBureau,
}

/// What a staff action gave back: the filer's identity (`reveal`), or only that it was done. As
/// JSON: `{"identity": {…}}` or `{"ok": true}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Performed {
    Revealed { identity: Identity },
    Done { ok: bool },
}

/// Carry out a staff action (the domain checks who may).
pub async fn perform(st: &AppState, user: &CurrentUser, id: i64, a: CaseAction) -> Result<Performed, AppError> {
    let cfg = &st.cases;
    let db = &st.db;
    match a.action.as_str() {
        "route" | "transfer" | "assign" => {
            let unit = a.unit.ok_or_else(|| AppError::field("unit", "请选择责任单位"))?;
            let assign = a.action == "assign";
            store::triage(db, cfg, user, id, Triage::Route { unit, assign, due_on: a.due_on, note: a.note }).await?
        }
        "not_accept" => {
            store::triage(db, cfg, user, id, Triage::NotAccept { reason: a.reason, channel: a.channel }).await?
        }
        "legal" => store::triage(db, cfg, user, id, Triage::Legal { body: a.body, note: a.note }).await?,
        "discipline" => store::triage(db, cfg, user, id, Triage::Discipline { note: a.note }).await?,
        "concerns" => {
            let unit = a.unit.ok_or_else(|| AppError::field("concerned_agency_id", "请选择被举报单位"))?;
            store::triage(db, cfg, user, id, Triage::Concerns { unit }).await?
        }
        "accept" => store::unit_act(db, cfg, user, id, UnitAction::Accept).await?,
        "object" => store::unit_act(db, cfg, user, id, UnitAction::Object { reason: a.reason }).await?,
        "extend" => {
            let days = a.days.ok_or_else(|| AppError::field("days", "请填写延长的天数"))?;
            store::unit_act(db, cfg, user, id, UnitAction::Extend { days, reason: a.reason }).await?
        }
        "decide" => {
            let decision = UnitAction::Decide {
                decision: a.decision,
                text: a.text,
                basis: a.basis,
                report: a.report,
                public_answer: a.public_answer,
            };
            store::unit_act(db, cfg, user, id, decision).await?
        }
        "decide_review" => store::decide_review(db, cfg, user, id, &a.decision, &a.text, &a.basis).await?,
        "terminate" => store::terminate(db, cfg, user, id, &a.reason).await?,
        "supervise" => store::supervise(db, cfg, user, id, &a.note).await?,
        "answer_supervision" => store::answer_supervision(db, cfg, user, id, &a.note).await?,
        "reveal" => return Ok(Performed::Revealed { identity: store::reveal(db, cfg, user, id, &a.reason).await? }),
        _ => return Err(AppError::field("action", "未知的操作")),
    }
    Ok(Performed::Done { ok: true })
}
