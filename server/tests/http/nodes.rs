//! Several server nodes on one database: lockout, run-once jobs, change records and their order.
use crate::harness::*;
use crate::search::until_hits;
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_address_locked_out_on_one_node_is_locked_out_on_every_node() {
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    a.citizen("13900005555").await;
    let attacker = a.client();
    for _ in 0..app::accounts::lockout::MAX_FAILURES {
        let res = a.post_form(&attacker, "/login", &[("login", "13900005555"), ("password", "wrong guess")]).await;
        assert_eq!(res.status(), 401);
    }
    // Now even the right password is refused from this address, on the other node too, with the
    // wait in minutes (the first lock of an address is one minute).
    let owner = b.client();
    let res = b.post_form(&owner, "/login", &[("login", "13900005555"), ("password", "correct horse")]).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 50 && wait <= 60, "locked for a minute, said {wait}");
    assert!(res.text().await.unwrap().contains("该账号已暂时锁定，请1分钟后再试"));
    let res = owner
        .post(b.url("/api/v1/session"))
        .json(&serde_json::json!({"login": "13900005555", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_locked");
    // Another account is not affected.
    b.citizen("13900006666").await;
    let res = b.post_form(&b.client(), "/login", &[("login", "13900006666"), ("password", "correct horse")]).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_successful_sign_in_clears_earlier_failures() {
    let a = TestApp::spawn().await;
    a.citizen("13900007777").await;
    let c = a.client();
    for round in 0..2 {
        for _ in 0..app::accounts::lockout::MAX_FAILURES - 1 {
            let res = a.post_form(&c, "/login", &[("login", "13900007777"), ("password", "typo")]).await;
            assert_eq!(res.status(), 401, "round {round}");
        }
        let res = a.post_form(&c, "/login", &[("login", "13900007777"), ("password", "correct horse")]).await;
        assert_eq!(res.status(), 303, "four typos and then the right password is no lockout (round {round})");
    }
}

#[tokio::test]
async fn a_job_runs_on_exactly_one_node_per_turn() {
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    let mut claims = Vec::new();
    for i in 0..8 {
        let db = if i % 2 == 0 { a.db.clone() } else { b.db.clone() };
        claims.push(tokio::spawn(async move { server::jobs::claim(&db, "test-job", 3600).await.unwrap() }));
    }
    let mut won = 0;
    for c in claims {
        won += c.await.unwrap() as u32;
    }
    assert_eq!(won, 1, "one claim wins the turn");
    assert!(!server::jobs::claim(&b.db, "test-job", 3600).await.unwrap(), "and the next turn is an hour away");
}

/// Wait until the node has applied change records up to `id`.
async fn until_applied(app: &TestApp, id: i64) {
    let started = Instant::now();
    loop {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(applied) FROM search_nodes").fetch_one(&app.db).await.unwrap();
        if applied.unwrap_or(0) >= id {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the indexer did not reach change {id}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_change_that_commits_after_a_later_one_is_not_skipped() {
    if std::env::var("CANYU_TEST_POSTGRES").is_err() {
        // SQLite runs one write transaction at a time, so ids always commit in order.
        eprintln!("skipped: needs CANYU_TEST_POSTGRES (bash .ci/test runs it on PostgreSQL)");
        return;
    }
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let first = location_id(&app.publish(&staff, "regulation", 0, 30, "").await);
    // A transaction takes the next change id, and stays open…
    let mut slow = app.db.begin().await.unwrap();
    sqlx::query("UPDATE consultations SET title = '迟到的标题甲乙' WHERE id = $1")
        .bind(first)
        .execute(&mut *slow)
        .await
        .unwrap();
    let late: i64 = sqlx::query_scalar(
        "INSERT INTO search_changes (entity, entity_id, created_at) VALUES ('consultation', $1, $2) RETURNING id",
    )
    .bind(first)
    .bind(app::clock::now())
    .fetch_one(&mut *slow)
    .await
    .unwrap();
    // …while a later change commits and is indexed.
    app.publish(&staff, "regulation", 0, 30, "").await;
    let later: i64 = sqlx::query_scalar("SELECT MAX(id) FROM search_changes").fetch_one(&app.db).await.unwrap();
    assert!(later > late);
    until_applied(&app, later).await;
    slow.commit().await.unwrap();
    let found = until_hits(&app, &app.client(), "迟到的标题甲乙", 1).await;
    assert_eq!(found["total"], 1, "the late change is applied once it commits: {found}");
}

#[tokio::test]
async fn a_node_behind_the_pruned_change_records_rebuilds_its_index() {
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    let (staff, _) = b.staff("自然资源局").await;
    let id = location_id(&b.publish(&staff, "regulation", 0, 30, "").await);
    // Node A is down while the change is made and its record pruned.
    let url = a.database_url.clone();
    let dir = a.stop().await;
    sqlx::query("UPDATE consultations SET title = '错过的修改丙丁' WHERE id = $1")
        .bind(id)
        .execute(&b.db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO search_changes (entity, entity_id, created_at) VALUES ('consultation', $1, $2)")
        .bind(id)
        .bind(app::clock::now())
        .execute(&b.db)
        .await
        .unwrap();
    let pruned = app::search::indexer::prune_changes(&b.db, app::clock::now() + 1).await.unwrap();
    assert!(pruned >= 2);
    let cfg = server::config::Config { limits: relaxed(), search_interval_ms: 50, ..Default::default() };
    let a = TestApp::spawn_node(dir, cfg, url).await;
    let found = until_hits(&a, &a.client(), "错过的修改丙丁", 1).await;
    assert_eq!(found["total"], 1, "node A rebuilt and has the change it never saw a record of: {found}");
}
