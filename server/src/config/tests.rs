//! The configuration's loading, layering and checks.
use super::*;

#[test]
fn a_config_file_sets_values_and_unset_keys_keep_their_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canyu.toml");
    std::fs::write(&path, "listen = \"0.0.0.0:8080\"\nsecure_cookies = true\n[limits]\ncomments_per_minute = 3\n")
        .unwrap();
    let cfg = Config::load(Some(path)).unwrap();
    assert_eq!(cfg.listen, "0.0.0.0:8080");
    assert!(cfg.secure_cookies);
    assert_eq!(cfg.limits.comments_per_minute, 3);
    assert_eq!(cfg.limits.lookups_per_minute, 30);
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

#[test]
fn a_relay_without_a_sender_address_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canyu.toml");
    std::fs::write(&path, "[smtp]\nrelay = \"127.0.0.1:25\"\n").unwrap();
    let err = Config::load(Some(path.clone())).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid("smtp.from", _)), "{err}");
    assert!(err.to_string().contains("required when smtp.relay is set"));

    std::fs::write(&path, "[smtp]\nrelay = \"127.0.0.1:25\"\nfrom = \"canyu@example.gov.cn\"\n").unwrap();
    let cfg = Config::load(Some(path.clone())).unwrap();
    assert!(cfg.smtp.enabled());
    assert_eq!(cfg.smtp.helo, "localhost");

    std::fs::write(&path, "[smtp]\nrelay = \"localhost\"\nfrom = \"canyu@example.gov.cn\"\n").unwrap();
    assert!(matches!(Config::load(Some(path.clone())), Err(ConfigError::Invalid("smtp.relay", _))));
    std::fs::write(&path, "[smtp]\nrelay = \"127.0.0.1:25\"\nfrom = \"a@b.cn>\\r\\nRCPT TO:<x@y.cn\"\n").unwrap();
    assert!(matches!(Config::load(Some(path)), Err(ConfigError::Invalid("smtp.from", _))));
}

#[test]
fn a_jurisdiction_sets_how_long_normative_documents_are_valid_and_nonsense_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canyu.toml");
    std::fs::write(&path, "[periods]\ndocument_validity = { years = 3, provisional_years = 1 }\n").unwrap();
    let cfg = Config::load(Some(path.clone())).unwrap();
    assert_eq!(cfg.periods.document_validity, app::deadlines::Validity { years: 3, provisional_years: 1 });
    assert_eq!(cfg.periods.handling, app::deadlines::Periods::default().handling, "other periods keep theirs");
    for wrong in [
        "{ years = 2, provisional_years = 3 }",
        "{ years = 0, provisional_years = 0 }",
        "{ years = 11, provisional_years = 2 }",
    ] {
        std::fs::write(&path, format!("[periods]\ndocument_validity = {wrong}\n")).unwrap();
        let err = Config::load(Some(path.clone())).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid("periods.document_validity", _)), "{wrong}: {err}");
    }
}

#[test]
fn a_misspelt_setting_stops_the_start_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canyu.toml");
    // `secure_cookie` (no s) would otherwise leave cookies without `Secure`, silently.
    std::fs::write(&path, "secure_cookie = true\n").unwrap();
    let err = Config::load(Some(path.clone())).unwrap_err().to_string();
    assert!(err.contains("unknown field `secure_cookie`"), "{err}");
    std::fs::write(&path, "[limits]\nlogin_per_minutes = 3\n").unwrap();
    let err = Config::load(Some(path.clone())).unwrap_err().to_string();
    assert!(err.contains("login_per_minutes"), "{err}");
    // The single budget of earlier releases: its replacements are named, its value not ignored.
    std::fs::write(&path, "[limits]\nsubmit_per_minute = 1000\n").unwrap();
    let err = Config::load(Some(path.clone())).unwrap_err().to_string();
    assert!(err.contains("submit_per_minute") && err.contains("comments_per_minute"), "{err}");
    std::fs::write(&path, "[smtp]\nrelais = \"127.0.0.1:25\"\n").unwrap();
    assert!(Config::load(Some(path.clone())).unwrap_err().to_string().contains("relais"));
    std::fs::write(&path, "[periods]\nhandlin = { days = 60, unit = \"calendar_days\" }\n").unwrap();
    assert!(Config::load(Some(path)).unwrap_err().to_string().contains("handlin"));
}

#[test]
fn debug_output_never_shows_the_case_key_or_a_password() {
    let cfg = Config {
        database_url: "postgres://canyu:db-pass-7@db.example:5432/canyu".into(),
        case_key: "ab".repeat(32),
        smtp: Smtp { username: "canyu".into(), password: "smtp-pass-9".into(), ..Smtp::default() },
        ..Config::default()
    };
    for shown in [format!("{cfg:?}"), format!("{cfg:#?}")] {
        for secret in ["db-pass-7", &"ab".repeat(32), "smtp-pass-9"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("postgres://canyu:<redacted>@db.example:5432/canyu"), "{shown}");
        assert!(shown.contains("case_key: \"<redacted>\""), "{shown}");
    }
}

#[test]
fn starttls_and_auth_are_read_from_the_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canyu.toml");
    let text = "[smtp]\nrelay = \"mail.example.gov.cn:587\"\nfrom = \"canyu@example.gov.cn\"\n\
                starttls = \"required\"\nusername = \"canyu\"\npassword = \"pw\"\n";
    std::fs::write(&path, text).unwrap();
    let cfg = Config::load(Some(path.clone())).unwrap();
    assert_eq!(cfg.smtp.starttls, StartTls::Required);
    assert_eq!((cfg.smtp.username.as_str(), cfg.smtp.password.as_str()), ("canyu", "pw"));
    std::fs::write(&path, text.replace("required", "opportunistic")).unwrap();
    let err = Config::load(Some(path.clone())).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid("smtp.starttls", _)), "{err}");
    std::fs::write(&path, text.replace("required", "always")).unwrap();
    assert!(Config::load(Some(path)).unwrap_err().to_string().contains("always"));
}

#[test]
fn without_a_relay_mail_is_off() {
    let cfg = Config::default();
    assert!(!cfg.smtp.enabled());
    assert!(cfg.validate().is_ok());
}
