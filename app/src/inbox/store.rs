//! Messages in the database: listed per user, marked read.
use super::Notification;
use crate::accounts::user::CurrentUser;
use crate::error::AppResult;
use sqlx::AnyPool;

/// A user's messages, newest first (the latest 200).
pub async fn list(db: &AnyPool, user: &CurrentUser) -> AppResult<Vec<Notification>> {
    let rows: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, title, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 200",
    )
    .bind(user.id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, link, created_at, read_at)| Notification {
            id,
            title,
            link,
            created_at,
            read: read_at.is_some(),
        })
        .collect())
}

/// Mark all of a user's messages read.
pub async fn mark_read(db: &AnyPool, user: &CurrentUser) -> AppResult<u64> {
    Ok(sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(crate::clock::now())
        .bind(user.id)
        .execute(db)
        .await?
        .rows_affected())
}

/// The active staff of the agency given as `$1`: who is told of what the agency must do.
pub const AGENCY_STAFF_SQL: &str =
    "SELECT id FROM users WHERE agency_id = $1 AND role = 'staff' AND disabled_at IS NULL";

/// Tell every active staff member of `agency` (in the caller's transaction). Returns how many.
pub async fn tell_agency(conn: &mut sqlx::AnyConnection, agency: i64, title: &str, link: &str) -> AppResult<u64> {
    Ok(sqlx::query(&format!(
        "INSERT INTO notifications (user_id, title, link, created_at) SELECT s.id, $2, $3, $4 FROM ({AGENCY_STAFF_SQL}) s"
    ))
    .bind(agency)
    .bind(title)
    .bind(link)
    .bind(crate::clock::now())
    .execute(conn)
    .await?
    .rows_affected())
}
