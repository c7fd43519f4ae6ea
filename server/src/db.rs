//! The database: embedded SQLite by default or PostgreSQL by URL, each connected with settings chosen
//! for durability, and its migrations. Everything else talks to it through sqlx's Any driver.
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Create an empty database `name` on the PostgreSQL server at `server` (`postgres://user@host:port`)
/// and return its URL; for tests and benchmarks, which each want a fresh one.
pub async fn create_postgres_database(server: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await?;
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    admin.close().await?;
    Ok(format!("{server}/{name}"))
}

/// Drop a database made by [`create_postgres_database`], closing any connection still on it.
pub async fn drop_postgres_database(server: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await?;
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
    admin.close().await?;
    Ok(())
}

/// Whether a connection given back to the pool may be reused. A transaction whose COMMIT or
/// ROLLBACK failed (a full disk, an I/O error) can leave the connection inside it: reused, later
/// "commits" on it would only release savepoints and save nothing, while its open write
/// transaction locks everyone else out. Such a connection is closed instead (a fresh one is
/// opened when needed), so the database recovers by itself when the fault is gone.
async fn discard_if_still_in_a_transaction(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Nearly every connection comes back outside any transaction: no round trip for those.
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // Runs any rollback still queued from a dropped transaction; its failure closes the connection.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::error!("a database connection was left inside a failed transaction; closing it");
        return Ok(false);
    }
    Ok(true)
}

/// Apply the migrations not yet applied. When every one is, nothing is run at all: the
/// application may then connect as a role without the right to create tables (see
/// `server/sql/postgres-app-role.sql`), while the owner runs `canyu migrate` for upgrades.
async fn migrate_if_needed(pool: &AnyPool, migrator: sqlx::migrate::Migrator) -> Result<(), sqlx::Error> {
    let applied: Result<Vec<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(pool).await;
    if let Ok(applied) = applied {
        if migrator.iter().all(|m| applied.contains(&m.version)) {
            return Ok(());
        }
    }
    migrator.run(pool).await?;
    Ok(())
}

/// Open (creating an embedded database if needed) and apply migrations.
pub async fn connect(url: &str) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)
        .ok_or_else(|| sqlx::Error::Configuration("the database URL must start with sqlite: or postgres://".into()))?;
    let pool = match backend {
        Backend::Sqlite => {
            // Create the file if missing; sqlx's SQLite URL takes `mode=rwc` for that.
            let url = if url.contains("mode=") {
                url.to_string()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            // One writer at a time in SQLite, so a few connections serve reads while one writes.
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .after_release(|conn, _| Box::pin(discard_if_still_in_a_transaction(conn)))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets readers proceed during a write; FULL makes each commit durable
                        // before we answer; a writer waits up to 5 s for another to finish.
                        // Recursive triggers make `INSERT OR REPLACE` fire the records' delete
                        // guards too (it removes the row it replaces).
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                             PRAGMA recursive_triggers = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await?
        }
        Backend::Postgres => {
            // PostgreSQL commits are durable by default (synchronous_commit = on). A statement that
            // runs past 10 s is cancelled rather than holding a connection that requests wait for.
            AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .after_release(|conn, _| Box::pin(discard_if_still_in_a_transaction(conn)))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("SET statement_timeout = '10s'").await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?
        }
    };
    match backend {
        Backend::Sqlite => migrate_if_needed(&pool, sqlx::migrate!("../migrations/sqlite")).await?,
        Backend::Postgres => migrate_if_needed(&pool, sqlx::migrate!("../migrations/postgres")).await?,
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_embedded_connection_is_durable_and_waits_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        // Ask several connections at once, so more than one is opened.
        let mut conns = Vec::new();
        for _ in 0..3 {
            conns.push(pool.acquire().await.unwrap());
        }
        for conn in conns.iter_mut() {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut **conn).await.unwrap();
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut **conn).await.unwrap();
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut **conn).await.unwrap();
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut **conn).await.unwrap();
            assert_eq!(
                (mode.as_str(), sync, busy, fk),
                ("wal", 2, 5000, 1),
                "WAL, synchronous=FULL, 5 s, foreign keys"
            );
        }
    }

    #[test]
    fn the_url_chooses_the_database() {
        assert_eq!(Backend::of("sqlite://data/canyu.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of("postgres://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("postgresql://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("mysql://u@h/db"), None);
    }
}
