//! Staff find cases through the search index, within their own queue only: a repeat case among
//! many by the words of its facts or by its number; never a case of another unit, nor a report
//! about their own; the search follows a case when it moves; and nobody finds a case, or its
//! filer, through the platform's search.
use crate::harness::*;
use app::accounts::Role;
use reqwest::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn file(app: &TestApp, c: &Client, body: Value) -> String {
    let res = c.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201, "filing refused");
    let filed: Value = res.json().await.unwrap();
    filed["number"].as_str().unwrap().to_string()
}

fn claim(matter: &str, facts: &str) -> Value {
    json!({
        "kind": "petition", "petition_kind": "claim", "matter": matter, "facts": facts, "request": "请依法处理。",
        "name": "王五", "phone": "13900006501"
    })
}

async fn id_of(app: &TestApp, number: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(number).fetch_one(&app.db).await.unwrap()
}

async fn act(app: &TestApp, staff: &Client, number: &str, body: Value) {
    let url = app.url(&format!("/api/v1/staff/cases/{}/actions", id_of(app, number).await));
    let res = staff.post(url).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200, "{body}: {}", res.text().await.unwrap());
}

/// The numbers a queue search answers, in its order.
async fn search(app: &TestApp, c: &Client, queue: &str, q: &str, page: u32) -> Vec<String> {
    let url = app.url(&format!("/api/v1/staff/cases?queue={queue}&q={}&page={page}", app::ui::encode_query(q)));
    let res = c.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200, "{q}");
    let list: Vec<Value> = res.json().await.unwrap();
    list.iter().map(|c| c["number"].as_str().unwrap().to_string()).collect()
}

/// Poll until the search answers `expected` in any order (the indexer commits about every 50 ms
/// in tests); returns what it last answered.
async fn until_found(app: &TestApp, c: &Client, queue: &str, q: &str, expected: &[&str]) -> Vec<String> {
    let started = Instant::now();
    let mut want: Vec<&str> = expected.to_vec();
    want.sort_unstable();
    loop {
        let found = search(app, c, queue, q, 1).await;
        let mut sorted: Vec<&str> = found.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        if sorted == want || started.elapsed() > Duration::from_secs(60) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_petition_officer_finds_a_repeat_case_among_many_by_its_facts_and_by_its_number() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006501").await;
    for i in 0..120 {
        file(&app, &citizen, claim(&format!("第{i}件：路灯不亮"), "小区门口路灯坏了一个月，晚上出行不便。")).await;
    }
    let facts = "幸福路菜市场门前占道经营，早高峰堵塞交通。";
    let first = file(&app, &citizen, claim("菜市场门前占道经营", facts)).await;
    let again = file(&app, &app.citizen("13900006502").await, claim("又是占道经营", facts)).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;

    let mut found = until_found(&app, &officer, "ordinary", "占道经营", &[&first, &again]).await;
    // Both name it in their matter too, so neither must rank first (their order follows the
    // index's term statistics, which depend on how the filings were batched).
    found.sort();
    assert_eq!(found, [first.clone(), again.clone()], "both are found, and only they");
    assert_eq!(search(&app, &officer, "ordinary", "菜市场 早高峰", 1).await.len(), 2, "every word must match");
    assert!(search(&app, &officer, "ordinary", "菜市场 晚高峰", 1).await.is_empty());
    assert_eq!(search(&app, &officer, "ordinary", &first, 1).await, [first.as_str()], "by its number");
    let bare = first.replace('-', "").to_lowercase();
    assert_eq!(search(&app, &officer, "ordinary", &bare, 1).await, [first.as_str()], "typed without dashes");
    for wild in ["%", "_", "%%", "*"] {
        assert!(search(&app, &officer, "ordinary", wild, 1).await.is_empty(), "{wild} is no wildcard");
    }

    // A search is paged like the queue: 100 a page, each case once.
    let (one, two) =
        (search(&app, &officer, "ordinary", "路灯", 1).await, search(&app, &officer, "ordinary", "路灯", 2).await);
    assert_eq!((one.len(), two.len()), (100, 20));
    let mut all: Vec<&String> = one.iter().chain(&two).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 120);
    let res = officer.get(app.url("/api/v1/staff/cases?queue=ordinary&q=路灯&page=1001")).send().await.unwrap();
    assert_eq!(res.status(), 422, "page numbers are checked");
    let long = "路".repeat(101);
    let res = officer.get(app.url(&format!("/api/v1/staff/cases?q={long}"))).send().await.unwrap();
    assert_eq!(res.status(), 422, "a search over 100 characters is refused");

    // The page without JavaScript searches the same way.
    let page = app.get(&officer, "/petition?q=占道经营").await.text().await.unwrap();
    assert!(page.contains(&first) && page.contains(&again) && !page.contains("第7件"));
}

#[tokio::test]
async fn staff_of_another_unit_never_find_a_case_and_the_search_follows_it_when_it_moves() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006503").await;
    let lights = file(&app, &citizen, claim("路灯不亮影响夜间出行", "解放路路灯坏了一个月。")).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (roads, roads_id) = app.staff("市城市管理局").await;
    let (power, power_id) = app.staff("市供电公司").await;
    assert_eq!(until_found(&app, &officer, "ordinary", "解放路", &[&lights]).await, [lights.as_str()]);
    assert!(search(&app, &roads, "unit", "解放路", 1).await.is_empty(), "not routed to any unit yet");
    assert_eq!(
        roads.get(app.url("/api/v1/staff/cases?queue=ordinary&q=解放路")).send().await.unwrap().status(),
        403,
        "a unit's staff have no ordinary queue to search"
    );

    act(&app, &officer, &lights, json!({"action": "transfer", "unit": roads_id})).await;
    assert_eq!(until_found(&app, &roads, "unit", "解放路", &[&lights]).await, [lights.as_str()]);
    assert_eq!(search(&app, &roads, "unit", &lights, 1).await, [lights.as_str()], "and by its number");
    assert!(search(&app, &power, "unit", "解放路", 1).await.is_empty(), "another unit does not find it");
    assert!(search(&app, &power, "unit", &lights, 1).await.is_empty(), "not even by its number");

    // The unit objects; the office sends it on to another unit: the search follows it there.
    act(&app, &roads, &lights, json!({"action": "object", "reason": "路灯由供电公司维护"})).await;
    act(&app, &officer, &lights, json!({"action": "transfer", "unit": power_id})).await;
    assert_eq!(until_found(&app, &power, "unit", "解放路", &[&lights]).await, [lights.as_str()]);
    assert!(search(&app, &roads, "unit", "解放路", 1).await.is_empty(), "the unit it left no longer finds it");
}

#[tokio::test]
async fn the_database_has_the_last_word_over_a_search_index_that_lags_behind() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006504").await;
    let number = file(&app, &citizen, claim("排水沟堵塞", "建设路排水沟堵塞，雨天积水。")).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (water, water_id) = app.staff("市水务局").await;
    let (other, other_id) = app.staff("市园林局").await;
    act(&app, &officer, &number, json!({"action": "transfer", "unit": water_id})).await;
    assert_eq!(until_found(&app, &water, "unit", "排水沟", &[&number]).await, [number.as_str()]);
    // The case moves without a change record, as if the index had not yet heard of it.
    sqlx::query("UPDATE cases SET unit_id = $1 WHERE number = $2")
        .bind(other_id)
        .bind(&number)
        .execute(&app.db)
        .await
        .unwrap();
    assert!(search(&app, &water, "unit", "排水沟", 1).await.is_empty(), "a hit the database refuses is not shown");
    assert!(search(&app, &other, "unit", "排水沟", 1).await.is_empty(), "nor shown before the index knows");
}

#[tokio::test]
async fn a_report_is_found_by_nobody_of_the_unit_it_concerns_and_no_case_by_the_platforms_search() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (_, reported_id) = app.staff("市交通运输局").await;
    // A discipline officer of a unit below the one reported on: of its chain.
    let (insider, insider_unit) = app.account("市交通运输局执法支队", Role::Staff, &["discipline_channel"]).await;
    let (watchdog, _) = app.account("市纪委监委", Role::Staff, &["discipline_channel"]).await;
    let admin = app.admin_client().await;
    let (u, p) = (insider_unit.to_string(), reported_id.to_string());
    let res = app.post_form(&admin, "/admin/agencies/parent", &[("agency_id", &u), ("parent_id", &p)]).await;
    assert_eq!(res.status(), 303);
    let citizen = app.citizen("13900006505").await;
    let report = json!({
        "kind": "petition", "petition_kind": "accusation", "matter": "运输科长收受车队财物",
        "facts": "运输科长多次收受客运车队财物，为其违规办理线路牌。", "request": "请查处。",
        "concerned_agency_id": reported_id, "name": "举报人乙", "phone": "13900006505",
        "email": "jubao@example.cn", "address": "青石巷十七号"
    });
    let number = file(&app, &citizen, report).await;
    assert_eq!(until_found(&app, &officer, "ordinary", "线路牌", &[&number]).await, [number.as_str()]);
    // Who filed it is not in the index: not even the petition office finds the case by it.
    for who in ["举报人乙", "13900006505", "jubao@example.cn", "青石巷"] {
        assert!(search(&app, &officer, "ordinary", who, 1).await.is_empty(), "{who}");
    }
    act(&app, &officer, &number, json!({"action": "discipline", "note": "涉及公职人员"})).await;
    assert_eq!(until_found(&app, &watchdog, "discipline", "线路牌", &[&number]).await, [number.as_str()]);
    assert!(search(&app, &insider, "discipline", "线路牌", 1).await.is_empty(), "kept from the unit it concerns");
    assert!(search(&app, &insider, "discipline", &number, 1).await.is_empty(), "even by its number");

    // The platform's search finds no case, whoever searches: the public, staff, an administrator.
    for c in [&app.client(), &citizen, &officer, &watchdog, &insider, &admin] {
        for q in ["线路牌", "运输科长", number.as_str()] {
            let url = app.url(&format!("/api/v1/search?q={}", app::ui::encode_query(q)));
            let r: Value = c.get(url).send().await.unwrap().json().await.unwrap();
            assert_eq!(r["total"], 0, "{q}: {r}");
        }
        let url = app.url("/api/v1/search?q=线路牌&kind=case");
        let r: Value = c.get(url).send().await.unwrap().json().await.unwrap();
        assert_eq!(r["total"], 0, "not even asked for by kind: {r}");
    }
}

#[tokio::test]
async fn an_installation_whose_index_predates_cases_finds_its_cases_after_the_upgrade() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006506").await;
    let number = file(&app, &citizen, claim("公园健身器材损坏", "人民公园健身器材损坏半年无人维修。")).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    assert_eq!(until_found(&app, &officer, "ordinary", "健身器材", &[&number]).await, [number.as_str()]);
    // As before the upgrade: no change record for any case, and an index of the previous schema.
    sqlx::query("DELETE FROM search_changes WHERE entity = 'case'").execute(&app.db).await.unwrap();
    let dir = app.stop().await;
    let root = dir.path().join("search");
    let current = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    let older = format!("v{}-1", app::search::index::SCHEMA_VERSION - 1);
    std::fs::rename(root.join(current.trim()), root.join(&older)).unwrap();
    std::fs::write(root.join("CURRENT"), &older).unwrap();
    let cfg = server::config::Config { limits: relaxed(), search_interval_ms: 50, ..Default::default() };
    let app = TestApp::spawn_in(dir, cfg).await;
    let (officer, _) = app.account("区信访局", Role::PetitionOfficer, &[]).await;
    // Built in the background while the server answers.
    let found = until_found(&app, &officer, "ordinary", "健身器材", &[&number]).await;
    assert_eq!(found, [number.as_str()], "rebuilt with the cases in it");
}
