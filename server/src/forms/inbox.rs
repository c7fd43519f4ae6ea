//! Form posts of the inbox.
use super::common::{see_other, Page};
use crate::extract::SignedIn;
use axum::response::Response;

/// POST /inbox/read: mark every message read.
pub async fn read_all(page: Page, SignedIn(user): SignedIn) -> Response {
    match app::inbox::store::mark_read(&page.st.db, &user).await {
        Ok(_) => see_other("/inbox"),
        Err(e) => crate::respond::error_response(&page.headers, e),
    }
}
