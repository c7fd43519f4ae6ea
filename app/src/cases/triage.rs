//! The petition office's triage: a received (or objected-to) case is routed to a unit, refused
//! with the proper channel, or sent to the legal or discipline channel; a report is first tied to
//! the unit it concerns, and a report about a petition office skips the office altogether.
use super::calendar::calendar;
use super::case::{allow, record, step, text, visible, who, Move};
use super::config::CaseConfig;
use super::deadlines::{Calendar, Due};
use super::details::{Detail, Legal, NotAccepted, Note, Routed, Routing, UnitNamed};
use super::policy::Act;
use super::rows::Case;
use super::screen::Units;
use super::CaseStatus;
use crate::accounts::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// How the petition office triages a new (or objected-to) case.
#[derive(Debug, Clone)]
pub enum Triage {
    /// Transfer (转送) or assign (交办, with its own deadline) to a unit.
    Route { unit: i64, assign: bool, due_on: Option<String>, note: String },
    /// Not accepted, with the reason and the proper channel told to the filer.
    NotAccept { reason: String, channel: String },
    /// Litigation-related: to the legal channel (court, procuratorate, public security, justice bureau).
    Legal { body: String, note: String },
    /// A report against an official: to the discipline/supervision channel.
    Discipline { note: String },
    /// Name the listed unit a report concerns, when the reporter named it only in words: a report
    /// is routed only once it is known whom it must be kept from.
    Concerns { unit: i64 },
}

/// The petition office registers a received (or objected-to) case and decides where it goes.
pub async fn triage(db: &AnyPool, cfg: &CaseConfig, officer: &CurrentUser, id: i64, t: Triage) -> AppResult<()> {
    officer.require(Role::PetitionOfficer)?;
    let cal = calendar(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible(&mut tx, officer, id).await?;
    let who = who(&mut tx, officer, &case, grants).await?;
    allow(Act::Triage, &who, &case)?;
    let actor = Some(officer.id);
    let moved = |detail: Detail, status: CaseStatus, due_on| Move { actor, status, public: true, detail, due_on };
    match t {
        Triage::Route { unit, assign, due_on, note } => {
            let routing = if assign { Routing::Assign } else { Routing::Transfer };
            let (detail, due) = route(&mut tx, cfg, &cal, &case, unit, routing, due_on.as_deref(), note).await?;
            step(&mut tx, cfg, &case, moved(Detail::Routed(detail), CaseStatus::Routed, Some(due))).await?;
        }
        Triage::NotAccept { reason, channel } => {
            let reason = text("reason", &reason, "不予受理的理由", 2_000, true)?;
            let channel = text("channel", &channel, "应当通过的途径", 500, true)?;
            let detail = Detail::NotAccepted(NotAccepted { reason, channel });
            step(&mut tx, cfg, &case, moved(detail, CaseStatus::NotAccepted, None)).await?;
            crate::registry::objections::ended(&mut tx, id, "不予受理").await?;
        }
        Triage::Legal { body, note } => {
            let label = super::LEGAL_BODIES
                .iter()
                .find(|b| b.0 == body)
                .map(|b| b.1)
                .ok_or_else(|| AppError::field("body", "请选择法律程序的受理机关"))?;
            sqlx::query("UPDATE cases SET channel = 'legal', unit_id = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = Detail::Legal(Legal { body, body_label: label.into(), note });
            step(&mut tx, cfg, &case, moved(detail, CaseStatus::Legal, None)).await?;
            crate::registry::objections::ended(&mut tx, id, "转入法定途径办理").await?;
        }
        Triage::Concerns { unit } => concerns(&mut tx, cfg, &case, actor, unit).await?,
        Triage::Discipline { note } => {
            if !case.is_report() {
                return Err(AppError::Conflict("只有检举控告、投诉举报可以转纪检监察机关".into()));
            }
            sqlx::query("UPDATE cases SET channel = 'discipline', unit_id = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            step(&mut tx, cfg, &case, moved(Detail::Discipline(Note { note }), CaseStatus::Discipline, None)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Route a case to a unit (never a report to the unit it concerns, or above or below it), with
/// the officer's deadline when assigned, else the period for the unit to accept it.
#[expect(clippy::too_many_arguments, reason = "one routing decision's parts, each from the form")]
async fn route(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    cal: &Calendar,
    case: &Case,
    unit: i64,
    routing: Routing,
    due_on: Option<&str>,
    note: String,
) -> AppResult<(Routed, Due)> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(unit).fetch_optional(&mut *conn).await?;
    let name = name.ok_or_else(|| AppError::field("unit", "请选择责任单位"))?;
    // An objection review is handled by the body that issued the document.
    if let Some((issuer, issuer_name)) = crate::registry::objections::issuer(&mut *conn, case.id).await? {
        if unit != issuer {
            return Err(AppError::field("unit", &format!("异议审查申请须转交文件的制定机关（{issuer_name}）办理")));
        }
    }
    if case.is_report() {
        let Some(concerned) = case.concerned_agency_id else {
            return Err(AppError::field("concerned_agency_id", "举报件须先确定被举报单位，才能转送或交办"));
        };
        if Units::load(&mut *conn).await?.chain(concerned).contains(&unit) {
            return Err(AppError::field("unit", "举报件不得转交被举报单位及其上下级单位办理"));
        }
    }
    let today = clock::today();
    let due = match routing {
        Routing::Assign => {
            let d =
                due_on.and_then(clock::parse_date).ok_or_else(|| AppError::field("due_on", "交办须确定办结期限"))?;
            if d <= today {
                return Err(AppError::field("due_on", "办结期限须晚于今天"));
            }
            Due::fixed(d)
        }
        Routing::Transfer => cfg.periods.unit_accept.due_from(cal, today),
    };
    sqlx::query("UPDATE cases SET unit_id = $1, routing = $2, step_started_at = $3 WHERE id = $4")
        .bind(unit)
        .bind(routing.as_str())
        .bind(clock::now())
        .bind(case.id)
        .execute(&mut *conn)
        .await?;
    Ok((Routed { unit: name, unit_id: unit, routing, note, due_on: due.on.to_string() }, due))
}

/// Name the listed unit a report concerns, when the filer named it only in words.
async fn concerns(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    case: &Case,
    actor: Option<i64>,
    unit: i64,
) -> AppResult<()> {
    if !case.is_report() {
        return Err(AppError::Conflict("只有投诉举报、检举控告需要确定被举报单位".into()));
    }
    // Only a unit named in words is set here: the unit the filer chose is never replaced
    // (that would let one officer route a report to the unit it accuses).
    if case.concerned_agency_id.is_some() {
        return Err(AppError::Conflict("被举报单位已由提出人选定，不能更改".into()));
    }
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(unit).fetch_optional(&mut *conn).await?;
    let name = name.ok_or_else(|| AppError::field("concerned_agency_id", "所选单位不存在"))?;
    sqlx::query("UPDATE cases SET concerned_agency_id = $1 WHERE id = $2")
        .bind(unit)
        .bind(case.id)
        .execute(&mut *conn)
        .await?;
    let detail = Detail::ConcernedSet(UnitNamed { unit: name, unit_id: unit });
    record(conn, cfg, case.id, actor, case.status, false, &detail).await?;
    to_discipline_if_about_an_office(conn, cfg, case.id, Some(unit)).await
}

/// A report about a petition office (or a unit above or below one) cannot be triaged by that
/// office: it goes to the discipline channel as it is filed, independent of the office.
pub(super) async fn to_discipline_if_about_an_office(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    id: i64,
    concerned: Option<i64>,
) -> AppResult<()> {
    let Some(concerned) = concerned else { return Ok(()) };
    if !Units::load(&mut *conn).await?.concerns_an_office(concerned) {
        return Ok(());
    }
    sqlx::query("UPDATE cases SET channel = 'discipline', status = $1 WHERE id = $2")
        .bind(CaseStatus::Discipline.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let detail =
        Detail::Discipline(Note { note: "举报涉及信访部门，直接转纪检监察机关办理".into() });
    record(conn, cfg, id, None, CaseStatus::Discipline, true, &detail).await?;
    tracing::info!(case = id, "a report about a petition office went to the discipline channel");
    Ok(())
}
