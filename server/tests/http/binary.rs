//! The `canyu` binary itself: first start, demo data, graceful shutdown.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn canyu(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_canyu"));
    c.env("CANYU_DATA_DIR", dir).env("CANYU_LISTEN", "127.0.0.1:0").env("RUST_LOG", "warn");
    // On PostgreSQL, the database that `harness::database_url` made for this folder.
    if let Ok(url) = std::fs::read_to_string(dir.join("postgres-url")) {
        c.env("CANYU_DATABASE_URL", url);
    }
    c
}

/// Start `canyu serve`, returning the child, its base URL and what it printed before listening.
fn start(dir: &std::path::Path) -> (Child, String, Vec<String>) {
    start_with(dir, &["serve"])
}

fn start_with(dir: &std::path::Path, args: &[&str]) -> (Child, String, Vec<String>) {
    listening(canyu(dir).args(args))
}

/// Spawn `canyu` (indexing every 200 ms) and wait until it listens: the child, its base URL and what
/// it printed before.
fn listening(command: &mut Command) -> (Child, String, Vec<String>) {
    let mut child = command.env("CANYU_SEARCH_INTERVAL_MS", "200").stdout(Stdio::piped()).spawn().expect("spawn canyu");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(url) = line.split("已启动：").nth(1) {
            return (child, url.trim().to_string(), printed);
        }
        printed.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start; printed {printed:?}");
}

#[tokio::test]
async fn first_start_prints_the_admin_password_once_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::database_url(dir.path()).await;
    let (child, url, printed) = start(dir.path());
    assert!(printed.iter().any(|l| l.contains("一次性密码已写入")), "{printed:?}");
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() {
                std::fs::read_dir(p).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default()
            } else {
                vec![p]
            }
        })
        .find(|p| p.ends_with("admin-password.txt"))
        .expect("the password file");
    let written = std::fs::read_to_string(&file).unwrap();
    let password = written.lines().nth(1).expect("a password line").to_string();
    assert!(password.len() >= 12);
    assert!(!printed.iter().any(|l| l.contains(&password)), "the password itself never reaches the console (the log)");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(reqwest::get(format!("{url}/healthz")).await.unwrap().status(), 200);
    stop(child);

    let (child, _, printed) = start(dir.path());
    assert!(!printed.iter().any(|l| l.contains("一次性密码")), "the password is made only on first start");
    stop(child);
}

fn stop(mut child: Child) {
    let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
}

#[tokio::test]
async fn the_demo_dataset_loads_once_with_structured_drafts() {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::database_url(dir.path()).await;
    for _ in 0..2 {
        let out = canyu(dir.path()).arg("load-demo").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let db = server::db::connect(&crate::harness::database_url(dir.path()).await).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consultations").fetch_one(&db).await.unwrap();
    assert_eq!(n, 3, "loading twice changes nothing");
    let (open,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consultations WHERE closes_at > $1")
        .bind(app::clock::now())
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(open, 2);
    let anchors: Vec<(String,)> =
        sqlx::query_as("SELECT anchor FROM articles WHERE consultation_id = 1 ORDER BY position")
            .fetch_all(&db)
            .await
            .unwrap();
    let anchors: Vec<&str> = anchors.iter().map(|a| a.0.as_str()).collect();
    assert!(anchors.contains(&"a10-1") && anchors.contains(&"a17"), "{anchors:?}");
}

#[tokio::test]
async fn a_server_killed_while_comments_arrive_catches_up_without_losing_or_duplicating_any() {
    use app::search::index::{current_dir, SearchIndex};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Value};

    let dir = tempfile::tempdir().unwrap();
    crate::harness::database_url(dir.path()).await;
    let (mut child, url, _) = start_with(dir.path(), &["serve", "--demo"]);
    let citizen =
        reqwest::Client::builder().cookie_store(true).timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let res = citizen
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"login": "13800000001", "password": "demo-password"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    // Comments keep arriving; the server is killed (SIGKILL, no chance to tidy up) part-way.
    for i in 0..30 {
        let body = serde_json::json!({"body": format!("崩溃恢复测试意见第{i}条")});
        let _ = citizen.post(format!("{url}/api/v1/consultations/1/comments")).json(&body).send().await;
        if i == 17 {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
    let (child, url, _) = start_with(dir.path(), &["serve"]);
    crate::harness::wait_until_indexed(&url).await;
    stop(child);

    let db = server::db::connect(&crate::harness::database_url(dir.path()).await).await.unwrap();
    let (comments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM comments").fetch_one(&db).await.unwrap();
    assert!(comments >= 18, "the comments accepted before the kill are stored");
    let idx = SearchIndex::open(&current_dir(&dir.path().join("search")).unwrap()).unwrap();
    let searcher = idx.reader.searcher();
    let query = TermQuery::new(tantivy::Term::from_field_text(idx.fields.kind, "comment"), IndexRecordOption::Basic);
    let (top, count) = searcher.search(&query, &(TopDocs::with_limit(10_000).order_by_score(), Count)).unwrap();
    let mut keys: Vec<String> = top
        .iter()
        .map(|(_, a)| {
            let d: tantivy::TantivyDocument = searcher.doc(*a).unwrap();
            d.get_first(idx.fields.key).and_then(|v| v.as_str().map(str::to_string)).unwrap()
        })
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(count as i64, comments, "every stored comment is in the index");
    assert_eq!(keys.len(), count, "and none twice");
}

/// Start another `canyu serve` with its own data folder on the database at `url`.
fn start_node(dir: &std::path::Path, url: &str) -> (Child, String) {
    let (child, base, _) = listening(canyu(dir).arg("serve").env("CANYU_DATABASE_URL", url));
    (child, base)
}

/// Poll a node's search until `q` has one hit; returns how long that took.
async fn until_found(c: &reqwest::Client, base: &str, q: &str) -> std::time::Duration {
    let started = std::time::Instant::now();
    loop {
        let url = format!("{base}/api/v1/search?q={}", app::ui::encode_query(q));
        let r: serde_json::Value = c.get(url).send().await.unwrap().json().await.unwrap();
        if r["total"] == 1 {
            return started.elapsed();
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{q} not found on {base}: {r}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn two_processes_on_one_database_share_sessions_and_comments_and_survive_a_kill() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = crate::harness::database_url(dir_a.path()).await;
    let (mut node_a, a, printed) = start_with(dir_a.path(), &["serve", "--demo"]);
    let (node_b, b) = start_node(dir_b.path(), &url);
    let client =
        || reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // The transport bureau's staff member signs in on node B (one-time password from the demo).
    let line = printed.iter().find(|l| l.contains("jiaotong@demo.example")).expect("demo staff printed");
    let one_time = line.split_whitespace().last().unwrap();
    let staff = client();
    let res = staff.post(format!("{b}/login")).form(&[("login", "jiaotong@demo.example"), ("password", one_time)]);
    assert_eq!(res.send().await.unwrap().status(), 303);
    let res = staff.post(format!("{b}/account/password")).form(&[("current", one_time), ("new", "staff-password")]);
    assert_eq!(res.send().await.unwrap().status(), 303);

    // A citizen comments on node A; the staff member finds it by searching on node B within 2 s.
    let citizen = client();
    let login = serde_json::json!({"login": "13800000001", "password": "demo-password"});
    assert!(citizen.post(format!("{a}/api/v1/session")).json(&login).send().await.unwrap().status().is_success());
    let body = serde_json::json!({"body": "建议在甲节点提交的意见里写明充电柜位置"});
    let res = citizen.post(format!("{a}/api/v1/consultations/1/comments")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let receipt = res.json::<serde_json::Value>().await.unwrap()["receipt"].as_str().unwrap().to_string();
    let took = until_found(&staff, &b, "甲节点提交").await;
    assert!(took < std::time::Duration::from_secs(2), "found on the other node after {took:?}");

    // Node A dies. Node B keeps serving and accepting, with the session node A started.
    node_a.kill().unwrap();
    node_a.wait().unwrap();
    let lookup = serde_json::json!({ "receipt": receipt });
    let res = citizen.post(format!("{b}/api/v1/comments/receipt")).json(&lookup).send().await.unwrap();
    assert_eq!(res.status(), 200, "a receipt from node A is looked up on node B");
    let body = serde_json::json!({"body": "乙节点在甲节点停机期间收到的意见"});
    let res = citizen.post(format!("{b}/api/v1/consultations/1/comments")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);

    // Node A comes back and catches up with what node B accepted while it was down.
    let (node_a, a) = start_node(dir_a.path(), &url);
    until_found(&staff, &a, "停机期间收到").await;
    stop(node_a);
    stop(node_b);
}

#[tokio::test]
async fn an_operator_can_stop_the_server_while_a_client_holds_half_a_request_and_logs_hold_no_receipts() {
    use std::io::Write;
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    crate::harness::database_url(dir.path()).await;
    let data = dir.path().join("data");
    let config = dir.path().join("canyu.toml");
    std::fs::File::create(&config).unwrap().write_all(b"[http]\nshutdown_grace_secs = 2\n").unwrap();
    let mut command = canyu(dir.path());
    command.env("CANYU_DATA_DIR", &data).env("RUST_LOG", "info").args(["--config"]).arg(&config);
    let mut child = command.arg("serve").stdout(Stdio::piped()).spawn().expect("spawn canyu");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url =
        lines.by_ref().map_while(Result::ok).find_map(|l| l.split("已启动：").nth(1).map(|u| u.trim().to_string()));
    let url = url.expect("listening");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the data folder (database, index, key) is the owner's alone");
    }
    let lookup = serde_json::json!({ "receipt": "YJ-2026-SECRET7" });
    let res = reqwest::Client::new().post(format!("{url}/api/v1/comments/receipt")).json(&lookup).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // An old client still putting the number in the path: no route, and the path is not logged.
    let res = reqwest::get(format!("{url}/api/v1/comments/YJ-2026-SECRET8")).await.unwrap();
    assert!(res.status().is_client_error());
    // Half a request, never finished.
    let mut half = tokio::net::TcpStream::connect(url.trim_start_matches("http://")).await.unwrap();
    half.write_all(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nlogin=").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    assert!(Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap().success());
    let exit = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "stopping took {:?}", started.elapsed());
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(log.iter().any(|l| l.contains("/api/v1/comments/receipt")), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("SECRET7")), "a receipt number reached the log: {log:?}");
    assert!(!log.iter().any(|l| l.contains("SECRET8")), "a path no route matched reached the log: {log:?}");
    assert!(!log.iter().any(|l| l.contains('\u{1b}')), "colour codes in a log written to a file");
    drop(half);
}

#[test]
fn an_unknown_flag_or_a_config_without_its_file_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["serve", "--demoo"][..], &["--config"], &["serve", "--config"], &["--port", "80"]] {
        let out = canyu(dir.path()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let named = args.iter().any(|a| a.starts_with("--") && stderr.contains(a));
        assert!(stderr.contains("error:") && named, "the message names the flag: {args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing started for {args:?}");
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no database was made");
}

#[tokio::test]
async fn a_first_start_on_a_taken_port_says_so_at_once_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = canyu(&data).args(["serve", "--demo"]).env("CANYU_LISTEN", &addr).output().expect("run canyu");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("无法在 {addr} 上启动")) && stderr.contains("未做任何改动"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("一次性密码") && !stdout.contains("demo"), "nothing was loaded or printed: {stdout}");
    assert!(!data.exists(), "no data folder, database or password file was made");
}
