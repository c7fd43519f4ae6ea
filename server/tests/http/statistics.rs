//! The public case statistics over HTTP: the right figures for every kind of case, a year of months
//! a page, and the same figures for cases filed before the statistics were kept per case.
use crate::harness::*;
use app::accounts::Role;
use reqwest::Client;
use serde_json::{json, Value};
use server::config::Config;

async fn file(app: &TestApp, c: &Client, matter: &str) -> (String, String, i64) {
    let body = json!({
        "kind": "petition", "petition_kind": "claim", "matter": matter,
        "facts": "小区门口道路破损已经半年，多次反映没有解决。", "request": "请依法处理。",
        "name": "赵六", "phone": "13900007001"
    });
    let res = c.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201, "filing refused");
    let filed: Value = res.json().await.unwrap();
    let number = filed["number"].as_str().unwrap().to_string();
    let id =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(&number).fetch_one(&app.db).await.unwrap();
    (number, filed["query_code"].as_str().unwrap().to_string(), id)
}

async fn ok(app: &TestApp, staff: &Client, id: i64, body: Value) {
    let res = staff.post(app.url(&format!("/api/v1/staff/cases/{id}/actions"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200, "{body}: {}", res.text().await.unwrap());
}

async fn rate(app: &TestApp, number: &str, code: &str, score: i64) {
    let rating = json!({"code": code, "score": score, "comment": "评价"});
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/rating"))).json(&rating).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

/// The step owed now fell due long ago (the test's stand-in for waiting past a deadline).
async fn past_due(app: &TestApp, id: i64) {
    sqlx::query("UPDATE cases SET due_on = '2020-01-02' WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
}

/// The statistics table's rows as the reader sees them: the text of each cell.
async fn statistics(app: &TestApp, query: &str) -> (Vec<Vec<String>>, String) {
    let page = app.get(&app.client(), &format!("/cases/stats{query}")).await.text().await.unwrap();
    let body = page.split("<tbody>").nth(1).and_then(|b| b.split("</tbody>").next()).unwrap_or("");
    let rows = body
        .split("</tr>")
        .filter(|r| r.contains("<t"))
        .map(|r| r.split("</t").filter(|c| c.contains('>')).map(text_of).filter(|c| !c.is_empty()).collect())
        .collect();
    (rows, page)
}

/// A cell's text: its markup (and the renderer's markers) dropped.
fn text_of(cell: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in cell.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // What is left of the cell's closing tag ("d" or "h").
    out.trim_start_matches(['d', 'h']).trim().to_string()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Cases of every kind the statistics count: on time, late, overdue, rated, in the legal channel,
/// and not yet routed; returns the month they were received in.
async fn a_month_of_cases(app: &TestApp) -> String {
    let citizen = app.citizen("13900007001").await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市住建局").await;
    let decide =
        json!({"action": "decide", "decision": "support", "text": "已修复。", "basis": "《城市道路管理条例》"});
    // On time, rated 4.
    let (on_time, on_time_code, a) = file(app, &citizen, "道路破损甲").await;
    ok(app, &officer, a, json!({"action": "transfer", "unit": unit_id})).await;
    ok(app, &unit, a, json!({"action": "accept"})).await;
    ok(app, &unit, a, decide.clone()).await;
    rate(app, &on_time, &on_time_code, 4).await;
    // Decided after its deadline, rated 2.
    let (late, late_code, b) = file(app, &citizen, "道路破损乙").await;
    ok(app, &officer, b, json!({"action": "transfer", "unit": unit_id})).await;
    ok(app, &unit, b, json!({"action": "accept"})).await;
    past_due(app, b).await;
    ok(app, &unit, b, decide).await;
    rate(app, &late, &late_code, 2).await;
    // Accepted and still being handled past its deadline.
    let (_, _, c) = file(app, &citizen, "道路破损丙").await;
    ok(app, &officer, c, json!({"action": "transfer", "unit": unit_id})).await;
    ok(app, &unit, c, json!({"action": "accept"})).await;
    past_due(app, c).await;
    // In the legal channel.
    let (_, _, d) = file(app, &citizen, "对判决不服").await;
    ok(app, &officer, d, json!({"action": "legal", "body": "court", "note": "已有生效判决"})).await;
    // Not yet routed, its registration overdue.
    let (_, _, e) = file(app, &citizen, "道路破损丁").await;
    past_due(app, e).await;
    app::cases::stats::month_of(app::clock::now())
}

#[tokio::test]
async fn a_citizen_reading_statistics_sees_each_unit_and_channel_counted_right() {
    let app = TestApp::spawn().await;
    let month = a_month_of_cases(&app).await;
    let expected = vec![
        row(&[&month, "涉法涉诉（法律程序）", "1", "0", "0", "0", "0", "—"]),
        row(&[&month, "市住建局", "3", "3", "1", "1", "1", "3.0（2人评价）"]),
        row(&[&month, "信访部门（尚未分办）", "1", "0", "0", "0", "1", "—"]),
    ];
    let (rows, page) = statistics(&app, "").await;
    assert_eq!(rows, expected, "{page}");
    assert!(!page.contains("rel=\"next\""), "one month fits one page");

    // A database from before the statistics were kept per case: counted from the record at start.
    sqlx::query("DELETE FROM case_stats").execute(&app.db).await.unwrap();
    let dir = app.stop().await;
    let app = TestApp::spawn_in(dir, Config { limits: relaxed(), search_interval_ms: 50, ..Config::default() }).await;
    assert_eq!(statistics(&app, "").await.0, expected, "the same figures after the backfill");
}

#[tokio::test]
async fn a_citizen_reading_statistics_pages_through_a_year_of_months_at_a_time() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900007002").await;
    // Thirteen months with one case each: 2025-01 … 2026-01.
    let months: Vec<String> = (0..13).map(|k| format!("{}-{:02}", 2025 + k / 12, k % 12 + 1)).collect();
    for (k, month) in months.iter().enumerate() {
        let (_, _, id) = file(&app, &citizen, &format!("第{k}件")).await;
        sqlx::query("UPDATE case_stats SET received_month = $1 WHERE case_id = $2")
            .bind(month)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let (rows, page) = statistics(&app, "").await;
    let shown: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let newest: Vec<&str> = months.iter().rev().take(12).map(String::as_str).collect();
    assert_eq!(shown, newest, "the newest twelve months, newest first");
    assert!(page.contains("第1页，共2页") && page.contains("href=\"/cases/stats?page=2\""), "{page}");
    let (rows, page) = statistics(&app, "?page=2").await;
    assert_eq!(rows, vec![row(&["2025-01", "信访部门（尚未分办）", "1", "0", "0", "0", "0", "—"])]);
    assert!(page.contains("第2页，共2页") && page.contains("href=\"/cases/stats?page=1\""));
    assert!(statistics(&app, "?page=3").await.1.contains("暂无数据"), "past the last page");
    assert_eq!(app.get(&app.client(), "/cases/stats?page=0").await.status(), 422, "a page number out of range");
}
