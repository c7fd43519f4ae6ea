//! Who owes a case's next step as it now stands, and telling them in 消息 of new work or of a
//! deadline coming: the petition officers while it waits to be registered, the staff of its unit
//! while the unit owes a step, the reviewing unit's staff (or the petition office) during a review,
//! the holders of the channel's power in the legal and discipline channels. Nobody of a unit a
//! report must be kept from is told (`screen.rs`), and a message names the case by number and
//! kind only: never what it is about, so a report says nothing of itself even in a title.
use super::grants::Grant;
use super::rows::{load, reviewing_unit, Case};
use super::screen::Units;
use super::{CaseStatus, Channel};
use crate::clock::{self, Date};
use crate::error::AppResult;
use sqlx::AnyConnection;

/// What the staff are told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Work {
    /// A new filing waits to be registered.
    Filed,
    /// The unit objected: the case waits to be registered again.
    Objected,
    /// Transferred (转送) to the unit.
    Transferred,
    /// Assigned (交办) to the unit, with the officer's deadline.
    Assigned,
    /// The filer asked for a review or re-review.
    Review,
    /// Sent to the legal or discipline channel.
    Channel,
    /// The step owed falls due within days.
    Deadline,
}

impl Work {
    /// The message's title: what, the case's number and kind, and by when.
    fn title(self, number: &str, kind: &str, due: Option<Date>) -> String {
        let by = due.map(|d| format!("，期限{d}")).unwrap_or_default();
        match self {
            Work::Filed => format!("新来件待登记：{number}（{kind}）{by}"),
            Work::Objected => format!("单位提出异议，待重新登记：{number}（{kind}）{by}"),
            Work::Transferred => format!("转送本单位：{number}（{kind}）{by}，请决定是否受理"),
            Work::Assigned => format!("交办本单位：{number}（{kind}）{by}"),
            Work::Review => format!("复查（复核）申请待办：{number}（{kind}）{by}"),
            Work::Channel => format!("新来件待办：{number}（{kind}）"),
            Work::Deadline => format!(
                "期限将至：{number}（{kind}）本环节须于{}前办结",
                due.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    }
}

/// Tell those who owe case `id`'s next step (as it stands in this transaction) of `work`.
pub(super) async fn tell(conn: &mut AnyConnection, id: i64, work: Work, due: Option<Date>) -> AppResult<usize> {
    let case = load(&mut *conn, id).await?;
    let to = owing(&mut *conn, &case).await?;
    let kind = match case.petition_kind {
        Some(p) => format!("{}·{}", case.kind.label(), p.label()),
        None => case.kind.label().to_string(),
    };
    let title = work.title(&case.number, &kind, due);
    let link = format!("/staff/cases/{id}");
    let now = clock::now();
    for user in &to {
        sqlx::query("INSERT INTO notifications (user_id, title, link, created_at) VALUES ($1, $2, $3, $4)")
            .bind(user)
            .bind(&title)
            .bind(&link)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(to.len())
}

/// The accounts that owe the case's next step, less anyone of a unit the case is kept from.
async fn owing(conn: &mut AnyConnection, case: &Case) -> AppResult<Vec<i64>> {
    if !case.status.in_progress() {
        return Ok(Vec::new());
    }
    let who: Vec<(i64, Option<i64>)> = match (case.channel, case.status) {
        (Channel::Legal, _) => holders(conn, Grant::LegalChannel).await?,
        (Channel::Discipline, _) => holders(conn, Grant::DisciplineChannel).await?,
        (_, CaseStatus::Received | CaseStatus::Objected) => officers(conn).await?,
        (_, CaseStatus::UnderReview) => match reviewing_unit(&mut *conn, case.id).await? {
            Some(unit) => staff_of(conn, unit).await?,
            None => officers(conn).await?,
        },
        (_, _) => match case.unit_id {
            Some(unit) => staff_of(conn, unit).await?,
            None => Vec::new(),
        },
    };
    let kept_from = match case.concerned_agency_id.filter(|_| case.is_report()) {
        Some(concerned) => Units::load(&mut *conn).await?.chain(concerned),
        None => Default::default(),
    };
    Ok(who.into_iter().filter(|(_, agency)| !agency.is_some_and(|a| kept_from.contains(&a))).map(|w| w.0).collect())
}

async fn officers(conn: &mut AnyConnection) -> AppResult<Vec<(i64, Option<i64>)>> {
    Ok(sqlx::query_as("SELECT id, agency_id FROM users WHERE role = 'petition_officer' ORDER BY id")
        .fetch_all(&mut *conn)
        .await?)
}

async fn staff_of(conn: &mut AnyConnection, unit: i64) -> AppResult<Vec<(i64, Option<i64>)>> {
    Ok(sqlx::query_as("SELECT id, agency_id FROM users WHERE role = 'staff' AND agency_id = $1 ORDER BY id")
        .bind(unit)
        .fetch_all(&mut *conn)
        .await?)
}

async fn holders(conn: &mut AnyConnection, grant: Grant) -> AppResult<Vec<(i64, Option<i64>)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.agency_id FROM users u JOIN user_grants g ON g.user_id = u.id
         WHERE g.grant_name = $1 ORDER BY u.id",
    )
    .bind(grant.as_str())
    .fetch_all(&mut *conn)
    .await?)
}
