//! Configuration: defaults, then an optional TOML file, then `CANYU_*` environment variables.
use crate::mail::{Smtp, StartTls};
use crate::secret::{redacted, redacted_url};
use serde::Deserialize;
use std::path::PathBuf;

/// Requests allowed per client per window, by kind of action.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Sign-in attempts per minute, per client IP and per account.
    pub login_per_minute: u32,
    /// Registrations per hour per client IP.
    pub register_per_hour: u32,
    /// Mails asked for per hour (password reset codes, e-mail verification codes), per client IP
    /// and per account: nobody can flood an inbox through the platform.
    pub recovery_mails_per_hour: u32,
    /// Comments and other feedback citizens give a consultation, per minute: per account when
    /// signed in, else per client address. Each kind below has a budget of its own, so a flood of
    /// one kind from an address does not hold back another.
    pub comments_per_minute: u32,
    /// Case filings (complaints, petitions, objection reviews) per minute: per account when signed
    /// in, else per client address.
    pub filings_per_minute: u32,
    /// Progress lookups by case number and query code, comment receipt lookups, and ratings and review requests made by
    /// code, per minute: per account when signed in, else per client address.
    pub lookups_per_minute: u32,
    /// Staff and administrator work (moderation, answers, case actions, publishing, administration)
    /// per minute, per account only: staff are not held back by citizens or colleagues at their address.
    pub staff_work_per_minute: u32,
    /// Signed-in comments, filings or lookups (each kind apart) per minute from one client address,
    /// all accounts together: far above one account's budget, so a kiosk or a carrier's shared
    /// address serves many people, yet one address cannot flood by registering many accounts.
    pub signed_in_per_address_per_minute: u32,
    /// Megabytes of attachments filed without an account per hour, from all addresses together.
    pub anonymous_upload_mb_per_hour: u32,
}

impl Limits {
    /// Every limit at `n`: for benchmarks and tests that must not meet one unless they mean to.
    pub fn uniform(n: u32) -> Limits {
        Limits {
            login_per_minute: n,
            register_per_hour: n,
            recovery_mails_per_hour: n,
            comments_per_minute: n,
            filings_per_minute: n,
            lookups_per_minute: n,
            staff_work_per_minute: n,
            signed_in_per_address_per_minute: n,
            anonymous_upload_mb_per_hour: n,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_per_minute: 10,
            register_per_hour: 20,
            recovery_mails_per_hour: 5,
            comments_per_minute: 10,
            filings_per_minute: 10,
            lookups_per_minute: 30,
            staff_work_per_minute: 120,
            signed_in_per_address_per_minute: 300,
            anonymous_upload_mb_per_hour: 1024,
        }
    }
}

/// Connections and request deadlines (see `listen` and `web`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Http {
    /// Open connections at most; 0: three quarters of the process's descriptor limit.
    pub max_connections: u32,
    /// Open connections per client address (per /64 for IPv6).
    pub max_connections_per_address: u32,
    /// Seconds a client has to send a request's headers; also how long an idle kept-alive
    /// connection stays open.
    pub header_timeout_secs: u64,
    /// Seconds for a whole request (body included) on every route but uploads.
    pub request_timeout_secs: u64,
    /// Seconds for a whole request with uploads (case filings).
    pub upload_timeout_secs: u64,
    /// Case filings with attachments being received at once, across all clients.
    pub concurrent_uploads: u32,
    /// The slowest a filing's body may arrive, in bytes per second on average once its first
    /// `UPLOAD_GRACE` has passed (and no pause may last `UPLOAD_STALL`), so an upload slot is not
    /// held by a trickle; 0 turns the floor off.
    pub min_upload_bytes_per_sec: u64,
    /// Seconds that requests in flight get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Milliseconds a public page (the same for everyone) is answered from a copy before it is
    /// rendered again; any change made through the server drops the copies at once. 0: never.
    pub public_page_copy_ms: u64,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            max_connections: 0,
            max_connections_per_address: 64,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            upload_timeout_secs: 300,
            concurrent_uploads: 8,
            min_upload_bytes_per_sec: 4096,
            shutdown_grace_secs: 10,
            public_page_copy_ms: 1000,
        }
    }
}

/// Everything the server can be told. Its `Debug` hides the case key and passwords.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: String,
    /// Folder for the embedded database and other local data.
    pub data_dir: PathBuf,
    /// `sqlite://…`; empty means `<data_dir>/canyu.db`.
    pub database_url: String,
    /// Built site (pkg/ with wasm, js, css; public assets).
    pub site_root: PathBuf,
    /// Mark cookies `Secure`; turn on when served over https.
    pub secure_cookies: bool,
    /// Use the last `X-Forwarded-For` hop as the client IP (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Login name of the administrator created on first start.
    pub admin_login: String,
    /// `text` or `json` logs.
    pub log_format: String,
    /// How often the search indexer applies changes, in milliseconds.
    pub search_interval_ms: u64,
    /// Public address of the site (`https://canyu.example.gov.cn`), for links in e-mail; empty: paths only.
    pub public_url: String,
    /// How often the outbox is sent to the SMTP relay, in milliseconds.
    pub mail_interval_ms: u64,
    pub limits: Limits,
    pub smtp: Smtp,
    pub http: Http,
    /// The key (64 hex characters) that seals case filers' identities and keys the case record.
    /// Empty: a random key is made on first start and kept in `<data_dir>/case.key`. Nodes sharing
    /// a database must be given the same key.
    pub case_key: String,
    /// The deadline of each case step; unset steps keep their statutory values.
    pub periods: app::cases::deadlines::Periods,
    /// Free space (MB) in the data folder below which the health check fails and case filings
    /// with attachments are refused before they are read.
    pub min_free_disk_mb: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:3000".into(),
            data_dir: "data".into(),
            database_url: String::new(),
            site_root: "target/site".into(),
            secure_cookies: false,
            trust_forwarded_for: false,
            admin_login: "admin".into(),
            log_format: "text".into(),
            search_interval_ms: 1000,
            public_url: String::new(),
            mail_interval_ms: 10_000,
            limits: Limits::default(),
            smtp: Smtp::default(),
            http: Http::default(),
            case_key: String::new(),
            periods: app::cases::deadlines::Periods::default(),
            min_free_disk_mb: 256,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured so that a new field cannot be added without deciding how it is shown.
        let Config {
            listen,
            data_dir,
            database_url,
            site_root,
            secure_cookies,
            trust_forwarded_for,
            admin_login,
            log_format,
            search_interval_ms,
            public_url,
            mail_interval_ms,
            limits,
            smtp,
            http,
            case_key,
            periods,
            min_free_disk_mb,
        } = self;
        f.debug_struct("Config")
            .field("listen", listen)
            .field("data_dir", data_dir)
            .field("database_url", &redacted_url(database_url))
            .field("site_root", site_root)
            .field("secure_cookies", secure_cookies)
            .field("trust_forwarded_for", trust_forwarded_for)
            .field("admin_login", admin_login)
            .field("log_format", log_format)
            .field("search_interval_ms", search_interval_ms)
            .field("public_url", public_url)
            .field("mail_interval_ms", mail_interval_ms)
            .field("limits", limits)
            .field("smtp", smtp)
            .field("http", http)
            .field("case_key", &redacted(case_key))
            .field("periods", periods)
            .field("min_free_disk_mb", min_free_disk_mb)
            .finish()
    }
}

/// Why configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("invalid config file {0}: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("invalid value for {0}: {1}")]
    Env(&'static str, String),
    #[error("invalid setting {0}: {1}")]
    Invalid(&'static str, &'static str),
}

impl Config {
    /// Load from `path` (or `CANYU_CONFIG`, or `./canyu.toml` if present), then the environment.
    pub fn load(path: Option<PathBuf>) -> Result<Config, ConfigError> {
        let path = path
            .or_else(|| std::env::var_os("CANYU_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("canyu.toml")).filter(|p| p.exists()));
        let mut cfg = match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p).map_err(|e| ConfigError::Read(p.clone(), e))?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse(p.clone(), e))?
            }
            None => Config::default(),
        };
        cfg.apply_env()?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Refuse settings that could only fail later, at the first e-mail.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let url = self.public_url.as_str();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ConfigError::Invalid("public_url", "expected https://host (or empty)"));
        }
        self.periods.document_validity.check().map_err(|why| ConfigError::Invalid("periods.document_validity", why))?;
        self.smtp.validate().map_err(|(setting, why)| ConfigError::Invalid(setting, why))
    }

    fn apply_env(&mut self) -> Result<(), ConfigError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        // cargo-leptos passes its own address and site folder.
        if let Some(v) = var("CANYU_LISTEN").or_else(|| var("LEPTOS_SITE_ADDR")) {
            self.listen = v;
        }
        if let Some(v) = var("CANYU_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = var("CANYU_DATABASE_URL").or_else(|| var("DATABASE_URL")) {
            self.database_url = v;
        }
        if let Some(v) = var("CANYU_SITE_ROOT").or_else(|| var("LEPTOS_SITE_ROOT")) {
            self.site_root = v.into();
        }
        if let Some(v) = var("CANYU_ADMIN_LOGIN") {
            self.admin_login = v;
        }
        if let Some(v) = var("CANYU_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = var("CANYU_SEARCH_INTERVAL_MS") {
            self.search_interval_ms = v.parse().map_err(|_| ConfigError::Env("CANYU_SEARCH_INTERVAL_MS", v))?;
        }
        if let Some(v) = var("CANYU_PUBLIC_PAGE_COPY_MS") {
            self.http.public_page_copy_ms = v.parse().map_err(|_| ConfigError::Env("CANYU_PUBLIC_PAGE_COPY_MS", v))?;
        }
        if let Some(v) = var("CANYU_MAIL_INTERVAL_MS") {
            self.mail_interval_ms = v.parse().map_err(|_| ConfigError::Env("CANYU_MAIL_INTERVAL_MS", v))?;
        }
        if let Some(v) = var("CANYU_PUBLIC_URL") {
            self.public_url = v;
        }
        if let Some(v) = var("CANYU_SMTP_RELAY") {
            self.smtp.relay = v;
        }
        if let Some(v) = var("CANYU_SMTP_FROM") {
            self.smtp.from = v;
        }
        if let Some(v) = var("CANYU_SMTP_HELO") {
            self.smtp.helo = v;
        }
        if let Some(v) = var("CANYU_SMTP_STARTTLS") {
            self.smtp.starttls = v.parse::<StartTls>().map_err(|()| ConfigError::Env("CANYU_SMTP_STARTTLS", v))?;
        }
        if let Some(v) = var("CANYU_SMTP_USERNAME") {
            self.smtp.username = v;
        }
        if let Some(v) = var("CANYU_SMTP_PASSWORD") {
            self.smtp.password = v;
        }
        if let Some(v) = var("CANYU_MIN_FREE_DISK_MB") {
            self.min_free_disk_mb = v.parse().map_err(|_| ConfigError::Env("CANYU_MIN_FREE_DISK_MB", v))?;
        }
        if let Some(v) = var("CANYU_CASE_KEY") {
            self.case_key = v;
        }
        let number = |k: &'static str| -> Result<Option<u32>, ConfigError> {
            var(k).map(|v| v.parse::<u32>().map_err(|_| ConfigError::Env(k, v))).transpose()
        };
        if let Some(n) = number("CANYU_LOGIN_PER_MINUTE")? {
            self.limits.login_per_minute = n;
        }
        if let Some(n) = number("CANYU_REGISTER_PER_HOUR")? {
            self.limits.register_per_hour = n;
        }
        if var("CANYU_SUBMIT_PER_MINUTE").is_some() {
            // Silently ignored, a setting meant to lift the limits would leave them low.
            return Err(ConfigError::Invalid(
                "CANYU_SUBMIT_PER_MINUTE",
                "replaced by CANYU_COMMENTS_PER_MINUTE, CANYU_FILINGS_PER_MINUTE, CANYU_LOOKUPS_PER_MINUTE, \
                 CANYU_STAFF_WORK_PER_MINUTE and CANYU_SIGNED_IN_PER_ADDRESS_PER_MINUTE",
            ));
        }
        if let Some(n) = number("CANYU_COMMENTS_PER_MINUTE")? {
            self.limits.comments_per_minute = n;
        }
        if let Some(n) = number("CANYU_FILINGS_PER_MINUTE")? {
            self.limits.filings_per_minute = n;
        }
        if let Some(n) = number("CANYU_LOOKUPS_PER_MINUTE")? {
            self.limits.lookups_per_minute = n;
        }
        if let Some(n) = number("CANYU_STAFF_WORK_PER_MINUTE")? {
            self.limits.staff_work_per_minute = n;
        }
        if let Some(n) = number("CANYU_SIGNED_IN_PER_ADDRESS_PER_MINUTE")? {
            self.limits.signed_in_per_address_per_minute = n;
        }
        if let Some(n) = number("CANYU_ANONYMOUS_UPLOAD_MB_PER_HOUR")? {
            self.limits.anonymous_upload_mb_per_hour = n;
        }
        let flag = |k: &'static str| -> Result<Option<bool>, ConfigError> {
            var(k).map(|v| v.parse::<bool>().map_err(|_| ConfigError::Env(k, v))).transpose()
        };
        if let Some(b) = flag("CANYU_SECURE_COOKIES")? {
            self.secure_cookies = b;
        }
        if let Some(b) = flag("CANYU_TRUST_FORWARDED_FOR")? {
            self.trust_forwarded_for = b;
        }
        Ok(())
    }

    /// Folder of case attachments (outside the site folder).
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }

    /// The case key: configured, or kept in the data folder (made, readable by the owner only, on
    /// first use).
    pub fn case_key(&self) -> Result<app::cases::seal::CaseKey, String> {
        use app::cases::seal::CaseKey;
        if !self.case_key.is_empty() {
            return CaseKey::from_hex(&self.case_key).map_err(|e| format!("case_key: {e}"));
        }
        let path = self.data_dir.join("case.key");
        match std::fs::read_to_string(&path) {
            Ok(hex) => CaseKey::from_hex(&hex).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let hex = CaseKey::generate_hex();
                write_private(&path, &hex).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                tracing::warn!(path = %path.display(), "made a new case key; give every node sharing this database the same case_key");
                CaseKey::from_hex(&hex).map_err(|e| e.to_string())
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// What the case store needs from the configuration.
    pub fn case_config(&self) -> Result<app::cases::config::CaseConfig, String> {
        Ok(app::cases::config::CaseConfig {
            key: self.case_key()?,
            periods: self.periods.clone(),
            attachments: self.attachments_dir(),
            mail_url: self.smtp.enabled().then(|| self.public_url.trim_end_matches('/').to_string()),
        })
    }

    /// Folder of the search index generations.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// The database URL, defaulting to a file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("canyu.db").display())
        } else {
            self.database_url.clone()
        }
    }
}

/// Create the data folder (and its parents) readable by its owner only: it holds the database, its
/// journal, the search index and perhaps the case key. An existing folder is narrowed too.
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Write a new file only its owner can read, durably.
/// Write a new file only its owner may read (it must not exist yet).
pub fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests;
