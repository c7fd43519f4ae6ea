//! The server: configuration, database, HTTP application, demo data; `main.rs` is the CLI.
pub mod api;
pub mod case_forms;
pub mod config;
pub mod db;
pub mod demo;
pub mod guard;
pub mod jobs;
pub mod listen;
pub mod mail;
pub mod pages;
pub mod respond;
pub mod web;

use app::search::indexer::Search;
use app::state::AppState;
use leptos::config::LeptosOptions;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// Leptos options from our configuration (the site folder and the bundle's name).
pub fn leptos_options(cfg: &config::Config, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("canyu")
        .site_root(cfg.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
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
    let search = Search::open(&cfg.search_dir(), &db).await.map_err(std::io::Error::other)?;
    // Catch up with changes made while the server was down, then keep up.
    search.catch_up(&db).await.map_err(std::io::Error::other)?;
    let interval = Duration::from_millis(cfg.search_interval_ms.max(10));
    let indexer = tokio::spawn(app::search::indexer::run(search.clone(), db.clone(), interval));
    let state = AppState {
        db,
        leptos_options: leptos_options(&cfg, addr),
        secure_cookies: cfg.secure_cookies,
        search,
        mail_enabled: cfg.smtp.enabled(),
        public_url: cfg.public_url.trim_end_matches('/').to_string(),
        cases,
    };
    let limiters = guard::Limiters::new(&cfg.limits);
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
