//! The registry of normative documents: an agency registers a published document and gets its
//! number in its own sequence; the public finds it by number, status, year or words; amendments
//! keep every version with what changed; status changes are the agency's alone and follow one
//! table; a document past its validity expires by itself.
use crate::harness::*;
use reqwest::Client;

pub(crate) const TEXT: &str = "第一条　为了规范共享单车停放，制定本办法。\n第二条　本办法适用于本市城区。\n第三条　违规停放的，由城市管理部门责令改正。\n";

pub(crate) fn day(offset: i64) -> String {
    app::clock::format_date(app::clock::start_of_day(app::clock::today()) + offset * 86_400)
}

/// An agency with its documents' code set by the administrator, and its staff signed in.
pub(crate) async fn coded_agency(app: &TestApp, name: &str, code: &str) -> (Client, i64) {
    let (staff, agency) = app.staff(name).await;
    let admin = app.admin_client().await;
    let id = agency.to_string();
    let res = app.post_form(&admin, "/admin/agencies/code", &[("agency_id", &id), ("code", code)]).await;
    assert_eq!(res.status(), 303, "the administrator sets the code");
    (staff, agency)
}

pub(crate) async fn register(
    app: &TestApp,
    staff: &Client,
    title: &str,
    text: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (adopted, published, effective) = (day(-20), day(-10), day(-10));
    let mut form = vec![
        ("title", title),
        ("full_text", text),
        ("adopted_on", adopted.as_str()),
        ("published_on", published.as_str()),
        ("effective_on", effective.as_str()),
    ];
    for (k, v) in fields {
        form.retain(|(f, _)| f != k);
        form.push((k, v));
    }
    app.post_form(staff, "/staff/documents/new", &form).await
}

pub(crate) async fn registered(app: &TestApp, staff: &Client, title: &str, text: &str) -> (i64, String) {
    let res = register(app, staff, title, text, &[]).await;
    assert_eq!(res.status(), 303, "registered");
    let id = location_id(&res);
    let doc: serde_json::Value = app.get(staff, &format!("/api/v1/documents/{id}")).await.json().await.unwrap();
    (id, doc["summary"]["number"].as_str().unwrap().to_string())
}

pub(crate) async fn api_doc(app: &TestApp, id: i64) -> serde_json::Value {
    let res = app.get(&app.client(), &format!("/api/v1/documents/{id}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn an_agency_registers_a_document_and_anyone_finds_it_by_its_number_however_it_is_typed() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let year = app::clock::date_of(app::clock::start_of_day(app::clock::today()) - 20 * 86_400).year;
    let (first, number) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    assert_eq!(number, format!("长城管规〔{year}〕1号"), "the first of the year in the agency's sequence");
    let (second, next) = registered(&app, &staff, "某市共享单车停放管理暂行规定", TEXT).await;
    assert_eq!(next, format!("长城管规〔{year}〕2号"), "the next number, never the same");

    let doc = api_doc(&app, first).await;
    assert_eq!(doc["summary"]["status"], "in_force");
    let effective = app::clock::date_of(doc["summary"]["effective_on"].as_i64().unwrap());
    let until = app::clock::date_of(doc["summary"]["valid_until"].as_i64().unwrap());
    assert_eq!(until, effective.add_days(-1).max(until).min(until), "a date");
    assert_eq!(until.year, effective.year + 5, "valid five years by default");
    let provisional = api_doc(&app, second).await;
    let until = app::clock::date_of(provisional["summary"]["valid_until"].as_i64().unwrap());
    assert_eq!(until.year, effective.year + 2, "a 暂行 document two years");
    assert_eq!(provisional["provisional"], true);

    // Found by its number typed with half-width brackets and spaces, on the page and in the API.
    let typed = app::ui::encode_query(&format!("长城管规 [{year}] 1号"));
    let page = app.get(&app.client(), &format!("/documents?q={typed}")).await.text().await.unwrap();
    assert!(page.contains(&format!("/documents/{first}\"")), "found by its number");
    assert!(!page.contains(&format!("/documents/{second}\"")), "and only it");
    let listed: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/documents?status=in_force&year={year}")).await.json().await.unwrap();
    assert_eq!(listed["total"], 2);
    let page = app.get(&app.client(), &format!("/documents/{first}")).await.text().await.unwrap();
    assert!(
        page.contains(&number) && page.contains("现行有效") && page.contains("第三条"),
        "its page: number, status, text"
    );
}

#[tokio::test]
async fn a_document_made_from_a_draft_is_linked_both_ways_and_cited_by_its_number() {
    let app = TestApp::spawn().await;
    let (staff, agency) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let draft = app.open_consultation(&staff).await;
    let from = draft.to_string();
    // Not while the public is still commenting on the draft.
    let res = register(&app, &staff, "某市共享单车停放管理办法", TEXT, &[("consultation", from.as_str())]).await;
    assert!(rejected_page(res, 422).await.contains("征求意见尚未结束"));
    crate::report::close(&app, draft).await;
    let res = register(&app, &staff, "某市共享单车停放管理办法", TEXT, &[("consultation", from.as_str())]).await;
    assert!(rejected_page(res, 422).await.contains("通过日期不能早于该草案征求意见的截止日期"), "adopted after it");
    let today = day(0);
    let after =
        [("consultation", from.as_str()), ("adopted_on", &today), ("published_on", &today), ("effective_on", &today)];
    let res = register(&app, &staff, "某市共享单车停放管理办法", TEXT, &after).await;
    assert_eq!(res.status(), 303, "registered from its draft");
    let id = location_id(&res);
    let doc = api_doc(&app, id).await;
    let number = doc["summary"]["number"].as_str().unwrap().to_string();
    assert_eq!(doc["consultation"]["id"], draft, "the document names the draft it came from");
    // The draft's page and API name the document made from it.
    let consultation: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/consultations/{draft}")).await.json().await.unwrap();
    assert_eq!(consultation["documents"][0]["id"], id);
    assert_eq!(consultation["documents"][0]["number"], number.as_str());
    let page = app.get(&app.client(), &format!("/consultations/{draft}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/documents/{id}\"")) && page.contains(&number), "linked forward");

    // Its number is an address for citing, however the brackets are typed; it always leads there.
    let typed = number.replace('〔', "[").replace('〕', "]");
    let res = app.get(&app.client(), &format!("/documents/number/{}", app::ui::encode_query(&typed))).await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], format!("/documents/{id}").as_str());
    let page = app.get(&app.client(), &format!("/documents/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("/documents/number/{}", app::ui::encode_query(&number))), "the page shows it");
    // Each article of its text has an address of its own on the page.
    assert!(page.contains("id=\"a3\"") && page.contains("href=\"#a3\""), "第三条 is at #a3");
    // The registry is narrowed by its issuing body, chosen from those with documents.
    let page = app.get(&app.client(), &format!("/documents?agency={agency}")).await.text().await.unwrap();
    let option = page.split("<option").find(|o| o.contains("市城市管理局")).expect("the agency is offered");
    assert!(option.contains(&format!("value=\"{agency}\"")) && option.contains("selected"), "{option}");
    let page = app.get(&app.client(), "/documents?agency=2%00%E5%B7%B2%E6%92%A4%E9%94%80").await.text().await.unwrap();
    assert!(!page.contains('\0') && !page.contains("已撤销"), "nothing typed into the address is offered as a body");
    // A title that only looks like another (a zero-width space, a direction mark) is stored as it looks.
    let res = register(&app, &staff, "某市\u{200b}共享单车\u{200f}管理办法", TEXT, &[]).await;
    let looks = api_doc(&app, location_id(&res)).await;
    assert_eq!(looks["summary"]["title"], "某市共享单车管理办法");
    for missing in ["长城管规〔1999〕9号", "不是文号", &"号".repeat(100), "<script>alert(1)</script>"] {
        let res = app.get(&app.client(), &format!("/documents/number/{}", app::ui::encode_query(missing))).await;
        let page = rejected_page(res, 404).await;
        assert!(page.contains("没有符合条件的文件") && page.contains("规范性文件库"), "the registry searching for it");
        assert!(!page.contains("<script>alert(1)"), "what was cited is shown as text only");
    }
}

#[tokio::test]
async fn a_jurisdiction_with_a_shorter_validity_has_its_documents_registered_with_it() {
    let mut cfg = server::config::Config { limits: relaxed(), search_interval_ms: 50, ..Default::default() };
    cfg.periods.document_validity = app::deadlines::Validity { years: 3, provisional_years: 1 };
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let form = app.get(&staff, "/staff/documents/new").await.text().await.unwrap();
    assert!(
        form.contains("有效期默认3年（最长3年）") && form.contains("默认1年"),
        "the form says the configured years"
    );
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let doc = api_doc(&app, id).await;
    let effective = app::clock::date_of(doc["summary"]["effective_on"].as_i64().unwrap());
    let until = app::clock::date_of(doc["summary"]["valid_until"].as_i64().unwrap());
    assert_eq!(until.year, effective.year + 3);
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理暂行规定", TEXT).await;
    let until = app::clock::date_of(api_doc(&app, id).await["summary"]["valid_until"].as_i64().unwrap());
    assert_eq!(until.year, effective.year + 1, "a provisional document its own default");
    let longer = day(4 * 366);
    let res = register(&app, &staff, "某市户外广告设置管理办法", TEXT, &[("valid_until", longer.as_str())]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("有效期最长3年"), "no longer than the configured most");
}

#[tokio::test]
async fn an_agency_without_a_code_is_told_so_and_loses_nothing_it_typed() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let page = app.get(&staff, "/staff/documents/new").await.text().await.unwrap();
    assert!(page.contains("尚未设置发文字号代字"), "the form says why it cannot number");
    let res = register(&app, &staff, "某市停车管理办法", TEXT, &[]).await;
    let page = rejected_page(res, 409).await;
    assert!(page.contains("尚未设置发文字号代字"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM normative_documents").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0, "nothing registered");
}

#[tokio::test]
async fn a_document_not_yet_published_cannot_be_registered_and_the_form_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市司法局", "长司规").await;
    let tomorrow = day(1);
    let res = register(&app, &staff, "某市行政执法公示办法", TEXT, &[("published_on", &tomorrow)]).await;
    let page = rejected_page(res, 422).await;
    assert!(page.contains("只能登记已经公布的文件"), "{page}");
    assert!(page.contains("某市行政执法公示办法"), "the title typed is still there");
    let early = day(-15);
    let res = register(&app, &staff, "某市行政执法公示办法", TEXT, &[("effective_on", &early)]).await;
    assert!(rejected_page(res, 422).await.contains("施行日期不能早于公布日期"));
    let far = day(365 * 6);
    let res = register(&app, &staff, "某市行政执法公示办法", TEXT, &[("valid_until", &far)]).await;
    assert!(rejected_page(res, 422).await.contains("有效期最长5年"));
}

#[tokio::test]
async fn an_amendment_keeps_every_version_and_shows_what_it_changed() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let (decision, number) =
        registered(&app, &staff, "关于修改《某市共享单车停放管理办法》的决定", "第一条　修改第三条。\n").await;
    let amended = TEXT.replace("责令改正", "责令改正，可以处五十元罚款");
    let typed = number.replace('〔', "[").replace('〕', "]");
    let today = day(0);
    let form = [
        ("to", "amended"),
        ("on_date", today.as_str()),
        ("reason", "根据上位法调整罚则"),
        ("by_number", typed.as_str()),
        ("amended_text", amended.as_str()),
    ];
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &form).await;
    assert_eq!(res.status(), 303, "back to the document, so a reload does not post it again");
    // The same amended text again: refused, not a second identical version.
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &form).await;
    assert!(rejected_page(res, 422).await.contains("与现行文本相同"));

    let d = api_doc(&app, doc).await;
    assert_eq!(d["summary"]["status"], "amended");
    assert_eq!(d["versions"].as_array().unwrap().len(), 2, "both texts are kept");
    assert_eq!(d["versions"][1]["amended_by"]["id"], decision);
    let changes = d["amendments"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "one article changed: {changes:?}");
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("<ins>，可以处五十元罚款</ins>"), "the change is marked: {page}");
    assert!(page.contains("第1版") && page.contains("已修改"));
    let page = app.get(&app.client(), &format!("/documents/{decision}")).await.text().await.unwrap();
    assert!(page.contains("本文件修改或废止的文件") && page.contains(&format!("/documents/{doc}\"")));
    // Every version and every change is reachable through the API, oldest first, a page at a time.
    let json = |path: String| {
        let c = app.client();
        let url = app.url(&path);
        async move { c.get(url).send().await.unwrap() }
    };
    let versions: serde_json::Value = json(format!("/api/v1/documents/{doc}/versions")).await.json().await.unwrap();
    assert_eq!(versions["total"], 2);
    assert_eq!(versions["versions"][0]["version"], 1);
    assert_eq!(versions["versions"][1]["amended_by"]["id"], decision);
    let history: serde_json::Value =
        json(format!("/api/v1/documents/{doc}/history?page=1")).await.json().await.unwrap();
    assert_eq!(history["history"][0]["status"], "in_force", "registered first");
    assert_eq!(history["history"][history["total"].as_i64().unwrap() as usize - 1]["status"], "amended");
    assert_eq!(json(format!("/api/v1/documents/{doc}/versions?page=0")).await.status(), 422);
    assert_eq!(json("/api/v1/documents/999999/history".into()).await.status(), 404);
    let doc_api: serde_json::Value = json("/api/v1/openapi.json".into()).await.json().await.unwrap();
    assert!(doc_api["paths"]["/api/v1/documents/{id}/versions"]["get"].is_object());
    assert!(doc_api["paths"]["/api/v1/documents/{id}/history"]["get"].is_object());
}

#[tokio::test]
async fn only_the_issuing_agency_changes_a_status_and_a_repealed_document_stays_repealed() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (other, _) = coded_agency(&app, "市交通运输局", "长交规").await;
    let (doc, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let today = day(0);
    let repeal = [("to", "repealed"), ("on_date", today.as_str()), ("reason", "已被新办法取代")];
    let res = app.post_form(&other, &format!("/staff/documents/{doc}/status"), &repeal).await;
    assert_eq!(res.status(), 404, "another agency's document is not found for it");
    assert_eq!(api_doc(&app, doc).await["summary"]["status"], "in_force");
    let page = app.get(&other, &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(!page.contains("变更状态（本单位）"), "nor is it offered the form");

    let tomorrow = day(1);
    let later = [("to", "repealed"), ("on_date", tomorrow.as_str()), ("reason", "已被新办法取代")];
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &later).await;
    let page = rejected_page(res, 422).await;
    assert!(page.contains("变更日期不能晚于今天") && page.contains("已被新办法取代"), "refused, the reason kept");
    // Another agency's document cannot be named as the one repealing it.
    let (theirs, number) = registered(&app, &other, "某市道路停车管理办法", TEXT).await;
    let by_theirs =
        [("to", "repealed"), ("on_date", today.as_str()), ("reason", "已被新办法取代"), ("by_number", number.as_str())];
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &by_theirs).await;
    assert!(rejected_page(res, 422).await.contains("不是本单位的文件"));
    let page = app.get(&app.client(), &format!("/documents/{theirs}")).await.text().await.unwrap();
    assert!(!page.contains("本文件修改或废止的文件"), "nothing is written onto another agency's page");
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &repeal).await;
    assert_eq!(res.status(), 303);
    let back = [("to", "to_clean_up"), ("on_date", today.as_str()), ("reason", "再议")];
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &back).await;
    assert!(rejected_page(res, 409).await.contains("不能变更为"));
    let d = api_doc(&app, doc).await;
    assert_eq!(d["summary"]["status"], "repealed");
    let history: Vec<&str> = d["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["in_force", "repealed"], "every status, dated, in order");
    let page = app.get(&staff, &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("状态不再变更"), "the agency is offered nothing more");
}

#[tokio::test]
async fn a_document_past_its_validity_expires_by_itself() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let yesterday = day(-1);
    let res = register(&app, &staff, "某市临时交通管制办法", TEXT, &[("valid_until", &yesterday)]).await;
    assert_eq!(res.status(), 303);
    let doc = location_id(&res);
    let (current, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    server::jobs::document_expiry(&app.db).await;
    let d = api_doc(&app, doc).await;
    assert_eq!(d["summary"]["status"], "expired");
    assert_eq!(d["history"][1]["by_clock"], true, "expired by the clock, not by a person");
    assert_eq!(api_doc(&app, current).await["summary"]["status"], "in_force", "a valid one is untouched");
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("有效期届满，自动失效") && page.contains("已失效"));
}

#[tokio::test]
async fn hostile_titles_and_texts_stay_text_and_every_list_input_is_bounded() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let title = "<script>alert(1)</script>&amp;\"《办法》";
    let text = "第一条　<img src=x onerror=alert(2)>\n";
    let res = register(&app, &staff, title, text, &[]).await;
    let doc = location_id(&res);
    for path in [format!("/documents/{doc}"), "/documents".to_string()] {
        let page = app.get(&app.client(), &path).await.text().await.unwrap();
        assert!(!page.contains("<script>alert(1)") && !page.contains("<img src=x"), "{path}: inert");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"), "{path}: exact text");
    }
    let long = "字".repeat(101);
    let res = app.get(&app.client(), &format!("/api/v1/documents?q={}", app::ui::encode_query(&long))).await;
    assert_eq!(res.status(), 422);
    let res = app.get(&app.client(), "/api/v1/documents?q=%00xyz").await;
    assert_eq!(res.status(), 422, "a control character is not quietly a search for everything");
    let res = register(&app, &staff, "第一行\n第二行", TEXT, &[]).await;
    assert!(rejected_page(res, 422).await.contains("标题应为一行文字"));
    let res = app.get(&app.client(), "/api/v1/documents?status=whatever").await;
    assert_eq!(res.status(), 422);
    let res = app.get(&app.client(), "/api/v1/documents?page=100000").await;
    assert_eq!(res.status(), 422);
    let res = app.get(&app.client(), "/api/v1/documents/999999").await;
    assert_eq!(res.status(), 404);
}

/// The registry's list for `q`, asked again until the index has caught up (at most ten seconds).
pub(crate) async fn listed_until(app: &TestApp, q: &str, expected: usize) -> serde_json::Value {
    let path = format!("/api/v1/documents?q={}", app::ui::encode_query(q));
    for _ in 0..100 {
        let page: serde_json::Value = app.get(&app.client(), &path).await.json().await.unwrap();
        if page["total"] == expected as i64 {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{q}: not {expected} documents within ten seconds");
}

#[tokio::test]
async fn a_word_in_a_documents_text_finds_it_in_the_registry_and_the_platforms_search() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, number) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    registered(&app, &staff, "某市户外广告设置管理办法", "第一条　为了规范户外广告设置，制定本办法。\n").await;
    // "城市管理部门" is in the first document's text only, not in any title.
    let found = listed_until(&app, "城市管理部门", 1).await;
    assert_eq!(found["documents"][0]["id"], doc);
    let page = app.get(&app.client(), "/search?q=%E5%9F%8E%E5%B8%82%E7%AE%A1%E7%90%86%E9%83%A8%E9%97%A8").await;
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("/documents/{doc}\"")) && page.contains("规范性文件"), "in the platform's search");
    assert!(page.contains(&number), "named by its number");

    // Repealed: the registry and the search say so.
    let today = day(0);
    let repeal = [("to", "repealed"), ("on_date", today.as_str()), ("reason", "已被新办法取代")];
    app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &repeal).await;
    let repealed = format!("/api/v1/documents?q={}&status=repealed", app::ui::encode_query("城市管理部门"));
    let listed: serde_json::Value = app.get(&app.client(), &repealed).await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn the_issuing_agency_is_told_before_a_documents_validity_ends_once_at_90_and_once_at_30_days() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (in_60, in_20, in_400) = (day(60), day(20), day(400));
    let mut ids = Vec::new();
    for (title, until) in
        [("六十日后届满的办法", &in_60), ("二十日后届满的办法", &in_20), ("一年多后届满的办法", &in_400)]
    {
        let res = register(&app, &staff, title, TEXT, &[("valid_until", until)]).await;
        assert_eq!(res.status(), 303);
        ids.push(location_id(&res));
    }
    server::jobs::document_expiry(&app.db).await;
    let inbox = app.get(&staff, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("六十日后届满的办法") && inbox.contains("二十日后届满的办法"), "{inbox}");
    assert!(!inbox.contains("一年多后届满的办法"), "not yet");
    assert!(inbox.contains(&format!("/documents/{}", ids[0])), "each links to its document");
    let told = |app: &TestApp| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications").fetch_one(&db).await.unwrap() }
    };
    assert_eq!(told(&app).await, 2, "one notice each, the 20-day one not told twice");
    // The job runs every hour: nobody is told again.
    sqlx::query("UPDATE jobs SET next_run = 0 WHERE name = 'document_expiry'").execute(&app.db).await.unwrap();
    server::jobs::document_expiry(&app.db).await;
    assert_eq!(told(&app).await, 2, "told once");
    // Five weeks on, the 60-day one is within 30 days: told again, once.
    let later = app::clock::today().add_days(35);
    assert_eq!(app::registry::expiry::warn_of_expiry(&app.db, later).await.unwrap(), 1);
    assert_eq!(app::registry::expiry::warn_of_expiry(&app.db, later).await.unwrap(), 0);
}

async fn to_clean_up(app: &TestApp, staff: &Client, doc: i64) {
    let today = day(0);
    let form = [("to", "to_clean_up"), ("on_date", today.as_str()), ("reason", "上位法已修改，列入清理")];
    let res = app.post_form(staff, &format!("/staff/documents/{doc}/status"), &form).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn an_agency_publishes_a_clean_up_as_one_list_and_every_decision_takes_effect_or_none() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (other, _) = coded_agency(&app, "市交通运输局", "长交规").await;
    let (kept, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let (repealed, _) = registered(&app, &staff, "某市户外广告设置管理办法", TEXT).await;
    let (waiting, _) = registered(&app, &staff, "某市城市道路挖掘管理办法", TEXT).await;
    let (theirs, _) = registered(&app, &other, "某市道路停车管理办法", TEXT).await;
    for doc in [kept, repealed, waiting] {
        to_clean_up(&app, &staff, doc).await;
    }
    to_clean_up(&app, &other, theirs).await;
    let page = app.get(&staff, "/staff/documents/cleanup").await.text().await.unwrap();
    assert!(page.contains(&format!("decision_{kept}")) && !page.contains(&format!("decision_{theirs}")));

    // Another agency's document slipped in: nothing is published, nothing changes, nothing typed is lost.
    let (k, r, t) = (format!("decision_{kept}"), format!("decision_{repealed}"), format!("decision_{theirs}"));
    let (kr, rr, tr) = (format!("reason_{kept}"), format!("reason_{repealed}"), format!("reason_{theirs}"));
    let title = "2026年度规范性文件清理结果";
    let mut form = vec![
        ("title", title),
        (k.as_str(), "keep"),
        (kr.as_str(), "符合上位法，继续有效"),
        (r.as_str(), "repeal"),
        (rr.as_str(), "已被新规定取代"),
        (t.as_str(), "repeal"),
        (tr.as_str(), "不是本单位的"),
    ];
    let res = app.post_form(&staff, "/staff/documents/cleanup", &form).await;
    let page = rejected_page(res, 409).await;
    assert!(page.contains("清理结果未发布") && page.contains("已被新规定取代"), "refused, the reasons kept");
    assert_eq!(api_doc(&app, kept).await["summary"]["status"], "to_clean_up");
    assert_eq!(api_doc(&app, theirs).await["summary"]["status"], "to_clean_up");

    // The same document decided twice in one post is ambiguous (and a repeal is final): refused.
    let twice = [("title", title), (k.as_str(), "keep"), (kr.as_str(), "继续有效"), (k.as_str(), "repeal")];
    let res = app.post_form(&staff, "/staff/documents/cleanup", &twice).await;
    assert!(rejected_page(res, 422).await.contains("只能有一个清理结论"));
    assert_eq!(api_doc(&app, kept).await["summary"]["status"], "to_clean_up");

    // A decision without a reason is refused under its field.
    form.truncate(5);
    form[4].1 = " ";
    let res = app.post_form(&staff, "/staff/documents/cleanup", &form).await;
    assert!(rejected_page(res, 422).await.contains("请说明理由"));

    form[4].1 = "已被新规定取代";
    let res = app.post_form(&staff, "/staff/documents/cleanup", &form).await;
    assert_eq!(res.status(), 303);
    let cleanup = location_id(&res);
    let list = app.get(&app.client(), &format!("/cleanups/{cleanup}")).await.text().await.unwrap();
    assert!(
        list.contains(title) && list.contains("继续有效") && list.contains("废止") && list.contains("已被新规定取代")
    );
    assert!(!list.contains("某市城市道路挖掘管理办法"), "a document without a decision waits for the next clean-up");
    assert_eq!(api_doc(&app, kept).await["summary"]["status"], "in_force");
    assert_eq!(api_doc(&app, repealed).await["summary"]["status"], "repealed");
    assert_eq!(api_doc(&app, waiting).await["summary"]["status"], "to_clean_up");
    let listed: serde_json::Value = app.get(&app.client(), "/api/v1/cleanups").await.json().await.unwrap();
    assert_eq!(listed["cleanups"][0]["documents"], 2);
    let detail: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/cleanups/{cleanup}")).await.json().await.unwrap();
    assert_eq!(detail["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_agency_runs_a_clean_up_over_all_its_binding_documents_without_marking_each_first() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (kept, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let (repealed, _) = registered(&app, &staff, "某市户外广告设置管理办法", TEXT).await;
    let (to_amend, _) = registered(&app, &staff, "某市城市道路挖掘管理办法", TEXT).await;
    let (untouched, _) = registered(&app, &staff, "某市门头招牌设置管理规定", TEXT).await;
    let page = app.get(&staff, "/staff/documents/cleanup").await.text().await.unwrap();
    for doc in [kept, repealed, to_amend, untouched] {
        assert!(page.contains(&format!("decision_{doc}")), "every binding document is offered");
    }
    assert!(page.contains("（现行有效）"), "with where it stands");
    let field = |what: &str, doc: i64| format!("{what}_{doc}");
    let (k, kr, r, rr, a, ar) = (
        field("decision", kept),
        field("reason", kept),
        field("decision", repealed),
        field("reason", repealed),
        field("decision", to_amend),
        field("reason", to_amend),
    );
    let form = [
        ("title", "2026年度规范性文件全面清理结果"),
        (k.as_str(), "keep"),
        (kr.as_str(), "符合上位法，继续有效"),
        (r.as_str(), "repeal"),
        (rr.as_str(), "已被新规定取代"),
        (a.as_str(), "amend"),
        (ar.as_str(), "与上位法不一致，需要修改"),
    ];
    let res = app.post_form(&staff, "/staff/documents/cleanup", &form).await;
    assert_eq!(res.status(), 303);
    let list = app.get(&app.client(), &format!("/cleanups/{}", location_id(&res))).await.text().await.unwrap();
    assert!(list.contains("某市共享单车停放管理办法") && list.contains("某市城市道路挖掘管理办法"));
    assert!(!list.contains("某市门头招牌设置管理规定"), "one not decided on is not in the list");
    assert_eq!(api_doc(&app, kept).await["summary"]["status"], "in_force", "kept as it was");
    assert_eq!(api_doc(&app, repealed).await["summary"]["status"], "repealed");
    assert_eq!(api_doc(&app, to_amend).await["summary"]["status"], "to_clean_up", "until its amendment");
    assert_eq!(api_doc(&app, untouched).await["summary"]["status"], "in_force");
    let history = api_doc(&app, repealed).await["history"].to_string();
    assert!(history.contains("2026年度规范性文件全面清理结果") && history.contains("已被新规定取代"), "{history}");
    // A repealed document is not offered again, and cannot be slipped in.
    let page = app.get(&staff, "/staff/documents/cleanup").await.text().await.unwrap();
    assert!(!page.contains(&format!("decision_{repealed}")));
    let again = [("title", "补充清理"), (r.as_str(), "keep"), (rr.as_str(), "继续有效")];
    assert_eq!(app.post_form(&staff, "/staff/documents/cleanup", &again).await.status(), 409);
}

#[tokio::test]
async fn an_amended_document_kept_by_a_clean_up_is_amended_again_not_as_first_registered() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let (_, number) =
        registered(&app, &staff, "关于修改《某市共享单车停放管理办法》的决定", "第一条　修改第三条。\n").await;
    let today = day(0);
    let amended = TEXT.replace("责令改正", "责令改正，可以处五十元罚款");
    let form = [
        ("to", "amended"),
        ("on_date", today.as_str()),
        ("reason", "调整罚则"),
        ("by_number", number.as_str()),
        ("amended_text", amended.as_str()),
    ];
    assert_eq!(app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &form).await.status(), 303);
    to_clean_up(&app, &staff, doc).await;
    let keep = [("to", "in_force"), ("on_date", today.as_str()), ("reason", "清理结论：保留")];
    assert_eq!(app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &keep).await.status(), 303);
    assert_eq!(api_doc(&app, doc).await["summary"]["status"], "amended");
    // A change dated before the last one is refused.
    let early = day(-5);
    let back = [("to", "to_clean_up"), ("on_date", early.as_str()), ("reason", "再议")];
    let res = app.post_form(&staff, &format!("/staff/documents/{doc}/status"), &back).await;
    assert!(rejected_page(res, 422).await.contains("不能早于上一次状态变更"));
}

#[tokio::test]
async fn an_api_client_reads_a_cases_decision_and_a_clean_ups_decision_as_two_different_types() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Decision"]["enum"], serde_json::json!(["support", "explain", "not_support"]));
    assert_eq!(schemas["CleanupDecision"]["enum"], serde_json::json!(["keep", "amend", "repeal", "expire"]));
}

#[tokio::test]
async fn registering_a_binding_documents_title_again_is_asked_to_be_confirmed() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (_, first) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let res = register(&app, &staff, "某市共享单车停放管理办法", TEXT, &[]).await;
    assert_eq!(res.status(), 422, "a second registration of the same document is caught");
    let page = res.text().await.unwrap();
    assert!(
        page.contains(&first) && page.contains("确认这是另一件同名文件"),
        "it names the first and offers to confirm"
    );
    let res = register(&app, &staff, "某市共享单车停放管理办法", TEXT, &[("same_title_confirmed", "1")]).await;
    assert_eq!(res.status(), 303, "confirmed, it is registered under a new number");
}
