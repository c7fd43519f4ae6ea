//! Cases in the database: filing, who may see and do what, each step with its deadline and its
//! entry in the hash-chained record, the filer's view by number and query code.
use super::chain::{self, Step};
use super::config::CaseConfig;
use super::deadlines::{Calendar, CalendarDay, DayKind};
use super::screen::{Screen, Units};
use super::seal::{to_hex, CaseKey};
use super::{CaseKind, CaseStatus, Decision, Filed, Filing, PetitionKind, Progress, PublicStep, Stage};
use crate::accounts::{CurrentUser, Role};
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult};
use serde_json::json;
use sqlx::{AnyConnection, AnyPool};

/// The holiday calendar as the administrator keeps it.
pub async fn calendar(db: impl sqlx::AnyExecutor<'_>) -> AppResult<Calendar> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, kind, name FROM calendar_days").fetch_all(db).await?;
    let days: Vec<CalendarDay> = rows
        .into_iter()
        .filter_map(|(day, kind, name)| {
            let kind = if kind == "workday" { DayKind::Workday } else { DayKind::Holiday };
            Some(CalendarDay { date: clock::parse_date(&day)?, kind, name })
        })
        .collect();
    Ok(Calendar::new(&days))
}

/// A fresh query code such as `K7M2-X9QD-3PWE` (60 random bits; lookups are rate limited).
fn new_query_code() -> String {
    crate::codes::crockford_groups(3)
}

/// The stored form of a query code: an HMAC (under the case key) of it as typed, normalised, so a
/// copy of the database alone does not let anyone try codes offline.
fn code_hash(key: &CaseKey, code: &str) -> String {
    // Read the way receipt numbers are (case, O/0, I/L/1), hyphens and spaces ignored.
    let code: String = crate::codes::normalise_receipt(code).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    to_hex(&key.mac(format!("query-code:{code}").as_bytes()))
}

/// The filer's identity and contact details, sealed apart from the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub user_id: Option<i64>,
}

fn text(field: &str, value: &str, label: &str, max: usize, required: bool) -> AppResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(AppError::field(field, &format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::field(field, &format!("{label}不能超过{max}字")));
    }
    Ok(v.to_string())
}

/// A case row with what the rules need.
#[derive(Debug, Clone)]
struct Case {
    id: i64,
    number: String,
    kind: CaseKind,
    petition_kind: Option<PetitionKind>,
    concerned_agency_id: Option<i64>,
    status: CaseStatus,
    channel: String,
    unit_id: Option<i64>,
    stage: Stage,
    step_started_at: Option<i64>,
    extended_days: i64,
    decided_at: Option<i64>,
    received_at: i64,
    /// Assigned (交办) with the officer's deadline, rather than transferred.
    assigned: bool,
    due_on: Option<Date>,
}

impl Case {
    /// A report (检举控告 / 投诉举报): its filer is protected, and it never goes to the unit it is about.
    fn is_report(&self) -> bool {
        self.kind == CaseKind::Complaint || self.petition_kind == Some(PetitionKind::Accusation)
    }
}

const CASE_SQL: &str = "SELECT id, number, kind, petition_kind, concerned_agency_id, status, channel, unit_id, stage,
        step_started_at, extended_days, decided_at, received_at, routing, due_on FROM cases";

type CaseRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    String,
    Option<i64>,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    i64,
    Option<String>,
    Option<String>,
);

fn case_of(r: CaseRow) -> AppResult<Case> {
    Ok(Case {
        id: r.0,
        number: r.1,
        kind: AppError::stored(CaseKind::parse(&r.2), "case kind", &r.2)?,
        petition_kind: match r.3.as_deref() {
            Some(p) => Some(AppError::stored(PetitionKind::parse(p), "petition kind", p)?),
            None => None,
        },
        concerned_agency_id: r.4,
        status: AppError::stored(CaseStatus::parse(&r.5), "case status", &r.5)?,
        channel: r.6,
        unit_id: r.7,
        stage: AppError::stored(Stage::parse(&r.8), "case stage", &r.8)?,
        step_started_at: r.9,
        extended_days: r.10,
        decided_at: r.11,
        received_at: r.12,
        assigned: r.13.as_deref() == Some("assign"),
        due_on: r.14.as_deref().and_then(clock::parse_date),
    })
}

/// Whether a summary row is a report (complaint or 检举控告).
fn summary_is_report(r: &SummaryRow) -> bool {
    r.2 == "complaint" || r.3.as_deref() == Some("accusation")
}

/// Whether the screen lets its viewer see a listed case (every list and count asks this).
fn shown(screen: &Screen, r: &SummaryRow) -> bool {
    !screen.hides(summary_is_report(r), r.14)
}

/// A case, locked for the rest of the transaction on PostgreSQL (SQLite's write transactions
/// already run one at a time), so two steps cannot both pass the same status check.
async fn load(conn: &mut AnyConnection, id: i64) -> AppResult<Case> {
    let lock = if conn.backend_name() == "PostgreSQL" { " FOR UPDATE" } else { "" };
    let row: Option<CaseRow> =
        sqlx::query_as(&format!("{CASE_SQL} WHERE id = $1{lock}")).bind(id).fetch_optional(&mut *conn).await?;
    case_of(row.ok_or(AppError::NotFound)?)
}

/// The powers an administrator granted a user.
pub async fn grants(db: impl sqlx::AnyExecutor<'_>, user: i64) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT grant_name FROM user_grants WHERE user_id = $1").bind(user).fetch_all(db).await?)
}

/// Whether `user` (with `grants`) may see the case at all. The unit a report is about never does
/// (a claim about a unit's own decision is, as usual, handled by that unit).
fn may_see(user: &CurrentUser, grants: &[String], screen: &Screen, case: &Case) -> bool {
    let granted = |g: &str| grants.iter().any(|x| x == g);
    // Whatever the role or channel: nobody of the unit a report is about, or above or below it.
    if screen.hides(case.is_report(), case.concerned_agency_id) {
        return false;
    }
    if user.must_change_password {
        return false;
    }
    match case.channel.as_str() {
        "legal" => return granted("legal_channel"),
        "discipline" => return granted("discipline_channel"),
        _ => {}
    }
    match user.role {
        Role::PetitionOfficer => !user.must_change_password,
        Role::Staff => {
            let agency = user.agency_id;
            agency.is_some() && case.unit_id == agency && !user.must_change_password
        }
        _ => false,
    }
}

/// The case, if the user may see it (else "not found", so nobody learns it exists).
async fn visible(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> AppResult<Case> {
    Ok(visible_with_grants(conn, user, id).await?.0)
}

/// `visible`, with the powers granted to the user (for callers that need them too).
async fn visible_with_grants(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> AppResult<(Case, Vec<String>)> {
    let case = load(&mut *conn, id).await?;
    let grants = grants(&mut *conn, user.id).await?;
    let screen = Screen::for_viewer(&mut *conn, user).await?;
    if may_see(user, &grants, &screen, &case) {
        Ok((case, grants))
    } else {
        Err(AppError::NotFound)
    }
}

/// Move a case to `status` and record the step in the chain; `set` adds columns to change.
#[allow(clippy::too_many_arguments)]
async fn step(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    case: &Case,
    actor: Option<i64>,
    action: &str,
    status: CaseStatus,
    public: bool,
    detail: serde_json::Value,
    due_on: Option<Date>,
) -> AppResult<()> {
    let now = clock::now();
    sqlx::query("UPDATE cases SET status = $1, due_on = $2, updated_at = $3 WHERE id = $4")
        .bind(status.as_str())
        .bind(due_on.map(|d| d.to_string()))
        .bind(now)
        .bind(case.id)
        .execute(&mut *conn)
        .await?;
    super::stats::step(conn, case.id, case.received_at, action, &detail).await?;
    let entry = Step { case_id: case.id, actor_id: actor, action, status: status.as_str(), public, detail };
    chain::append(conn, &cfg.key, &entry).await?;
    tracing::info!(case = case.id, action, status = status.as_str(), "case step");
    Ok(())
}

/// Attachments written for a filing not yet committed; dropped with ids left, they are removed.
struct WrittenFiles<'a> {
    dir: &'a std::path::Path,
    ids: Vec<String>,
}

impl Drop for WrittenFiles<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            super::storage::discard(self.dir, id);
        }
        if !self.ids.is_empty() {
            tracing::warn!(files = self.ids.len(), "a filing failed after its attachments were written; removed them");
        }
    }
}

/// A report about a petition office (or a unit above or below one) cannot be triaged by that
/// office: it goes to the discipline channel as it is filed, independent of the office.
async fn to_discipline_if_about_an_office(
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
    let detail = json!({"note": "举报涉及信访部门，直接转纪检监察机关办理"});
    let entry = Step {
        case_id: id,
        actor_id: None,
        action: "discipline",
        status: CaseStatus::Discipline.as_str(),
        public: true,
        detail,
    };
    chain::append(conn, &cfg.key, &entry).await?;
    tracing::info!(case = id, "a report about a petition office went to the discipline channel");
    Ok(())
}

/// Similar matters: the same text once normalised, or near-duplicates as the comment grouping sees them.
fn same_matter(a: &str, b: &str) -> bool {
    crate::feedback::groups::group(&[(1, a), (2, b)]) == vec![1, 1]
}

/// File a case. Anyone may file a report (投诉举报, or a 检举控告 petition) anonymously; everything
/// else is filed by a signed-in citizen under their account. The case is committed before its
/// number and query code are returned; attachments are checked, then stored, first.
pub async fn file(
    db: &AnyPool,
    cfg: &CaseConfig,
    filer: Option<&CurrentUser>,
    f: &Filing,
    files: &[(String, Vec<u8>)],
) -> AppResult<Filed> {
    let kind = CaseKind::parse(&f.kind).ok_or_else(|| AppError::field("kind", "请选择类型"))?;
    let petition_kind = match kind {
        CaseKind::Petition => Some(
            f.petition_kind
                .as_deref()
                .and_then(PetitionKind::parse)
                .ok_or_else(|| AppError::field("petition_kind", "请选择信访事项的类别"))?,
        ),
        _ => None,
    };
    let report = kind == CaseKind::Complaint || petition_kind == Some(PetitionKind::Accusation);
    if f.anonymous && !report {
        return Err(AppError::field("anonymous", "只有投诉举报和检举控告可以匿名提出"));
    }
    let mut errors = Vec::new();
    let mut take = |r: AppResult<String>| match r {
        Ok(v) => v,
        Err(AppError::Invalid(e)) => {
            errors.extend(e);
            String::new()
        }
        Err(_) => String::new(),
    };
    let matter = take(text("matter", &f.matter, "事项（标题）", 100, true));
    let facts = take(text("facts", &f.facts, "事实和理由", 10_000, true));
    let request = take(text("request", &f.request, "请求", 2_000, kind != CaseKind::Complaint));
    let concerned_unit = take(text("concerned_unit", &f.concerned_unit, "涉及单位", 100, false));
    let objection = kind == CaseKind::Objection;
    let document_title = take(text("document_title", &f.document_title, "规范性文件名称", 200, objection));
    let document_number = take(text("document_number", &f.document_number, "文号", 100, objection));
    let name = take(text("name", &f.name, "姓名", 50, !f.anonymous));
    let phone = take(text("phone", &f.phone, "联系电话", 30, false));
    let email = take(text("email", &f.email, "电子邮箱", 254, false));
    let address = take(text("address", &f.address, "通讯地址", 200, false));
    if !f.anonymous && phone.is_empty() && email.is_empty() {
        errors.push(crate::error::FieldError {
            field: "phone".into(),
            message: "请至少留一种联系方式（电话或电子邮箱）".into(),
        });
    }
    if let Err(AppError::Invalid(e)) = super::attachments::check_all(files) {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let user = match (filer, f.anonymous) {
        (_, true) => None,
        (Some(u), false) if u.role == Role::Citizen => Some(u),
        (Some(_), false) => return Err(AppError::Forbidden),
        (None, false) => return Err(AppError::Unauthorized),
    };
    if let Some(a) = f.concerned_agency_id {
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1").bind(a).fetch_optional(db).await?;
        known.ok_or_else(|| AppError::field("concerned_agency_id", "所选单位不存在"))?;
    }
    // A report that names its unit only in words is screened from the start when the words name a
    // listed unit: nobody of that unit (a petition office included) reads it while it waits.
    let concerned_agency_id = match f.concerned_agency_id {
        None if report && !concerned_unit.is_empty() => named_in_words(db, &concerned_unit).await?,
        chosen => chosen,
    };

    // Files first: once the case exists, they must too. Should the filing then fail, the guard
    // removes them again, so a failed filing leaves nothing on the disk.
    let mut stored = Vec::new();
    let mut written = WrittenFiles { dir: &cfg.attachments, ids: Vec::new() };
    for (file_name, bytes) in files {
        let s = super::storage::store(&cfg.attachments, file_name, bytes).await.map_err(|e| {
            tracing::error!(error = %e, "could not store an attachment");
            AppError::Unavailable
        })?;
        written.ids.push(s.id.clone());
        stored.push(s);
    }

    let now = clock::now();
    let cal = calendar(db).await?;
    let tag = user.map(|u| cfg.key.filer_tag(u.id));
    let mut tx = crate::db::begin_write(db).await?;
    // The same person's earlier cases: a matter finished by re-review is closed; one in progress is
    // linked for the officer.
    let mut repeats: Option<(i64, String)> = None;
    if let Some(tag) = &tag {
        let earlier: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
            "SELECT c.id, c.number, c.matter, c.facts, c.status, c.stage FROM cases c
             JOIN case_parties p ON p.case_id = c.id WHERE p.filer_tag = $1 ORDER BY c.id",
        )
        .bind(tag)
        .fetch_all(&mut *tx)
        .await?;
        for (id, number, m, fa, status, stage) in earlier {
            if !same_matter(&format!("{m}\n{fa}"), &format!("{matter}\n{facts}")) {
                continue;
            }
            let status = AppError::stored(CaseStatus::parse(&status), "case status", &status)?;
            if AppError::stored(Stage::parse(&stage), "case stage", &stage)? == Stage::Rereview
                && status == CaseStatus::Decided
            {
                return Err(AppError::Conflict(format!("同一事项已经复核（{number}），不再受理")));
            }
            if status.in_progress() {
                repeats = Some((id, number));
            }
        }
    }
    let code = new_query_code();
    let due = cfg.periods.register.due(&cal, clock::date_of(now));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (number, query_code_hash, kind, petition_kind, matter, facts, request, concerned_agency_id,
             concerned_unit, document_title, document_number, anonymous, status, due_on, step_started_at,
             duplicate_of, received_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $14, $15, $14, $14) RETURNING id",
    )
    .bind(format!("pending-{}", code_hash(&cfg.key, &code)))
    .bind(code_hash(&cfg.key, &code))
    .bind(kind.as_str())
    .bind(petition_kind.map(|p| p.as_str()))
    .bind(&matter)
    .bind(&facts)
    .bind(&request)
    .bind(concerned_agency_id)
    .bind((!concerned_unit.is_empty()).then_some(concerned_unit.as_str()))
    .bind((!document_title.is_empty()).then_some(document_title.as_str()))
    .bind((!document_number.is_empty()).then_some(document_number.as_str()))
    .bind(i64::from(f.anonymous))
    .bind(due.to_string())
    .bind(now)
    .bind(repeats.as_ref().map(|r| r.0))
    .fetch_one(&mut *tx)
    .await?;
    let number = format!("{}-{}-{id:06}", kind.prefix(), clock::date_of(now).year);
    sqlx::query("UPDATE cases SET number = $1 WHERE id = $2").bind(&number).bind(id).execute(&mut *tx).await?;
    super::stats::filed(&mut tx, id, now).await?;
    let identity = Identity { name, phone, email, address, user_id: user.map(|u| u.id) };
    let sealed = cfg.key.seal_for(id, &serde_json::to_vec(&identity).unwrap_or_default());
    sqlx::query("INSERT INTO case_parties (case_id, filer_tag, sealed) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(tag.as_deref())
        .bind(sealed)
        .execute(&mut *tx)
        .await?;
    for s in &stored {
        sqlx::query(
            "INSERT INTO case_attachments (id, case_id, kind, name, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.id)
        .bind(id)
        .bind(s.kind.as_str())
        .bind(&s.name)
        .bind(s.size as i64)
        .bind(&s.sha256)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let detail = json!({
        "kind": kind.as_str(),
        "attachments": stored.iter().map(|a| json!({"id": a.id, "sha256": a.sha256})).collect::<Vec<_>>(),
        "repeats": repeats.as_ref().map(|r| r.1.clone()),
    });
    let entry = Step { case_id: id, actor_id: None, action: "filed", status: "received", public: true, detail };
    chain::append(&mut tx, &cfg.key, &entry).await?;
    if report {
        to_discipline_if_about_an_office(&mut tx, cfg, id, concerned_agency_id).await?;
    }
    tx.commit().await?;
    written.ids.clear();
    tracing::info!(case = id, kind = kind.as_str(), anonymous = f.anonymous, attachments = stored.len(), "case filed");
    Ok(Filed { number, query_code: code, repeats: repeats.map(|r| r.1) })
}

/// The listed unit a report's words name: the longest unit name found in them, else the one unit
/// whose name holds them (at least three characters). None when the words name no unit, or more
/// than one equally.
async fn named_in_words(db: &AnyPool, words: &str) -> AppResult<Option<i64>> {
    let words: String = words.split_whitespace().collect();
    let units: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM agencies ORDER BY id LIMIT 10000").fetch_all(db).await?;
    let mut named: Vec<&(i64, String)> = units.iter().filter(|(_, n)| words.contains(n.as_str())).collect();
    named.sort_by_key(|(_, n)| std::cmp::Reverse(n.chars().count()));
    match named.as_slice() {
        [only] => return Ok(Some(only.0)),
        [first, second, ..] if first.1.chars().count() > second.1.chars().count() => return Ok(Some(first.0)),
        [_, _, ..] => return Ok(None),
        [] => {}
    }
    if words.chars().count() < 3 {
        return Ok(None);
    }
    let holding: Vec<&(i64, String)> = units.iter().filter(|(_, n)| n.contains(words.as_str())).collect();
    Ok(match holding.as_slice() {
        [only] => Some(only.0),
        _ => None,
    })
}

/// The case a number and query code name (the pair is the key: a wrong code looks like no case).
async fn by_code(conn: &mut AnyConnection, cfg: &CaseConfig, number: &str, code: &str) -> AppResult<Case> {
    let number = number.trim().to_uppercase();
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE number = $1 AND query_code_hash = $2")
        .bind(&number)
        .bind(code_hash(&cfg.key, code))
        .fetch_optional(&mut *conn)
        .await?;
    load(conn, id.ok_or(AppError::NotFound)?).await
}

/// The progress of a case, as its filer sees it.
pub async fn progress(db: &AnyPool, cfg: &CaseConfig, number: &str, code: &str) -> AppResult<Progress> {
    let mut conn = db.acquire().await?;
    let case = by_code(&mut conn, cfg, number, code).await?;
    progress_of(&mut conn, cfg, &case).await
}

async fn progress_of(conn: &mut AnyConnection, cfg: &CaseConfig, case: &Case) -> AppResult<Progress> {
    type Row = (String, Option<String>, String, Option<String>, Option<String>, Option<i64>, Option<i64>);
    let (matter, unit, status, due_on, decision, satisfaction, decided_at): Row = sqlx::query_as(
        "SELECT c.matter, a.name, c.status, c.due_on, c.decision, c.satisfaction, c.decided_at
         FROM cases c LEFT JOIN agencies a ON a.id = c.unit_id WHERE c.id = $1",
    )
    .bind(case.id)
    .fetch_one(&mut *conn)
    .await?;
    let events: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT at, action, detail FROM case_events WHERE case_id = $1 AND public = 1 ORDER BY seq")
            .bind(case.id)
            .fetch_all(&mut *conn)
            .await?;
    let steps = events
        .into_iter()
        .map(|(at, action, detail)| {
            let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
            PublicStep { at, text: describe(&action, &d), action }
        })
        .collect();
    let status = AppError::stored(CaseStatus::parse(&status), "case status", &status)?;
    let now = clock::now();
    let cal = calendar(&mut *conn).await?;
    let window_open = |period: super::deadlines::Period| {
        decided_at.is_some_and(|at| now < super::deadlines::due_instant(period.due(&cal, clock::date_of(at))))
    };
    let decided = status == CaseStatus::Decided;
    let petition = case.kind == CaseKind::Petition;
    Ok(Progress {
        number: case.number.clone(),
        kind: case.kind,
        petition_kind: case.petition_kind,
        matter,
        status,
        stage: case.stage,
        unit,
        due_on,
        decision: decision.as_deref().and_then(Decision::parse),
        decided_at,
        satisfaction,
        received_at: case.received_at,
        steps,
        may_rate: decided && satisfaction.is_none(),
        may_request_review: petition
            && decided
            && case.stage == Stage::First
            && window_open(cfg.periods.review_request),
        may_request_rereview: petition
            && decided
            && case.stage == Stage::Review
            && window_open(cfg.periods.rereview_request),
    })
}

/// A recorded step in words, for the filer.
pub fn describe(action: &str, d: &serde_json::Value) -> String {
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    match action {
        "filed" => "已收到，等待登记".into(),
        "not_accepted" => format!("不予受理。理由：{}。请通过以下途径反映：{}", s("reason"), s("channel")),
        "legal" => format!("属于涉法涉诉事项，已导入法律程序处理（{}）", s("body_label")),
        "discipline" => "已转纪检监察机关处理".into(),
        "concerned_set" => format!("确定被举报单位：{}", s("unit")),
        "routed" => format!("已{}至{}", if s("routing") == "assign" { "交办" } else { "转送" }, s("unit")),
        "unit_accepted" => format!("{}已受理，将于{}前出具处理意见", s("unit"), s("due_on")),
        "extended" => format!(
            "办理期限延长{}日至{}。理由：{}",
            d.get("days").and_then(|v| v.as_i64()).unwrap_or(0),
            s("due_on"),
            s("reason")
        ),
        "decided" => {
            format!("出具{}：{}。{}（依据：{}）", s("stage_label"), s("decision_label"), s("text"), s("basis"))
        }
        "review_requested" => match d.get("reviewer").and_then(|v| v.as_str()) {
            Some(by) => format!("申请{}：{}（由{by}{}）", s("stage_label"), s("reason"), s("stage_label")),
            None => format!("申请{}：{}", s("stage_label"), s("reason")),
        },
        "rated" => format!("满意度评价：{}", s("label")),
        "terminated" => format!("依法终结：{}", s("reason")),
        other => other.to_string(),
    }
}

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
    let case = visible(&mut tx, officer, id).await?;
    if !matches!(case.status, CaseStatus::Received | CaseStatus::Objected) {
        return Err(AppError::Conflict("该件已经处理，不能再分流".into()));
    }
    let today = clock::today();
    let actor = Some(officer.id);
    match t {
        Triage::Route { unit, assign, due_on, note } => {
            let name: Option<String> = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
                .bind(unit)
                .fetch_optional(&mut *tx)
                .await?;
            let name = name.ok_or_else(|| AppError::field("unit", "请选择责任单位"))?;
            if case.is_report() {
                let Some(concerned) = case.concerned_agency_id else {
                    return Err(AppError::field("concerned_agency_id", "举报件须先确定被举报单位，才能转送或交办"));
                };
                if Units::load(&mut tx).await?.chain(concerned).contains(&unit) {
                    return Err(AppError::field("unit", "举报件不得转交被举报单位及其上下级单位办理"));
                }
            }
            let due = if assign {
                let d = due_on
                    .as_deref()
                    .and_then(clock::parse_date)
                    .ok_or_else(|| AppError::field("due_on", "交办须确定办结期限"))?;
                if d <= today {
                    return Err(AppError::field("due_on", "办结期限须晚于今天"));
                }
                d
            } else {
                cfg.periods.unit_accept.due(&cal, today)
            };
            sqlx::query("UPDATE cases SET unit_id = $1, routing = $2, step_started_at = $3 WHERE id = $4")
                .bind(unit)
                .bind(if assign { "assign" } else { "transfer" })
                .bind(clock::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = json!({"unit": name, "unit_id": unit, "routing": if assign { "assign" } else { "transfer" }, "note": note, "due_on": due.to_string()});
            step(&mut tx, cfg, &case, actor, "routed", CaseStatus::Routed, true, detail, Some(due)).await?;
        }
        Triage::NotAccept { reason, channel } => {
            let reason = text("reason", &reason, "不予受理的理由", 2_000, true)?;
            let channel = text("channel", &channel, "应当通过的途径", 500, true)?;
            let detail = json!({"reason": reason, "channel": channel});
            step(&mut tx, cfg, &case, actor, "not_accepted", CaseStatus::NotAccepted, true, detail, None).await?;
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
            let detail = json!({"body": body, "body_label": label, "note": note});
            step(&mut tx, cfg, &case, actor, "legal", CaseStatus::Legal, true, detail, None).await?;
        }
        Triage::Concerns { unit } => {
            if !case.is_report() {
                return Err(AppError::Conflict("只有投诉举报、检举控告需要确定被举报单位".into()));
            }
            // Only a unit named in words is set here: the unit the filer chose is never replaced
            // (that would let one officer route a report to the unit it accuses).
            if case.concerned_agency_id.is_some() {
                return Err(AppError::Conflict("被举报单位已由提出人选定，不能更改".into()));
            }
            let name: Option<String> = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
                .bind(unit)
                .fetch_optional(&mut *tx)
                .await?;
            let name = name.ok_or_else(|| AppError::field("concerned_agency_id", "所选单位不存在"))?;
            sqlx::query("UPDATE cases SET concerned_agency_id = $1 WHERE id = $2")
                .bind(unit)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = json!({"unit": name, "unit_id": unit});
            let entry = Step {
                case_id: id,
                actor_id: actor,
                action: "concerned_set",
                status: case.status.as_str(),
                public: false,
                detail,
            };
            chain::append(&mut tx, &cfg.key, &entry).await?;
            to_discipline_if_about_an_office(&mut tx, cfg, id, Some(unit)).await?;
        }
        Triage::Discipline { note } => {
            if !case.is_report() {
                return Err(AppError::Conflict("只有检举控告、投诉举报可以转纪检监察机关".into()));
            }
            sqlx::query("UPDATE cases SET channel = 'discipline', unit_id = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            step(&mut tx, cfg, &case, actor, "discipline", CaseStatus::Discipline, true, json!({"note": note}), None)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

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
    },
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
    let case = visible(&mut tx, staff, id).await?;
    let unit: String =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
    let today = clock::today();
    let actor = Some(staff.id);
    let routed_on = clock::date_of(case.step_started_at.unwrap_or(case.received_at));
    match action {
        UnitAction::Accept => {
            if case.status != CaseStatus::Routed {
                return Err(AppError::Conflict("该件不在待受理状态".into()));
            }
            let due = handling_due(cfg, &cal, &case, today, 0).map_err(|e| AppError::field("days", &e.to_string()))?;
            sqlx::query("UPDATE cases SET step_started_at = $1 WHERE id = $2")
                .bind(clock::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = json!({"unit": unit, "due_on": due.to_string()});
            step(&mut tx, cfg, &case, actor, "unit_accepted", CaseStatus::Handling, true, detail, Some(due)).await?;
        }
        UnitAction::Object { reason } => {
            if case.status != CaseStatus::Routed {
                return Err(AppError::Conflict("该件不在待受理状态".into()));
            }
            let reason = text("reason", &reason, "异议理由", 2_000, true)?;
            let last = cfg.periods.objection.due(&cal, routed_on);
            if today > last {
                return Err(AppError::Conflict(format!("提出异议的期限已于{last}届满")));
            }
            sqlx::query("UPDATE cases SET unit_id = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let detail = json!({"unit": unit, "reason": reason});
            let due = cfg.periods.register.due(&cal, today);
            step(&mut tx, cfg, &case, actor, "objected", CaseStatus::Objected, false, detail, Some(due)).await?;
        }
        UnitAction::Extend { days, reason } => {
            if case.status != CaseStatus::Handling {
                return Err(AppError::Conflict("只有办理中的件可以延期".into()));
            }
            if case.extended_days > 0 {
                return Err(AppError::Conflict("办理期限只能延长一次".into()));
            }
            let reason = text("reason", &reason, "延期理由", 2_000, true)?;
            let accepted = clock::date_of(case.step_started_at.unwrap_or(case.received_at));
            let due =
                handling_due(cfg, &cal, &case, accepted, days).map_err(|e| AppError::field("days", &e.to_string()))?;
            sqlx::query("UPDATE cases SET extended_days = $1 WHERE id = $2")
                .bind(i64::from(days))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = json!({"days": days, "reason": reason, "due_on": due.to_string()});
            step(&mut tx, cfg, &case, actor, "extended", CaseStatus::Handling, true, detail, Some(due)).await?;
        }
        UnitAction::Decide { decision, text: t, basis, report } => {
            if case.status != CaseStatus::Handling {
                return Err(AppError::Conflict("只有办理中的件可以出具处理意见".into()));
            }
            let routing: Option<String> =
                sqlx::query_scalar("SELECT routing FROM cases WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
            let assigned = routing.as_deref() == Some("assign");
            let report = text("report", &report, "办结报告", 5_000, assigned)?;
            decide(&mut tx, cfg, &cal, &case, actor, &decision, &t, &basis).await?;
            if !report.is_empty() {
                // The completion report goes to the petition office, not to the filer.
                let entry = Step {
                    case_id: id,
                    actor_id: actor,
                    action: "completion_report",
                    status: CaseStatus::Decided.as_str(),
                    public: false,
                    detail: json!({"unit": unit, "report": report}),
                };
                chain::append(&mut tx, &cfg.key, &entry).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
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
) -> Result<Date, super::deadlines::ExtensionError> {
    if extra > 0 {
        // Checks the one extension's length the same way for every kind.
        cfg.periods.extended_handling(cal, accepted, extra)?;
    }
    let lengthened = |p: super::deadlines::Period| super::deadlines::Period { days: p.days + extra, unit: p.unit };
    Ok(match (case.kind, case.assigned.then_some(case.due_on).flatten()) {
        (CaseKind::Objection, _) => lengthened(cfg.periods.objection_review).due(cal, clock::date_of(case.received_at)),
        (_, Some(deadline)) if extra == 0 => deadline,
        (_, Some(deadline)) => super::deadlines::calendar_days_after(cal, deadline, extra),
        _ => lengthened(cfg.periods.handling).due(cal, accepted),
    })
}

/// Record a written decision (of the handling, the review or the re-review).
#[allow(clippy::too_many_arguments)]
async fn decide(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    cal: &Calendar,
    case: &Case,
    actor: Option<i64>,
    decision: &str,
    t: &str,
    basis: &str,
) -> AppResult<()> {
    let decision = Decision::parse(decision)
        .ok_or_else(|| AppError::field("decision", "请选择处理意见（支持、解释说明或不予支持）"))?;
    let t = text("text", t, "处理意见", 10_000, true)?;
    let basis = text("basis", basis, "法律、政策依据", 2_000, true)?;
    let now = clock::now();
    sqlx::query("UPDATE cases SET decision = $1, decided_at = $2 WHERE id = $3")
        .bind(decision.as_str())
        .bind(now)
        .bind(case.id)
        .execute(&mut *conn)
        .await?;
    let window = match case.stage {
        Stage::First => Some(cfg.periods.review_request),
        Stage::Review => Some(cfg.periods.rereview_request),
        Stage::Rereview => None,
    };
    let due = window.map(|p| p.due(cal, clock::date_of(now)));
    let label = match case.stage {
        Stage::First => "处理意见",
        Stage::Review => "复查意见",
        Stage::Rereview => "复核意见",
    };
    // Whether the step's deadline was met, for the statistics.
    let due_on: Option<String> =
        sqlx::query_scalar("SELECT due_on FROM cases WHERE id = $1").bind(case.id).fetch_one(&mut *conn).await?;
    let on_time = due_on.as_deref().and_then(clock::parse_date).is_none_or(|d| now < super::deadlines::due_instant(d));
    let detail = json!({
        "decision": decision.as_str(),
        "decision_label": decision.label(),
        "text": t,
        "basis": basis,
        "stage_label": label,
        "on_time": on_time,
    });
    step(conn, cfg, case, actor, "decided", CaseStatus::Decided, true, detail, due).await
}

/// The filer asks for a review (复查) of the decision, or a re-review (复核) of the review, within
/// the period after it.
pub async fn request_review(db: &AnyPool, cfg: &CaseConfig, number: &str, code: &str, reason: &str) -> AppResult<()> {
    let reason = text("reason", reason, "申请理由", 2_000, true)?;
    let cal = calendar(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = by_code(&mut tx, cfg, number, code).await?;
    if case.kind != CaseKind::Petition {
        return Err(AppError::Conflict("复查、复核适用于信访事项".into()));
    }
    if case.status != CaseStatus::Decided {
        return Err(AppError::Conflict("该件尚未出具处理意见，或已在复查（复核）中".into()));
    }
    let (next, window, decision_period) = match case.stage {
        Stage::First => (Stage::Review, cfg.periods.review_request, cfg.periods.review_decision),
        Stage::Review => (Stage::Rereview, cfg.periods.rereview_request, cfg.periods.rereview_decision),
        Stage::Rereview => return Err(AppError::Conflict("复核意见为最终意见，同一事项不再受理".into())),
    };
    let decided = clock::date_of(case.decided_at.unwrap_or(case.received_at));
    let last = window.due(&cal, decided);
    if clock::now() >= super::deadlines::due_instant(last) {
        return Err(AppError::Conflict(format!("申请{}的期限已于{last}届满", next.label())));
    }
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
    let due = decision_period.due(&cal, clock::today());
    let detail = json!({
        "reason": reason,
        "stage_label": next.label(),
        "due_on": due.to_string(),
        "reviewer": above.as_ref().map(|a| a.1.clone()),
        "reviewer_id": above.as_ref().map(|a| a.0),
    });
    step(&mut tx, cfg, &case, None, "review_requested", CaseStatus::UnderReview, true, detail, Some(due)).await?;
    tx.commit().await?;
    Ok(())
}

/// Who decides the review under way: the unit above (its id), or the petition office (None).
async fn reviewer(conn: &mut AnyConnection, case: i64) -> AppResult<Option<i64>> {
    let detail: Option<String> = sqlx::query_scalar(
        "SELECT detail FROM case_events WHERE case_id = $1 AND action = 'review_requested' ORDER BY seq DESC LIMIT 1",
    )
    .bind(case)
    .fetch_optional(&mut *conn)
    .await?;
    let d: serde_json::Value = detail.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
    Ok(d.get("reviewer_id").and_then(|v| v.as_i64()))
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
    let case = visible(&mut tx, officer, id).await?;
    if case.status != CaseStatus::UnderReview {
        return Err(AppError::Conflict("该件不在复查（复核）中".into()));
    }
    let allowed = match reviewer(&mut tx, id).await? {
        Some(unit) => officer.role == Role::Staff && officer.agency_id == Some(unit),
        None => officer.require(Role::PetitionOfficer).is_ok(),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    decide(&mut tx, cfg, &cal, &case, Some(officer.id), decision, t, basis).await?;
    tx.commit().await?;
    Ok(())
}

/// The filer rates how the case was handled (1–5), once, after the decision. A low rating (1 or 2)
/// is flagged to the petition office.
pub async fn rate(
    db: &AnyPool,
    cfg: &CaseConfig,
    number: &str,
    code: &str,
    score: i64,
    comment: &str,
) -> AppResult<()> {
    if !(1..=5).contains(&score) {
        return Err(AppError::field("score", "请选择1至5分"));
    }
    let comment = text("comment", comment, "评价意见", 1_000, false)?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = by_code(&mut tx, cfg, number, code).await?;
    let rated: Option<i64> =
        sqlx::query_scalar("SELECT satisfaction FROM cases WHERE id = $1").bind(case.id).fetch_one(&mut *tx).await?;
    if case.status != CaseStatus::Decided || rated.is_some() {
        return Err(AppError::Conflict("出具处理意见后可评价一次".into()));
    }
    sqlx::query("UPDATE cases SET satisfaction = $1 WHERE id = $2").bind(score).bind(case.id).execute(&mut *tx).await?;
    let label = ["", "很不满意", "不满意", "基本满意", "满意", "非常满意"][score as usize];
    let entry = Step {
        case_id: case.id,
        actor_id: None,
        action: "rated",
        status: case.status.as_str(),
        public: true,
        detail: json!({"score": score, "label": label, "comment": comment}),
    };
    chain::append(&mut tx, &cfg.key, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A legal-channel case ends by lawful termination once legal procedures are exhausted.
pub async fn terminate(db: &AnyPool, cfg: &CaseConfig, user: &CurrentUser, id: i64, reason: &str) -> AppResult<()> {
    let reason = text("reason", reason, "终结理由", 2_000, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = visible(&mut tx, user, id).await?;
    if case.status != CaseStatus::Legal {
        return Err(AppError::Conflict("只有导入法律程序的件可以依法终结".into()));
    }
    step(
        &mut tx,
        cfg,
        &case,
        Some(user.id),
        "terminated",
        CaseStatus::Terminated,
        true,
        json!({"reason": reason}),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Re-seal identities sealed before they were bound to their case, bound to the case whose row
/// holds them (run at start; a no-op once done). Returns how many were re-sealed.
pub async fn bind_legacy_identities(db: &AnyPool, key: &CaseKey) -> AppResult<u64> {
    let legacy: Vec<(i64, String)> =
        sqlx::query_as("SELECT case_id, sealed FROM case_parties WHERE sealed NOT LIKE 'v2:%'").fetch_all(db).await?;
    let mut done = 0;
    for (case_id, sealed) in legacy {
        let Ok(plain) = key.open_unbound(&sealed) else {
            tracing::error!(case = case_id, "a sealed identity does not open with this key; left as it is");
            continue;
        };
        sqlx::query("UPDATE case_parties SET sealed = $1 WHERE case_id = $2 AND sealed = $3")
            .bind(key.seal_for(case_id, &plain))
            .bind(case_id)
            .bind(&sealed)
            .execute(db)
            .await?;
        done += 1;
    }
    Ok(done)
}

/// Reveal a filer's identity to someone granted it, for a stated reason; every reveal is recorded
/// (in `identity_reveals` and in the case's record).
pub async fn reveal(db: &AnyPool, cfg: &CaseConfig, user: &CurrentUser, id: i64, reason: &str) -> AppResult<Identity> {
    let reason = text("reason", reason, "查看理由", 500, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let (case, grants) = visible_with_grants(&mut tx, user, id).await?;
    if !grants.iter().any(|g| g == "reveal_identity") {
        return Err(AppError::Forbidden);
    }
    let sealed: String =
        sqlx::query_scalar("SELECT sealed FROM case_parties WHERE case_id = $1").bind(id).fetch_one(&mut *tx).await?;
    // Fails closed: an identity that does not open for this case (moved from another case's row,
    // altered, or sealed with another key) is never shown.
    let identity: Identity =
        cfg.key.open_for(id, &sealed).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| {
            tracing::error!(
                case = id,
                "the sealed identity does not open for this case: altered, moved or another key"
            );
            AppError::Conflict("封存的身份信息无法验证（可能被改动），未予显示；请联系系统管理员核查。".into())
        })?;
    sqlx::query("INSERT INTO identity_reveals (case_id, user_id, reason, revealed_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(user.id)
        .bind(&reason)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
    let entry = Step {
        case_id: id,
        actor_id: Some(user.id),
        action: "identity_revealed",
        status: case.status.as_str(),
        public: false,
        detail: json!({"reason": reason}),
    };
    chain::append(&mut tx, &cfg.key, &entry).await?;
    tx.commit().await?;
    tracing::info!(case = id, user = user.id, "filer identity revealed");
    Ok(identity)
}

/// Cases filed under a citizen's account, newest first: (number, kind, matter, status, received).
pub async fn mine(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
) -> AppResult<Vec<(String, CaseKind, String, CaseStatus, i64)>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT c.number, c.kind, c.matter, c.status, c.received_at FROM cases c
         JOIN case_parties p ON p.case_id = c.id WHERE p.filer_tag = $1 ORDER BY c.id DESC",
    )
    .bind(cfg.key.filer_tag(user.id))
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(n, k, m, s, at)| {
            let kind = AppError::stored(CaseKind::parse(&k), "case kind", &k)?;
            Ok((n, kind, m, AppError::stored(CaseStatus::parse(&s), "case status", &s)?, at))
        })
        .collect()
}

/// Which staff queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// The petition office's ordinary queue (nothing of the legal or discipline channels).
    Ordinary,
    /// Litigation-related cases, for those assigned to the legal channel.
    Legal,
    /// Reports against officials, for those assigned to the discipline channel.
    Discipline,
    /// Cases routed to the viewer's own unit (never a report about that unit).
    Unit,
}

impl Queue {
    /// The queue a page or API request names (`ordinary` when none).
    pub fn named(name: &str) -> AppResult<Queue> {
        match name {
            "" | "ordinary" => Ok(Queue::Ordinary),
            "legal" => Ok(Queue::Legal),
            "discipline" => Ok(Queue::Discipline),
            "unit" => Ok(Queue::Unit),
            _ => Err(AppError::field("queue", "queue 须为 ordinary、legal、discipline 或 unit")),
        }
    }
}

const SUMMARY_SQL: &str =
    "SELECT c.id, c.number, c.kind, c.petition_kind, c.matter, c.status, c.stage, a.name, c.due_on,
        c.supervised, d.number, c.satisfaction, c.received_at, c.unit_id, c.concerned_agency_id, c.channel
     FROM cases c LEFT JOIN agencies a ON a.id = c.unit_id LEFT JOIN cases d ON d.id = c.duplicate_of";

type SummaryRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    String,
);

fn summary_of(r: &SummaryRow, now: i64) -> AppResult<super::CaseSummary> {
    let due = r.8.as_deref().and_then(clock::parse_date);
    let status = AppError::stored(CaseStatus::parse(&r.5), "case status", &r.5)?;
    Ok(super::CaseSummary {
        id: r.0,
        number: r.1.clone(),
        kind: AppError::stored(CaseKind::parse(&r.2), "case kind", &r.2)?,
        petition_kind: match r.3.as_deref() {
            Some(p) => Some(AppError::stored(PetitionKind::parse(p), "petition kind", p)?),
            None => None,
        },
        matter: r.4.clone(),
        status,
        stage: AppError::stored(Stage::parse(&r.6), "case stage", &r.6)?,
        unit: r.7.clone(),
        due_on: r.8.clone(),
        // Only a step someone still owes has a clock.
        days_left: due.filter(|_| status.in_progress()).map(|d| super::deadlines::days_left(now, d)),
        supervised: r.9 != 0,
        repeats: r.10.clone(),
        satisfaction: r.11,
        received_at: r.12,
    })
}

/// A staff queue: the cases in it still owing a step, most urgent first, then the rest, newest first.
/// `q` narrows it to cases whose number is `q` or whose matter, facts or request contain it (the
/// same permissions apply: a search never finds a case outside the viewer's queue).
pub async fn queue(
    db: &AnyPool,
    user: &CurrentUser,
    which: Queue,
    q: Option<&str>,
) -> AppResult<Vec<super::CaseSummary>> {
    // An account still on its one-time password holds no powers until it has set its own.
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    let grants = grants(db, user.id).await?;
    let granted = |g: &str| grants.iter().any(|x| x == g);
    let (filter, bind): (&str, Option<i64>) = match which {
        Queue::Ordinary if user.require(Role::PetitionOfficer).is_ok() => ("c.channel = 'ordinary'", None),
        Queue::Legal if granted("legal_channel") => ("c.channel = 'legal'", None),
        Queue::Discipline if granted("discipline_channel") => ("c.channel = 'discipline'", None),
        Queue::Unit => {
            let agency = user.staff_agency()?;
            // Reports about the unit's own chain are screened out below, as in every queue.
            ("c.channel = 'ordinary' AND c.unit_id = $1", Some(agency))
        }
        _ => return Err(AppError::Forbidden),
    };
    let words = q.map(str::trim).filter(|w| !w.is_empty());
    if words.is_some_and(|w| w.chars().count() > 100) {
        return Err(AppError::field("q", "搜索词不能超过100字"));
    }
    // Placeholders: the unit (if any), then the LIKE pattern, then the number.
    let (like, number) = if bind.is_some() { ("$2", "$3") } else { ("$1", "$2") };
    let search = match words {
        None => String::new(),
        Some(_) => format!(
            " AND (c.number = {number} OR c.matter LIKE {like} ESCAPE '\\' OR c.facts LIKE {like} ESCAPE '\\'
                   OR c.request LIKE {like} ESCAPE '\\')"
        ),
    };
    let sql = format!("{SUMMARY_SQL} WHERE {filter}{search} ORDER BY c.id DESC LIMIT 500");
    let mut q = sqlx::query_as::<_, SummaryRow>(&sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    if let Some(w) = words {
        q = q.bind(format!("%{}%", escape_like(w))).bind(w.to_uppercase());
    }
    let now = clock::now();
    let mut conn = db.acquire().await?;
    let screen = Screen::for_viewer(&mut conn, user).await?;
    let mut list: Vec<super::CaseSummary> = q
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter(|r| shown(&screen, r))
        .map(|r| summary_of(r, now))
        .collect::<AppResult<_>>()?;
    list.sort_by_key(|c| (c.days_left.is_none(), c.days_left.unwrap_or(0)));
    Ok(list)
}

/// One case as a member of staff who may see it sees it.
pub async fn staff_view(db: &AnyPool, user: &CurrentUser, id: i64) -> AppResult<super::StaffCase> {
    let mut conn = db.acquire().await?;
    let (case, grants) = visible_with_grants(&mut conn, user, id).await?;
    let row: SummaryRow =
        sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.id = $1")).bind(id).fetch_one(&mut *conn).await?;
    let summary = summary_of(&row, clock::now())?;
    type Detail = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let (facts, request, concerned_name, concerned_unit, document_title, document_number, anonymous, routing, decision): Detail =
        sqlx::query_as(
            "SELECT c.facts, c.request, a.name, c.concerned_unit, c.document_title, c.document_number, c.anonymous, c.routing, c.decision
             FROM cases c LEFT JOIN agencies a ON a.id = c.concerned_agency_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let attachments: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT id, kind, name, size FROM case_attachments WHERE case_id = $1 ORDER BY created_at, id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let events: Vec<(i64, i64, Option<String>, String, String, i64)> = sqlx::query_as(
        "SELECT e.seq, e.at, u.display_name, e.action, e.detail, e.public FROM case_events e
         LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let steps = events
        .into_iter()
        .map(|(seq, at, actor, action, detail, public)| {
            let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
            super::StaffStep { seq, at, actor, text: describe_for_staff(&action, &d), action, public: public != 0 }
        })
        .collect();
    let officer = user.require(Role::PetitionOfficer).is_ok();
    let handler = user.agency_id.is_some() && case.unit_id == user.agency_id && user.role == Role::Staff;
    Ok(super::StaffCase {
        summary,
        facts,
        request,
        concerned: concerned_name.or(concerned_unit),
        document: document_title.map(|t| format!("{t} {}", document_number.unwrap_or_default()).trim().to_string()),
        anonymous: anonymous != 0,
        channel: case.channel.clone(),
        routing,
        decision: decision.as_deref().and_then(Decision::parse),
        attachments: attachments
            .into_iter()
            .map(|(id, kind, name, size)| super::AttachmentInfo { id, kind, name, size })
            .collect(),
        steps,
        may_triage: officer
            && case.channel == "ordinary"
            && matches!(case.status, CaseStatus::Received | CaseStatus::Objected),
        may_handle: handler && matches!(case.status, CaseStatus::Routed | CaseStatus::Handling),
        may_decide_review: case.status == CaseStatus::UnderReview
            && match reviewer(&mut conn, id).await? {
                Some(unit) => user.role == Role::Staff && user.agency_id == Some(unit),
                None => officer && case.channel == "ordinary",
            },
        may_terminate: case.channel == "legal" && case.status == CaseStatus::Legal,
        may_reveal: !case.channel.is_empty() && grants.iter().any(|g| g == "reveal_identity"),
        may_supervise: officer && case.channel == "ordinary" && case.status.in_progress(),
    })
}

/// Internal steps in words, for staff.
fn describe_for_staff(action: &str, d: &serde_json::Value) -> String {
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    match action {
        "filed" => match d.get("repeats").and_then(|v| v.as_str()) {
            Some(n) => format!("收到（与在办的{n}为同一人同一事项）"),
            None => "收到".into(),
        },
        "objected" => format!("{}提出异议：{}", s("unit"), s("reason")),
        "supervised" => format!("督办：{}", s("note")),
        "supervision_answered" => format!("{}回复督办：{}", s("unit"), s("note")),
        "completion_report" => format!("{}报送办结报告：{}", s("unit"), s("report")),
        "identity_revealed" => format!("查看了提出人身份信息，理由：{}", s("reason")),
        "routed" if !s("note").is_empty() => format!("{}（{}）", describe(action, d), s("note")),
        _ => describe(action, d),
    }
}

/// The petition office marks a case supervised (督办) with a note; the unit must respond.
pub async fn supervise(db: &AnyPool, cfg: &CaseConfig, officer: &CurrentUser, id: i64, note: &str) -> AppResult<()> {
    officer.require(Role::PetitionOfficer)?;
    let note = text("note", note, "督办意见", 2_000, true)?;
    let mut tx = crate::db::begin_write(db).await?;
    let case = visible(&mut tx, officer, id).await?;
    if !case.status.in_progress() || case.channel != "ordinary" {
        return Err(AppError::Conflict("该件不在信访部门的督办范围内".into()));
    }
    sqlx::query("UPDATE cases SET supervised = 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
    let entry = Step {
        case_id: id,
        actor_id: Some(officer.id),
        action: "supervised",
        status: case.status.as_str(),
        public: false,
        detail: json!({"note": note}),
    };
    chain::append(&mut tx, &cfg.key, &entry).await?;
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
    let case = visible(&mut tx, staff, id).await?;
    let supervised: i64 =
        sqlx::query_scalar("SELECT supervised FROM cases WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    if supervised == 0 {
        return Err(AppError::Conflict("该件未被督办".into()));
    }
    let unit: String =
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
    sqlx::query("UPDATE cases SET supervised = 0 WHERE id = $1").bind(id).execute(&mut *tx).await?;
    let entry = Step {
        case_id: id,
        actor_id: Some(staff.id),
        action: "supervision_answered",
        status: case.status.as_str(),
        public: false,
        detail: json!({"note": note, "unit": unit}),
    };
    chain::append(&mut tx, &cfg.key, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A file of a case, for someone who may see the case: its kind, name and bytes.
pub async fn attachment(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    id: i64,
    file: &str,
) -> AppResult<(super::files::FileKind, String, Vec<u8>)> {
    let mut conn = db.acquire().await?;
    visible(&mut conn, user, id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT kind, name FROM case_attachments WHERE id = $1 AND case_id = $2")
            .bind(file)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (kind, name) = row.ok_or(AppError::NotFound)?;
    let kind = super::files::FileKind::parse(&kind).ok_or(AppError::Internal)?;
    let bytes = super::storage::read(&cfg.attachments, file).await.map_err(|e| {
        tracing::error!(error = %e, case = id, "attachment unreadable");
        AppError::Internal
    })?;
    Ok((kind, name, bytes))
}

/// The petition office's dashboard: per unit, then the cases overdue or due within 3 days.
pub async fn dashboard(
    db: &AnyPool,
    officer: &CurrentUser,
) -> AppResult<(Vec<super::UnitLoad>, Vec<super::CaseSummary>)> {
    officer.require(Role::PetitionOfficer)?;
    let mut conn = db.acquire().await?;
    let screen = Screen::for_viewer(&mut conn, officer).await?;
    let rows: Vec<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.channel = 'ordinary' AND c.unit_id IS NOT NULL"))
            .fetch_all(&mut *conn)
            .await?;
    // Reports about the office's own chain are neither listed nor counted.
    let rows: Vec<SummaryRow> = rows.into_iter().filter(|r| shown(&screen, r)).collect();
    let now = clock::now();
    let mut loads: std::collections::BTreeMap<String, super::UnitLoad> = std::collections::BTreeMap::new();
    let mut urgent = Vec::new();
    for r in &rows {
        let c = summary_of(r, now)?;
        let Some(unit) = c.unit.clone() else { continue };
        let load = loads.entry(unit.clone()).or_insert_with(|| super::UnitLoad { unit, ..Default::default() });
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
    let mut loads: Vec<super::UnitLoad> = loads.into_values().collect();
    loads.sort_by(|a, b| {
        (b.overdue, b.due_soon, b.open).cmp(&(a.overdue, a.due_soon, a.open)).then(a.unit.cmp(&b.unit))
    });
    Ok((loads, urgent))
}

/// The progress of one of a signed-in citizen's own cases (found through the keyed filer tag).
pub async fn progress_for_filer(
    db: &AnyPool,
    cfg: &CaseConfig,
    user: &CurrentUser,
    number: &str,
) -> AppResult<Progress> {
    let mut conn = db.acquire().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN case_parties p ON p.case_id = c.id WHERE c.number = $1 AND p.filer_tag = $2",
    )
    .bind(number.trim().to_uppercase())
    .bind(cfg.key.filer_tag(user.id))
    .fetch_optional(&mut *conn)
    .await?;
    let case = load(&mut conn, id.ok_or(AppError::NotFound)?).await?;
    progress_of(&mut conn, cfg, &case).await
}

/// `%` and `_` typed in a search are literal characters, not wildcards.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Add or change a day of the holiday calendar (`holiday` or `workday`), or with `None` remove it.
pub async fn set_calendar_day(db: &AnyPool, day: &str, kind: Option<(&str, &str)>) -> AppResult<()> {
    let date = clock::parse_date(day).ok_or_else(|| AppError::field("day", "日期格式为YYYY-MM-DD"))?;
    let day = date.to_string();
    match kind {
        Some((kind, name)) => {
            if !matches!(kind, "holiday" | "workday") {
                return Err(AppError::field("kind", "类别为holiday（放假）或workday（调休上班）"));
            }
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
                 ON CONFLICT (day) DO UPDATE SET kind = $2, name = $3",
            )
            .bind(&day)
            .bind(kind)
            .bind(name.trim())
            .execute(db)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(&day).execute(db).await?;
        }
    }
    tracing::info!(day, "holiday calendar changed");
    Ok(())
}
