//! The administration record: who did what (agencies, staff accounts, powers proposed, approved,
//! refused, granted and revoked, first passwords set), append-only and hash-chained with the case
//! key like the case record. Each entry also carries a digest of every power held after its step,
//! so a power written straight into the database (or an entry cut off the end) fails
//! `canyu verify-record`.
use crate::cases::seal::{to_hex, CaseKey};
use crate::error::AppResult;
use crate::ledger::{self, Break, Link, Record};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};

/// One thing an administrator (or the operator) did.
pub struct Step {
    /// None: the operator, from the command line.
    pub actor_id: Option<i64>,
    pub action: Action,
    /// The account acted on.
    pub target_id: Option<i64>,
    pub detail: serde_json::Value,
}

impl Step {
    pub fn new(actor_id: Option<i64>, action: Action, target_id: Option<i64>, detail: serde_json::Value) -> Self {
        Step { actor_id, action, target_id, detail }
    }
}

/// What was done, as kept in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The record began (with the powers already held then, if any).
    RecordStarted,
    AgencyCreated,
    ParentSet,
    StaffCreated,
    /// A new setup code for an account (the old ones stop working).
    SetupCodeIssued,
    /// The account's holder set its first password with a setup code.
    AccountSetUp,
    GrantProposed,
    GrantApproved,
    GrantRefused,
    GrantWithdrawn,
    /// A power that needs one administrator, granted.
    Granted,
    Revoked,
    /// An administrator made, or given a fresh one-time password, by the operator.
    AdminCreated,
    /// An administrator or a holder of a power changed their password.
    PasswordChanged,
    /// A year of the holiday calendar set (running deadlines counted again).
    CalendarChanged,
    /// A staff account stopped (it cannot sign in; its sessions ended), with the reason.
    StaffDisabled,
    /// A stopped staff account allowed to sign in again.
    StaffEnabled,
    /// A staff account's password made void and a setup code issued for a new one.
    PasswordReset,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RecordStarted => "record_started",
            Action::AgencyCreated => "agency_created",
            Action::ParentSet => "parent_set",
            Action::StaffCreated => "staff_created",
            Action::SetupCodeIssued => "setup_code_issued",
            Action::AccountSetUp => "account_set_up",
            Action::GrantProposed => "grant_proposed",
            Action::GrantApproved => "grant_approved",
            Action::GrantRefused => "grant_refused",
            Action::GrantWithdrawn => "grant_withdrawn",
            Action::Granted => "granted",
            Action::Revoked => "revoked",
            Action::AdminCreated => "admin_created",
            Action::PasswordChanged => "password_changed",
            Action::CalendarChanged => "calendar_changed",
            Action::StaffDisabled => "staff_disabled",
            Action::StaffEnabled => "staff_enabled",
            Action::PasswordReset => "password_reset",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Action::RecordStarted => "开始记录",
            Action::AgencyCreated => "新增单位",
            Action::ParentSet => "设置上级单位",
            Action::StaffCreated => "创建工作人员账号",
            Action::SetupCodeIssued => "签发账号设置码",
            Action::AccountSetUp => "凭设置码设置密码",
            Action::GrantProposed => "提出授权",
            Action::GrantApproved => "批准授权",
            Action::GrantRefused => "拒绝授权",
            Action::GrantWithdrawn => "撤回授权申请",
            Action::Granted => "授权",
            Action::Revoked => "撤销权限",
            Action::AdminCreated => "设置管理员账号（运维）",
            Action::PasswordChanged => "修改密码",
            Action::CalendarChanged => "修改节假日安排",
            Action::StaffDisabled => "停用工作人员账号",
            Action::StaffEnabled => "恢复工作人员账号",
            Action::PasswordReset => "重置工作人员密码",
        }
    }
}

const ALL: [Action; 18] = [
    Action::RecordStarted,
    Action::AgencyCreated,
    Action::ParentSet,
    Action::StaffCreated,
    Action::SetupCodeIssued,
    Action::AccountSetUp,
    Action::GrantProposed,
    Action::GrantApproved,
    Action::GrantRefused,
    Action::GrantWithdrawn,
    Action::Granted,
    Action::Revoked,
    Action::AdminCreated,
    Action::PasswordChanged,
    Action::CalendarChanged,
    Action::StaffDisabled,
    Action::StaffEnabled,
    Action::PasswordReset,
];

/// A digest of who may do what now: every power held (account and power), and the accounts that
/// matter for the powers — the administrators and every holder of a power — with their role and
/// password hash. A power, an administrator, or a holder's password written straight into the
/// database all change it.
async fn powers_digest(conn: &mut AnyConnection) -> Result<String, sqlx::Error> {
    use sha2::{Digest, Sha256};
    let held: Vec<(i64, String)> =
        sqlx::query_as("SELECT user_id, grant_name FROM user_grants ORDER BY user_id, grant_name")
            .fetch_all(&mut *conn)
            .await?;
    let accounts: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, login, role, password_hash FROM users
         WHERE role = 'admin' OR id IN (SELECT user_id FROM user_grants) ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let text = serde_json::json!({ "held": held, "accounts": accounts }).to_string();
    Ok(to_hex(&Sha256::digest(text.as_bytes())))
}

/// Append `step` on its own, if what it changed is not yet recorded (the digest differs from the
/// last entry's): for changes made by the accounts domain (an administrator made from the command
/// line, a password changed), which knows nothing of the record.
pub async fn note_if_changed(db: &AnyPool, key: &CaseKey, step: Step) -> AppResult<()> {
    let mut tx = crate::db::begin_write(db).await?;
    let last: Option<String> =
        sqlx::query_scalar("SELECT e.state FROM admin_events e JOIN admin_chain h ON h.seq = e.seq WHERE h.id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    let state = powers_digest(&mut tx).await?;
    if last.as_deref() != Some(state.as_str()) {
        append_with_state(&mut tx, key, step, state).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn digest(
    key: &CaseKey,
    prev: &str,
    seq: i64,
    at: i64,
    actor: Option<i64>,
    action: &str,
    target: Option<i64>,
    detail: &str,
    state: &str,
) -> String {
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let target = target.map(|a| a.to_string()).unwrap_or_default();
    // "admin" first: an entry of this record can never pass for a case record entry.
    let text = format!("admin\n{prev}\n{seq}\n{at}\n{actor}\n{action}\n{target}\n{detail}\n{state}");
    to_hex(&key.mac(text.as_bytes()))
}

/// Append a step inside the caller's transaction, after the step's own changes.
pub async fn append(conn: &mut AnyConnection, key: &CaseKey, step: Step) -> Result<i64, sqlx::Error> {
    let state = powers_digest(&mut *conn).await?;
    append_with_state(conn, key, step, state).await
}

/// [`append`], with the digest of who may do what after the step already worked out.
async fn append_with_state(
    conn: &mut AnyConnection,
    key: &CaseKey,
    step: Step,
    state: String,
) -> Result<i64, sqlx::Error> {
    let (seq, prev): (i64, String) =
        sqlx::query_as("UPDATE admin_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *conn)
            .await?;
    let at = crate::clock::now();
    let detail = step.detail.to_string();
    let action = step.action.as_str();
    let hash = digest(key, &prev, seq, at, step.actor_id, action, step.target_id, &detail, &state);
    sqlx::query(
        "INSERT INTO admin_events (seq, at, actor_id, action, target_id, detail, state, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(at)
    .bind(step.actor_id)
    .bind(action)
    .bind(step.target_id)
    .bind(&detail)
    .bind(&state)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE admin_chain SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(seq)
}

/// On start: begin the record if it has not begun, noting the powers already held (granted
/// before there was a record), so the check has a first state to compare with.
pub async fn start(db: &AnyPool, key: &CaseKey) -> AppResult<()> {
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM admin_chain WHERE id = 1").fetch_one(db).await?;
    if seq > 0 {
        return Ok(());
    }
    // Several nodes may start at once: the head is written first (taking the write lock, which a
    // read followed by a write in one SQLite transaction cannot do safely), then looked at again.
    let mut tx = db.begin().await?;
    let seq: i64 =
        sqlx::query_scalar("UPDATE admin_chain SET hash = hash WHERE id = 1 RETURNING seq").fetch_one(&mut *tx).await?;
    if seq == 0 {
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.login, g.grant_name FROM user_grants g JOIN users u ON u.id = g.user_id ORDER BY u.login, g.grant_name",
        )
        .fetch_all(&mut *tx)
        .await?;
        let admins: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY id").fetch_all(&mut *tx).await?;
        let detail = serde_json::json!({ "held": held, "admins": admins });
        append(&mut tx, key, Step::new(None, Action::RecordStarted, None, detail)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The head of the record: its last entry and hash.
pub async fn head(db: &AnyPool) -> Result<(i64, String), sqlx::Error> {
    sqlx::query_as("SELECT seq, hash FROM admin_chain WHERE id = 1").fetch_one(db).await
}

/// Check every entry in order up to the head (and the given anchor, from a checkpoint), then that
/// the powers held now are those the last entry recorded. `Ok(entries)` if all holds.
pub async fn verify(
    db: &AnyPool,
    key: &CaseKey,
    anchor: Option<(i64, String)>,
) -> Result<Result<i64, Break>, sqlx::Error> {
    let (head_seq, head_hash) = head(db).await?;
    let brk = |seq: i64, why: String| Ok(Err(Break { seq, case_id: None, why }));
    type Row = (i64, i64, Option<i64>, String, Option<i64>, String, String, String, String);
    let record = Record {
        table: "admin_events",
        columns: "seq, at, actor_id, action, target_id, detail, state, prev_hash, hash",
        entry: "administration entry",
    };
    let mut last_state = None;
    let mut four_eyes = FourEyes::default();
    let walked = ledger::walk(db, &record, (head_seq, &head_hash), anchor.as_ref(), |row: Row| {
        let (seq, at, actor, action, target, detail, state, prev, hash) = row;
        let computed = digest(key, &prev, seq, at, actor, &action, target, &detail, &state);
        let own_check = four_eyes.check(actor, &action, target, &detail);
        last_state = Some(state);
        Link { seq, case_id: None, prev, hash, computed, own_check }
    })
    .await?;
    if let Err(b) = walked {
        return Ok(Err(b));
    }
    let mut conn = db.acquire().await?;
    let now = powers_digest(&mut conn).await?;
    // Before the first entry: nothing may be held, and nobody may administer.
    let empty = {
        use sha2::{Digest, Sha256};
        let none: [(); 0] = [];
        to_hex(&Sha256::digest(serde_json::json!({ "held": none, "accounts": none }).to_string().as_bytes()))
    };
    if last_state.unwrap_or(empty) != now {
        return brk(
            head_seq,
            "the powers held now (user_grants) are not those the administration record's last entry recorded".into(),
        );
    }
    Ok(Ok(head_seq))
}

/// What the record itself must show of the two-person rule: every approval answers a recorded
/// proposal, made by someone else, and is given by an administrator the record knows.
#[derive(Default)]
struct FourEyes {
    /// Open proposals: id → who proposed (None: the operator).
    proposals: std::collections::HashMap<i64, Option<i64>>,
    admins: std::collections::HashSet<i64>,
}

impl FourEyes {
    fn check(&mut self, actor: Option<i64>, action: &str, target: Option<i64>, detail: &str) -> Result<(), String> {
        let detail: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
        let proposal = detail.get("proposal").and_then(|v| v.as_i64());
        match Action::parse(action) {
            Some(Action::RecordStarted) => {
                let admins = detail.get("admins").and_then(|v| v.as_array()).cloned().unwrap_or_default();
                self.admins.extend(admins.iter().filter_map(|a| a.as_i64()));
            }
            Some(Action::AdminCreated) => self.admins.extend(target),
            Some(Action::GrantProposed) => {
                let id = proposal.ok_or("a proposal entry names no proposal")?;
                self.proposals.insert(id, actor);
            }
            Some(Action::GrantApproved) => {
                let id = proposal.ok_or("an approval names no proposal")?;
                let proposer = self.proposals.remove(&id).ok_or("an approval answers no recorded proposal")?;
                let approver = actor.ok_or("an approval by nobody")?;
                if proposer == Some(approver) {
                    return Err("a proposal approved by its own proposer".into());
                }
                if !self.admins.contains(&approver) {
                    return Err("a proposal approved by an account the record never made an administrator".into());
                }
            }
            Some(Action::GrantRefused | Action::GrantWithdrawn) => {
                if let Some(id) = proposal {
                    self.proposals.remove(&id);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// One page of the record, newest first (`page` from 1, already bounded by `crate::paging`).
pub async fn log(db: &AnyPool, page: u32) -> AppResult<(Vec<super::LogLine>, i64)> {
    type Row = (i64, i64, Option<String>, Option<String>, String, Option<String>, Option<String>, String);
    let total: i64 = sqlx::query_scalar("SELECT seq FROM admin_chain WHERE id = 1").fetch_one(db).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.seq, e.at, a.display_name, a.login, e.action, t.display_name, t.login, e.detail
         FROM admin_events e LEFT JOIN users a ON a.id = e.actor_id LEFT JOIN users t ON t.id = e.target_id
         ORDER BY e.seq DESC LIMIT $1 OFFSET $2",
    )
    .bind(super::LOG_PAGE)
    .bind((i64::from(page) - 1) * super::LOG_PAGE)
    .fetch_all(db)
    .await?;
    let person = |name: Option<String>, login: Option<String>| match (name, login) {
        (Some(n), Some(l)) => Some(format!("{n}（{l}）")),
        (_, l) => l,
    };
    Ok((
        rows.into_iter()
            .map(|(seq, at, an, al, action, tn, tl, detail)| super::LogLine {
                seq,
                at,
                actor: person(an, al),
                action: Action::parse(&action).map(Action::label).unwrap_or("未知操作").to_string(),
                target: person(tn, tl),
                detail: describe(&detail),
            })
            .collect(),
        total,
    ))
}

/// A step's detail for people: the power, the agency, the reason.
fn describe(detail: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(g) = map.get("grant").and_then(|v| v.as_str()) {
        parts.push(crate::cases::grant_label(g).unwrap_or(g).to_string());
    }
    for (key, label) in [
        ("agency", "单位"),
        ("parent", "上级单位"),
        ("proposed_by", "提出人"),
        ("reason", "理由"),
        ("delivery", "送达"),
    ] {
        if let Some(v) = map.get(key).and_then(|v| v.as_str()) {
            parts.push(format!("{label}：{v}"));
        }
    }
    if let Some(held) = map.get("held").and_then(|v| v.as_array()) {
        parts.push(format!("已有权限{}项", held.len()));
    }
    parts.join("；")
}

/// A signed checkpoint of both records' heads (cases, then administration), for the operator to
/// keep outside the database: `canyu-record:<entry>:<hash>:<admin entry>:<admin hash>:<mac>`.
pub fn checkpoint(key: &CaseKey, cases: (i64, &str), admin: (i64, &str)) -> String {
    let body = format!("{}:{}:{}:{}", cases.0, cases.1, admin.0, admin.1);
    format!("canyu-record:{body}:{}", to_hex(&key.mac(format!("checkpoint2\n{body}").as_bytes())))
}

/// The checkpoint of both heads now.
pub async fn head_checkpoint(db: &AnyPool, key: &CaseKey) -> Result<String, sqlx::Error> {
    let (cseq, chash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM case_chain WHERE id = 1").fetch_one(db).await?;
    let (aseq, ahash) = head(db).await?;
    Ok(checkpoint(key, (cseq, &chash), (aseq, &ahash)))
}

/// What a checkpoint made with this key vouches for: the case record's entry and hash, and the
/// administration record's (absent in checkpoints made before it existed).
pub type Anchors = ((i64, String), Option<(i64, String)>);

/// Read a checkpoint of either form; None if it is malformed or not made with this key.
pub fn read_checkpoint(key: &CaseKey, text: &str) -> Option<Anchors> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        ["canyu-record", cseq, chash, aseq, ahash, _] => {
            let (cseq, aseq) = (cseq.parse::<i64>().ok()?, aseq.parse::<i64>().ok()?);
            (checkpoint(key, (cseq, chash), (aseq, ahash)) == text)
                .then(|| ((cseq, chash.to_string()), Some((aseq, ahash.to_string()))))
        }
        _ => crate::cases::chain::read_checkpoint(key, text).map(|c| (c, None)),
    }
}
