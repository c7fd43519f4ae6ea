//! Search benchmark: builds a deterministic corpus of Chinese comments, then measures full rebuild
//! speed, index size, query latency through `GET /api/v1/search` on loopback, freshness (receipt →
//! searchable), and the same queries with SQLite `LIKE` and FTS5 for comparison.
//!
//! `cargo bench -p server --bench search -- --comments 1000000` (default 100000). With
//! `--data DIR` the corpus is kept in DIR and reused by later runs with the same count, and
//! `--queries-only` then skips the rebuild and the comparisons (for working on query speed);
//! `--no-compare` skips only the SQLite comparisons; `--params '&sort=date'` adds query parameters.
#[path = "../common/mod.rs"]
mod common;
mod corpus;

use common::{arg, arg_or, percentile, Rng};
use corpus::Vocabulary;
use server::config::{Config, Limits};
use sqlx::AnyPool;
use std::time::{Duration, Instant};

const AGENCIES: i64 = 20;
const CONSULTATIONS: i64 = 200;
const ARTICLES: i64 = 30;

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn summary(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(|a, b| a.total_cmp(b));
    (percentile(&ms, 0.5), percentile(&ms, 0.99))
}

#[tokio::main]
async fn main() {
    let n: usize = arg_or("--comments", 100_000);
    let temp = tempfile::tempdir().expect("temp dir");
    let data_dir = arg("--data").map(std::path::PathBuf::from).unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&data_dir).expect("data folder");
    let queries_only = flag("--queries-only");
    let vocabulary = Vocabulary::new();
    let cfg = Config {
        data_dir: data_dir.clone(),
        limits: Limits::uniform(100_000),
        search_interval_ms: 1000,
        ..Config::default()
    };
    let db = server::db::connect(&cfg.database_url()).await.expect("database");
    let started = Instant::now();
    let (existing,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM comments WHERE receipt LIKE 'BENCH-%'").fetch_one(&db).await.unwrap();
    if existing != n as i64 {
        assert_eq!(existing, 0, "{} holds a corpus of another size", data_dir.display());
        generate(&db, &vocabulary, n).await;
    }
    let generated = started.elapsed();
    eprintln!("corpus: {n} comments in {:.1} s", generated.as_secs_f64());

    let docs = n as f64 + (CONSULTATIONS * (ARTICLES + 1)) as f64;
    let mut rebuild = f64::NAN;
    if !queries_only {
        let started = Instant::now();
        let gen_dir = app::search::indexer::rebuild(&db, &cfg.search_dir(), |done, total| {
            if done % 100_000 < 5_000 || done == total {
                eprint!("\rindexing {done}/{total}");
            }
        })
        .await
        .expect("rebuild");
        rebuild = started.elapsed().as_secs_f64();
        eprintln!();
        app::search::index::remove_old_generations(&cfg.search_dir(), &gen_dir);
    }
    let size = app::search::index::current_dir(&cfg.search_dir()).map(|d| dir_size(&d)).unwrap_or(0);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(cfg.clone(), db.clone(), listener, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let (q50, q99, matched) = query_latency(&http, &base, &vocabulary).await;
    if queries_only {
        println!("query via GET /api/v1/search: p50 {q50:.2} ms, p99 {q99:.2} ms, median matches {matched}");
        let _ = stop.send(());
        let _ = server.await;
        return;
    }
    let (f50, f99) = freshness(&db, &base).await;
    let compare = !flag("--no-compare");
    let (like50, like99) = if compare { like_latency(&db, &vocabulary).await } else { (f64::NAN, f64::NAN) };
    let fts = if compare { fts5(&db, &vocabulary).await } else { None };

    println!(
        "\nsearch benchmark: {n} comments ({} docs with articles), {} cores",
        docs as u64,
        std::thread::available_parallelism().map(|c| c.get()).unwrap_or(1)
    );
    println!("| figure | value |");
    println!("|---|---|");
    println!("| corpus generation | {:.1} s |", generated.as_secs_f64());
    println!("| full rebuild from the database | {:.1} s, {:.0} docs/s |", rebuild, docs / rebuild);
    println!("| index size on disk | {:.1} MB, {:.0} bytes per comment |", size as f64 / 1e6, size as f64 / n as f64);
    println!("| query via GET /api/v1/search (2 terms, snippets, facets, top 20) | p50 {q50:.2} ms, p99 {q99:.2} ms (median query matches {matched} docs) |");
    println!("| freshness, receipt → searchable | p50 {f50:.0} ms, p99 {f99:.0} ms |");
    println!("| SQLite LIKE, same queries (count + top 20) | p50 {like50:.1} ms, p99 {like99:.1} ms — {:.0}× slower at p50 |", like50 / q50);
    match fts {
        Some((build, s50, s99)) => {
            println!("| SQLite FTS5 trigram build | {build:.1} s, {:.0} docs/s |", n as f64 / build);
            println!("| SQLite FTS5 trigram, same queries (count + top 20 by rank) | p50 {s50:.2} ms, p99 {s99:.2} ms — {:.1}× ours at p50 |", s50 / q50);
        }
        None if compare => println!("| SQLite FTS5 | not available in this SQLite build |"),
        None => {}
    }
    let _ = stop.send(());
    let _ = server.await;
}

async fn generate(db: &AnyPool, vocabulary: &Vocabulary, n: usize) {
    let mut rng = Rng::new(20261124);
    let now = app::clock::now();
    let mut tx = db.begin().await.unwrap();
    for a in 1..=AGENCIES {
        sqlx::query("INSERT INTO agencies (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(a)
            .bind(format!("测试单位{a}"))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let hash = app::accounts::store::hash_password("bench-password".into()).await.unwrap();
    sqlx::query("INSERT INTO users (id, login, password_hash, display_name, role, agency_id, created_at) VALUES (1, 'staff@bench', $1, '工作人员', 'staff', 1, $2), (2, '13900000000', $1, '市民', 'citizen', NULL, $2)")
        .bind(&hash).bind(now).execute(&mut *tx).await.unwrap();
    for c in 1..=CONSULTATIONS {
        sqlx::query("INSERT INTO consultations (id, agency_id, kind, title, explanation, full_text, opens_at, closes_at, created_by, created_at) VALUES ($1, $2, 'regulation', $3, '', '', $4, $5, 1, $4)")
            .bind(c).bind(1 + (c - 1) % AGENCIES).bind(format!("某市{}管理规定（草案）", vocabulary.subjects.draw(&mut rng))).bind(now - 10 * 86_400).bind(now + 30 * 86_400)
            .execute(&mut *tx).await.unwrap();
        for a in 1..=ARTICLES {
            let body: String = vocabulary.comment(&mut rng).chars().take(120).collect();
            sqlx::query("INSERT INTO articles (id, consultation_id, position, anchor, is_article, label, body) VALUES ($1, $2, $3, $4, TRUE, $5, $6)")
                .bind((c - 1) * ARTICLES + a).bind(c).bind(a).bind(format!("a{a}")).bind(format!("第{a}条")).bind(body)
                .execute(&mut *tx).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    for i in 0..n {
        let c = 1 + rng.below(CONSULTATIONS as usize) as i64;
        let article = (rng.below(4) > 0).then(|| (c - 1) * ARTICLES + 1 + rng.below(ARTICLES as usize) as i64);
        let status = if rng.below(10) == 0 { "pending" } else { "approved" };
        sqlx::query("INSERT INTO comments (receipt, consultation_id, article_id, body, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(format!("BENCH-{i}")).bind(c).bind(article).bind(vocabulary.comment(&mut rng)).bind(status).bind(now - rng.below(30 * 86_400) as i64)
            .execute(&mut *tx).await.unwrap();
        if i % 20_000 == 19_999 {
            tx.commit().await.unwrap();
            tx = db.begin().await.unwrap();
            eprint!("\rcorpus {}/{n}", i + 1);
        }
    }
    tx.commit().await.unwrap();
    eprintln!();
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

async fn query_latency(http: &reqwest::Client, base: &str, vocabulary: &Vocabulary) -> (f64, f64, u64) {
    let mut rng = Rng::new(7);
    let mut ms = Vec::new();
    let mut matched = Vec::new();
    let mut slowest = Vec::new();
    for i in 0..1100 {
        let q = vocabulary.query(&mut rng);
        let url =
            format!("{base}/api/v1/search?q={}{}", app::ui::encode_query(&q), arg("--params").unwrap_or_default());
        let t = Instant::now();
        let res = http.get(url).send().await.unwrap();
        assert!(res.status().is_success());
        let body = res.bytes().await.unwrap();
        if i >= 100 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            matched.push(v["total"].as_u64().unwrap_or(0));
            slowest.push((t.elapsed().as_secs_f64() * 1000.0, q, v["total"].as_u64().unwrap_or(0)));
        }
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q, n) in slowest.iter().take(8) {
        eprintln!("slow query {q:?}: {ms:.1} ms, {n} matches");
    }
    matched.sort_unstable();
    let median = matched[matched.len() / 2];
    let (p50, p99) = summary(ms);
    (p50, p99, median)
}

async fn freshness(db: &AnyPool, base: &str) -> (f64, f64) {
    let citizen = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let staff = reqwest::Client::builder().cookie_store(true).build().unwrap();
    for (c, login) in [(&citizen, "13900000000"), (&staff, "staff@bench")] {
        let res = c
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"login": login, "password": "bench-password"}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }
    let mut ms = Vec::new();
    for i in 0..60 {
        let token = format!("fresh{i}x{}", app::clock::now());
        let body = format!("时效测试意见，核验标记 {token}。");
        let t = Instant::now();
        let res = citizen
            .post(format!("{base}/api/v1/consultations/1/comments"))
            .json(&serde_json::json!({"body": body}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        loop {
            let r: serde_json::Value =
                staff.get(format!("{base}/api/v1/search?q={token}")).send().await.unwrap().json().await.unwrap();
            if r["total"].as_u64() == Some(1) {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(30), "comment never became searchable");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = db;
    summary(ms)
}

async fn like_latency(db: &AnyPool, vocabulary: &Vocabulary) -> (f64, f64) {
    let mut rng = Rng::new(7);
    let mut ms = Vec::new();
    for _ in 0..20 {
        let q = vocabulary.query(&mut rng);
        let (a, b) = q.split_once(' ').unwrap();
        let (a, b) = (format!("%{a}%"), format!("%{b}%"));
        let t = Instant::now();
        let _: (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM comments WHERE status = 'approved' AND body LIKE $1 AND body LIKE $2")
                .bind(&a)
                .bind(&b)
                .fetch_one(db)
                .await
                .unwrap();
        let _: Vec<(i64, String)> = sqlx::query_as("SELECT id, substr(body, 1, 60) FROM comments WHERE status = 'approved' AND body LIKE $1 AND body LIKE $2 ORDER BY created_at DESC LIMIT 20")
            .bind(&a).bind(&b).fetch_all(db).await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    summary(ms)
}

async fn fts5(db: &AnyPool, vocabulary: &Vocabulary) -> Option<(f64, f64, f64)> {
    sqlx::query("DROP TABLE IF EXISTS bench_fts").execute(db).await.ok()?;
    let t = Instant::now();
    sqlx::query(
        "CREATE VIRTUAL TABLE bench_fts USING fts5(body, content='comments', content_rowid='id', tokenize='trigram')",
    )
    .execute(db)
    .await
    .ok()?;
    sqlx::query("INSERT INTO bench_fts(bench_fts) VALUES ('rebuild')").execute(db).await.ok()?;
    let build = t.elapsed().as_secs_f64();
    let mut rng = Rng::new(7);
    let mut ms = Vec::new();
    for i in 0..220 {
        let q = vocabulary.query(&mut rng);
        let (a, b) = q.split_once(' ').unwrap();
        let m = format!("\"{a}\" \"{b}\"");
        let t = Instant::now();
        let _: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bench_fts WHERE bench_fts MATCH $1")
            .bind(&m)
            .fetch_one(db)
            .await
            .ok()?;
        let _: Vec<(i64, String)> = sqlx::query_as("SELECT rowid, snippet(bench_fts, 0, '[', ']', '…', 16) FROM bench_fts WHERE bench_fts MATCH $1 ORDER BY rank LIMIT 20")
            .bind(&m).fetch_all(db).await.ok()?;
        if i >= 20 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let (p50, p99) = summary(ms);
    Some((build, p50, p99))
}
