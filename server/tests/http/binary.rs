//! The `canyu` binary itself: first start, demo data, graceful shutdown.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn canyu(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_canyu"));
    c.env("CANYU_DATA_DIR", dir).env("CANYU_LISTEN", "127.0.0.1:0").env("RUST_LOG", "warn");
    c
}

/// Start `canyu serve`, returning the child, its base URL and what it printed before listening.
fn start(dir: &std::path::Path) -> (Child, String, Vec<String>) {
    let mut child = canyu(dir).arg("serve").stdout(Stdio::piped()).spawn().expect("spawn canyu");
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
    let (child, url, printed) = start(dir.path());
    assert!(printed.iter().any(|l| l.contains("一次性密码")), "{printed:?}");
    assert_eq!(reqwest::get(format!("{url}/healthz")).await.unwrap().status(), 200);
    stop(child);

    let (child, _, printed) = start(dir.path());
    assert!(!printed.iter().any(|l| l.contains("一次性密码")), "the password is shown only on first start");
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
    for _ in 0..2 {
        let out = canyu(dir.path()).arg("load-demo").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let db = server::db::connect(&format!("sqlite://{}", dir.path().join("canyu.db").display())).await.unwrap();
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
