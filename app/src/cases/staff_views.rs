//! What staff see besides their queues (`queue.rs`): one case with its full record and the buttons
//! the policy allows this viewer, an attachment, and the petition office's dashboard. Every list
//! and count is screened, so nobody of the unit a report concerns sees it.
use super::case::{facts, visible, who};
use super::config::CaseConfig;
use super::details::describe_for_staff;
use super::policy::{self, Act};
use super::rows::{SummaryRow, SUMMARY_SQL};
use super::screen::Screen;
use super::{AttachmentInfo, CaseSummary, Decision, StaffCase, StaffStep, UnitLoad};
use crate::accounts::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// What staff read of a case beyond its summary.
#[derive(sqlx::FromRow)]
struct DetailRow {
    facts: String,
    request: String,
    concerned_name: Option<String>,
    concerned_unit: Option<String>,
    document_title: Option<String>,
    document_number: Option<String>,
    document_id: Option<i64>,
    anonymous: i64,
    routing: Option<String>,
    decision: Option<String>,
}

/// A recorded step as staff read it.
#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    at: i64,
    actor: Option<String>,
    action: String,
    detail: String,
    public: i64,
}

/// One case as a member of staff who may see it sees it, with the steps the policy lets them take.
pub async fn staff_view(db: &AnyPool, user: &CurrentUser, id: i64) -> AppResult<StaffCase> {
    let mut conn = db.acquire().await?;
    let (case, grants) = visible(&mut conn, user, id).await?;
    let row: SummaryRow =
        sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.id = $1")).bind(id).fetch_one(&mut *conn).await?;
    let summary = row.summary(clock::now())?;
    let d: DetailRow = sqlx::query_as(
        "SELECT c.facts, c.request, a.name AS concerned_name, c.concerned_unit, c.document_title, c.document_number,
            c.document_id, c.anonymous, c.routing, c.decision
         FROM cases c LEFT JOIN agencies a ON a.id = c.concerned_agency_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let attachments: Vec<AttachmentInfo> =
        sqlx::query_as("SELECT id, kind, name, size FROM case_attachments WHERE case_id = $1 ORDER BY created_at, id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT e.seq, e.at, u.display_name AS actor, e.action, e.detail, e.public FROM case_events e
         LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let steps = events
        .into_iter()
        .map(|e| StaffStep {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            text: describe_for_staff(&e.action, &e.detail),
            action: e.action,
            public: e.public != 0,
        })
        .collect();
    let decision = d.decision.as_deref().map(|s| AppError::stored(Decision::parse(s), "decision", s)).transpose()?;
    let who = who(&mut conn, user, &case, grants).await?;
    let facts = facts(&case, false);
    let may = |act: Act| policy::may(act, &who, &facts);
    Ok(StaffCase {
        summary,
        facts: d.facts,
        request: d.request,
        concerned: d.concerned_name.or(d.concerned_unit),
        document: d.document_title.map(|t| format!("{t} {}", d.document_number.unwrap_or_default()).trim().to_string()),
        document_id: d.document_id,
        anonymous: d.anonymous != 0,
        channel: case.channel,
        routing: d.routing,
        decision,
        attachments,
        steps,
        may_triage: may(Act::Triage),
        may_handle: [Act::Accept, Act::Object, Act::Extend, Act::Decide].into_iter().any(may),
        may_decide_review: may(Act::DecideReview),
        may_terminate: may(Act::Terminate),
        may_reveal: may(Act::Reveal),
        may_supervise: may(Act::Supervise),
        may_answer_supervision: may(Act::AnswerSupervision),
    })
}

/// A file of a case, for someone who may see the case: its kind, name and the file opened.
pub async fn attachment(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    id: i64,
    file: &str,
) -> AppResult<(super::files::FileKind, String, super::storage::Opened)> {
    let mut conn = db.acquire().await?;
    visible(&mut conn, user, id).await?;
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT kind, name, size FROM case_attachments WHERE id = $1 AND case_id = $2")
            .bind(file)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (kind, name, size) = row.ok_or(AppError::NotFound)?;
    let kind = super::files::FileKind::parse(&kind).ok_or(AppError::Internal)?;
    let opened = super::storage::open(&cfg.attachments, file, size as u64).await.map_err(|e| {
        tracing::error!(error = %e, case = id, "attachment unreadable");
        AppError::Unavailable
    })?;
    Ok((kind, name, opened))
}

/// The petition office's dashboard: per unit, then the cases overdue or due within 3 days.
pub async fn dashboard(db: &AnyPool, officer: &CurrentUser) -> AppResult<(Vec<UnitLoad>, Vec<CaseSummary>)> {
    officer.require(Role::PetitionOfficer)?;
    let mut conn = db.acquire().await?;
    let screen = Screen::for_viewer(&mut conn, officer).await?;
    let rows: Vec<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.channel = 'ordinary' AND c.unit_id IS NOT NULL"))
            .fetch_all(&mut *conn)
            .await?;
    // Reports about the office's own chain are neither listed nor counted.
    let rows: Vec<SummaryRow> = rows.into_iter().filter(|r| screen.shows(r)).collect();
    let now = clock::now();
    let mut loads: std::collections::BTreeMap<String, UnitLoad> = std::collections::BTreeMap::new();
    let mut urgent = Vec::new();
    for r in &rows {
        let c = r.summary(now)?;
        let Some(unit) = c.unit.clone() else { continue };
        let load = loads.entry(unit.clone()).or_insert_with(|| UnitLoad { unit, ..Default::default() });
        if c.satisfaction.is_some_and(|s| s <= 2) {
            load.low_ratings += 1;
        }
        let Some(left) = c.days_left else { continue };
        load.open += 1;
        load.supervised += u64::from(c.supervised);
        if left < 0 {
            load.overdue += 1;
        } else if left <= 3 {
            load.due_soon += 1;
        }
        if left <= 3 {
            urgent.push(c);
        }
    }
    urgent.sort_by_key(|c| c.days_left);
    let mut loads: Vec<UnitLoad> = loads.into_values().collect();
    loads.sort_by(|a, b| {
        (b.overdue, b.due_soon, b.open).cmp(&(a.overdue, a.due_soon, a.open)).then(a.unit.cmp(&b.unit))
    });
    Ok((loads, urgent))
}
