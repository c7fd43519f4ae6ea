//! Cases that nobody can act on: the step a case owes is someone's (the petition office, the unit
//! it is at, the holders of a channel's power), but every such account is stopped, has not set its
//! password, or is of the unit a report concerns (or one above or below it) and so never sees it.
//! Such a case would sit while its clock runs: the administrator is shown a list, and fixes it by
//! giving a power to someone outside the report's units or by making an account.
use super::rows::is_report;
use super::screen::Units;
use super::{CaseKind, CaseStatus, PetitionKind, Unattended};
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// Who can act: an active account that has set its own password.
struct Actor {
    role: String,
    agency: Option<i64>,
    grants: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Group {
    channel: String,
    status: String,
    unit_id: Option<i64>,
    concerned_agency_id: Option<i64>,
    kind: String,
    petition_kind: Option<String>,
    n: i64,
}

/// Statuses in which someone of the platform owes the next step.
const OWED: [CaseStatus; 6] = [
    CaseStatus::Received,
    CaseStatus::Objected,
    CaseStatus::Routed,
    CaseStatus::Handling,
    CaseStatus::UnderReview,
    CaseStatus::Legal,
];

/// Every kind of open case nobody can act on (cases grouped by where they are, so the check costs
/// the same for a hundred cases or a million).
pub async fn unattended(db: &AnyPool) -> AppResult<Vec<Unattended>> {
    let mut conn = db.acquire().await?;
    let units = Units::load(&mut conn).await?;
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT u.id, u.role, u.agency_id, g.grant_name FROM users u LEFT JOIN user_grants g ON g.user_id = u.id
         WHERE u.role IN ('staff', 'petition_officer') AND u.disabled_at IS NULL AND u.must_change_password = 0",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut actors: std::collections::BTreeMap<i64, Actor> = Default::default();
    for (id, role, agency, grant) in rows {
        let a = actors.entry(id).or_insert(Actor { role, agency, grants: Vec::new() });
        a.grants.extend(grant);
    }
    let statuses: Vec<String> = OWED.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let groups: Vec<Group> = sqlx::query_as(&format!(
        "SELECT channel, status, unit_id, concerned_agency_id, kind, petition_kind, COUNT(*) AS n FROM cases
         WHERE status IN ({}) OR channel = 'discipline' AND status = 'discipline'
         GROUP BY channel, status, unit_id, concerned_agency_id, kind, petition_kind",
        statuses.join(", ")
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<Unattended> = Vec::new();
    for g in groups {
        let kind = AppError::stored(CaseKind::parse(&g.kind), "case kind", &g.kind)?;
        let petition_kind = g.petition_kind.as_deref().and_then(PetitionKind::parse);
        let screened = |a: &Actor| {
            is_report(kind, petition_kind)
                && g.concerned_agency_id.zip(a.agency).is_some_and(|(c, mine)| units.chain(c).contains(&mine))
        };
        let officer = |a: &Actor| a.role == "petition_officer";
        let holds = |a: &Actor, grant: &str| a.grants.iter().any(|h| h == grant);
        let of_unit = |a: &Actor| a.agency.is_some() && a.agency == g.unit_id;
        let (who, can): (&str, Box<dyn Fn(&Actor) -> bool + Send>) = match (g.channel.as_str(), g.status.as_str()) {
            ("discipline", _) => (
                "纪检监察件：须由持有“办理纪检监察件”权限、且不属于被举报单位及其上下级单位的工作人员办理",
                Box::new(|a| holds(a, "discipline_channel")),
            ),
            ("legal", _) => {
                ("涉法涉诉件：须由持有“办理涉法涉诉件”权限的工作人员办理", Box::new(|a| holds(a, "legal_channel")))
            }
            (_, "received" | "objected") => ("待登记、待重新转办的件：须由信访工作人员办理", Box::new(officer)),
            (_, "routed" | "handling") => ("已转送的件：须由责任单位的工作人员办理", Box::new(of_unit)),
            (_, "under_review") => {
                ("复查、复核中的件：须由复查（复核）单位或信访部门办理", Box::new(move |a| of_unit(a) || officer(a)))
            }
            _ => continue,
        };
        let someone = actors.values().any(|a| can(a) && !screened(a));
        drop(can);
        if someone {
            continue;
        }
        let numbers: Vec<String> = sqlx::query_scalar(
            "SELECT number FROM cases WHERE channel = $1 AND status = $2 AND unit_id IS NOT DISTINCT FROM $3
               AND concerned_agency_id IS NOT DISTINCT FROM $4 AND kind = $5
               AND petition_kind IS NOT DISTINCT FROM $6 ORDER BY id LIMIT 5",
        )
        .bind(&g.channel)
        .bind(&g.status)
        .bind(g.unit_id)
        .bind(g.concerned_agency_id)
        .bind(&g.kind)
        .bind(&g.petition_kind)
        .fetch_all(&mut *conn)
        .await?;
        let why = format!("{who}，目前没有这样的账号（已停用、尚未设置密码或属于被举报单位的不算）");
        match out.iter_mut().find(|u| u.why == why) {
            Some(u) => {
                u.count += g.n;
                u.numbers.extend(numbers);
                u.numbers.truncate(10);
            }
            None => out.push(Unattended { why, count: g.n, numbers }),
        }
    }
    Ok(out)
}
