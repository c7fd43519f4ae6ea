//! One case in the store: found (by id, or by number and query code), checked against who may see
//! it and against the policy, and moved on a step recorded in the hash-chained record. Shared by
//! filing, the staff workflow and the filer's view.
use super::chain::{self, Step};
use super::config::CaseConfig;
use super::deadlines::Due;
use super::details::Detail;
use super::grants::{self, Grants};
use super::policy::{self, Act, Facts, Refused, Who};
use super::rows::Case;
pub(super) use super::rows::{load, reviewing_unit};
use super::screen::Screen;
use super::seal::{to_hex, CaseKey};
use super::CaseStatus;
use crate::accounts::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyConnection;

/// A field's text, trimmed, required or not, at most `max` characters.
pub(super) fn text(field: &str, value: &str, label: &str, max: usize, required: bool) -> AppResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(AppError::field(field, &format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::field(field, &format!("{label}不能超过{max}字")));
    }
    Ok(v.to_string())
}

/// A fresh query code such as `K7M2-X9QD-3PWE` (60 random bits; lookups are rate limited).
pub(super) fn new_query_code() -> String {
    crate::codes::crockford_groups(3)
}

/// The stored form of a query code: an HMAC (under the case key) of it as typed, normalised, so a
/// copy of the database alone does not let anyone try codes offline.
pub(super) fn code_hash(key: &CaseKey, code: &str) -> String {
    // Read the way receipt numbers are (case, O/0, I/L/1), hyphens and spaces ignored.
    let code: String = crate::codes::normalise_receipt(code).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    to_hex(&key.mac(format!("query-code:{code}").as_bytes()))
}

/// The case a number and query code name (the pair is the key: a wrong code looks like no case).
pub(super) async fn by_code(conn: &mut AnyConnection, cfg: &CaseConfig, number: &str, code: &str) -> AppResult<Case> {
    let number = crate::numbers::normalise_case_number(number);
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE number = $1 AND query_code_hash = $2")
        .bind(&number)
        .bind(code_hash(&cfg.key, code))
        .fetch_optional(&mut *conn)
        .await?;
    load(conn, id.ok_or(AppError::NotFound)?).await
}

/// The case, if the user may see it (else "not found", so nobody learns it exists), with the
/// powers granted to the user.
pub(super) async fn visible(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> AppResult<(Case, Grants)> {
    let case = load(&mut *conn, id).await?;
    let grants = grants::of_user(&mut *conn, user.id).await?;
    let screen = Screen::for_viewer(&mut *conn, user).await?;
    let screened = screen.hides(case.is_report(), case.concerned_agency_id);
    if policy::may_see(user, &grants, screened, case.channel, case.unit_id) {
        Ok((case, grants))
    } else {
        Err(AppError::NotFound)
    }
}

/// How a signed-in user stands to a case they may see (who decides a review is asked only while
/// one is under way).
pub(super) async fn who(conn: &mut AnyConnection, user: &CurrentUser, case: &Case, grants: Grants) -> AppResult<Who> {
    let reviewing = match case.status {
        CaseStatus::UnderReview => reviewing_unit(conn, case.id).await?,
        _ => None,
    };
    Ok(Who::staff(user, grants, case.unit_id, reviewing))
}

/// What the policy looks at in a case; `window_open` only matters to the filer's requests.
pub(super) fn facts(case: &Case, window_open: bool) -> Facts {
    Facts {
        kind: case.kind,
        status: case.status,
        channel: case.channel,
        stage: case.stage,
        extended: case.extended_days > 0,
        rated: case.satisfaction.is_some(),
        supervised: case.supervised,
        window_open,
    }
}

/// The policy's guard for a staff step (or the filer's rating), as the error a refused step gets.
pub(super) fn allow(act: Act, who: &Who, case: &Case) -> AppResult<()> {
    policy::check(act, who, &facts(case, false)).map_err(refused)
}

/// The error a refused step gets (the filer's closed window names its date where it is known).
pub(super) fn refused(why: Refused) -> AppError {
    match why {
        Refused::Forbidden => AppError::Forbidden,
        Refused::Conflict(message) => AppError::Conflict(message.into()),
        Refused::WindowClosed => AppError::Conflict("申请期限已届满".into()),
    }
}

/// Record a step in the case's chain without moving the case.
pub(super) async fn record(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    case_id: i64,
    actor: Option<i64>,
    status: CaseStatus,
    public: bool,
    detail: &Detail,
) -> AppResult<()> {
    let entry = Step {
        case_id,
        actor_id: actor,
        action: detail.action(),
        status: status.as_str(),
        public,
        detail: detail.to_json(),
    };
    chain::append(conn, &cfg.key, &entry).await?;
    // Whatever moves a case (filing, routing, a channel, the unit a report concerns) is recorded
    // here, so the queues' search index learns of it in the same transaction.
    crate::changes::record_change(conn, "case", case_id).await?;
    Ok(())
}

/// A step that moves a case to `status`, with the deadline of what is owed next.
pub(super) struct Move {
    pub actor: Option<i64>,
    pub status: CaseStatus,
    pub public: bool,
    pub detail: Detail,
    pub due_on: Option<Due>,
}

/// Move a case to the step's status, count it for the statistics, record it in the chain, and tell
/// the filer and the staff who owe the next step (`notify.rs`), all in the caller's transaction.
pub(super) async fn step(conn: &mut AnyConnection, cfg: &CaseConfig, case: &Case, m: Move) -> AppResult<()> {
    let now = clock::now();
    let counted = m.due_on.and_then(|d| d.counted);
    sqlx::query(
        "UPDATE cases SET status = $1, due_on = $2, due_from = $3, due_period = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(m.status.as_str())
    .bind(m.due_on.map(|d| d.on.to_string()))
    .bind(counted.map(|(event, _)| event.to_string()))
    .bind(counted.map(|(_, period)| period.stored()))
    .bind(now)
    .bind(case.id)
    .execute(&mut *conn)
    .await?;
    let action = m.detail.action();
    super::stats::step(conn, case.id, case.received_at, action, &m.detail.to_json()).await?;
    record(conn, cfg, case.id, m.actor, m.status, m.public, &m.detail).await?;
    super::notify::after_step(conn, cfg, case, &m.detail, m.due_on.map(|d| d.on)).await?;
    tracing::info!(case = case.id, action, status = m.status.as_str(), "case step");
    Ok(())
}
