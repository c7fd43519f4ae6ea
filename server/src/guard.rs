//! Request guards: cross-origin refusal for unsafe methods, client IP, and rate limits.
use crate::budgets::{Budgets, Kind};
use crate::config;
use app::error::AppError;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

/// What a log line may say of a request's path: the route template it matched
/// (`/api/v1/cases/{number}/rating`), a static file's own path, or only that no route matched —
/// never a path as sent, which may hold a receipt, case number or code (old clients, typos).
pub fn loggable_path(req: &Request) -> String {
    if let Some(route) = req.extensions().get::<axum::extract::MatchedPath>() {
        return route.as_str().to_string();
    }
    let path = req.uri().path();
    let static_file = path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/robots.txt";
    if static_file && path.len() <= 96 {
        path.to_string()
    } else {
        "(no route)".to_string()
    }
}

/// Refuse state-changing requests that a browser marks as coming from another site.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !same_origin(req.headers()) {
        tracing::warn!(path = %loggable_path(&req), "cross-origin request refused");
        return crate::respond::error_response(req.headers(), AppError::CrossOrigin);
    }
    next.run(req).await
}

fn same_origin(headers: &HeaderMap) -> bool {
    // Modern browsers say where a request comes from; trust that first.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    // Otherwise compare Origin with Host. Non-browser clients send neither and are not CSRF vectors.
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The client's IP address: the socket peer, or the last proxy hop when configured.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Middleware that records the client IP for handlers.
pub async fn client_ip(trust_forwarded: bool, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = trust_forwarded
        .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok());
    let ip = forwarded.or(peer).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

/// Keyed limiters for signing in and registering (keys "ip:…" or "acct:…"), and the submission
/// budgets by kind.
pub struct Limiters {
    login: DefaultKeyedRateLimiter<String>,
    register: DefaultKeyedRateLimiter<String>,
    recovery_mail: DefaultKeyedRateLimiter<String>,
    budgets: Budgets,
    /// Megabytes of attachments filed without an account, from all addresses together: per-address
    /// limits do not hold back someone with many addresses from filling the disk. Text-only
    /// filings do not count, so nobody can shut anonymous reporting off with empty posts.
    anonymous_uploads: governor::DefaultDirectRateLimiter,
    /// Filings with attachments being received at once, and the addresses receiving one: a slot is
    /// taken only after the rate limit, never waited for, and one address holds at most one.
    upload_slots: Arc<tokio::sync::Semaphore>,
    uploading: Arc<std::sync::Mutex<std::collections::HashSet<IpAddr>>>,
    /// The slowest average rate a filing holding a slot may send at (`http.min_upload_bytes_per_sec`).
    pub min_upload_rate: u64,
}

/// A filing's right to send attachments now; given back when dropped.
pub struct UploadSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    address: IpAddr,
    uploading: Arc<std::sync::Mutex<std::collections::HashSet<IpAddr>>>,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        self.uploading.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.address);
    }
}

/// Which limit applies to an account action (submissions spend a [`Kind`]'s budget instead).
#[derive(Debug, Clone, Copy)]
pub enum Action {
    Login,
    Register,
    /// Asking for a mailed code (password reset, e-mail verification).
    RecoveryMail,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limiters {
    /// Limiters from configuration.
    pub fn new(l: &config::Limits, http: &config::Http) -> Arc<Limiters> {
        Arc::new(Limiters {
            login: RateLimiter::keyed(Quota::per_minute(nz(l.login_per_minute))),
            register: RateLimiter::keyed(Quota::per_hour(nz(l.register_per_hour))),
            recovery_mail: RateLimiter::keyed(Quota::per_hour(nz(l.recovery_mails_per_hour))),
            budgets: Budgets::new(l),
            anonymous_uploads: RateLimiter::direct(Quota::per_hour(nz(l.anonymous_upload_mb_per_hour))),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(http.concurrent_uploads.max(1) as usize)),
            uploading: Arc::default(),
            min_upload_rate: http.min_upload_bytes_per_sec,
        })
    }

    /// Count one request for each key; `RateLimited(seconds)` if any key is over its quota.
    pub fn check(&self, action: Action, keys: &[String]) -> Result<(), AppError> {
        let limiter = match action {
            Action::Login => &self.login,
            Action::Register => &self.register,
            Action::RecoveryMail => &self.recovery_mail,
        };
        for key in keys {
            if let Err(not_until) = limiter.check_key(key) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                tracing::warn!(?action, "rate limit hit");
                return Err(AppError::RateLimited(wait.as_secs().max(1)));
            }
        }
        Ok(())
    }

    /// Count one submission of `kind` from `ip`, by `account` when signed in (see [`crate::budgets`]).
    pub fn spend(&self, kind: Kind, ip: ClientIp, account: Option<i64>) -> Result<(), AppError> {
        self.budgets.spend(kind, crate::listen::client_key(ip.0), account)
    }

    /// Count `bytes` of attachments filed without an account against the budget they all share.
    pub fn check_anonymous_upload(&self, bytes: usize) -> Result<(), AppError> {
        let Some(mb) = NonZeroU32::new(bytes.div_ceil(1024 * 1024) as u32) else { return Ok(()) };
        match self.anonymous_uploads.check_n(mb) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                tracing::warn!("the budget of attachments filed without an account is used up");
                Err(AppError::RateLimited(not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1)))
            }
            Err(_) => Err(AppError::RateLimited(3600)),
        }
    }

    /// A slot to receive a filing's attachments, at once or not at all (503 busy): taken after the
    /// rate limit, one per client address, so slow senders cannot queue everyone else behind them.
    pub fn upload_slot(&self, ip: ClientIp) -> Result<UploadSlot, AppError> {
        let address = crate::listen::client_key(ip.0);
        if !self.uploading.lock().unwrap_or_else(|p| p.into_inner()).insert(address) {
            return Err(AppError::RateLimited(10));
        }
        let slot = |permit| UploadSlot { _permit: permit, address, uploading: self.uploading.clone() };
        match self.upload_slots.clone().try_acquire_owned() {
            Ok(permit) => Ok(slot(permit)),
            Err(_) => {
                self.uploading.lock().unwrap_or_else(|p| p.into_inner()).remove(&address);
                tracing::warn!("every upload slot is taken; a filing was asked to retry");
                Err(AppError::Unavailable)
            }
        }
    }

    /// Drop keys that are back to full quota, so memory stays bounded.
    pub fn prune(&self) {
        self.login.retain_recent();
        self.register.retain_recent();
        self.budgets.prune();
    }
}

/// Keys for a request: the client's address (IPv6: its /64, which one subscriber holds whole), plus
/// the account when there is one.
pub fn keys(ip: ClientIp, account: Option<String>) -> Vec<String> {
    let mut k = vec![format!("ip:{}", crate::listen::client_key(ip.0))];
    k.extend(account.map(|a| format!("acct:{a}")));
    k
}
