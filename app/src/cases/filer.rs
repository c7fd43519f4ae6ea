//! The filer's side of a case, by number and query code (or under their account): its progress
//! and the public steps, a rating once decided, and a review (复查) or re-review (复核) within
//! the period after the decision. What the filer may do is asked of the policy.
use super::calendar::calendar;
use super::case::{allow, by_code, facts, load, record, refused, step, text, Move};
use super::config::CaseConfig;
use super::deadlines::{due_instant, Calendar};
use super::details::{describe, Detail, Rated, ReviewRequested};
use super::policy::{self, Act, Refused, Who};
use super::rows::{self, Case};
use super::screen::Units;
use super::{CaseKind, CaseStatus, Decision, Progress, PublicStep, Stage};
use crate::accounts::CurrentUser;
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// The progress of a case, as its filer sees it.
pub async fn progress(db: &AnyPool, cfg: &CaseConfig, number: &str, code: &str) -> AppResult<Progress> {
    let mut conn = db.acquire().await?;
    let case = by_code(&mut conn, cfg, number, code).await?;
    progress_of(&mut conn, cfg, &case).await
}

/// The progress of one of a signed-in citizen's own cases (found through the keyed filer tag).
pub async fn progress_for_filer(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    number: &str,
) -> AppResult<Progress> {
    let mut conn = db.acquire().await?;
    let case = proven(&mut conn, cfg, Proof::Account { user, number }).await?;
    progress_of(&mut conn, cfg, &case).await
}

/// How the filer shows the case is theirs: its number with the query code, or (signed in) the
/// account they filed it under.
#[derive(Clone, Copy)]
pub enum Proof<'a> {
    Code { number: &'a str, code: &'a str },
    Account { user: &'a CurrentUser, number: &'a str },
}

/// The cases filed from one account (`$1`: its filer tag), the one way an account is tied to its
/// cases (the tag, never the account id, is what a case keeps).
const FILED_BY: &str = "FROM cases c JOIN case_parties p ON p.case_id = c.id WHERE p.filer_tag = $1";

/// The case the proof names (a wrong code, or a case not filed under the account, looks like no case).
async fn proven(conn: &mut AnyConnection, cfg: &CaseConfig, proof: Proof<'_>) -> AppResult<Case> {
    match proof {
        Proof::Code { number, code } => by_code(conn, cfg, number, code).await,
        Proof::Account { user, number } => {
            let id: Option<i64> = sqlx::query_scalar(&format!("SELECT c.id {FILED_BY} AND c.number = $2"))
                .bind(cfg.key.filer_tag(user.id))
                .bind(crate::numbers::normalise_case_number(number))
                .fetch_optional(&mut *conn)
                .await?;
            load(conn, id.ok_or(AppError::NotFound)?).await
        }
    }
}

/// What the filer sees beyond the rules' columns.
#[derive(sqlx::FromRow)]
struct ProgressRow {
    matter: String,
    unit_name: Option<String>,
    due_on: Option<String>,
    decision: Option<String>,
}

/// A recorded step the filer sees.
#[derive(sqlx::FromRow)]
struct PublicEvent {
    at: i64,
    action: String,
    detail: String,
}

async fn progress_of(conn: &mut AnyConnection, cfg: &CaseConfig, case: &Case) -> AppResult<Progress> {
    let row: ProgressRow = sqlx::query_as(
        "SELECT c.matter, a.name AS unit_name, c.due_on, c.decision
         FROM cases c LEFT JOIN agencies a ON a.id = c.unit_id WHERE c.id = $1",
    )
    .bind(case.id)
    .fetch_one(&mut *conn)
    .await?;
    let events: Vec<PublicEvent> =
        sqlx::query_as("SELECT at, action, detail FROM case_events WHERE case_id = $1 AND public = 1 ORDER BY seq")
            .bind(case.id)
            .fetch_all(&mut *conn)
            .await?;
    let steps = events
        .into_iter()
        .map(|e| PublicStep { at: e.at, text: describe(&e.action, &e.detail), action: e.action })
        .collect();
    let cal = calendar(&mut *conn).await?;
    let facts = facts(case, window_open(cfg, &cal, case));
    let filer = Who::filer();
    let decision = row.decision.as_deref().map(|d| AppError::stored(Decision::parse(d), "decision", d)).transpose()?;
    Ok(Progress {
        number: case.number.clone(),
        kind: case.kind,
        petition_kind: case.petition_kind,
        matter: row.matter,
        status: case.status,
        stage: case.stage,
        unit: row.unit_name,
        due_on: row.due_on,
        decision,
        decided_at: case.decided_at,
        satisfaction: case.satisfaction,
        received_at: case.received_at,
        steps,
        may_rate: policy::may(Act::Rate, &filer, &facts),
        may_request_review: policy::may(Act::RequestReview, &filer, &facts),
        may_request_rereview: policy::may(Act::RequestRereview, &filer, &facts),
        review_until: (case.status == CaseStatus::Decided && case.kind == CaseKind::Petition)
            .then(|| window_closes(cfg, &cal, case))
            .flatten()
            .map(|d| d.to_string()),
    })
}

/// The last day to ask for the next round after the decision at the case's stage (none after a
/// re-review).
fn window_closes(cfg: &CaseConfig, cal: &Calendar, case: &Case) -> Option<Date> {
    let window = match case.stage {
        Stage::First => cfg.periods.review_request,
        Stage::Review => cfg.periods.rereview_request,
        Stage::Rereview => return None,
    };
    Some(window.due(cal, clock::date_of(case.decided_at.unwrap_or(case.received_at))))
}

fn window_open(cfg: &CaseConfig, cal: &Calendar, case: &Case) -> bool {
    window_closes(cfg, cal, case).is_some_and(|last| clock::now() < due_instant(last))
}

/// The filer asks for a review (复查) of the decision, or a re-review (复核) of the review, within
/// the period after it.
pub async fn request_review(db: &AnyPool, cfg: &CaseConfig, proof: Proof<'_>, reason: &str) -> AppResult<()> {
    let reason = text("reason", reason, "申请理由", 2_000, true)?;
    let cal = calendar(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = proven(&mut tx, cfg, proof).await?;
    let (act, next, decision_period) = match case.stage {
        Stage::First => (Act::RequestReview, Stage::Review, cfg.periods.review_decision),
        _ => (Act::RequestRereview, Stage::Rereview, cfg.periods.rereview_decision),
    };
    let facts = facts(&case, window_open(cfg, &cal, &case));
    policy::check(act, &Who::filer(), &facts).map_err(|why| match why {
        Refused::WindowClosed => {
            let last = window_closes(cfg, &cal, &case).map(|d| d.to_string()).unwrap_or_default();
            AppError::Conflict(format!("申请{}的期限已于{last}届满", next.label()))
        }
        other => refused(other),
    })?;
    // The next level up: the unit above the one that decided, if the administrator named one;
    // otherwise the petition office decides for it.
    // A report skips every unit above or below the one it concerns.
    let concerned = case.concerned_agency_id.filter(|_| case.is_report());
    let reviewer = match case.unit_id {
        Some(unit) => Units::load(&mut tx).await?.reviewer(unit, concerned),
        None => None,
    };
    let above: Option<(i64, String)> = match reviewer {
        Some(r) => {
            let name: String =
                sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(r).fetch_one(&mut *tx).await?;
            Some((r, name))
        }
        None => None,
    };
    sqlx::query("UPDATE cases SET stage = $1, step_started_at = $2, unit_id = COALESCE($3, unit_id) WHERE id = $4")
        .bind(next.as_str())
        .bind(clock::now())
        .bind(above.as_ref().map(|a| a.0))
        .bind(case.id)
        .execute(&mut *tx)
        .await?;
    let due = decision_period.due_from(&cal, clock::today());
    let detail = Detail::ReviewRequested(ReviewRequested {
        reason,
        stage_label: next.label().into(),
        due_on: due.on.to_string(),
        reviewer: above.as_ref().map(|a| a.1.clone()),
        reviewer_id: above.as_ref().map(|a| a.0),
    });
    let m = Move { actor: None, status: CaseStatus::UnderReview, public: true, detail, due_on: Some(due) };
    step(&mut tx, cfg, &case, m).await?;
    tx.commit().await?;
    Ok(())
}

/// The filer rates how the case was handled (1–5), once, after the decision. A low rating (1 or 2)
/// is flagged to the petition office.
pub async fn rate(db: &AnyPool, cfg: &CaseConfig, proof: Proof<'_>, score: i64, comment: &str) -> AppResult<()> {
    if !(1..=5).contains(&score) {
        return Err(AppError::field("score", "请选择1至5分"));
    }
    let comment = text("comment", comment, "评价意见", 1_000, false)?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = proven(&mut tx, cfg, proof).await?;
    allow(Act::Rate, &Who::filer(), &case)?;
    sqlx::query("UPDATE cases SET satisfaction = $1 WHERE id = $2").bind(score).bind(case.id).execute(&mut *tx).await?;
    let label = ["", "很不满意", "不满意", "基本满意", "满意", "非常满意"][score as usize];
    let detail = Detail::Rated(Rated { score, label: label.into(), comment });
    record(&mut tx, cfg, case.id, None, case.status, true, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// A case the filer filed under their account, as listed for them.
#[derive(sqlx::FromRow)]
struct MineRow {
    number: String,
    kind: String,
    matter: String,
    status: String,
    received_at: i64,
}

/// Cases filed under a citizen's account, newest first: (number, kind, matter, status, received).
pub async fn mine(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    page: Option<u32>,
) -> AppResult<Vec<(String, CaseKind, String, CaseStatus, i64)>> {
    let page = crate::paging::check(page)?;
    let rows: Vec<MineRow> = sqlx::query_as(&format!(
        "SELECT c.number, c.kind, c.matter, c.status, c.received_at {FILED_BY} ORDER BY c.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(cfg.key.filer_tag(user.id))
    .bind(super::MINE_PAGE)
    .bind((i64::from(page) - 1) * super::MINE_PAGE)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind = AppError::stored(CaseKind::parse(&r.kind), "case kind", &r.kind)?;
            Ok((r.number, kind, r.matter, rows::status(&r.status)?, r.received_at))
        })
        .collect()
}
