//! Search as readers meet it: facets that read as separate items, published reports found by their
//! name, and receipt or case numbers answered with where to look them up instead.
use crate::harness::*;
use crate::report::{answer, approve, close, id_of, publish};
use crate::search::{search, until_hits};
use reqwest::Client;
use std::time::{Duration, Instant};

/// The text of a page fragment as a reader gets it: tags (and Leptos' markers) removed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The part of a page from `start` to the next `end`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("no {start} in {page}"));
    let rest = &page[from..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

/// Wait until the server has applied every change recorded so far.
async fn settled(app: &TestApp) {
    let last: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM search_changes").fetch_one(&app.db).await.unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let health: serde_json::Value = app.get(&app.client(), "/healthz").await.json().await.unwrap();
        if health["search"]["applied_through"].as_i64().unwrap_or(0) >= last {
            return;
        }
        assert!(Instant::now() < until, "the index never caught up: {health}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn page(app: &TestApp, c: &Client, q: &str) -> String {
    app.get(c, &format!("/search?q={}", app::ui::encode_query(q))).await.text().await.unwrap()
}

#[tokio::test]
async fn facet_counts_read_as_separate_items() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900008181").await;
    for body in ["建议网上办理登记。", "登记点应覆盖每个街道。"] {
        comment(&app, &citizen, c, "a3", body).await;
        approve(&app, &staff, id_of(&app, body).await).await;
    }
    until_hits(&app, &app.client(), "登记", 3).await;
    let html = page(&app, &app.client(), "登记").await;
    let kinds = between(&html, "<div class=\"facet\">", "</div>");
    assert_eq!(text_of(kinds), "类型：意见（2） · 条文（1）", "{kinds}");
    assert!(kinds.contains("<ul aria-labelledby=\"facet-kind\">") && kinds.matches("<li>").count() == 2, "{kinds}");
    let dot = between(kinds, "<li><span", "</span>");
    assert!(dot.contains("class=\"sep\"") && dot.contains("aria-hidden=\"true\""), "the dot is not read out: {kinds}");
    let agencies = text_of(between(&html, "id=\"facet-agency\"", "</div>"));
    assert!(agencies.contains("单位：") && agencies.contains("市公安局（3）"), "{agencies}");

    // A chosen kind is marked, the form keeps it, and one link widens the search again.
    let chosen = app.get(&app.client(), "/search?q=%E7%99%BB%E8%AE%B0&kind=comment").await.text().await.unwrap();
    let kinds = between(&chosen, "<div class=\"facet\">", "</div>");
    assert_eq!(text_of(kinds), "类型：不限 · 意见（2）", "{kinds}");
    assert!(kinds.contains("aria-current=\"true\""), "{kinds}");
    assert!(chosen.contains("<input type=\"hidden\" name=\"kind\" value=\"comment\""));
}

#[tokio::test]
async fn a_citizen_finds_the_published_report_by_its_name() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900008282").await;
    for body in ["第二条应包括农村地区。", "第三条应允许网上登记。"] {
        comment(&app, &citizen, c, "a2", body).await;
        approve(&app, &staff, id_of(&app, body).await).await;
    }
    answer(&app, &staff, c, id_of(&app, "第二条应包括农村地区。").await, "already_provided", "已包括全市。").await;
    close(&app, c).await;
    let draft = [("summary", "共收到意见2条，答复1条。"), ("action", "save")];
    assert_eq!(app.post_form(&staff, &format!("/staff/consultations/{c}/report"), &draft).await.status(), 303);
    settled(&app).await;
    let name = "《某市养犬管理条例（草案）》意见采纳情况说明";
    assert_eq!(search(&app, &app.client(), name).await["total"], 0, "a draft report is never found");
    assert_eq!(search(&app, &staff, "意见采纳情况说明").await["total"], 0, "not even by its own agency");

    let why = "网上登记涉及系统建设，另行研究后答复。";
    let fields = [("summary", "共收到意见2条，答复1条。"), ("unanswered_reason", why)];
    assert_eq!(publish(&app, &staff, c, &fields).await.status(), 303);
    let report_url = format!("/consultations/{c}/report");
    for q in [name, "意见采纳情况说明", "采纳情况", "养犬管理条例 采纳情况说明", "系统建设"]
    {
        let r = until_hits(&app, &app.client(), q, 1).await;
        assert_eq!(r["total"], 1, "{q}: {r}");
        assert_eq!(r["hits"][0]["kind"], "report", "{q}: {r}");
        assert_eq!(r["hits"][0]["title"], name);
        assert_eq!(r["hits"][0]["url"].as_str(), Some(report_url.as_str()));
    }
    // Without JavaScript: labelled as a report and linked to it.
    let html = page(&app, &app.client(), "采纳情况").await;
    let hit = between(&html, "<li class=\"hit\">", "</li>");
    assert!(hit.contains("<span class=\"kind\">意见采纳情况说明</span>"), "{hit}");
    assert!(hit.contains(&format!("href=\"{report_url}\"")), "{hit}");

    // `canyu reindex` builds it from the database too.
    let root = app.dir.path().join("search");
    let old = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    app::search::indexer::rebuild(&app.db, &root, |_, _| {}).await.unwrap();
    let started = Instant::now();
    while root.join(old.trim()).exists() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!root.join(old.trim()).exists(), "the server switched to the rebuilt index");
    let r = search(&app, &app.client(), name).await;
    assert_eq!((r["total"].as_u64(), r["hits"][0]["kind"].as_str()), (Some(1), Some("report")), "{r}");
}

/// Every address a page links or posts to.
fn addresses(html: &str) -> Vec<&str> {
    ["href=\"", "action=\""]
        .iter()
        .flat_map(|attr| html.split(attr).skip(1).map(|rest| rest.split('"').next().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn a_receipt_number_typed_into_search_points_to_the_receipt_lookup_without_putting_it_in_a_url() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900008383").await;
    let receipt = receipt_of(&comment(&app, &citizen, c, "a1", "建议增加夜间遛犬时段。").await);
    let bare: String = receipt.chars().filter(|c| *c != '-').collect::<String>().to_lowercase();
    for typed in [receipt.clone(), bare.clone(), format!("回执 {}", receipt.to_lowercase())] {
        let r = search(&app, &citizen, &typed).await;
        assert_eq!(r["total"], 0, "{typed}: search does not look it up: {r}");
        assert_eq!(r["hint"]["kind"], "receipt", "{typed}: {r}");
        assert_eq!(r["hint"]["href"], "/receipts");
        assert_eq!(r["hint"]["message"], "这是意见回执编号，请到回执查询查看");

        let html = page(&app, &citizen, &typed).await;
        let hint = between(&html, "search-hint\"", "</div>");
        assert!(text_of(hint).contains("这是意见回执编号，请到回执查询查看。"), "{hint}");
        assert!(hint.contains("<a href=\"/receipts\">回执查询</a>"), "{hint}");
        assert!(!html.contains("共找到"), "no pretence of a search");
        for address in addresses(&html) {
            let folded = address.replace('-', "").to_lowercase();
            assert!(!folded.contains(&bare), "{typed}: the number is in a link or form: {address}");
        }
    }
    // An ordinary search carries no hint.
    assert!(search(&app, &citizen, "夜间遛犬").await["hint"].is_null());
}

#[tokio::test]
async fn a_case_number_typed_into_search_points_to_the_progress_page() {
    let app = TestApp::spawn().await;
    for typed in ["XF-2026-000007", "xf2026000007", "ＴＳ－２０２６－０００００１"] {
        let r = search(&app, &app.client(), typed).await;
        assert_eq!((r["total"].as_u64(), r["hint"]["kind"].as_str()), (Some(0), Some("case")), "{typed}: {r}");
        assert_eq!(r["hint"]["href"], "/cases/track");
        let html = page(&app, &app.client(), typed).await;
        assert!(html.contains("<a href=\"/cases/track\">凭编号和查询码查询</a>"), "{typed}");
    }
    let r = search(&app, &app.client(), "XF-2026-000007").await;
    assert_eq!(r["hint"]["message"], "这是信访事项编号，请凭编号和查询码查询办理进度");
    let doc: serde_json::Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["SearchResults"]["properties"].get("hint").is_some(), "the hint is documented");
    assert!(schemas["SearchHint"]["properties"].get("link_text").is_some(), "{}", schemas["SearchHint"]);
    assert!(schemas.get("HintKind").is_some());
}

#[tokio::test]
async fn a_filer_sent_to_the_progress_page_finds_the_case_however_the_number_was_typed() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900008484").await;
    let case = serde_json::json!({
        "kind": "petition", "petition_kind": "claim", "matter": "楼下餐馆噪音扰民",
        "facts": "小区楼下餐馆噪音扰民已经两年。", "request": "请依法处理。",
        "name": "王五", "phone": "13900008484"
    });
    let filed: serde_json::Value =
        citizen.post(app.url("/api/v1/cases")).json(&case).send().await.unwrap().json().await.unwrap();
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    let bare: String = number.chars().filter(|c| *c != '-').collect::<String>().to_lowercase();
    let wide: String = number.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    for typed in [number.to_string(), bare, wide] {
        assert_eq!(search(&app, &app.client(), &typed).await["hint"]["href"], "/cases/track", "{typed}");
        let lookup = serde_json::json!({"number": typed, "code": code});
        let res = app.client().post(app.url("/api/v1/cases/progress")).json(&lookup).send().await.unwrap();
        assert_eq!(res.status(), 200, "{typed}");
    }
}

#[tokio::test]
async fn someone_pasting_too_many_words_gets_the_form_back_with_them_and_the_reason() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let long = format!("{}<b>尾</b>", "停车".repeat(100));
    let res = app.get(&c, &format!("/search?q={}&kind=document", app::ui::encode_query(&long))).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("搜索词不能超过200字"), "why");
    assert!(
        html.contains("role=\"search\"") && html.contains("maxlength=\"200\""),
        "the form is there to shorten them"
    );
    assert!(
        html.contains(&format!("value=\"{}&lt;b&gt;尾&lt;/b&gt;\"", "停车".repeat(100))),
        "what was typed, kept as text"
    );
    assert!(html.contains("name=\"kind\" value=\"document\""), "the filter chosen rides along");
}
