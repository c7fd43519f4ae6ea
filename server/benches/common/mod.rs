//! What the benchmarks share: their arguments, a deterministic generator, a load of concurrent
//! clients for a while, and percentiles of what was measured. Each benchmark uses part of it.
#![allow(dead_code)]
use std::future::Future;
use std::time::{Duration, Instant};

/// The value after `name` on the command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// The value after `name`, parsed, or `default`.
pub fn arg_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// xorshift64*: tiny, fast, and the same sequence on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`, from the high bits (the better ones of xorshift64*).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 33) % n as u64) as usize
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The `p` quantile (0–1) of sorted values, by nearest rank; NaN when there are none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What a load measured: the latency in milliseconds of each request that succeeded (sorted),
/// how many failed, and the wall time.
pub struct Load {
    pub ms: Vec<f64>,
    pub failed: usize,
    pub seconds: f64,
}

impl Load {
    /// Successes per second of wall time.
    pub fn per_s(&self) -> f64 {
        self.ms.len() as f64 / self.seconds
    }

    pub fn p50(&self) -> f64 {
        percentile(&self.ms, 0.5)
    }

    pub fn p99(&self) -> f64 {
        percentile(&self.ms, 0.99)
    }
}

/// `clients` concurrent clients, each doing `one(client, n)` for its n-th request (from 1) until
/// `seconds` have passed; `one` says whether the request succeeded, and each success is timed.
pub async fn load<F, Fut>(clients: usize, seconds: u64, one: F) -> Load
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let one = one.clone();
            tokio::spawn(async move {
                let (mut ms, mut failed, mut n) = (Vec::new(), 0, 0);
                while Instant::now() < deadline {
                    n += 1;
                    let t = Instant::now();
                    if one(client, n).await {
                        ms.push(t.elapsed().as_secs_f64() * 1e3);
                    } else {
                        failed += 1;
                    }
                }
                (ms, failed)
            })
        })
        .collect();
    let (mut ms, mut failed) = (Vec::new(), 0);
    for w in workers {
        let (m, f) = w.await.expect("a client of the load");
        ms.extend(m);
        failed += f;
    }
    let seconds = started.elapsed().as_secs_f64();
    ms.sort_by(|a, b| a.total_cmp(b));
    Load { ms, failed, seconds }
}

/// A client signed in as each demo citizen (`13800000001`, `13800000002`), keeping its session.
pub async fn citizens(base: &str) -> Vec<reqwest::Client> {
    let mut sessions = Vec::new();
    for login in ["13800000001", "13800000002"] {
        let c = reqwest::Client::builder().cookie_store(true).build().expect("a client");
        let res = c
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"login": login, "password": "demo-password"}))
            .send()
            .await
            .expect("the sign-in answers");
        assert!(res.status().is_success(), "citizen sign-in: {}", res.status());
        sessions.push(c);
    }
    sessions
}
