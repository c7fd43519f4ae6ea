//! Calls for legislative project proposals read from the database: the list, a call as the public
//! sees it (dispositions only once the outcome is out), its viewer's own proposals, and the
//! office's page of it.
use super::store::{left_to_do, office};
use super::{
    CallDetail, CallPage, CallSummary, CallViewer, CallWork, Disposition, DraftLink, OwnProposal, PlanItem, PlanKind,
    Proposal, ProposalStatus, StaffProposal, CALLS_PER_PAGE, PER_PAGE,
};
use crate::accounts::user::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

type SummaryRow = (i64, String, i64, i64, i64, Option<i64>, i64);

/// A call's summary columns (a [`SummaryRow`]), for a query on `proposal_calls c`.
macro_rules! summary_columns {
    () => {
        "c.id, c.title, c.plan_year, c.opens_at, c.closes_at, c.published_at,
         (SELECT COUNT(*) FROM legislative_proposals p WHERE p.call_id = c.id AND p.status = 'approved')"
    };
}
const SUMMARY_SQL: &str = concat!("SELECT ", summary_columns!(), " FROM proposal_calls c");
/// The summary, then the description and the outcome, of the call `$1`.
const DETAIL_SQL: &str =
    concat!("SELECT ", summary_columns!(), ", c.description, c.outcome FROM proposal_calls c WHERE c.id = $1");

fn summary((id, title, plan_year, opens_at, closes_at, published_at, proposals): SummaryRow) -> CallSummary {
    let now = clock::now();
    CallSummary {
        id,
        title,
        plan_year,
        opens_on: clock::format_date(opens_at),
        closes_on: clock::format_date(closes_at - 86_400),
        open: opens_at <= now && now < closes_at,
        upcoming: now < opens_at,
        published_on: published_at.map(clock::format_date),
        proposals,
    }
}

/// One page of calls, newest first.
pub async fn calls(db: &AnyPool, page: Option<u32>) -> AppResult<CallPage> {
    let requested = crate::paging::check(page)?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposal_calls").fetch_one(db).await?;
    let (page, pages, offset) = crate::paging::place(total, requested, CALLS_PER_PAGE);
    let rows: Vec<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY_SQL} ORDER BY c.opens_at DESC, c.id DESC LIMIT $1 OFFSET $2"))
            .bind(CALLS_PER_PAGE)
            .bind(offset)
            .fetch_all(db)
            .await?;
    Ok(CallPage { calls: rows.into_iter().map(summary).collect(), page, pages })
}

async fn summary_of(db: &AnyPool, id: i64) -> AppResult<(CallSummary, String, Option<String>)> {
    type DetailRow = (i64, String, i64, i64, i64, Option<i64>, i64, String, Option<String>);
    let row: Option<DetailRow> = sqlx::query_as(DETAIL_SQL).bind(id).fetch_optional(db).await?;
    let (id, title, year, opens, closes, published, proposals, description, outcome) = row.ok_or(AppError::NotFound)?;
    Ok((summary((id, title, year, opens, closes, published, proposals)), description, outcome))
}

/// A call's plan items with their consultations, in the order added.
async fn plan(db: &AnyPool, call: i64) -> AppResult<Vec<PlanItem>> {
    plan_items(db, "i.call_id = $1", call).await
}

/// The plan items `i` chosen by `condition` on `$1` (`id`), with their consultations, in the order
/// added.
async fn plan_items(db: &AnyPool, condition: &str, id: i64) -> AppResult<Vec<PlanItem>> {
    let rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(&format!(
        "SELECT i.id, i.title, i.kind, a.name, a.id, i.note FROM plan_items i JOIN agencies a ON a.id = i.agency_id
         WHERE {condition} ORDER BY i.id"
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    let links: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT l.plan_item_id, c.id, c.title FROM plan_item_consultations l JOIN plan_items i ON i.id = l.plan_item_id
         JOIN consultations c ON c.id = l.consultation_id WHERE {condition} ORDER BY l.linked_at, c.id"
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(id, title, kind, agency_name, agency_id, note)| {
            Ok(PlanItem {
                id,
                title,
                kind: AppError::stored(PlanKind::parse(&kind), "plan kind", &kind)?,
                agency_name,
                agency_id,
                note,
                consultations: links
                    .iter()
                    .filter(|l| l.0 == id)
                    .map(|l| DraftLink { consultation_id: l.1, title: l.2.clone() })
                    .collect(),
            })
        })
        .collect()
}

/// Published proposals as [`ProposalRow`]s; callers append `AND …`, the order and the limit.
const PUBLISHED_PROPOSALS: &str =
    "SELECT id, receipt, subject, problem, approach, status, disposition, disposition_reason, plan_item_id, created_at
     FROM legislative_proposals WHERE status = 'approved'";

type ProposalRow = (i64, String, String, String, String, String, Option<String>, Option<String>, Option<i64>, i64);

fn disposition(raw: Option<String>) -> AppResult<Option<Disposition>> {
    raw.map(|d| AppError::stored(Disposition::parse(&d), "proposal disposition", &d)).transpose()
}

/// A call with one page of its published proposals; dispositions only once the outcome is out.
/// Without a page, `proposal` picks the page that shows that proposal (a search hit's link).
pub async fn call(db: &AnyPool, id: i64, page: Option<u32>, proposal: Option<i64>) -> AppResult<CallDetail> {
    let mut requested = crate::paging::check(page)?;
    if let (None, Some(proposal)) = (page, proposal) {
        let before: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM legislative_proposals WHERE call_id = $1 AND status = 'approved' AND id < $2",
        )
        .bind(id)
        .bind(proposal)
        .fetch_one(db)
        .await?;
        requested = u32::try_from(before / PER_PAGE + 1).unwrap_or(u32::MAX).min(crate::paging::MAX_PAGE);
    }
    let (summary, description, outcome) = summary_of(db, id).await?;
    let out = outcome.is_some();
    let (page, pages, offset) = crate::paging::place(summary.proposals, requested, PER_PAGE);
    let rows: Vec<ProposalRow> =
        sqlx::query_as(&format!("{PUBLISHED_PROPOSALS} AND call_id = $1 ORDER BY id LIMIT $2 OFFSET $3"))
            .bind(id)
            .bind(PER_PAGE)
            .bind(offset)
            .fetch_all(db)
            .await?;
    let proposals = rows.into_iter().map(|r| published(r, out)).collect::<AppResult<Vec<_>>>()?;
    let plan = if out { plan(db, id).await? } else { vec![] };
    let corrections = corrections(db, id).await?;
    Ok(CallDetail { summary, description, outcome, plan, proposals, page, pages, corrections })
}

/// A published proposal as the public sees it: its disposition only once the outcome is `out`.
fn published(
    (id, _, subject, problem, approach, _, d, reason, item, at): ProposalRow,
    out: bool,
) -> AppResult<Proposal> {
    Ok(Proposal {
        id,
        subject,
        problem,
        approach,
        submitted_on: clock::format_date(at),
        disposition: if out { disposition(d)? } else { None },
        disposition_reason: reason.filter(|_| out),
        plan_item: item.filter(|_| out),
    })
}

/// A plan item of a published plan with the proposals it includes, its consultations and the
/// documents registered from them; not found before the plan is published.
pub async fn plan_item(db: &AnyPool, id: i64) -> AppResult<super::PlanItemDetail> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.title, c.plan_year FROM plan_items i JOIN proposal_calls c ON c.id = i.call_id
         WHERE i.id = $1 AND c.published_at IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let (call_id, call_title, plan_year) = row.ok_or(AppError::NotFound)?;
    let item = plan_items(db, "i.id = $1", id).await?.into_iter().next().ok_or(AppError::NotFound)?;
    let rows: Vec<ProposalRow> =
        sqlx::query_as(&format!("{PUBLISHED_PROPOSALS} AND plan_item_id = $1 ORDER BY id LIMIT 100"))
            .bind(id)
            .fetch_all(db)
            .await?;
    let proposals = rows.into_iter().map(|r| published(r, true)).collect::<AppResult<Vec<_>>>()?;
    let from_drafts =
        "d.consultation_id IN (SELECT consultation_id FROM plan_item_consultations WHERE plan_item_id = $1)";
    let documents = crate::consultations::store::made_from(db, from_drafts, id, 50).await?;
    Ok(super::PlanItemDetail { item, call_id, call_title, plan_year, proposals, documents })
}

/// Most corrections shown of one call (the latest; a call is corrected a few times at most).
const CORRECTIONS_SHOWN: i64 = 50;

/// A call's corrections, oldest first, each part with its text before and after (worked out when
/// the correction was made).
async fn corrections(db: &AnyPool, call: i64) -> AppResult<Vec<super::CallCorrection>> {
    let mut rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT changed_at, reason, parts FROM call_changes WHERE call_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(call)
    .bind(CORRECTIONS_SHOWN)
    .fetch_all(db)
    .await?;
    rows.reverse();
    rows.into_iter()
        .map(|(at, reason, parts)| {
            let parts = AppError::stored(serde_json::from_str(&parts).ok(), "call correction parts", &parts)?;
            Ok(super::CallCorrection { on: clock::format_date(at), reason, parts })
        })
        .collect()
}

/// A proposal looked up by its receipt (`JY-…`), for its author alone: anyone else is told it is
/// not found, as if there were none.
pub async fn own_by_receipt(db: &AnyPool, user: &CurrentUser, receipt: &str) -> AppResult<OwnProposal> {
    if receipt.chars().count() > 64 {
        return Err(AppError::NotFound);
    }
    let receipt = crate::codes::normalise_receipt(receipt);
    let row: Option<(i64, String, String, Option<String>, Option<String>, Option<String>, i64, Option<i64>)> =
        sqlx::query_as(
            "SELECT p.call_id, p.subject, p.status, p.moderation_reason, p.disposition, p.disposition_reason,
                    p.created_at, c.published_at
             FROM legislative_proposals p JOIN proposal_calls c ON c.id = p.call_id
             WHERE p.receipt = $1 AND p.author_id = $2",
        )
        .bind(&receipt)
        .bind(user.id)
        .fetch_optional(db)
        .await?;
    let (call_id, subject, status, moderation_reason, d, reason, at, published) = row.ok_or(AppError::NotFound)?;
    let out = published.is_some();
    Ok(OwnProposal {
        receipt,
        call_id,
        subject,
        status: AppError::stored(ProposalStatus::parse(&status), "proposal status", &status)?,
        moderation_reason,
        submitted_on: clock::format_date(at),
        disposition: if out { disposition(d)? } else { None },
        disposition_reason: reason.filter(|_| out),
    })
}

/// The viewer's own proposals in a call (newest first, at most a page), and their part.
pub async fn call_viewer(db: &AnyPool, user: &CurrentUser, id: i64) -> AppResult<CallViewer> {
    let out: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT published_at FROM proposal_calls WHERE id = $1").bind(id).fetch_optional(db).await?;
    let out = out.ok_or(AppError::NotFound)?.0.is_some();
    let rows: Vec<(String, String, String, Option<String>, Option<String>, Option<String>, i64)> = sqlx::query_as(
        "SELECT receipt, subject, status, moderation_reason, disposition, disposition_reason, created_at
         FROM legislative_proposals WHERE call_id = $1 AND author_id = $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(id)
    .bind(user.id)
    .bind(PER_PAGE)
    .fetch_all(db)
    .await?;
    let own = rows
        .into_iter()
        .map(|(receipt, subject, status, moderation_reason, d, reason, at)| {
            Ok(OwnProposal {
                receipt,
                call_id: id,
                subject,
                status: AppError::stored(ProposalStatus::parse(&status), "proposal status", &status)?,
                moderation_reason,
                submitted_on: clock::format_date(at),
                disposition: if out { disposition(d)? } else { None },
                disposition_reason: reason.filter(|_| out),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let manages = office(db, user).await.is_ok();
    let linkable = match (out, user.staff_agency()) {
        (true, Ok(agency)) => sqlx::query_as(
            "SELECT id, title FROM plan_items WHERE call_id = $1 AND ($2 = 1 OR agency_id = $3) ORDER BY id LIMIT $4",
        )
        .bind(id)
        .bind(i64::from(manages))
        .bind(agency)
        .bind(super::store::MAX_ITEMS)
        .fetch_all(db)
        .await?,
        _ => vec![],
    };
    Ok(CallViewer { own, manages, citizen: user.role == Role::Citizen, linkable })
}

/// The office's page of a call: pending proposals first, then the published ones in order.
pub async fn work(db: &AnyPool, user: &CurrentUser, id: i64, page: Option<u32>) -> AppResult<CallWork> {
    office(db, user).await?;
    let requested = crate::paging::check(page)?;
    let (summary, description, _) = summary_of(db, id).await?;
    let (pending, undecided, rejected) = left_to_do(&mut *db.acquire().await?, id).await?;
    let (page, pages, offset) = crate::paging::place(pending + summary.proposals, requested, PER_PAGE);
    let rows: Vec<(
        i64,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        i64,
    )> = sqlx::query_as(
        "SELECT id, receipt, subject, problem, approach, status, moderation_reason, disposition, disposition_reason,
                    plan_item_id, created_at
             FROM legislative_proposals WHERE call_id = $1 AND status IN ('pending', 'approved')
             ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id LIMIT $2 OFFSET $3",
    )
    .bind(id)
    .bind(PER_PAGE)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let proposals = rows
        .into_iter()
        .map(|(pid, receipt, subject, problem, approach, status, moderation_reason, d, reason, item, at)| {
            Ok(StaffProposal {
                id: pid,
                receipt,
                subject,
                problem,
                approach,
                status: AppError::stored(ProposalStatus::parse(&status), "proposal status", &status)?,
                moderation_reason,
                disposition: disposition(d)?,
                disposition_reason: reason,
                plan_item: item,
                submitted_on: clock::format_date(at),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let agencies: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM agencies ORDER BY id").fetch_all(db).await?;
    let plan = plan(db, id).await?;
    Ok(CallWork { summary, description, pending, undecided, rejected, proposals, page, pages, plan, agencies })
}
