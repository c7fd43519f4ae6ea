//! Case rows as read from the database, into named structs; each stored code is parsed into its
//! enum, and a code this version does not know is an error (`AppError::stored`), never a default.
use super::details::{Detail, Routing};
use super::{CaseKind, CaseStatus, CaseSummary, Channel, PetitionKind, Stage};
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use sqlx::AnyConnection;

/// The columns of a case the rules need (`WHERE` and a lock are added by the caller).
pub(super) const CASE_SQL: &str = "SELECT id, number, kind, petition_kind, concerned_agency_id, status, channel,
        unit_id, stage, step_started_at, extended_days, decided_at, received_at, routing, due_on, satisfaction,
        supervised FROM cases";

/// A row of [`CASE_SQL`], as stored.
#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    id: i64,
    number: String,
    kind: String,
    petition_kind: Option<String>,
    concerned_agency_id: Option<i64>,
    status: String,
    channel: String,
    unit_id: Option<i64>,
    stage: String,
    step_started_at: Option<i64>,
    extended_days: i64,
    decided_at: Option<i64>,
    received_at: i64,
    routing: Option<String>,
    due_on: Option<String>,
    satisfaction: Option<i64>,
    supervised: i64,
}

/// A case with what the rules need.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub id: i64,
    pub number: String,
    pub kind: CaseKind,
    pub petition_kind: Option<PetitionKind>,
    pub concerned_agency_id: Option<i64>,
    pub status: CaseStatus,
    pub channel: Channel,
    pub unit_id: Option<i64>,
    pub stage: Stage,
    pub step_started_at: Option<i64>,
    pub extended_days: i64,
    pub decided_at: Option<i64>,
    pub received_at: i64,
    /// How it was sent to its unit, once routed.
    pub routing: Option<Routing>,
    pub due_on: Option<Date>,
    pub satisfaction: Option<i64>,
    pub supervised: bool,
}

impl Case {
    /// A report (检举控告 / 投诉举报): its filer is protected, and it never goes to the unit it is about.
    pub fn is_report(&self) -> bool {
        is_report(self.kind, self.petition_kind)
    }

    /// Assigned (交办) with the officer's deadline, rather than transferred.
    pub fn assigned(&self) -> bool {
        self.routing == Some(Routing::Assign)
    }
}

/// A report: a complaint, or a petition accusing someone (检举控告).
pub(super) fn is_report(kind: CaseKind, petition_kind: Option<PetitionKind>) -> bool {
    kind == CaseKind::Complaint || petition_kind == Some(PetitionKind::Accusation)
}

fn kind(s: &str) -> AppResult<CaseKind> {
    AppError::stored(CaseKind::parse(s), "case kind", s)
}

fn petition_kind(s: Option<&str>) -> AppResult<Option<PetitionKind>> {
    s.map(|p| AppError::stored(PetitionKind::parse(p), "petition kind", p)).transpose()
}

pub(super) fn status(s: &str) -> AppResult<CaseStatus> {
    AppError::stored(CaseStatus::parse(s), "case status", s)
}

pub(super) fn stage(s: &str) -> AppResult<Stage> {
    AppError::stored(Stage::parse(s), "case stage", s)
}

fn channel(s: &str) -> AppResult<Channel> {
    AppError::stored(Channel::parse(s), "case channel", s)
}

/// How a case was routed, as stored in `cases.routing`.
pub(super) fn routing(s: Option<&str>) -> AppResult<Option<Routing>> {
    s.map(|r| AppError::stored(Routing::parse(r), "case routing", r)).transpose()
}

impl TryFrom<CaseRow> for Case {
    type Error = AppError;

    fn try_from(r: CaseRow) -> AppResult<Case> {
        Ok(Case {
            kind: kind(&r.kind)?,
            petition_kind: petition_kind(r.petition_kind.as_deref())?,
            status: status(&r.status)?,
            channel: channel(&r.channel)?,
            stage: stage(&r.stage)?,
            routing: routing(r.routing.as_deref())?,
            due_on: r.due_on.as_deref().and_then(clock::parse_date),
            id: r.id,
            number: r.number,
            concerned_agency_id: r.concerned_agency_id,
            unit_id: r.unit_id,
            step_started_at: r.step_started_at,
            extended_days: r.extended_days,
            decided_at: r.decided_at,
            received_at: r.received_at,
            satisfaction: r.satisfaction,
            supervised: r.supervised != 0,
        })
    }
}

/// A case in a list, with its unit's name and the case it repeats (`WHERE` added by the caller).
pub(super) const SUMMARY_SQL: &str =
    "SELECT c.id, c.number, c.kind, c.petition_kind, c.matter, c.status, c.stage, a.name AS unit_name, c.due_on,
        c.supervised, d.number AS repeats, c.satisfaction, c.received_at, c.unit_id, c.concerned_agency_id
     FROM cases c LEFT JOIN agencies a ON a.id = c.unit_id LEFT JOIN cases d ON d.id = c.duplicate_of";

/// A row of [`SUMMARY_SQL`], as stored.
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    pub id: i64,
    number: String,
    kind: String,
    petition_kind: Option<String>,
    matter: String,
    status: String,
    stage: String,
    unit_name: Option<String>,
    due_on: Option<String>,
    supervised: i64,
    repeats: Option<String>,
    satisfaction: Option<i64>,
    received_at: i64,
    pub concerned_agency_id: Option<i64>,
}

impl SummaryRow {
    /// Whether it is a report (complaint or 检举控告), read before the row is parsed: every list
    /// and count screens on it.
    pub fn is_report(&self) -> bool {
        self.kind == "complaint" || self.petition_kind.as_deref() == Some("accusation")
    }

    /// The summary staff see, with the days left on the step someone still owes.
    pub fn summary(&self, now: i64) -> AppResult<CaseSummary> {
        let due = self.due_on.as_deref().and_then(clock::parse_date);
        let status = status(&self.status)?;
        Ok(CaseSummary {
            id: self.id,
            number: self.number.clone(),
            kind: kind(&self.kind)?,
            petition_kind: petition_kind(self.petition_kind.as_deref())?,
            matter: self.matter.clone(),
            status,
            stage: stage(&self.stage)?,
            unit: self.unit_name.clone(),
            due_on: self.due_on.clone(),
            // Only a step someone still owes has a clock.
            days_left: due.filter(|_| status.in_progress()).map(|d| super::deadlines::days_left(now, d)),
            supervised: self.supervised != 0,
            repeats: self.repeats.clone(),
            satisfaction: self.satisfaction,
            received_at: self.received_at,
        })
    }
}

/// A case, locked for the rest of the transaction on PostgreSQL (SQLite's write transactions
/// already run one at a time), so two steps cannot both pass the same status check.
pub(super) async fn load(conn: &mut AnyConnection, id: i64) -> AppResult<Case> {
    let lock = if conn.backend_name() == "PostgreSQL" { " FOR UPDATE" } else { "" };
    let row: Option<CaseRow> =
        sqlx::query_as(&format!("{CASE_SQL} WHERE id = $1{lock}")).bind(id).fetch_optional(&mut *conn).await?;
    Case::try_from(row.ok_or(AppError::NotFound)?)
}

/// Who decides the review under way: the unit above (its id), or the petition office (None).
pub(super) async fn reviewing_unit(conn: &mut AnyConnection, case: i64) -> AppResult<Option<i64>> {
    let detail: Option<String> = sqlx::query_scalar(
        "SELECT detail FROM case_events WHERE case_id = $1 AND action = 'review_requested' ORDER BY seq DESC LIMIT 1",
    )
    .bind(case)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match detail.and_then(|d| Detail::read("review_requested", &d)) {
        Some(Detail::ReviewRequested(r)) => r.reviewer_id,
        _ => None,
    })
}
