//! Filing a case: the form checked (every problem reported at once), the attachments checked and
//! stored, the same person's earlier cases on the same matter looked up, then the case, its sealed
//! filer and its first recorded step committed together, before the number and query code are
//! given out.
use super::calendar::calendar;
use super::case::{code_hash, new_query_code, record, text};
use super::config::CaseConfig;
use super::details::{Detail, FileRef, Filed as FiledDetail};
use super::identity::Identity;
use super::rows::{self, is_report};
use super::storage::{self, Stored, Uncommitted};
use super::triage::to_discipline_if_about_an_office;
use super::{CaseKind, CaseStatus, Filed, Filing, PetitionKind, Stage};
use crate::accounts::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::{AnyConnection, AnyPool};

/// A filing's fields once checked and trimmed.
struct Checked {
    kind: CaseKind,
    petition_kind: Option<PetitionKind>,
    matter: String,
    facts: String,
    request: String,
    concerned_unit: String,
    document_title: String,
    document_number: String,
    identity: Identity,
}

/// Check a filing and its attachments, reporting every problem at once.
fn check(f: &Filing, files: &[(String, Vec<u8>)]) -> AppResult<Checked> {
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
    if f.anonymous && !is_report(kind, petition_kind) {
        return Err(AppError::field("anonymous", "只有投诉举报和检举控告可以匿名提出"));
    }
    let mut problems = crate::text::Fields::default();
    let mut take = |r: AppResult<String>| problems.take(r);
    let c = Checked {
        kind,
        petition_kind,
        matter: take(text("matter", &f.matter, "事项（标题）", 100, true)),
        facts: take(text("facts", &f.facts, "事实和理由", 10_000, true)),
        request: take(text("request", &f.request, "请求", 2_000, kind != CaseKind::Complaint)),
        concerned_unit: take(text("concerned_unit", &f.concerned_unit, "涉及单位", 100, false)),
        // An objection review names a registered document: its title and number are the registry's.
        document_title: take(text("document_title", &f.document_title, "规范性文件名称", 200, false)),
        document_number: take(text("document_number", &f.document_number, "文号", 100, false)),
        identity: Identity {
            name: take(text("name", &f.name, "姓名", 50, !f.anonymous)),
            phone: take(text("phone", &f.phone, "联系电话", 30, false)),
            email: take(text("email", &f.email, "电子邮箱", 254, false)),
            address: take(text("address", &f.address, "通讯地址", 200, false)),
            user_id: None,
        },
    };
    if !f.anonymous && c.identity.phone.is_empty() && c.identity.email.is_empty() {
        problems.add("phone", "请至少留一种联系方式（电话或电子邮箱）");
    }
    problems.extend(super::attachments::check_all(files));
    problems.finish()?;
    Ok(c)
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
    let mut c = check(f, files)?;
    let report = is_report(c.kind, c.petition_kind);
    let user = match (filer, f.anonymous) {
        (_, true) => None,
        (Some(u), false) if u.role == Role::Citizen => Some(u),
        (Some(_), false) => return Err(AppError::Forbidden),
        (None, false) => return Err(AppError::Unauthorized),
    };
    c.identity.user_id = user.map(|u| u.id);
    // An objection review is against a registered, still binding document, handled by the body
    // that issued it.
    let document = match c.kind {
        CaseKind::Objection => {
            let mut conn = db.acquire().await?;
            let named = crate::registry::objections::named(&mut conn, f.document_id, &c.document_number).await?;
            c.document_title = named.title.clone();
            c.document_number = named.number.clone();
            Some(named)
        }
        _ => None,
    };
    let chosen_agency = document.as_ref().map(|d| d.agency_id).or(f.concerned_agency_id);
    if let Some(a) = chosen_agency {
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1").bind(a).fetch_optional(db).await?;
        known.ok_or_else(|| AppError::field("concerned_agency_id", "所选单位不存在"))?;
    }
    // A report that names its unit only in words is screened from the start when the words name a
    // listed unit: nobody of that unit (a petition office included) reads it while it waits.
    let concerned_agency_id = match chosen_agency {
        None if report && !c.concerned_unit.is_empty() => named_in_words(db, &c.concerned_unit).await?,
        chosen => chosen,
    };

    // Files first: once the case exists, they must too. Should the filing then fail, the guard
    // removes them again, so a failed filing leaves nothing on the disk.
    let mut stored = Vec::new();
    let mut written = Uncommitted { dir: &cfg.attachments, ids: Vec::new() };
    for (file_name, bytes) in files {
        let s = storage::store(&cfg.attachments, file_name, bytes).await.map_err(|e| {
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
    let repeats = match &tag {
        Some(tag) => earlier_in_progress(&mut tx, tag, &c).await?,
        None => None,
    };
    let code = new_query_code();
    let received_on = clock::date_of(now);
    let due = cfg.periods.register.due(&cal, received_on);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (number, query_code_hash, kind, petition_kind, matter, facts, request, concerned_agency_id,
             concerned_unit, document_title, document_number, anonymous, status, due_on, step_started_at,
             duplicate_of, received_at, updated_at, due_from, due_period)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $14, $15, $14, $14, $16, $17)
         RETURNING id",
    )
    .bind(format!("pending-{}", code_hash(&cfg.key, &code)))
    .bind(code_hash(&cfg.key, &code))
    .bind(c.kind.as_str())
    .bind(c.petition_kind.map(|p| p.as_str()))
    .bind(&c.matter)
    .bind(&c.facts)
    .bind(&c.request)
    .bind(concerned_agency_id)
    .bind((!c.concerned_unit.is_empty()).then_some(c.concerned_unit.as_str()))
    .bind((!c.document_title.is_empty()).then_some(c.document_title.as_str()))
    .bind((!c.document_number.is_empty()).then_some(c.document_number.as_str()))
    .bind(i64::from(f.anonymous))
    .bind(due.to_string())
    .bind(now)
    .bind(repeats.as_ref().map(|r| r.0))
    .bind(received_on.to_string())
    .bind(cfg.periods.register.stored())
    .fetch_one(&mut *tx)
    .await?;
    let number = format!("{}-{}-{id:06}", c.kind.prefix(), clock::date_of(now).year);
    sqlx::query("UPDATE cases SET number = $1 WHERE id = $2").bind(&number).bind(id).execute(&mut *tx).await?;
    super::stats::filed(&mut tx, id, now).await?;
    if let Some(d) = &document {
        let answer_by = cfg.periods.objection_review.due(&cal, received_on);
        crate::registry::objections::received(&mut tx, id, d.id, received_on, answer_by).await?;
    }
    let sealed = cfg.key.seal_for(id, &serde_json::to_vec(&c.identity).unwrap_or_default());
    sqlx::query("INSERT INTO case_parties (case_id, filer_tag, sealed) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(tag.as_deref())
        .bind(sealed)
        .execute(&mut *tx)
        .await?;
    attach(&mut tx, id, &stored, now).await?;
    let detail = Detail::Filed(FiledDetail {
        kind: c.kind,
        attachments: stored.iter().map(|a| FileRef { id: a.id.clone(), sha256: a.sha256.clone() }).collect(),
        repeats: repeats.as_ref().map(|r| r.1.clone()),
    });
    record(&mut tx, cfg, id, None, CaseStatus::Received, true, &detail).await?;
    if report {
        to_discipline_if_about_an_office(&mut tx, cfg, id, concerned_agency_id).await?;
    }
    super::notify::filed(&mut tx, id, due).await?;
    tx.commit().await?;
    written.ids.clear();
    tracing::info!(
        case = id,
        kind = c.kind.as_str(),
        anonymous = f.anonymous,
        attachments = stored.len(),
        "case filed"
    );
    Ok(Filed { number, query_code: code, repeats: repeats.map(|r| r.1) })
}

/// An earlier case of the same person, as compared with a new filing.
#[derive(sqlx::FromRow)]
struct EarlierRow {
    id: i64,
    number: String,
    matter: String,
    facts: String,
    status: String,
    stage: String,
}

/// The same person's earlier cases on the same matter: one finished by re-review closes the
/// matter (a conflict); one in progress is returned, to be linked for the officer.
async fn earlier_in_progress(conn: &mut AnyConnection, tag: &str, c: &Checked) -> AppResult<Option<(i64, String)>> {
    let earlier: Vec<EarlierRow> = sqlx::query_as(
        "SELECT c.id, c.number, c.matter, c.facts, c.status, c.stage FROM cases c
         JOIN case_parties p ON p.case_id = c.id WHERE p.filer_tag = $1 ORDER BY c.id",
    )
    .bind(tag)
    .fetch_all(&mut *conn)
    .await?;
    let mut repeats = None;
    for e in earlier {
        if !same_matter(&format!("{}\n{}", e.matter, e.facts), &format!("{}\n{}", c.matter, c.facts)) {
            continue;
        }
        let status = rows::status(&e.status)?;
        if rows::stage(&e.stage)? == Stage::Rereview && status == CaseStatus::Decided {
            return Err(AppError::Conflict(format!("同一事项已经复核（{}），不再受理", e.number)));
        }
        if status.in_progress() {
            repeats = Some((e.id, e.number));
        }
    }
    Ok(repeats)
}

/// Similar matters: the same text once normalised, or near-duplicates as the comment grouping sees them.
fn same_matter(a: &str, b: &str) -> bool {
    crate::near_duplicates::group(&[(1, a), (2, b)]) == vec![1, 1]
}

/// The stored attachments' rows, for the case.
async fn attach(conn: &mut AnyConnection, case: i64, stored: &[Stored], now: i64) -> AppResult<()> {
    for s in stored {
        sqlx::query(
            "INSERT INTO case_attachments (id, case_id, kind, name, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.id)
        .bind(case)
        .bind(s.kind.as_str())
        .bind(&s.name)
        .bind(s.size as i64)
        .bind(&s.sha256)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
