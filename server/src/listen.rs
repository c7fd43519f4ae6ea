//! Accepting connections. `axum::serve` gives none of what a public server needs, so this loop
//! adds: a cap on open connections below the descriptor limit (beyond it new clients wait in the
//! kernel's queue instead of failing); a cap per client address (per /64 for IPv6), so one
//! client cannot take every slot; a deadline for a request's headers, which also closes idle
//! kept-alive connections (slow-loris); and a bounded graceful shutdown. Bodies have their own
//! deadlines, per route, in `web`.
use crate::config::Http;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Serve `app` on `listener` until `shutdown` completes; then stop accepting, let requests in
/// flight finish for at most `http.shutdown_grace_secs`, and return. `behind_proxy`: connections
/// come from a trusted proxy, so they are not counted per address.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    http: &Http,
    behind_proxy: bool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cap = connection_cap(http);
    // Behind a proxy every connection comes from the proxy: the per-address share is its to keep.
    let share = if behind_proxy { u32::MAX } else { http.max_connections_per_address };
    tracing::info!(connections = cap, per_address = share, "accepting connections");
    let permits = Arc::new(Semaphore::new(cap));
    let per_address = PerAddress::new(share);
    let graceful = GracefulShutdown::new();
    let mut h1 = hyper::server::conn::http1::Builder::new();
    h1.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(http.header_timeout_secs.max(1)))
        .max_buf_size(64 * 1024);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors (or a connection reset before accept): wait, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(e) = prepare(&stream) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let Some(slot) = per_address.enter(peer.ip()) else {
            tracing::warn!("connection refused: too many from one address");
            continue;
        };
        let svc = app.clone().map_request(move |mut req: axum::extract::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = h1.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _held = (permit, slot);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let grace = Duration::from_secs(http.shutdown_grace_secs);
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(
            seconds = grace.as_secs(),
            "connections still open after the shutdown grace period; closing them"
        );
    }
    Ok(())
}

/// Set up an accepted connection: `TCP_NODELAY`, so a response written in more than one piece
/// (headers, then a file's body) leaves at once. With Nagle's algorithm on, the second piece
/// waits for the client's delayed ACK of the first: about 40 ms per request on a kept-alive
/// connection, whatever the file's size.
pub fn prepare(stream: &tokio::net::TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)
}

/// The part of an address that one client controls: the address for IPv4, the /64 for IPv6 (one
/// subscriber gets a whole /64, so counting single IPv6 addresses limits nobody).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
        v4 => v4,
    }
}

/// Open connections per client key.
#[derive(Clone)]
struct PerAddress {
    max: u32,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// One open connection of a client; counted down when dropped.
struct Slot {
    key: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

impl PerAddress {
    fn new(max: u32) -> PerAddress {
        PerAddress { max: max.max(1), open: Arc::default() }
    }

    fn enter(&self, ip: IpAddr) -> Option<Slot> {
        let key = client_key(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Slot { key, open: self.open.clone() })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// The soft limit on open files of this process, from `/proc/self/limits` (Linux); None elsewhere.
/// The cap on open connections: as configured, or three quarters of the descriptor limit (the
/// rest is for the database, the search index, attachments and logs).
pub fn connection_cap(http: &Http) -> usize {
    if http.max_connections > 0 {
        return http.max_connections as usize;
    }
    match descriptor_limit() {
        Some(n) => (n.saturating_mul(3) / 4).clamp(16, 65_536) as usize,
        None => 512,
    }
}

pub fn descriptor_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ipv6_subscriber_counts_as_one_client() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_client_over_its_connection_share_is_refused_until_one_closes() {
        let per = PerAddress::new(2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let (a, _b) = (per.enter(ip).unwrap(), per.enter(ip).unwrap());
        assert!(per.enter(ip).is_none());
        assert!(per.enter("192.0.2.2".parse().unwrap()).is_some(), "another client is not affected");
        drop(a);
        assert!(per.enter(ip).is_some());
    }

    #[tokio::test]
    async fn accepted_connections_send_without_waiting_for_acks() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(!accepted.nodelay().unwrap(), "the kernel's default is Nagle's algorithm on");
        prepare(&accepted).unwrap();
        assert!(accepted.nodelay().unwrap());
    }

    #[test]
    fn the_descriptor_limit_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(descriptor_limit().is_some_and(|n| n > 0));
        }
    }
}
