//! Search over HTTP: findability, visibility inside the search, Chinese segmentation, restarts.
use crate::harness::*;
use reqwest::Client;
use serde_json::Value;
use server::config::Config;
use std::time::{Duration, Instant};

pub async fn search(app: &TestApp, c: &Client, q: &str) -> Value {
    let url = format!("{}/api/v1/search?q={}", app.base, app::ui::encode_query(q));
    let res = c.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Poll until the query has `n` hits (the indexer commits about every 50 ms in tests).
pub async fn until_hits(app: &TestApp, c: &Client, q: &str, n: u64) -> Value {
    let started = Instant::now();
    loop {
        let r = search(app, c, q).await;
        if r["total"].as_u64() == Some(n) || started.elapsed() > Duration::from_secs(5) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn approve_all(app: &TestApp, staff: &Client) {
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM comments WHERE status = 'pending'").fetch_all(&app.db).await.unwrap();
    for (id,) in ids {
        let res = app.post_form(staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
        assert_eq!(res.status(), 303);
    }
}

#[tokio::test]
async fn an_approved_comment_becomes_findable_with_a_highlighted_snippet_and_a_link() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007070").await;
    comment(&app, &c, id, "a3", "建议犬只登记费用全免，并在社区设置免费的登记点。").await;
    approve_all(&app, &staff).await;
    let r = until_hits(&app, &app.client(), "登记点", 1).await;
    assert_eq!(r["total"], 1, "{r}");
    let hit = &r["hits"][0];
    assert_eq!(hit["kind"], "comment");
    assert_eq!(hit["url"].as_str().unwrap(), format!("/consultations/{id}/comments?article=a3&after=0#c1"));
    let landed = app.get(&app.client(), hit["url"].as_str().unwrap()).await.text().await.unwrap();
    assert!(landed.contains("id=\"c1\""), "the link lands on the page that holds the comment");
    let highlighted: Vec<&str> = hit["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(highlighted, ["登记点"]);
    // The article text itself is searchable too, linked to its anchor.
    let r = until_hits(&app, &app.client(), "烈性犬", 1).await;
    assert_eq!(r["hits"][0]["url"].as_str().unwrap(), format!("/consultations/{id}#a3-1"));
    // And the page works without JavaScript.
    let page = app.get(&app.client(), "/search?q=%E7%99%BB%E8%AE%B0%E7%82%B9").await.text().await.unwrap();
    assert!(page.contains("<mark>登记点</mark>"));
}

#[tokio::test]
async fn an_unapproved_comment_is_visible_only_to_its_own_agency() {
    let app = TestApp::spawn().await;
    let (police, _) = app.staff("市公安局").await;
    let (housing, _) = app.staff("市住建局").await;
    let id = app.open_consultation(&police).await;
    let c = app.citizen("13900007171").await;
    comment(&app, &c, id, "a1", "请增设宠物友好公园，方便遛犬。").await;
    let r = until_hits(&app, &police, "宠物友好公园", 1).await;
    assert_eq!(r["total"], 1, "the drafting agency finds it before moderation");
    assert_eq!(r["hits"][0]["status"], "pending");
    assert_eq!(search(&app, &app.client(), "宠物友好公园").await["total"], 0, "the public does not");
    assert_eq!(search(&app, &housing, "宠物友好公园").await["total"], 0, "another agency does not");
    assert_eq!(search(&app, &c, "宠物友好公园").await["total"], 0, "nor does its author, through search");
    approve_all(&app, &police).await;
    assert_eq!(until_hits(&app, &app.client(), "宠物友好公园", 1).await["total"], 1);
}

#[tokio::test]
async fn chinese_words_names_and_document_numbers_are_found_as_typed() {
    let app = TestApp::spawn().await;
    let (staff, agency) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007272").await;
    for body in [
        "电动自行车进电梯应当一律禁止。",
        "本人欧阳娜娜，建议公开执法记录。",
        "依据长政发〔2026〕12号文件，应当同步修改。",
        "Please add an English summary for foreign residents (ref. A-12).",
    ] {
        comment(&app, &c, id, "", body).await;
    }
    approve_all(&app, &staff).await;
    until_hits(&app, &app.client(), "电动自行车", 1).await;
    for (q, expect) in [
        ("电动自行车", "电动自行车进电梯"),
        ("自行车 电梯", "电动自行车进电梯"),
        ("欧阳娜娜", "欧阳娜娜"),
        ("长政发〔2026〕12号", "长政发〔2026〕12号"),
        ("2026〕12号", "长政发〔2026〕12号"),
        ("english summary", "English summary"),
        ("A-12", "ref. A-12"),
    ] {
        // Each approval is applied on its own schedule, so wait for this one.
        let r = until_hits(&app, &app.client(), q, 1).await;
        assert_eq!(r["total"], 1, "query {q}: {r}");
        let text: String =
            r["hits"][0]["snippet"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
        assert!(text.contains(expect), "query {q} found {text}");
    }
    let facets = search(&app, &app.client(), "应当").await;
    let kinds = facets["kinds"].as_array().unwrap();
    assert!(kinds.iter().any(|k| k["value"] == "comment" && k["count"] == 2), "{facets}");
    assert_eq!(facets["agencies"][0]["value"], agency.to_string());
    assert_eq!(facets["agencies"][0]["label"], "市公安局");
    let only_articles =
        app.get(&app.client(), "/api/v1/search?q=%E5%BA%94%E5%BD%93&kind=article").await.json::<Value>().await.unwrap();
    assert!(only_articles["hits"].as_array().unwrap().iter().all(|h| h["kind"] == "article"));
}

#[tokio::test]
async fn after_a_restart_the_index_catches_up_with_nothing_missing_or_duplicated() {
    // An indexer that never wakes again: only the catch-up after start (in the background, while
    // the server already serves) applies changes.
    let cfg = Config { search_interval_ms: 3_600_000, limits: relaxed(), ..Config::default() };
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg.clone()).await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007373").await;
    for i in 0..12 {
        comment(&app, &c, id, "a2", &format!("第{i}号重启测试意见")).await;
    }
    approve_all(&app, &staff).await;
    assert_eq!(search(&app, &app.client(), "重启测试").await["total"], 0, "nothing applied yet");
    // Each comment has two change records (received, approved): applying both must not duplicate.
    let dir = app.stop().await;
    let app = TestApp::spawn_in(dir, cfg).await;
    wait_until_indexed(&app.base).await;
    let r = search(&app, &app.client(), "重启测试").await;
    assert_eq!(r["total"], 12, "{r}");
}

#[tokio::test]
async fn a_rebuild_swaps_in_a_fresh_index_while_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007474").await;
    comment(&app, &c, id, "a1", "建议设立犬只收容中心。").await;
    approve_all(&app, &staff).await;
    until_hits(&app, &app.client(), "收容中心", 1).await;
    let root = app.dir.path().join("search");
    let old = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    // What `canyu reindex` does, against the live server's data folder.
    let fresh = app::search::indexer::rebuild(&app.db, &root, |_, _| {}).await.unwrap();
    comment(&app, &c, id, "a1", "收容中心应当向社会公开运营情况。").await;
    approve_all(&app, &staff).await;
    let r = until_hits(&app, &app.client(), "收容中心", 2).await;
    assert_eq!(r["total"], 2, "the server switched and kept indexing: {r}");
    let started = Instant::now();
    while root.join(old.trim()).exists() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!root.join(old.trim()).exists(), "the old generation is removed");
    assert!(fresh.exists());
}

#[tokio::test]
async fn a_schema_version_change_rebuilds_the_index_in_the_background_on_start() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    app.open_consultation(&staff).await;
    until_hits(&app, &app.client(), "养犬", 1).await;
    let dir = app.stop().await;
    // Pretend the index on disk was written by an older schema.
    let search_dir = dir.path().join("search");
    std::fs::write(search_dir.join("CURRENT"), "v0-1").unwrap();
    let app = TestApp::spawn_in(dir, Config { limits: relaxed(), search_interval_ms: 50, ..Config::default() }).await;
    let r = until_hits(&app, &app.client(), "烈性犬", 1).await;
    assert_eq!(r["total"], 1, "rebuilt from the database: {r}");
    let current = std::fs::read_to_string(search_dir.join("CURRENT")).unwrap();
    assert!(current.starts_with(&format!("v{}-", app::search::index::SCHEMA_VERSION)), "{current}");
}

#[tokio::test]
async fn results_filter_by_date_and_sort_newest_first_across_pages() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007575").await;
    for i in 0..25 {
        comment(&app, &c, id, "a2", &format!("分页测试意见，编号{i:02}。")).await;
    }
    // Spread the comments over 25 days, the newest being number 24, before they are published.
    let today = app::clock::start_of_day(app::clock::today());
    for i in 0..25i64 {
        sqlx::query("UPDATE comments SET created_at = $1 WHERE body = $2")
            .bind(today - (24 - i) * 86_400 + 3600)
            .bind(format!("分页测试意见，编号{i:02}。"))
            .execute(&app.db)
            .await
            .unwrap();
    }
    // Publishing re-reads each row, so once all 25 are public the index has their dates.
    approve_all(&app, &staff).await;
    let c2 = app.client();
    let page1 = until_hits(&app, &c2, "分页测试", 25).await;
    assert_eq!(page1["hits"].as_array().unwrap().len(), 20);
    let url = |q: &str| format!("{}/api/v1/search?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95{q}", app.base);
    let newest: Value = c2.get(url("&sort=date")).send().await.unwrap().json().await.unwrap();
    let first: String =
        newest["hits"][0]["snippet"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(first.contains("编号24"), "{first}");
    let page2: Value = c2.get(url("&sort=date&page=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(page2["hits"].as_array().unwrap().len(), 5);
    let from = app::clock::format_date(today - 2 * 86_400);
    let recent: Value = c2.get(url(&format!("&from={from}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(recent["total"], 3, "the last three days: {recent}");
}

#[tokio::test]
async fn a_reader_following_a_search_hit_beyond_the_first_hundred_comments_lands_on_the_page_that_holds_it() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900007072").await;
    let url = app.url(&format!("/api/v1/consultations/{id}/comments"));
    for i in 0..100 {
        let body = serde_json::json!({"article": "a3", "body": format!("第{i}条普通意见")});
        assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 201);
    }
    assert_eq!(comment(&app, &c, id, "a3", "建议在城东设置宠物公园。").await.status(), 303);
    approve_all(&app, &staff).await;
    let r = until_hits(&app, &app.client(), "宠物公园", 1).await;
    let link = r["hits"][0]["url"].as_str().unwrap().to_string();
    let landed = app.get(&app.client(), &link).await.text().await.unwrap();
    assert!(landed.contains("建议在城东设置宠物公园。"), "{link} shows the comment found");
    let first = app.get(&app.client(), &format!("/consultations/{id}/comments?article=a3")).await.text().await;
    assert!(!first.unwrap().contains("宠物公园"), "which the article's first page would not have");
}
