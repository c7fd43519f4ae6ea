//! The server functions the case pages load from (and `case_progress`, which is deliberately
//! not one). Leaves: the pages call them; they call the store.
use crate::cases::{CaseKind, CaseStatus, CaseSummary, Progress, StaffCase};
use crate::error::AppError;
use leptos::prelude::*;

/// The agencies a filer may name, and staff may route to: (id, name).
#[server(endpoint = "case_units")]
pub async fn case_units() -> Result<Vec<(i64, String)>, AppError> {
    let st = crate::state::state()?;
    Ok(sqlx::query_as("SELECT id, name FROM agencies ORDER BY name").fetch_all(&st.db).await?)
}

/// Progress of the case named in the echoed form (number and query code). Deliberately not a server
/// function: the page is rendered on the server after the rate-limited form post, and there is no
/// endpoint to try codes against.
pub(super) async fn case_progress(number: String, code: String) -> Result<Progress, AppError> {
    #[cfg(feature = "ssr")]
    {
        let st = crate::state::state()?;
        crate::cases::store::progress(&st.db, &st.cases, &number, &code).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (number, code);
        Err(AppError::NotFound)
    }
}

/// A staff queue.
#[server(endpoint = "case_queue")]
pub async fn case_queue(queue: String, q: Option<String>, page: Option<u32>) -> Result<Vec<CaseSummary>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    let which = crate::cases::store::Queue::named(&queue)?;
    crate::cases::store::queue(&st.db, &st.search, &user, which, q.as_deref(), page).await
}

/// One case for staff.
#[server(endpoint = "staff_case")]
pub async fn load_staff_case(id: i64) -> Result<StaffCase, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    crate::cases::store::staff_view(&st.db, &user, id).await
}

/// The petition office's dashboard: load per unit and the cases overdue or due within 3 days.
#[server(endpoint = "case_dashboard")]
pub async fn case_dashboard() -> Result<(Vec<crate::cases::UnitLoad>, Vec<CaseSummary>), AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    crate::cases::store::dashboard(&st.db, &user).await
}

/// Public statistics (aggregates only), a page of months at a time.
#[server(endpoint = "case_statistics")]
pub async fn case_statistics(page: u32) -> Result<crate::cases::StatPage, AppError> {
    let st = crate::state::state()?;
    crate::cases::stats::page(&st.db, page).await
}

/// One page of a signed-in citizen's own cases, newest first.
#[server(endpoint = "my_cases")]
pub async fn my_cases(page: Option<u32>) -> Result<Vec<(String, CaseKind, String, CaseStatus, i64)>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    crate::cases::store::mine(&st.db, &st.cases, &user, page).await
}

/// One of the signed-in citizen's own cases.
#[server(endpoint = "my_case")]
pub async fn my_case(number: String) -> Result<Progress, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    crate::cases::store::progress_for_filer(&st.db, &st.cases, &user, &number).await
}
