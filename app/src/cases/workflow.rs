//! The staff steps after triage: the handling unit accepts, objects, extends once and decides;
//! the level above decides a review; the legal channel terminates; the petition office supervises
//! and the unit answers. Each step asks the policy (`policy.rs`) before it changes anything.
use super::calendar::calendar;
use super::case::{allow, record, step, text, visible, who, Move};
use super::config::CaseConfig;
use super::deadlines::{self, Calendar, Due, ExtensionError, Period};
use super::details::{
    CompletionReport, Decided, Detail, Extended, Note, Objected, Reason, SupervisionAnswered, UnitAccepted,
};
use super::policy::Act;
use super::rows::Case;
use super::{CaseKind, CaseStatus, Decision, Stage};
use crate::accounts::{CurrentUser, Role};
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// What the handling unit does with a case routed to it.
#[derive(Debug, Clone)]
pub enum UnitAction {
    Accept,
    /// Not our business, with reasons: within the objection period (working days) of routing.
    Object {
        reason: String,
    },
    /// One extension of at most the configured days, with reasons told to the filer.
    Extend {
        days: u32,
        reason: String,
    },
    /// The written decision, with its legal basis; an assigned (交办) case also needs the completion
    /// report to the petition office.
    Decide {
        decision: String,
        text: String,
        basis: String,
        report: String,
        /// An objection review of a registered document: the answer published on the document's
        /// page, written for the public (never naming the applicant).
        public_answer: String,
    },
}

/// A written decision as the form sends it.
struct Written<'a> {
    decision: &'a str,
    text: &'a str,
    basis: &'a str,
}

/// The handling unit (staff of the unit the case was routed to) acts on it.
pub async fn unit_act(
    db: &AnyPool,
    cfg: &CaseConfig,
    staff: &CurrentUser,
    id: i64,
    action: UnitAction,
) -> AppResult<()> {
    let agency = staff.staff_agency()?;
    let cal = calendar(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, staff, id).await?;
    let who = who(&mut tx, staff, &case, grants).await?;
    let unit: String =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
    let today = clock::today();
    let actor = Some(staff.id);
    let moved = |detail: Detail, status: CaseStatus, public, due: Due| Move {
        actor,
        status,
        public,
        detail,
        due_on: Some(due),
    };
    match action {
        UnitAction::Accept => {
            allow(Act::Accept, &who, &case)?;
            let due = handling_due(cfg, &cal, &case, today, 0).map_err(|e| AppError::field("days", &e.to_string()))?;
            sqlx::query("UPDATE cases SET step_started_at = $1 WHERE id = $2")
                .bind(clock::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = Detail::UnitAccepted(UnitAccepted { unit, due_on: due.on.to_string() });
            step(&mut tx, cfg, &case, moved(detail, CaseStatus::Handling, true, due)).await?;
            crate::registry::objections::accepted(&mut tx, id).await?;
        }
        UnitAction::Object { reason } => {
            allow(Act::Object, &who, &case)?;
            let reason = text("reason", &reason, "异议理由", 2_000, true)?;
            let routed_on = clock::date_of(case.step_started_at.unwrap_or(case.received_at));
            let last = cfg.periods.objection.due(&cal, routed_on);
            if today > last {
                return Err(AppError::Conflict(format!("提出异议的期限已于{last}届满")));
            }
            sqlx::query("UPDATE cases SET unit_id = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let due = cfg.periods.register.due_from(&cal, today);
            let detail = Detail::Objected(Objected { unit, reason });
            step(&mut tx, cfg, &case, moved(detail, CaseStatus::Objected, false, due)).await?;
        }
        UnitAction::Extend { days, reason } => {
            allow(Act::Extend, &who, &case)?;
            let reason = text("reason", &reason, "延期理由", 2_000, true)?;
            let accepted = clock::date_of(case.step_started_at.unwrap_or(case.received_at));
            let due =
                handling_due(cfg, &cal, &case, accepted, days).map_err(|e| AppError::field("days", &e.to_string()))?;
            sqlx::query("UPDATE cases SET extended_days = $1 WHERE id = $2")
                .bind(i64::from(days))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = Detail::Extended(Extended { days, reason, due_on: due.on.to_string() });
            step(&mut tx, cfg, &case, moved(detail, CaseStatus::Handling, true, due)).await?;
        }
        UnitAction::Decide { decision, text: t, basis, report, public_answer } => {
            allow(Act::Decide, &who, &case)?;
            let report = text("report", &report, "办结报告", 5_000, case.assigned())?;
            let written = Written { decision: &decision, text: &t, basis: &basis };
            decide(&mut tx, cfg, &cal, &case, actor, written).await?;
            if crate::registry::objections::is_against_a_document(&mut tx, id).await? {
                publish_answer(&mut tx, cfg, id, &decision, &public_answer).await?;
            }
            if !report.is_empty() {
                // The completion report goes to the petition office, not to the filer.
                let detail = Detail::CompletionReport(CompletionReport { unit, report });
                record(&mut tx, cfg, id, actor, CaseStatus::Decided, false, &detail).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The issuing body corrects the public answer of one of its answered objection reviews (by the
/// review's key), checked against the applicant's sealed details like the first answer (refused if
/// they do not open). Returns the document.
pub async fn correct_objection_answer(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    key: i64,
    answer: &str,
    reason: &str,
) -> AppResult<i64> {
    let agency = user.staff_agency()?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, document, issuer) = crate::registry::objections::answered_review(&mut tx, key).await?;
    if issuer != agency {
        return Err(AppError::Forbidden);
    }
    let filer = super::identity::sealed_identity(&mut tx, cfg, case).await?;
    let who = crate::registry::objections::Applicant {
        name: &filer.name,
        phone: &filer.phone,
        email: &filer.email,
        address: &filer.address,
    };
    crate::registry::objections::corrected(&mut tx, key, answer, reason, &who).await?;
    tx.commit().await?;
    tracing::info!(key, document, "objection answer corrected");
    Ok(document)
}

/// Publish an objection review's answer on its document's page, once it is sure not to repeat
/// what identifies the applicant (checked against their sealed details; refused if they do not open).
async fn publish_answer(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    id: i64,
    decision: &str,
    answer: &str,
) -> AppResult<()> {
    let decision = Decision::parse(decision).ok_or(AppError::Internal)?;
    let filer = super::identity::sealed_identity(&mut *conn, cfg, id).await?;
    let who = crate::registry::objections::Applicant {
        name: &filer.name,
        phone: &filer.phone,
        email: &filer.email,
        address: &filer.address,
    };
    crate::registry::objections::answered(conn, id, (decision.as_str(), decision.label()), answer, &who).await
}

/// When handling must end, lengthened by `extra` days (0: none): an objection review within its
/// period of receipt; an assigned case by the officer's deadline; otherwise the handling period
/// from acceptance.
fn handling_due(
    cfg: &CaseConfig,
    cal: &Calendar,
    case: &Case,
    accepted: Date,
    extra: u32,
) -> Result<Due, ExtensionError> {
    if extra > 0 {
        // Checks the one extension's length the same way for every kind.
        cfg.periods.extended_handling(cal, accepted, extra)?;
    }
    let lengthened = |p: Period| Period { days: p.days + extra, unit: p.unit };
    Ok(match (case.kind, case.assigned().then_some(case.due_on).flatten()) {
        (CaseKind::Objection, _) => {
            lengthened(cfg.periods.objection_review).due_from(cal, clock::date_of(case.received_at))
        }
        // The assigning officer's date stays as set; an extension counts from it.
        (_, Some(deadline)) if extra == 0 => Due::fixed(deadline),
        (_, Some(deadline)) => Period::calendar(extra).due_from(cal, deadline),
        _ => lengthened(cfg.periods.handling).due_from(cal, accepted),
    })
}

/// Record a written decision (of the handling, the review or the re-review).
async fn decide(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    cal: &Calendar,
    case: &Case,
    actor: Option<i64>,
    w: Written<'_>,
) -> AppResult<()> {
    let decision = Decision::parse(w.decision)
        .ok_or_else(|| AppError::field("decision", "请选择处理意见（支持、解释说明或不予支持）"))?;
    let t = text("text", w.text, "处理意见", 10_000, true)?;
    let basis = text("basis", w.basis, "法律、政策依据", 2_000, true)?;
    let now = clock::now();
    sqlx::query("UPDATE cases SET decision = $1, decided_at = $2 WHERE id = $3")
        .bind(decision.as_str())
        .bind(now)
        .bind(case.id)
        .execute(&mut *conn)
        .await?;
    let (window, label) = match case.stage {
        Stage::First => (Some(cfg.periods.review_request), "处理意见"),
        Stage::Review => (Some(cfg.periods.rereview_request), "复查意见"),
        Stage::Rereview => (None, "复核意见"),
    };
    let due = window.map(|p| p.due_from(cal, clock::date_of(now)));
    // Whether the step's deadline was met, for the statistics.
    let on_time = case.due_on.is_none_or(|d| now < deadlines::due_instant(d));
    let detail = Detail::Decided(Decided {
        decision,
        decision_label: decision.label().into(),
        text: t,
        basis,
        stage_label: label.into(),
        on_time,
    });
    step(conn, cfg, case, Move { actor, status: CaseStatus::Decided, public: true, detail, due_on: due }).await
}

/// The level above decides a review or re-review: the unit above the deciding unit, or the petition
/// office when there is none.
pub async fn decide_review(
    db: &AnyPool,
    cfg: &CaseConfig,
    officer: &CurrentUser,
    id: i64,
    decision: &str,
    t: &str,
    basis: &str,
) -> AppResult<()> {
    let cal = calendar(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, officer, id).await?;
    let who = who(&mut tx, officer, &case, grants).await?;
    allow(Act::DecideReview, &who, &case)?;
    decide(&mut tx, cfg, &cal, &case, Some(officer.id), Written { decision, text: t, basis }).await?;
    tx.commit().await?;
    Ok(())
}

/// A legal-channel case ends by lawful termination once legal procedures are exhausted.
pub async fn terminate(db: &AnyPool, cfg: &CaseConfig, user: &CurrentUser, id: i64, reason: &str) -> AppResult<()> {
    let reason = text("reason", reason, "终结理由", 2_000, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, user, id).await?;
    let who = who(&mut tx, user, &case, grants).await?;
    allow(Act::Terminate, &who, &case)?;
    let detail = Detail::Terminated(Reason { reason });
    let m = Move { actor: Some(user.id), status: CaseStatus::Terminated, public: true, detail, due_on: None };
    step(&mut tx, cfg, &case, m).await?;
    tx.commit().await?;
    Ok(())
}

/// The petition office marks a case supervised (督办) with a note; the unit must respond.
pub async fn supervise(db: &AnyPool, cfg: &CaseConfig, officer: &CurrentUser, id: i64, note: &str) -> AppResult<()> {
    officer.require(Role::PetitionOfficer)?;
    let note = text("note", note, "督办意见", 2_000, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, officer, id).await?;
    let who = who(&mut tx, officer, &case, grants).await?;
    allow(Act::Supervise, &who, &case)?;
    sqlx::query("UPDATE cases SET supervised = 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
    record(&mut tx, cfg, id, Some(officer.id), case.status, false, &Detail::Supervised(Note { note })).await?;
    tx.commit().await?;
    Ok(())
}

/// The handling unit answers a supervision.
pub async fn answer_supervision(
    db: &AnyPool,
    cfg: &CaseConfig,
    staff: &CurrentUser,
    id: i64,
    note: &str,
) -> AppResult<()> {
    let agency = staff.staff_agency()?;
    let note = text("note", note, "督办回复", 2_000, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, staff, id).await?;
    let who = who(&mut tx, staff, &case, grants).await?;
    allow(Act::AnswerSupervision, &who, &case)?;
    let unit: String =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
    sqlx::query("UPDATE cases SET supervised = 0 WHERE id = $1").bind(id).execute(&mut *tx).await?;
    let detail = Detail::SupervisionAnswered(SupervisionAnswered { note, unit });
    record(&mut tx, cfg, id, Some(staff.id), case.status, false, &detail).await?;
    tx.commit().await?;
    Ok(())
}
