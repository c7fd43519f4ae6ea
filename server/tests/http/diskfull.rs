//! A full disk under the embedded database: a receipt only for what is stored, a clear 503 for the
//! rest, a health check that says so, and recovery by itself when space returns.
use crate::harness::*;
use serde_json::{json, Value};

/// Mount a small tmpfs over `dir` (root only); false where mounting is not allowed.
fn mount_small(dir: &std::path::Path, size: &str) -> bool {
    std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn a_commenter_gets_a_receipt_only_for_a_stored_comment_when_the_disk_fills_and_service_returns_by_itself() {
    if std::env::var("CANYU_TEST_POSTGRES").is_ok() {
        return; // the embedded database's disk; PostgreSQL manages its own
    }
    let dir = tempfile::tempdir().unwrap();
    if !mount_small(dir.path(), "6m") {
        eprintln!("SKIPPED: mounting a small filesystem needs root (CI runs as root)");
        return;
    }
    let ballast = dir.path().join("ballast");
    let cfg =
        server::config::Config { limits: relaxed(), search_interval_ms: 50, min_free_disk_mb: 1, ..Default::default() };
    let app = TestApp::spawn_in(tempfile::TempDir::new_in(dir.path()).unwrap(), cfg).await;
    let (staff, _) = app.staff("市城管局").await;
    let id = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900009191").await;
    // Fill most of what is left, keeping a ballast file to free later.
    let free = fs_free(dir.path());
    std::fs::write(&ballast, vec![7u8; (free as usize).saturating_sub(300 * 1024)]).unwrap();
    let url = app.url(&format!("/api/v1/consultations/{id}/comments"));
    let body = "满".repeat(4_900);
    let (mut receipts, mut refused) = (Vec::new(), 0);
    for i in 0..200 {
        let res = citizen.post(&url).json(&json!({"body": format!("{i}{body}")})).send().await.unwrap();
        let status = res.status().as_u16();
        let v: Value = res.json().await.unwrap_or_default();
        match status {
            201 => receipts.push(v["receipt"].as_str().unwrap().to_string()),
            503 => {
                assert_eq!(v["error"]["code"], "unavailable", "{v}");
                refused += 1;
                if refused >= 5 {
                    break;
                }
            }
            other => panic!("a full disk answered {other}: {v}"),
        }
    }
    assert!(refused >= 5, "the disk never filled ({} stored)", receipts.len());
    assert_eq!(app.get(&app.client(), "/healthz").await.status(), 503, "the health check hides the fault");
    // Space returns: the server recovers without a restart.
    std::fs::remove_file(&ballast).unwrap();
    let mut recovered = false;
    let mut last = String::new();
    for _ in 0..100 {
        let res = citizen.post(&url).json(&json!({"body": "空间恢复后的意见"})).send().await.unwrap();
        let status = res.status();
        let v: Value = res.json().await.unwrap_or_default();
        if status == 201 {
            receipts.push(v["receipt"].as_str().unwrap().to_string());
            recovered = true;
            break;
        }
        last = format!("{status} {v}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(recovered, "writes did not come back after space returned: {last}");
    assert_eq!(app.get(&app.client(), "/healthz").await.status(), 200);
    // Every receipt given is a stored comment, also as seen by a fresh connection.
    let fresh = server::db::connect(&app.database_url).await.unwrap();
    for r in &receipts {
        let n: (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM comments WHERE receipt = $1").bind(r).fetch_one(&fresh).await.unwrap();
        assert_eq!(n.0, 1, "receipt {r} was given for a comment that is not stored");
    }
    fresh.close().await;
    let _ = app.stop().await;
    let _ = std::process::Command::new("umount").arg("-l").arg(dir.path()).status();
}

fn fs_free(path: &std::path::Path) -> u64 {
    let out = std::process::Command::new("df").args(["--output=avail", "-B1"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap().trim().parse().unwrap()
}
