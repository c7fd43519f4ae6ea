//! Database helpers shared by the domain stores.
use sqlx::{Any, AnyPool, Transaction};

/// Begin a transaction that reads and then writes. SQLite takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a write by another connection between our read and our write makes us
/// wait (busy timeout) instead of failing with "database is locked". PostgreSQL needs nothing more.
pub async fn begin_write(db: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}
