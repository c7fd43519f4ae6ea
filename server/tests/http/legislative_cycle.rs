//! The whole legislative cycle, end to end over HTTP, as a citizen follows it in public: a proposal
//! in a call is included in the plan; the plan item's drafting body consults on a draft, answers a
//! comment and publishes its adoption report; the document made from it is registered under its
//! number, amended with every version kept, objected to and answered within 30 days without the
//! applicant's identity, expires by the clock, and a clean-up is published.
use crate::cases::{act, file, ok, progress};
use crate::harness::*;
use crate::legislation::{call_json, office, open_call, proposal_id, propose};
use crate::registry::{api_doc, coded_agency, day, register};
use crate::report::{answer, approve, close};
use app::accounts::Role;
use reqwest::Client;
use serde_json::{json, Value};

/// The draft as adopted: the comment adopted in the report is in 第三条.
fn adopted_text() -> String {
    DRAFT.replace("办理登记。", "办理登记，登记费用减半收取。")
}

/// The text as amended two articles on: 第三条之一 covers the whole city.
fn amended_text() -> String {
    adopted_text().replace("重点管理区内禁止饲养烈性犬", "全市范围内禁止饲养烈性犬")
}

/// Register a document of `staff`'s agency adopted, published and in force today; returns its id
/// and the number the registry gave it, as the public API shows it.
async fn registered_today(
    app: &TestApp,
    staff: &Client,
    title: &str,
    text: &str,
    extra: &[(&str, &str)],
) -> (i64, String) {
    let today = day(0);
    let mut fields =
        vec![("adopted_on", today.as_str()), ("published_on", today.as_str()), ("effective_on", today.as_str())];
    fields.extend_from_slice(extra);
    let res = register(app, staff, title, text, &fields).await;
    assert_eq!(res.status(), 303, "{title}: registered");
    let id = location_id(&res);
    let number = api_doc(app, id).await["summary"]["number"].as_str().unwrap().to_string();
    (id, number)
}

async fn public_page(app: &TestApp, path: &str) -> String {
    let res = app.get(&app.client(), path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

async fn public_json(app: &TestApp, path: &str) -> Value {
    let res = app.get(&app.client(), path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// A status change of one of `staff`'s agency's documents, dated today; asserts it is made.
async fn change_status(app: &TestApp, staff: &Client, doc: i64, fields: &[(&str, &str)]) {
    let today = day(0);
    let mut form = vec![("on_date", today.as_str())];
    form.extend_from_slice(fields);
    let res = app.post_form(staff, &format!("/staff/documents/{doc}/status"), &form).await;
    assert_eq!(res.status(), 303, "{fields:?}: {}", res.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_citizens_proposal_becomes_a_registered_document_that_is_amended_objected_to_expired_and_cleaned_up_in_public(
) {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let (drafter, drafter_id) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let proposer = app.citizen("13900007001").await;

    // 1. A citizen's proposal in the legal-affairs office's call is included in the published plan.
    let call = open_call(&app, &office, 30).await;
    let subject = "关于制定养犬管理条例的建议";
    assert_eq!(propose(&app, &proposer, call, subject).await.status(), 303);
    let proposal = proposal_id(&app, subject).await;
    let c = call.to_string();
    let moderate = format!("/staff/legislation/proposals/{proposal}/moderate");
    let approved = [("decision", "approve"), ("reason", ""), ("call", c.as_str())];
    assert_eq!(app.post_form(&office, &moderate, &approved).await.status(), 303);
    let item = [("title", "某市养犬管理条例"), ("kind", "project"), ("agency", &drafter_id.to_string()), ("note", "")];
    assert_eq!(app.post_form(&office, &format!("/staff/legislation/{call}/items"), &item).await.status(), 303);
    let item_id: i64 =
        sqlx::query_scalar("SELECT id FROM plan_items WHERE call_id = $1").bind(call).fetch_one(&app.db).await.unwrap();
    let item_id = item_id.to_string();
    let unpublished = app.get(&app.client(), &format!("/api/v1/legislation/items/{item_id}")).await;
    assert_eq!(unpublished.status(), 404, "an item is public with its plan, not before");
    let included = [("disposition", "included"), ("reason", ""), ("plan_item", item_id.as_str()), ("call", c.as_str())];
    let dispose = format!("/staff/legislation/proposals/{proposal}/disposition");
    assert_eq!(app.post_form(&office, &dispose, &included).await.status(), 303);
    // The call closes (the test's stand-in for waiting out its thirty days); the outcome is published.
    sqlx::query("UPDATE proposal_calls SET opens_at = opens_at - 2592000, closes_at = $1 WHERE id = $2")
        .bind(app::clock::now())
        .bind(call)
        .execute(&app.db)
        .await
        .unwrap();
    let outcome = [("outcome", "共收到建议1条，列入立法计划1条。")];
    assert_eq!(app.post_form(&office, &format!("/staff/legislation/{call}/publish"), &outcome).await.status(), 303);
    let public = call_json(&app, call).await;
    assert_eq!(public["outcome"], "共收到建议1条，列入立法计划1条。");
    assert_eq!(public["plan"][0]["title"], "某市养犬管理条例");
    assert_eq!(public["proposals"][0]["subject"], subject);
    assert_eq!(public["proposals"][0]["disposition"], "included");
    assert_eq!(public["proposals"][0]["plan_item"].to_string(), item_id);
    let own = app.get(&proposer, &format!("/legislation/{call}")).await.text().await.unwrap();
    assert!(own.contains(subject) && own.contains("列入立法计划"), "the proposer reads the decision");

    // 2. The drafting body consults on its draft and links it to the plan item.
    let draft = app.open_consultation(&drafter).await;
    let link = [("item", item_id.as_str()), ("consultation", &draft.to_string()), ("call", c.as_str())];
    assert_eq!(app.post_form(&drafter, "/staff/legislation/link", &link).await.status(), 303);
    assert_eq!(call_json(&app, call).await["plan"][0]["consultations"][0]["consultation_id"], draft);
    let plan_page = public_page(&app, &format!("/legislation/{call}")).await;
    assert!(plan_page.contains(&format!("/consultations/{draft}")), "the plan links forward to the draft");

    // 3. A citizen comments; the comment is moderated and answered; the window closes; the report is out.
    let commenter = app.citizen("13900007002").await;
    let res = comment(&app, &commenter, draft, "a3", "建议登记费用减半收取。").await;
    let receipt = receipt_of(&res);
    let comment_id = crate::report::id_of(&app, "建议登记费用减半收取。").await;
    approve(&app, &drafter, comment_id).await;
    assert_eq!(answer(&app, &drafter, draft, comment_id, "adopted", "").await.status(), 303);
    close(&app, draft).await;
    let adopted = adopted_text();
    let summary = [("summary", "共收到意见1条，采纳1条。"), ("revised_text", adopted.as_str())];
    let res = crate::report::publish(&app, &drafter, draft, &summary).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    let report = public_page(&app, &format!("/consultations/{draft}/report")).await;
    assert!(report.contains("共收到意见1条，采纳1条。") && report.contains("<ins>，登记费用减半收取</ins>"));
    let mine = app.post_form(&commenter, "/receipts", &[("no", &receipt)]).await.text().await.unwrap();
    assert!(mine.contains("class=\"answer\"") && mine.contains(">采纳</strong>"), "the commenter reads the answer");

    // 4. The drafting body registers the document made from the draft; it is numbered in its sequence.
    let year = app::clock::today().year;
    let from = draft.to_string();
    let (doc, number) =
        registered_today(&app, &drafter, "某市养犬管理条例", &adopted, &[("consultation", from.as_str())]).await;
    assert_eq!(number, format!("长城管规〔{year}〕1号"), "the first of the year in the body's sequence");
    let consultation = public_json(&app, &format!("/api/v1/consultations/{draft}")).await;
    assert_eq!(consultation["documents"][0]["id"], doc, "the draft names the document made from it");
    assert_eq!(consultation["documents"][0]["number"], number.as_str());
    let d = api_doc(&app, doc).await;
    assert_eq!(d["consultation"]["id"], draft, "the document names its draft");
    assert_eq!(d["consultation"]["report_published"], true);
    assert_eq!(d["summary"]["status"], "in_force");
    let page = public_page(&app, &format!("/documents/{doc}")).await;
    assert!(page.contains(&number) && page.contains("现行有效"));
    assert!(page.contains(&format!("/consultations/{draft}/report")), "linked to its adoption report");
    let cited = app.get(&app.client(), &format!("/documents/number/{}", app::ui::encode_query(&number))).await;
    assert_eq!(cited.headers()["location"], format!("/documents/{doc}").as_str(), "its number is an address");
    // The plan item's own page holds the whole chain: the proposal, the draft, the document.
    let planned = public_json(&app, &format!("/api/v1/legislation/items/{item_id}")).await;
    assert_eq!(planned["call_id"], call);
    assert_eq!(planned["proposals"][0]["subject"], subject);
    assert_eq!(planned["item"]["consultations"][0]["consultation_id"], draft);
    assert_eq!(planned["documents"][0]["number"], number.as_str());
    assert_eq!(planned["documents"][0]["binding"], true);
    let item_page = public_page(&app, &format!("/legislation/items/{item_id}")).await;
    assert!(item_page.contains(subject) && item_page.contains(&format!("/documents/{doc}\"")));
    assert!(item_page.contains(&format!("/consultations/{draft}\"")));
    let draft_page = public_page(&app, &format!("/consultations/{draft}")).await;
    assert!(draft_page.contains(&format!("/legislation/items/{item_id}\"")), "the draft links back to its item");
    assert!(public_page(&app, &format!("/legislation/{call}"))
        .await
        .contains(&format!("/legislation/items/{item_id}\"")));

    // 5. A second document amends it: both versions are kept and the page shows what changed.
    let decision_title = "关于修改《某市养犬管理条例》的决定";
    let (amending, amending_number) = registered_today(
        &app,
        &drafter,
        decision_title,
        "第一条　将第三条之一中的“重点管理区内”修改为“全市范围内”。\n",
        &[],
    )
    .await;
    assert_eq!(amending_number, format!("长城管规〔{year}〕2号"), "the next number in the sequence");
    let amended = amended_text();
    let amend = [
        ("to", "amended"),
        ("reason", "扩大禁止饲养烈性犬的范围"),
        ("by_number", amending_number.as_str()),
        ("amended_text", amended.as_str()),
    ];
    change_status(&app, &drafter, doc, &amend).await;
    let d = api_doc(&app, doc).await;
    assert_eq!(d["summary"]["status"], "amended");
    assert_eq!(d["versions"][0]["full_text"], adopted.as_str(), "the text as registered is kept");
    assert_eq!(d["versions"][1]["full_text"], amended.as_str());
    assert_eq!(d["versions"][1]["amended_by"]["id"], amending);
    assert_eq!(d["versions"][1]["amended_by"]["number"], amending_number.as_str());
    let page = public_page(&app, &format!("/documents/{doc}")).await;
    assert!(page.contains("<del>重点管理区</del>") && page.contains("<ins>全市范围</ins>"), "the diff: {page}");
    assert!(page.contains("已修改") && page.contains(&amending_number));
    let page = public_page(&app, &format!("/documents/{amending}")).await;
    assert!(page.contains("本文件修改或废止的文件") && page.contains(&format!("/documents/{doc}\"")));

    // 6. An objection review names the document, goes to its issuing body and is answered in public.
    let applicant = app.citizen("13900007003").await;
    let application = json!({"kind": "objection", "matter": "第三条之一禁止全市饲养烈性犬缺少依据",
        "facts": "修改后的第三条之一将禁养范围扩大到全市。", "request": "请审查第三条之一。", "name": "钱七",
        "phone": "13900007003", "email": "qian7@example.com", "document_number": number});
    let filed = file(&app, &applicant, application).await;
    let case_number = filed["number"].as_str().unwrap().to_string();
    let case = crate::cases::id_of(&app, &case_number).await;
    assert_eq!(api_doc(&app, doc).await["objections_waiting"], 1, "received, counted before it is accepted");
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    ok(&app, &officer, case, json!({"action": "transfer", "unit": drafter_id})).await;
    ok(&app, &drafter, case, json!({"action": "accept"})).await;
    let public_answer = "经审查，第三条之一依据《中华人民共和国动物防疫法》第三十条的授权作出规定，不予修改。";
    let decide = json!({"action": "decide", "decision": "explain", "text": "钱七同志：经审查，第三条之一有上位法依据。",
        "basis": "《中华人民共和国动物防疫法》第三十条", "public_answer": public_answer});
    let res = act(&app, &drafter, case, decide).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let p = progress(&app, &case_number, filed["query_code"].as_str().unwrap()).await;
    assert_eq!(p["decision"], "explain", "the applicant has the full answer");
    let d = api_doc(&app, doc).await;
    let o = &d["objections"][0];
    let today = app::clock::today();
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    assert_eq!(o["received_on"], today.to_string());
    assert_eq!(o["due_on"], app::cases::deadlines::Period::calendar(30).due(&cal, today).to_string(), "30 days");
    assert_eq!(o["answered_on"], today.to_string(), "answered well within them");
    assert_eq!(o["late"], false);
    assert_eq!(o["public_answer"], public_answer);
    let page = public_page(&app, &format!("/documents/{doc}")).await;
    assert!(page.contains(public_answer), "the answer is on the document's page");
    for private in ["钱七", "13900007003", "qian7", case_number.as_str()] {
        assert!(!page.contains(private) && !d.to_string().contains(private), "{private} is not public");
    }

    // 7. Its validity runs out (the test's stand-in for five years passing) and the clock expires it.
    let yesterday = app::clock::start_of_day(today.add_days(-1));
    sqlx::query("UPDATE normative_documents SET valid_until = $1 WHERE id = $2")
        .bind(yesterday)
        .bind(doc)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET next_run = 0 WHERE name = 'document_expiry'").execute(&app.db).await.unwrap();
    server::jobs::document_expiry(&app.db).await;
    let d = api_doc(&app, doc).await;
    assert_eq!(d["summary"]["status"], "expired");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["status"], "expired");
    assert_eq!(last["by_clock"], true, "expired by the clock, not by a person");
    assert_eq!(d["versions"].as_array().unwrap().len(), 2, "both versions are still kept");
    let page = public_page(&app, &format!("/documents/{doc}")).await;
    assert!(page.contains("已失效") && page.contains("有效期届满，自动失效"));
    assert!(page.contains(public_answer), "its objection review stays public");
    assert!(!page.contains("对本文件提出异议审查申请"), "no longer binding: no objection is offered");
    let expired = public_json(&app, &format!("/api/v1/documents?status=expired&year={year}")).await;
    assert_eq!(expired["total"], 1);
    assert_eq!(expired["documents"][0]["id"], doc);
    assert_eq!(api_doc(&app, amending).await["summary"]["status"], "in_force", "the amending decision is untouched");

    // 8. A clean-up declares the amending decision expired with the document it amended; published.
    change_status(&app, &drafter, amending, &[("to", "to_clean_up"), ("reason", "所修改的文件已失效，列入清理")]).await;
    let (decision, reason) = (format!("decision_{amending}"), format!("reason_{amending}"));
    let title = format!("{year}年度市城市管理局规范性文件清理结果");
    let why = "所修改的《某市养犬管理条例》已因有效期届满失效，本决定一并宣布失效";
    let form = [("title", title.as_str()), (decision.as_str(), "expire"), (reason.as_str(), why)];
    let res = app.post_form(&drafter, "/staff/documents/cleanup", &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    let cleanup = location_id(&res);
    let list = public_page(&app, "/cleanups").await;
    assert!(list.contains(&title) && list.contains(&format!("/cleanups/{cleanup}\"")), "listed among clean-ups");
    let published = public_page(&app, &format!("/cleanups/{cleanup}")).await;
    assert!(published.contains(&amending_number) && published.contains("宣布失效") && published.contains(why));
    assert!(published.contains(&format!("/documents/{amending}\"")));
    let detail = public_json(&app, &format!("/api/v1/cleanups/{cleanup}")).await;
    assert_eq!(detail["items"][0]["document"]["id"], amending);
    assert_eq!(detail["items"][0]["decision"], "expire");
    let a = api_doc(&app, amending).await;
    assert_eq!(a["summary"]["status"], "expired", "the clean-up took effect");
    let page = public_page(&app, &format!("/documents/{amending}")).await;
    assert!(page.contains("已失效") && page.contains(why));

    // 9. Everything public is found by the platform's search: the text as it was before the
    // amendment, the answer to the objection, the plan item and the clean-up, each linking to
    // where it is shown.
    let public = Client::new();
    let cleaned = found(&app, &public, &title, "cleanup").await;
    assert_eq!(cleaned, vec![format!("/cleanups/{cleanup}")]);
    // The clean-up was the last change: the index holds everything before it too.
    let before = found(&app, &public, "重点管理区内禁止饲养烈性犬", "version").await;
    assert_eq!(before, vec![format!("/documents/{doc}#v1")]);
    assert_eq!(found(&app, &public, "全市范围内禁止饲养烈性犬", "document").await, vec![format!("/documents/{doc}")]);
    let answered = found(&app, &public, "不予修改 动物防疫法", "objection").await;
    assert_eq!(answered.len(), 1);
    assert!(answered[0].starts_with(&format!("/documents/{doc}#o")), "{answered:?}");
    let planned = found(&app, &public, "某市养犬管理条例", "plan_item").await;
    assert_eq!(planned, vec![format!("/legislation/items/{item_id}")]);
    // The document itself is found by its current text only; nothing of the applicant is found.
    assert!(found_now(&app, &public, "重点管理区内禁止饲养烈性犬", "document").await.is_empty());
    for private in ["钱七", "13900007003", "qian7", case_number.as_str()] {
        assert!(found_now(&app, &public, private, "").await.is_empty(), "{private} is not searchable");
    }
}

/// The links of the hits of `kind` (any kind for "") the public search finds for `q` now.
async fn found_now(app: &TestApp, c: &Client, q: &str, kind: &str) -> Vec<String> {
    let url = format!("{}/api/v1/search?q={}&kind={kind}", app.base, app::ui::encode_query(q));
    let r: Value = c.get(url).send().await.unwrap().json().await.unwrap();
    let hits = r["hits"].as_array().cloned().unwrap_or_default();
    hits.iter().map(|h| h["url"].as_str().unwrap_or_default().to_string()).collect()
}

/// The links of the hits of `kind` the public search finds for `q`, once the indexer has any.
async fn found(app: &TestApp, c: &Client, q: &str, kind: &str) -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let urls = found_now(app, c, q, kind).await;
        if !urls.is_empty() || started.elapsed() > std::time::Duration::from_secs(5) {
            return urls;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
