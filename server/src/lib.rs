//! The server: configuration, database, HTTP application, demo data; `main.rs` is the CLI.
// `unwrap` only in tests: a failure in the running service is an error with a message, never a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
pub mod api;
pub mod assets;
pub mod budgets;
pub mod case_actions;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_legislation;
pub mod demo_registry;
pub mod extract;
pub mod forms;
pub mod guard;
pub mod health;
pub mod jobs;
pub mod listen;
pub mod mail;
pub mod page_copies;
pub mod page_routes;
pub mod private;
pub mod report_file;
pub mod respond;
pub mod revalidate;
pub mod secret;
pub mod selection;
pub mod session;
pub mod web;

use app::search::indexer::Search;
use app::state::AppState;
use leptos::config::LeptosOptions;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// Leptos options from our configuration (the site folder and the bundle's name). When the site
/// was built with fingerprinted names (`.ci/site.sh` writes `hash.txt` into the site folder), the
/// pages link `canyu.<hash>.js`/`.wasm`/`.css`; otherwise the plain names.
pub fn leptos_options(cfg: &config::Config, addr: SocketAddr) -> LeptosOptions {
    let hashes = cfg.site_root.join(assets::HASH_FILE);
    // Leptos looks for the hash file relative to the server binary's folder; an absolute path
    // replaces that folder (`Path::join`), so the file is found beside the site it describes.
    let hashes = std::path::absolute(&hashes).unwrap_or(hashes);
    LeptosOptions::builder()
        .output_name("canyu")
        .site_root(cfg.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashes.is_file())
        .hash_file(std::sync::Arc::from(hashes.to_string_lossy().as_ref()))
        .build()
}

/// Serve until `shutdown` completes, then finish in-flight requests.
pub async fn serve(
    cfg: config::Config,
    db: sqlx::AnyPool,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let cases = std::sync::Arc::new(cfg.case_config().map_err(std::io::Error::other)?);
    let rebound = app::cases::store::bind_legacy_identities(&db, &cases.key).await.map_err(std::io::Error::other)?;
    if rebound > 0 {
        tracing::info!(identities = rebound, "re-sealed filers' identities bound to their cases");
    }
    app::admin::record::start(&db, &cases.key).await.map_err(std::io::Error::other)?;
    let counted = app::cases::stats::backfill(&db).await.map_err(std::io::Error::other)?;
    if counted > 0 {
        tracing::info!(cases = counted, "statistics: counted the cases filed before case_stats existed");
    }
    let kept = app::feedback::revised::keep_missing(&db).await.map_err(std::io::Error::other)?;
    if kept > 0 {
        tracing::info!(reports = kept, "kept the revised-draft comparison of reports published before it was kept");
    }
    let search = Search::open(&cfg.search_dir(), &db).await.map_err(std::io::Error::other)?;
    // Changes made while the server was down are applied in the background (first thing the
    // indexer does); until then search answers from the index as it was.
    let through = search.health().applied_through;
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_changes WHERE id > $1")
        .bind(through)
        .fetch_one(&db)
        .await
        .unwrap_or(0);
    if pending > 0 {
        tracing::info!(
            pending,
            "search index: catching up in the background; searches see the index as it was until then"
        );
    }
    let interval = Duration::from_millis(cfg.search_interval_ms.max(10));
    let indexer = tokio::spawn(app::search::indexer::run(search.clone(), db.clone(), interval));
    let state = AppState {
        comments: app::comments::writer::Writer::start(db.clone()),
        db,
        leptos_options: leptos_options(&cfg, addr),
        secure_cookies: cfg.secure_cookies,
        search,
        mail_enabled: cfg.smtp.enabled(),
        public_url: cfg.public_url.trim_end_matches('/').to_string(),
        cases,
        data_dir: cfg.data_dir.clone(),
        min_free_bytes: cfg.min_free_disk_mb.saturating_mul(1024 * 1024),
        grouping: Default::default(),
    };
    let limiters = guard::Limiters::new(&cfg.limits, &cfg.http);
    let pruner = limiters.clone();
    let housekeeping = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            pruner.prune();
        }
    });
    let jobs = tokio::spawn(jobs::run(state.db.clone(), Duration::from_secs(60)));
    let mail_interval = Duration::from_millis(cfg.mail_interval_ms.max(10));
    let mailer =
        cfg.smtp.enabled().then(|| tokio::spawn(jobs::mail(state.db.clone(), cfg.smtp.clone(), mail_interval)));
    let app = web::router(state, limiters, &cfg);
    let served = listen::serve(listener, app, &cfg.http, cfg.trust_forwarded_for, shutdown).await;
    // Stop indexing too, so the index is released (what was not committed is replayed next start).
    indexer.abort();
    let _ = indexer.await;
    housekeeping.abort();
    jobs.abort();
    // A mail cut off mid-send is sent again once its lease runs out (at least once).
    if let Some(mailer) = mailer {
        mailer.abort();
    }
    served
}
