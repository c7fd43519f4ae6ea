//! Starts a real server per test and gives tests browser-like clients.
use app::accounts::{store as accounts, Role};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use server::config::{Config, Limits};
use sqlx::AnyPool;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The database of a test's data folder: SQLite inside it or, when `CANYU_TEST_POSTGRES` names a
/// PostgreSQL server (`postgres://user@host:port`), a fresh database there, remembered in the
/// folder so that a restarted server (or the `canyu` binary) finds the same one.
pub async fn database_url(dir: &std::path::Path) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let Ok(server) = std::env::var("CANYU_TEST_POSTGRES") else {
        return format!("sqlite://{}", dir.join("canyu.db").display());
    };
    let remembered = dir.join("postgres-url");
    if let Ok(url) = std::fs::read_to_string(&remembered) {
        return url;
    }
    drop_databases_of_finished_tests(&server).await;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    let name = format!("t{}_{}_{stamp}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let url = create_when_ready(&server, &name).await;
    std::fs::write(&remembered, &url).expect("remember database");
    created().lock().unwrap().push((dir.to_path_buf(), name));
    url
}

/// The databases this process made, with the data folder of the test each belongs to.
fn created() -> &'static std::sync::Mutex<Vec<(std::path::PathBuf, String)>> {
    static CREATED: std::sync::OnceLock<std::sync::Mutex<Vec<(std::path::PathBuf, String)>>> =
        std::sync::OnceLock::new();
    CREATED.get_or_init(Default::default)
}

/// A test's data folder is deleted when the test ends; its database goes too, so a run holds only
/// the databases of the tests still running (hundreds of kept databases once filled a CI disk,
/// and PostgreSQL stopped in the middle of the run).
async fn drop_databases_of_finished_tests(server: &str) {
    let finished: Vec<String> = {
        let mut all = created().lock().unwrap();
        let (gone, kept): (Vec<_>, Vec<_>) = all.drain(..).partition(|(dir, _)| !dir.exists());
        *all = kept;
        gone.into_iter().map(|(_, name)| name).collect()
    };
    for name in finished {
        if let Err(e) = server::db::drop_postgres_database(server, &name).await {
            eprintln!("could not drop the finished test's database {name}: {e}");
        }
    }
}

/// A fresh database, waiting (up to a minute) while the server is starting or recovering rather
/// than failing every test that starts meanwhile.
async fn create_when_ready(server: &str, name: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match server::db::create_postgres_database(server, name).await {
            Ok(url) => return url,
            Err(e) if std::time::Instant::now() < deadline && not_ready_yet(&e) => {
                eprintln!("PostgreSQL is not ready ({e}); trying again");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Err(e) => panic!("a fresh PostgreSQL database: {e:?}"),
        }
    }
}

/// Starting up, shutting down or recovering (57P0x), or not listening yet.
fn not_ready_yet(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("57P0")),
        sqlx::Error::Io(_) => true,
        _ => false,
    }
}

/// Limits high enough that only the rate-limit tests meet them.
pub fn relaxed() -> Limits {
    Limits::uniform(1000)
}

/// Every test's server runs on one runtime, as in production. Leptos's rendering assumes one
/// runtime per process: with a server on each test's own runtime, a page render could be left
/// waiting on a task that went down with another test's runtime, and the response never came.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("server runtime")
    })
}

pub struct TestApp {
    pub base: String,
    pub db: AnyPool,
    pub dir: TempDir,
    pub database_url: String,
    /// The case key (hex) the server seals and chains its records with.
    pub key_hex: String,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(relaxed()).await
    }

    pub async fn spawn_with(limits: Limits) -> TestApp {
        let cfg = Config { limits, search_interval_ms: 50, ..Config::default() };
        TestApp::spawn_in(tempfile::tempdir().expect("temp dir"), cfg).await
    }

    /// Start a server on the data folder `dir` (a restart when it already holds data).
    pub async fn spawn_in(dir: TempDir, cfg: Config) -> TestApp {
        if let Ok(filter) = std::env::var("CANYU_TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let url = database_url(dir.path()).await;
        TestApp::spawn_node(dir, cfg, url).await
    }

    /// Another server node on this one's database, with its own data folder (and search index).
    pub async fn second_node(&self) -> TestApp {
        let cfg =
            Config { limits: relaxed(), search_interval_ms: 50, case_key: self.key_hex.clone(), ..Config::default() };
        TestApp::spawn_node(tempfile::tempdir().expect("temp dir"), cfg, self.database_url.clone()).await
    }

    /// Start a server on the data folder `dir` and the database at `url`.
    pub async fn spawn_node(dir: TempDir, cfg: Config, url: String) -> TestApp {
        let mut cfg = Config { data_dir: dir.path().to_path_buf(), database_url: url.clone(), ..cfg };
        // Tests change the database behind the server's back and read pages again at once, so
        // public pages are not answered from copies, unless a test sets a lifetime of its own.
        if cfg.http.public_page_copy_ms == server::config::Http::default().public_page_copy_ms {
            cfg.http.public_page_copy_ms = 0;
        }
        // Made (or read) before the server starts, so both use the same one.
        cfg.case_key().expect("case key");
        let key_hex = if cfg.case_key.is_empty() {
            std::fs::read_to_string(dir.path().join("case.key")).expect("case key file").trim().to_string()
        } else {
            cfg.case_key.clone()
        };
        let db = server::db::connect(&cfg.database_url()).await.expect("database");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let serve_db = db.clone();
        let server = server_runtime().spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            server::serve(cfg, serve_db, listener, async {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
        });
        TestApp { base, db, dir, database_url: url, key_hex, stop, server }
    }

    /// Stop the server (gracefully) and hand back its data folder.
    pub async fn stop(self) -> TempDir {
        let _ = self.stop.send(());
        self.server.await.expect("server stopped");
        self.db.close().await;
        self.dir
    }

    /// A client that keeps cookies and does not follow redirects (so tests see them). A response
    /// that never comes fails the test after 30 s instead of stalling the whole run.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post_form(&self, c: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        c.post(self.url(path)).form(form).send().await.unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    pub async fn get(&self, c: &Client, path: &str) -> Response {
        c.get(self.url(path)).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Register a citizen through the form and return their signed-in client.
    pub async fn citizen(&self, login: &str) -> Client {
        let c = self.client();
        let res = self
            .post_form(
                &c,
                "/register",
                &[
                    ("login", login),
                    ("password", "correct horse"),
                    ("display_name", "市民"),
                    ("real_name", ""),
                    ("consent", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "registration should redirect");
        c
    }

    /// Create an agency and one of its staff (as the administrator would), signed in.
    pub async fn staff(&self, agency: &str) -> (Client, i64) {
        self.account(agency, Role::Staff, &[]).await
    }

    /// Create an agency and an account of `role` in it with `grants` (as the administrator would), signed in.
    pub async fn account(&self, agency: &str, role: Role, grants: &[&str]) -> (Client, i64) {
        app::admin::staff::reset_admin(&self.db, &self.key(), "root-admin").await.expect("admin");
        let admin_id: (i64,) =
            sqlx::query_as("SELECT id FROM users WHERE login = 'root-admin'").fetch_one(&self.db).await.unwrap();
        // Setup acts as an administrator who has already replaced the one-time password.
        let admin_user = app::accounts::CurrentUser {
            must_change_password: false,
            ..accounts::user(&self.db, admin_id.0).await.unwrap()
        };
        let key = self.key();
        let agency_id = app::admin::store::create_agency(&self.db, &key, &admin_user, agency).await.expect("agency");
        let login = format!("staff{agency_id}@gov.example");
        let mail = app::admin::staff::Mail { enabled: false, public_url: "" };
        let code =
            match app::admin::staff::create(&self.db, &key, mail, &admin_user, &login, "工作人员", role, agency_id)
                .await
                .expect("staff")
            {
                app::admin::staff::Delivery::Shown(code) => code,
                app::admin::staff::Delivery::Mailed => unreachable!("mail is off"),
            };
        for g in grants {
            self.grant(&login, g).await;
        }
        let c = self.client();
        let form = [("login", login.as_str()), ("setup_code", code.as_str()), ("password", "staff-password")];
        let res = self.post_form(&c, "/account/setup", &form).await;
        assert_eq!(res.status(), 303, "the holder sets the password with the setup code");
        (c, agency_id)
    }

    /// An administrator (`login`, made or reset now) signed in through the web with a password of
    /// its own.
    pub async fn admin_as(&self, login: &str) -> Client {
        let pw = app::admin::staff::reset_admin(&self.db, &self.key(), login).await.expect("admin");
        let c = self.client();
        let res = self.post_form(&c, "/login", &[("login", login), ("password", &pw)]).await;
        assert_eq!(res.status(), 303);
        let res = self.post_form(&c, "/account/password", &[("current", &pw), ("new", "admin-password")]).await;
        assert_eq!(res.status(), 303);
        c
    }

    /// The first administrator (`root-admin`), signed in.
    pub async fn admin_client(&self) -> Client {
        self.admin_as("root-admin").await
    }

    /// The case key, as the server uses it.
    pub fn key(&self) -> app::cases::seal::CaseKey {
        app::cases::seal::CaseKey::from_hex(&self.key_hex).expect("case key")
    }

    /// Give a staff account a power as the platform would: proposed by the operator where a power
    /// takes two people, and approved by an administrator (`second-admin`, made when needed).
    pub async fn grant(&self, login: &str, grant: &str) {
        use app::admin::powers;
        let key = self.key();
        if powers::request(&self.db, &key, powers::Actor::Operator, login, grant).await.expect("grant")
            == powers::Outcome::Granted
        {
            return;
        }
        app::admin::staff::reset_admin(&self.db, &key, "second-admin").await.expect("admin");
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE login = 'second-admin'").fetch_one(&self.db).await.unwrap();
        let approver =
            app::accounts::CurrentUser { must_change_password: false, ..accounts::user(&self.db, id).await.unwrap() };
        let proposal: i64 =
            sqlx::query_scalar("SELECT MAX(id) FROM grant_proposals").fetch_one(&self.db).await.unwrap();
        powers::decide(&self.db, &key, &approver, proposal, true).await.expect("approved");
    }

    /// Publish a consultation through the staff form; returns the response.
    pub async fn publish(&self, staff: &Client, kind: &str, opens_in_days: i64, days: i64, reason: &str) -> Response {
        let today = app::clock::start_of_day(app::clock::today());
        let opens = app::clock::format_date(today + opens_in_days * 86_400);
        let closes = app::clock::format_date(today + (opens_in_days + days - 1) * 86_400);
        self.post_form(
            staff,
            "/staff/consultations/new",
            &[
                ("kind", kind),
                ("title", "某市养犬管理条例（草案）"),
                ("explanation", "为规范养犬行为，起草本条例。"),
                ("full_text", DRAFT),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("short_window_reason", reason),
            ],
        )
        .await
    }

    /// Publish an open 30-day regulation draft and return its id.
    pub async fn open_consultation(&self, staff: &Client) -> i64 {
        let res = self.publish(staff, "regulation", 0, 30, "").await;
        assert_eq!(res.status(), 303, "publishing should succeed");
        location_id(&res)
    }
}

pub const DRAFT: &str = "第一章　总则\n第一条　为了规范养犬行为，制定本条例。\n第二条　本条例适用于本市行政区域。\n第二章　管理\n第三条　养犬人应当为犬只办理登记。\n第三条之一　重点管理区内禁止饲养烈性犬。\n";

/// Wait until the server at `base` reports in `/healthz` that its search index has caught up once
/// (it serves at once after a start and catches up in the background).
pub async fn wait_until_indexed(base: &str) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let health: serde_json::Value = reqwest::get(format!("{base}/healthz")).await.unwrap().json().await.unwrap();
        if !health["search"]["caught_up_at"].is_null() {
            return;
        }
        assert!(std::time::Instant::now() < until, "the search index never caught up: {health}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The numeric id at the end of a redirect's Location path.
pub fn location_id(res: &Response) -> i64 {
    let loc = location(res);
    loc.rsplit('/')
        .next()
        .and_then(|s| s.split(['?', '#']).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {loc}"))
}

pub fn location(res: &Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Submit a comment through the page form.
pub async fn comment(app: &TestApp, c: &Client, id: i64, article: &str, body: &str) -> Response {
    app.post_form(c, &format!("/consultations/{id}/comment"), &[("article", article), ("body", body)]).await
}

/// The receipt number in a successful comment redirect.
/// The receipt number a comment form's answer hands to the receipt page, in its cookie (the
/// redirect itself never carries it).
pub fn receipt_of(res: &Response) -> String {
    let loc = location(res);
    assert_eq!(loc, "/receipts?new=1", "the receipt page, without the number in the URL");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("canyu_receipt="))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no receipt cookie on {loc}"))
        .to_string()
}

/// The HTML of the form named `name` (its hidden `_form` field) on a page, from `<form` to
/// `</form>`: what a person sees at that form.
pub fn form_html<'a>(page: &'a str, name: &str) -> &'a str {
    let mark = format!(r#"name="_form" value="{name}""#);
    let at = page.find(&mark).unwrap_or_else(|| panic!("no form {name} on the page: {page}"));
    let start = page[..at].rfind("<form").expect("the form's tag");
    let end = at + page[at..].find("</form>").expect("the form's end") + "</form>".len();
    &page[start..end]
}

/// A rejected form post: re-rendered as HTML with `status`; returns the page.
pub async fn rejected_page(res: Response, status: u16) -> String {
    assert_eq!(res.status(), status);
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(kind.starts_with("text/html"), "the page again, not {kind}");
    res.text().await.expect("page")
}
