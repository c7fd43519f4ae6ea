//! Submission benchmark: comments accepted per second through `POST /api/v1/consultations/{id}/comments`
//! (each durably committed before its receipt is returned), on SQLite and on PostgreSQL, with one
//! node and with two nodes on one database, and the p50/p99 latency of each submission.
//!
//! `cargo bench -p server --bench submit -- [--seconds 10] [--clients 32] [--postgres postgres://user@host:port]`
//! PostgreSQL is measured when `--postgres` (or `CANYU_TEST_POSTGRES`) names a server; a fresh
//! database is made there for each run. Nodes run in this process, each with its own pool and index.
mod common;

use common::{arg, arg_or, Load};
use server::config::{Config, Limits};
use std::time::{Duration, Instant};

/// A fresh database: SQLite in `dir`, or a new database on the PostgreSQL server.
async fn fresh_database(dir: &std::path::Path, postgres: Option<&str>) -> String {
    let Some(server) = postgres else { return format!("sqlite://{}", dir.join("canyu.db").display()) };
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    server::db::create_postgres_database(server, &format!("bench_{stamp}")).await.expect("a fresh PostgreSQL database")
}

async fn run(postgres: Option<&str>, nodes: usize, clients: usize, seconds: u64) -> Load {
    let temp = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(temp.path(), postgres).await;
    let db = server::db::connect(&url).await.expect("database");
    let cases = Config { data_dir: temp.path().to_path_buf(), ..Config::default() }.case_config().expect("case key");
    server::demo::load(&db, &cases).await.expect("demo data");
    let mut bases = Vec::new();
    let mut stops = Vec::new();
    for node in 0..nodes {
        let cfg = Config {
            data_dir: temp.path().join(format!("node{node}")),
            database_url: url.clone(),
            limits: Limits::uniform(1_000_000),
            ..Config::default()
        };
        std::fs::create_dir_all(&cfg.data_dir).expect("the node's data folder");
        let db = server::db::connect(&url).await.expect("database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        bases.push(format!("http://{}", listener.local_addr().unwrap()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push((
            stop,
            tokio::spawn(server::serve(cfg, db, listener, async {
                let _ = stopped.await;
            })),
        ));
    }
    // A node that could not start says why, instead of a refused connection later.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut running = Vec::new();
    for (stop, node) in stops {
        if node.is_finished() {
            panic!("a node stopped at start: {:?}", node.await);
        }
        running.push((stop, node));
    }
    let stops = running;
    // Two demo citizens, each signed in once; sessions are shared by every node.
    let sessions = common::citizens(&bases[0]).await;
    let load = common::load(clients, seconds, move |client, n| {
        let (c, base) = (sessions[client % sessions.len()].clone(), bases[client % nodes].clone());
        async move {
            let body =
                serde_json::json!({"body": format!("基准测试意见：建议增设电动自行车充电设施，第{client}-{n}条")});
            let res = c.post(format!("{base}/api/v1/consultations/1/comments")).json(&body).send().await;
            let receipt = match res {
                Ok(r) if r.status() == 201 => r.json::<serde_json::Value>().await.ok(),
                _ => None,
            };
            matches!(receipt, Some(v) if v["receipt"].is_string())
        }
    })
    .await;
    let (stored,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM comments WHERE body LIKE '基准测试意见%'").fetch_one(&db).await.unwrap();
    assert_eq!(stored as usize, load.ms.len(), "every acknowledged submission is stored");
    for (stop, server) in stops {
        let _ = stop.send(());
        let _ = server.await;
    }
    load
}

/// The disk's own limit, measured beside the server: comment rows (with their search change)
/// inserted straight into a fresh database with the server's settings by one connection, `per`
/// rows per transaction, for `seconds`. Rows per second.
async fn raw_limit(postgres: Option<&str>, per: usize, seconds: u64) -> f64 {
    let temp = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(temp.path(), postgres).await;
    let db = server::db::connect(&url).await.expect("database");
    let cases = Config { data_dir: temp.path().to_path_buf(), ..Config::default() }.case_config().expect("case key");
    server::demo::load(&db, &cases).await.expect("demo data");
    let mut conn = db.acquire().await.unwrap();
    let started = Instant::now();
    let mut rows = 0usize;
    while started.elapsed() < Duration::from_secs(seconds) {
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        for _ in 0..per {
            rows += 1;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (receipt, consultation_id, body, status, created_at)
                 VALUES ($1, 1, $2, 'pending', 0) RETURNING id",
            )
            .bind(format!("RAW-{per}-{rows}"))
            .bind("基准测试意见：建议增设电动自行车充电设施")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            sqlx::query("INSERT INTO search_changes (entity, entity_id, created_at) VALUES ('comment', $1, 0)")
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let seconds: u64 = arg_or("--seconds", 10);
    let clients: usize = arg_or("--clients", 32);
    let postgres = arg("--postgres").or_else(|| std::env::var("CANYU_TEST_POSTGRES").ok());
    let mut rows = Vec::new();
    let mut backends = vec![("SQLite", None)];
    if let Some(pg) = postgres.as_deref() {
        backends.push(("PostgreSQL", Some(pg)));
    }
    let mut limits = Vec::new();
    for (name, url) in backends {
        eprintln!("{name}: the disk's own limit, one row and 50 rows per commit…");
        let limit = (raw_limit(url, 1, seconds.min(5)).await, raw_limit(url, 50, seconds.min(5)).await);
        limits.push((name, limit));
        for nodes in [1, 2] {
            eprintln!("{name}, {nodes} node(s), {clients} clients, {seconds} s…");
            rows.push((name, nodes, run(url, nodes, clients, seconds).await, limit.0));
        }
    }
    println!(
        "\nsubmission benchmark: {clients} concurrent clients for {seconds} s, {} cores",
        std::thread::available_parallelism().map(|c| c.get()).unwrap_or(1)
    );
    println!("| database | limit: 1 row per commit | limit: 50 rows per commit |");
    println!("|---|---|---|");
    for (name, (one, fifty)) in limits {
        println!("| {name} | {one:.0} rows/s | {fifty:.0} rows/s |");
    }
    println!();
    println!("| database | nodes | submissions/s | against 1 row per commit | p50 | p99 | refused |");
    println!("|---|---|---|---|---|---|---|");
    for (name, nodes, r, one) in rows {
        let rate = r.per_s();
        println!(
            "| {name} | {nodes} | {rate:.0} | {:.2}× | {:.1} ms | {:.1} ms | {} |",
            rate / one,
            r.p50(),
            r.p99(),
            r.failed
        );
    }
}
