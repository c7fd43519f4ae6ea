//! Configuration: defaults, then an optional TOML file, then `CANYU_*` environment variables.
use serde::Deserialize;
use std::path::PathBuf;

/// Requests allowed per client per window, by kind of action.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Sign-in attempts per minute, per client IP and per account.
    pub login_per_minute: u32,
    /// Registrations per hour per client IP.
    pub register_per_hour: u32,
    /// Submissions (comments, forms that create things) per minute, per client IP and per account.
    pub submit_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { login_per_minute: 10, register_per_hour: 20, submit_per_minute: 10 }
    }
}

/// Everything the server can be told.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
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
    pub limits: Limits,
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
            limits: Limits::default(),
        }
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
        Ok(cfg)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_sets_values_and_unset_keys_keep_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("canyu.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:8080\"\nsecure_cookies = true\n[limits]\nsubmit_per_minute = 3\n")
            .unwrap();
        let cfg = Config::load(Some(path)).unwrap();
        assert_eq!(cfg.listen, "0.0.0.0:8080");
        assert!(cfg.secure_cookies);
        assert_eq!(cfg.limits.submit_per_minute, 3);
        assert_eq!(cfg.limits.login_per_minute, 10);
        assert_eq!(cfg.database_url(), "sqlite://data/canyu.db");
    }

    #[test]
    fn a_broken_config_file_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("canyu.toml");
        std::fs::write(&path, "listen = 80").unwrap();
        assert!(matches!(Config::load(Some(path)), Err(ConfigError::Parse(..))));
    }
}
