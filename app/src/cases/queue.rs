//! The staff queues: which cases each holds for whom, a page at a time, the most urgent first; and
//! the search within a queue, which asks the search index with the queue's rule inside the index
//! query, then reads the page from the database, where the rule is checked again and has the last
//! word (a hit the database refuses is not shown).
use super::grants::{self, Grant};
use super::rows::{SummaryRow, SUMMARY_SQL};
use super::screen::Screen;
use super::{CaseStatus, CaseSummary, QUEUE_PAGE};
use crate::accounts::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::search::cases::CaseScope;
use crate::search::indexer::Search;
use sqlx::{AnyConnection, AnyPool};

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

/// What a queue holds for its viewer: a channel and, for the unit queue, the viewer's unit. Both
/// the SQL condition and the index terms are made from it.
struct Scope {
    channel: &'static str,
    unit: Option<i64>,
}

impl Scope {
    /// The condition on `cases c`; the unit, if any, is bound as `$1`.
    fn sql(&self) -> String {
        match self.unit {
            Some(_) => format!("c.channel = '{}' AND c.unit_id = $1", self.channel),
            None => format!("c.channel = '{}'", self.channel),
        }
    }
}

/// The queue's scope, if `user` may open it.
async fn scope(db: &AnyPool, user: &CurrentUser, which: Queue) -> AppResult<Scope> {
    let grants = grants::of_user(db, user.id).await?;
    let channel = |channel| Ok(Scope { channel, unit: None });
    match which {
        Queue::Ordinary if user.require(Role::PetitionOfficer).is_ok() => channel("ordinary"),
        Queue::Legal if grants.has(Grant::LegalChannel) => channel("legal"),
        Queue::Discipline if grants.has(Grant::DisciplineChannel) => channel("discipline"),
        // Reports about the unit's own chain are screened out, as in every queue.
        Queue::Unit => Ok(Scope { channel: "ordinary", unit: Some(user.staff_agency()?) }),
        _ => Err(AppError::Forbidden),
    }
}

/// One page of a staff queue. Without `q`: the cases in it still owing a step, most urgent first
/// (by due date, overdue first), then the rest, newest first. With `q`: the cases of the queue
/// that the search index finds by their number or by every word in their matter, facts or request,
/// most relevant first, then newest first. Either way, nobody finds a case outside their queue, nor
/// a report about their own unit's chain.
pub async fn queue(
    db: &AnyPool,
    search: &Search,
    user: &CurrentUser,
    which: Queue,
    q: Option<&str>,
    page: Option<u32>,
) -> AppResult<Vec<CaseSummary>> {
    let page = crate::paging::check(page)?;
    // An account still on its one-time password holds no powers until it has set its own.
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    let scope = scope(db, user, which).await?;
    let words = q.map(str::trim).filter(|w| !w.is_empty());
    if words.is_some_and(|w| w.chars().count() > 100) {
        return Err(AppError::field("q", "搜索词不能超过100字"));
    }
    let mut conn = db.acquire().await?;
    let screen = Screen::for_viewer(&mut conn, user).await?;
    let offset = (i64::from(page) - 1) * QUEUE_PAGE;
    let rows = match words {
        None => listed(&mut conn, &scope, &screen, offset).await?,
        Some(w) => found(&mut conn, search, &scope, &screen, w, offset).await?,
    };
    let now = clock::now();
    rows.iter().filter(|r| screen.shows(r)).map(|r| r.summary(now)).collect()
}

/// A page of the queue in its own order. The screen is applied in the query, so a page is a full
/// page of what the viewer may see.
async fn listed(conn: &mut AnyConnection, scope: &Scope, screen: &Screen, offset: i64) -> AppResult<Vec<SummaryRow>> {
    let running: Vec<String> =
        CaseStatus::ALL.iter().filter(|s| s.in_progress()).map(|s| format!("'{}'", s.as_str())).collect();
    let running = running.join(", ");
    let sql = format!(
        "{SUMMARY_SQL} WHERE {}{}
         ORDER BY CASE WHEN c.due_on IS NOT NULL AND c.status IN ({running}) THEN 0 ELSE 1 END,
                  CASE WHEN c.status IN ({running}) THEN c.due_on END, c.id DESC
         LIMIT {QUEUE_PAGE} OFFSET {offset}",
        scope.sql(),
        screen.sql(),
    );
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql);
    if let Some(unit) = scope.unit {
        query = query.bind(unit);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

/// A page of what the index finds for `words` within the queue, in the index's order. The index
/// applies the queue's rule itself (`search::cases`), so the page is cut from visible cases only;
/// the database then checks each hit under the same rule, as it stands now: a case moved out of
/// the queue since it was indexed is left out rather than shown.
async fn found(
    conn: &mut AnyConnection,
    search: &Search,
    scope: &Scope,
    screen: &Screen,
    words: &str,
    offset: i64,
) -> AppResult<Vec<SummaryRow>> {
    let index_scope = CaseScope { channel: scope.channel, unit: scope.unit, hidden_reports_about: screen.blocked() };
    let (idx, q) = (search.index(), words.to_string());
    let ids = tokio::task::spawn_blocking(move || {
        crate::search::cases::case_ids(&idx, &q, &index_scope, offset as usize, QUEUE_PAGE as usize)
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "case search failed");
        AppError::Internal
    })?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let first = 1 + usize::from(scope.unit.is_some());
    let marks: Vec<String> = (first..first + ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("{SUMMARY_SQL} WHERE {} AND c.id IN ({}){}", scope.sql(), marks.join(", "), screen.sql());
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql);
    if let Some(unit) = scope.unit {
        query = query.bind(unit);
    }
    for id in &ids {
        query = query.bind(*id);
    }
    let mut rows = query.fetch_all(&mut *conn).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}
