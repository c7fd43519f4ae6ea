//! Legislative project proposals (立法项目建议征集): the legal-affairs office opens a call; citizens
//! propose subjects with a receipt; the office moderates, decides each published proposal (with a
//! plan item when included) and publishes the outcome with the plan once the call is closed and
//! nothing is left undecided; a plan item links forward to the consultation drafting it.
use crate::harness::*;
use reqwest::Client;
use serde_json::Value;

/// The office: staff of the legal-affairs office holding the power.
pub(crate) async fn office(app: &TestApp) -> Client {
    app.account("市司法局", app::accounts::Role::Staff, &["legal_affairs"]).await.0
}

pub(crate) async fn call_json(app: &TestApp, id: i64) -> Value {
    let res = app.get(&app.client(), &format!("/api/v1/legislation/calls/{id}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The office opens a call from today for `days` days; returns its id.
pub(crate) async fn open_call(app: &TestApp, office: &Client, days: i64) -> i64 {
    let today = app::clock::start_of_day(app::clock::today());
    let year = (app::clock::today().year + 1).to_string();
    let form = [
        ("title", "下一年度立法项目建议征集"),
        ("plan_year", year.as_str()),
        ("description", "欢迎就本市需要制定、修改或者废止的地方性法规和规章提出建议。"),
        ("opens_on", &app::clock::format_date(today)),
        ("closes_on", &app::clock::format_date(today + (days - 1) * 86_400)),
    ];
    let res = app.post_form(office, "/staff/legislation", &form).await;
    assert_eq!(res.status(), 303, "the office opens a call");
    location_id(&res)
}

pub(crate) async fn propose(app: &TestApp, c: &Client, call: i64, subject: &str) -> reqwest::Response {
    let form =
        [("subject", subject), ("problem", "老旧小区加装电梯缺少统一规则，居民协商难、审批难。"), ("approach", "")];
    app.post_form(c, &format!("/legislation/{call}/proposals"), &form).await
}

pub(crate) async fn proposal_id(app: &TestApp, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM legislative_proposals WHERE subject = $1")
        .bind(subject)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_citizens_proposal_is_answered_in_the_published_plan_and_its_item_links_to_the_draft() {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let (other_staff, _) = app.staff("市城市管理局").await;
    let citizen = app.citizen("13800000001").await;
    let neighbour = app.citizen("13800000002").await;

    // Only the office opens calls.
    let form = [
        ("title", "征集"),
        ("plan_year", "2027"),
        ("description", "说明"),
        ("opens_on", "2026-12-01"),
        ("closes_on", "2026-12-31"),
    ];
    assert_eq!(app.post_form(&other_staff, "/staff/legislation", &form).await.status(), 403);
    assert_eq!(app.post_form(&citizen, "/staff/legislation", &form).await.status(), 403);
    let bad = [
        ("title", "征集"),
        ("plan_year", "明年"),
        ("description", ""),
        ("opens_on", "2026-12-31"),
        ("closes_on", "2026-12-01"),
    ];
    let page = rejected_page(app.post_form(&office, "/staff/legislation", &bad).await, 422).await;
    assert!(
        page.contains("计划年度须为2000到2100之间的年份")
            && page.contains("请填写征集说明")
            && page.contains("截止日期不能早于开始日期")
    );
    // A call is public from its first day: none is recorded after the fact, and one a year.
    let past = [
        ("title", "补录征集"),
        ("plan_year", "2026"),
        ("description", "说明"),
        ("opens_on", "2020-01-01"),
        ("closes_on", "2020-02-01"),
    ];
    let page = rejected_page(app.post_form(&office, "/staff/legislation", &past).await, 422).await;
    assert!(page.contains("开始日期不能早于今天"));
    let call = open_call(&app, &office, 30).await;
    let next = (app::clock::today().year + 1).to_string();
    let again = [
        ("title", "再次征集"),
        ("plan_year", next.as_str()),
        ("description", "说明"),
        ("opens_on", &app::clock::today().to_string()),
        ("closes_on", &app::clock::today().to_string()),
    ];
    let page = rejected_page(app.post_form(&office, "/staff/legislation", &again).await, 422).await;
    assert!(page.contains(&format!("{next}年度已有立法项目建议征集")));

    // Signed-in citizens propose; what they typed is kept when something is missing.
    let anonymous = app.client();
    assert_eq!(propose(&app, &anonymous, call, "匿名").await.status(), 401);
    assert_eq!(propose(&app, &other_staff, call, "工作人员").await.status(), 403);
    let missing = [("subject", "关于制定加装电梯条例的建议"), ("problem", " "), ("approach", "")];
    let page =
        rejected_page(app.post_form(&citizen, &format!("/legislation/{call}/proposals"), &missing).await, 422).await;
    assert!(page.contains("请填写立法的必要性和要解决的问题") && page.contains("关于制定加装电梯条例的建议"));
    let res = propose(&app, &citizen, call, "关于制定老旧小区加装电梯条例的建议").await;
    assert_eq!(res.status(), 303);
    let hostile = "<script>alert(1)</script>关于修改物业管理条例的建议";
    assert_eq!(propose(&app, &citizen, call, hostile).await.status(), 303);
    assert_eq!(propose(&app, &neighbour, call, "关于制定广告牌管理办法的建议").await.status(), 303);
    assert_eq!(propose(&app, &neighbour, call, "无关内容").await.status(), 303);
    // The author sees each with its receipt; nobody else sees a pending one.
    let own = app.get(&citizen, &format!("/legislation/{call}")).await.text().await.unwrap();
    let receipt: String =
        sqlx::query_scalar("SELECT receipt FROM legislative_proposals WHERE subject LIKE '%加装电梯%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(receipt.starts_with("JY-") && own.contains(&receipt) && own.contains("待审核"));
    assert!(!own.contains("<script>alert(1)"), "typed markup is shown as text");
    assert!(call_json(&app, call).await["proposals"].as_array().unwrap().is_empty(), "pending is not public");

    // The office moderates: a rejection says why, to its author.
    let (lift, ads, noise) = (
        proposal_id(&app, "关于制定老旧小区加装电梯条例的建议").await,
        proposal_id(&app, "关于制定广告牌管理办法的建议").await,
        proposal_id(&app, "无关内容").await,
    );
    let property = proposal_id(&app, hostile).await;
    let moderate = |id: i64| format!("/staff/legislation/proposals/{id}/moderate");
    let approve = [("decision", "approve"), ("reason", ""), ("call", &call.to_string())];
    assert_eq!(app.post_form(&other_staff, &moderate(lift), &approve).await.status(), 403, "without the power");
    for id in [lift, ads, property] {
        assert_eq!(app.post_form(&office, &moderate(id), &approve).await.status(), 303);
    }
    let reject = [("decision", "reject"), ("reason", ""), ("call", &call.to_string())];
    assert_eq!(app.post_form(&office, &moderate(noise), &reject).await.status(), 422, "a rejection needs a reason");
    let reject = [("decision", "reject"), ("reason", "与立法项目无关"), ("call", &call.to_string())];
    assert_eq!(app.post_form(&office, &moderate(noise), &reject).await.status(), 303);
    // Published proposals are found in search, linking to their call; a rejected one is not.
    let found = crate::search::until_hits(&app, &anonymous, "广告牌管理办法", 1).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["kind"], "proposal");
    let billboard = proposal_id(&app, "关于制定广告牌管理办法的建议").await;
    assert_eq!(found["hits"][0]["url"], format!("/legislation/{call}?proposal={billboard}#p{billboard}"));
    let found = crate::search::until_hits(&app, &anonymous, "无关内容", 0).await;
    assert_eq!(found["total"], 0, "a rejected proposal is nobody's to find: {found}");
    let mine = app.get(&neighbour, &format!("/legislation/{call}")).await.text().await.unwrap();
    assert!(mine.contains("未予公开：与立法项目无关"));
    let public = call_json(&app, call).await;
    assert_eq!(public["summary"]["proposals"], 3);
    let shown = public["proposals"].as_array().unwrap();
    assert!(shown.iter().all(|p| p.get("receipt").is_none() && p.get("author").is_none()), "no author: {shown:?}");
    assert_eq!(shown[1]["subject"], hostile, "kept exactly as typed");

    // Decisions: included needs a plan item of this call; the others need a reason.
    let dispose = |id: i64| format!("/staff/legislation/proposals/{id}/disposition");
    let c = call.to_string();
    let included = [("disposition", "included"), ("reason", ""), ("plan_item", ""), ("call", c.as_str())];
    let page = rejected_page(app.post_form(&office, &dispose(lift), &included).await, 422).await;
    assert!(page.contains("请选择列入的计划项目"));
    let (drafting_staff, drafter) = app.staff("市住房和城乡建设局").await;
    let item =
        [("title", "某市既有住宅加装电梯条例"), ("kind", "project"), ("agency", &drafter.to_string()), ("note", "")];
    let res = app.post_form(&office, &format!("/staff/legislation/{call}/items"), &item).await;
    assert_eq!(res.status(), 303);
    // An item added by mistake is removed before the plan is out (never one a proposal is included in).
    let typo =
        [("title", "某市既有住宅加装电悌条例"), ("kind", "project"), ("agency", &drafter.to_string()), ("note", "")];
    assert_eq!(app.post_form(&office, &format!("/staff/legislation/{call}/items"), &typo).await.status(), 303);
    let typo_id: i64 = sqlx::query_scalar("SELECT id FROM plan_items WHERE title = '某市既有住宅加装电悌条例'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let remove = format!("/staff/legislation/items/{typo_id}/remove");
    assert_eq!(app.post_form(&other_staff, &remove, &[("call", c.as_str())]).await.status(), 403);
    assert_eq!(app.post_form(&office, &remove, &[("call", c.as_str())]).await.status(), 303);
    let item_id: i64 =
        sqlx::query_scalar("SELECT id FROM plan_items WHERE call_id = $1").bind(call).fetch_one(&app.db).await.unwrap();
    // An item is corrected before the plan is out: a blank name is refused with the rest kept.
    let edit = format!("/staff/legislation/items/{item_id}/edit");
    let d = drafter.to_string();
    let blank = [
        ("title", " "),
        ("kind", "preparatory"),
        ("agency", d.as_str()),
        ("note", "改为预备项目"),
        ("call", c.as_str()),
    ];
    let page = rejected_page(app.post_form(&office, &edit, &blank).await, 422).await;
    assert!(page.contains("请填写项目名称") && page.contains("改为预备项目"), "refused under the field, kept");
    let fixed = [
        ("title", "某市既有住宅加装电梯条例"),
        ("kind", "preparatory"),
        ("agency", d.as_str()),
        ("note", "先行调研"),
        ("call", c.as_str()),
    ];
    assert_eq!(app.post_form(&other_staff, &edit, &fixed).await.status(), 403);
    assert_eq!(app.post_form(&office, &edit, &fixed).await.status(), 303);
    let (kind, note): (String, String) = sqlx::query_as("SELECT kind, note FROM plan_items WHERE id = $1")
        .bind(item_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!((kind.as_str(), note.as_str()), ("preparatory", "先行调研"));
    let back = [
        ("title", "某市既有住宅加装电梯条例"),
        ("kind", "project"),
        ("agency", d.as_str()),
        ("note", ""),
        ("call", c.as_str()),
    ];
    assert_eq!(app.post_form(&office, &edit, &back).await.status(), 303);
    let included =
        [("disposition", "included"), ("reason", ""), ("plan_item", &item_id.to_string()), ("call", c.as_str())];
    assert_eq!(app.post_form(&office, &dispose(lift), &included).await.status(), 303);
    let study = [("disposition", "study"), ("reason", ""), ("plan_item", ""), ("call", c.as_str())];
    assert_eq!(app.post_form(&office, &dispose(ads), &study).await.status(), 422, "a reason is needed");
    let study = [("disposition", "study"), ("reason", "先行开展立法调研"), ("plan_item", ""), ("call", c.as_str())];
    assert_eq!(app.post_form(&office, &dispose(ads), &study).await.status(), 303);
    assert!(call_json(&app, call).await["proposals"][0]["disposition"].is_null(), "not public before the outcome");

    // Publishing waits for the close and for every decision.
    let outcome = [("outcome", "共收到建议4条，公开3条，列入计划1条。")];
    let publish = format!("/staff/legislation/{call}/publish");
    assert_eq!(app.post_form(&office, &publish, &outcome).await.status(), 409, "still open");
    sqlx::query("UPDATE proposal_calls SET opens_at = opens_at - 2592000, closes_at = $1 WHERE id = $2")
        .bind(app::clock::now())
        .bind(call)
        .execute(&app.db)
        .await
        .unwrap();
    let page = rejected_page(propose(&app, &citizen, call, "写了很久的建议").await, 409).await;
    assert!(page.contains("已经截止"), "closed calls take no proposals, and say so");
    assert!(page.contains("你填写的内容（未提交）") && page.contains("写了很久的建议"), "nothing typed is lost");
    let page = rejected_page(app.post_form(&office, &publish, &outcome).await, 409).await;
    assert!(page.contains("1条已公开的建议未作出处理结果"), "{page}");
    let not = [
        ("disposition", "not_included"),
        ("reason", "现行《物业管理条例》已有规定"),
        ("plan_item", ""),
        ("call", c.as_str()),
    ];
    assert_eq!(app.post_form(&office, &dispose(property), &not).await.status(), 303);
    assert_eq!(app.post_form(&office, &publish, &outcome).await.status(), 303);

    // Public: the outcome, the plan, each decision; every author is told. Final.
    let found = crate::search::until_hits(&app, &anonymous, "既有住宅加装电梯条例", 2).await;
    let kinds: Vec<&str> = found["hits"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"call"), "the published plan is found with its call: {found}");
    let public = call_json(&app, call).await;
    assert_eq!(public["outcome"], "共收到建议4条，公开3条，列入计划1条。");
    assert_eq!(public["plan"][0]["title"], "某市既有住宅加装电梯条例");
    assert_eq!(public["plan"][0]["kind"], "project");
    assert_eq!(public["proposals"][0]["disposition"], "included");
    assert_eq!(public["proposals"][0]["plan_item"], item_id);
    assert_eq!(public["proposals"][1]["disposition"], "not_included");
    assert_eq!(public["proposals"][2]["disposition_reason"], "先行开展立法调研");
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE link = $1")
        .bind(format!("/legislation/{call}"))
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 2, "both authors, once each");
    assert_eq!(app.post_form(&office, &dispose(lift), &study).await.status(), 409);
    assert_eq!(app.post_form(&office, &format!("/staff/legislation/{call}/items"), &item).await.status(), 409);
    assert_eq!(app.post_form(&office, &publish, &outcome).await.status(), 409);
    let remove = format!("/staff/legislation/items/{item_id}/remove");
    let page = rejected_page(app.post_form(&office, &remove, &[("call", c.as_str())]).await, 409).await;
    assert!(page.contains("立法计划已公布，不能再删除项目"), "said on the office's page");
    let page = rejected_page(app.post_form(&office, &edit, &back).await, 409).await;
    assert!(page.contains("立法计划已公布，不能再修改项目"));

    // Drafting begins: the drafting body links its consultation; another body's cannot be linked.
    let draft = app.open_consultation(&drafting_staff).await;
    let foreign = app.open_consultation(&other_staff).await;
    let link = |consultation: i64| {
        [("item", item_id.to_string()), ("consultation", consultation.to_string()), ("call", c.clone())]
    };
    let form = link(foreign);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post_form(&other_staff, "/staff/legislation/link", &pairs).await.status(), 403);
    assert_eq!(app.post_form(&office, "/staff/legislation/link", &pairs).await.status(), 422);
    let form = link(draft);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post_form(&drafting_staff, "/staff/legislation/link", &pairs).await.status(), 303);
    let page = rejected_page(app.post_form(&office, "/staff/legislation/link", &pairs).await, 422).await;
    assert!(page.contains("该征求意见已关联立法计划项目"), "linked once, said on the call's page");
    // A mistake can be undone by the drafting body; a decision's draft is not a plan item's.
    assert_eq!(app.post_form(&drafting_staff, "/staff/legislation/unlink", &pairs).await.status(), 303);
    assert!(call_json(&app, call).await["plan"][0]["consultations"].as_array().unwrap().is_empty());
    let res = app.publish(&drafting_staff, "decision", 0, 30, "").await;
    let decision = location_id(&res);
    let form = link(decision);
    let wrong: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = rejected_page(app.post_form(&drafting_staff, "/staff/legislation/link", &wrong).await, 422).await;
    assert!(page.contains("只能关联地方性法规草案或规章草案"));
    assert_eq!(app.post_form(&drafting_staff, "/staff/legislation/link", &pairs).await.status(), 303);
    let public = call_json(&app, call).await;
    assert_eq!(public["plan"][0]["consultations"][0]["consultation_id"], draft);
    // And back: the draft names the plan item it carries out.
    let consultation: Value =
        app.get(&anonymous, &format!("/api/v1/consultations/{draft}")).await.json().await.unwrap();
    assert_eq!(consultation["plan_item"]["call_id"], call);
    assert_eq!(consultation["plan_item"]["title"], "某市既有住宅加装电梯条例");
    let page = app.get(&anonymous, &format!("/consultations/{draft}")).await.text().await.unwrap();
    let item = consultation["plan_item"]["item_id"].as_i64().unwrap();
    assert!(page.contains(&format!("href=\"/legislation/items/{item}\"")) && page.contains("年度立法计划"));
    let page = app.get(&anonymous, &format!("/legislation/{call}")).await.text().await.unwrap();
    assert!(page.contains(&format!("/consultations/{draft}")) && page.contains("先行开展立法调研"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "markup shown as text");
}

#[tokio::test]
async fn the_proposal_api_takes_a_citizens_proposal_with_a_receipt_and_is_described() {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let call = open_call(&app, &office, 10).await;
    let citizen = app.citizen("13800000003").await;
    let body =
        serde_json::json!({"subject": "关于制定电动自行车停放管理规定的建议", "problem": "楼道停放充电引发火灾。"});
    let res =
        citizen.post(app.url(&format!("/api/v1/legislation/calls/{call}/proposals"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let own: Value = res.json().await.unwrap();
    assert!(own["receipt"].as_str().unwrap().starts_with("JY-"));
    assert_eq!(own["status"], "pending");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM legislative_proposals WHERE receipt = $1")
        .bind(own["receipt"].as_str().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 1, "the receipt is for a stored proposal");
    let long = serde_json::json!({"subject": "长".repeat(201), "problem": "x"});
    let res =
        citizen.post(app.url(&format!("/api/v1/legislation/calls/{call}/proposals"))).json(&long).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let res = app
        .client()
        .post(app.url(&format!("/api/v1/legislation/calls/{call}/proposals")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let partial = serde_json::json!({"subject": "只有名称"});
    let res = citizen
        .post(app.url(&format!("/api/v1/legislation/calls/{call}/proposals")))
        .json(&partial)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["message"], "请求内容不符合接口说明（缺少字段或类型不对）", "said in Chinese: {err}");
    let list: Value = app.get(&app.client(), "/api/v1/legislation/calls").await.json().await.unwrap();
    assert_eq!(list["calls"][0]["id"], call);
    assert_eq!(list["calls"][0]["open"], true);
    assert_eq!(app.get(&app.client(), "/api/v1/legislation/calls/999999").await.status(), 404);
    assert_eq!(app.get(&app.client(), "/api/v1/legislation/calls?page=0").await.status(), 422);
    // An address that is no number is refused in Chinese, on the form posts as on the API.
    let res = app.post_form(&citizen, "/legislation/abc/proposals", &[("subject", "x")]).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.text().await.unwrap(), "请求格式不正确");
    let doc: Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    for path in
        ["/api/v1/legislation/calls", "/api/v1/legislation/calls/{id}", "/api/v1/legislation/calls/{id}/proposals"]
    {
        assert!(doc["paths"][path].is_object(), "{path} is described");
    }
}

#[tokio::test]
async fn a_proposer_finds_their_proposal_by_its_receipt_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let call = open_call(&app, &office, 10).await;
    let citizen = app.citizen("13800000004").await;
    let body = serde_json::json!({"subject": "关于制定养犬管理条例的建议", "problem": "犬只伤人事件增多。"});
    let own: Value = citizen
        .post(app.url(&format!("/api/v1/legislation/calls/{call}/proposals")))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let receipt = own["receipt"].as_str().unwrap().to_string();
    let lookup = |c: &Client, typed: String| {
        c.post(app.url("/api/v1/legislation/proposals/receipt")).json(&serde_json::json!({"receipt": typed})).send()
    };
    // Typed in lower case without its dashes, it is still the receipt.
    let res = lookup(&citizen, receipt.to_lowercase().replace('-', "")).await.unwrap();
    assert_eq!(res.status(), 200);
    let found: Value = res.json().await.unwrap();
    assert_eq!(found["receipt"], receipt.as_str());
    assert_eq!(found["call_id"], call);
    assert_eq!(found["status"], "pending");
    assert_eq!(found["subject"], "关于制定养犬管理条例的建议");
    // Typed on a full-width keyboard, it is the same receipt.
    let wide: String = receipt
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    assert_eq!(lookup(&citizen, wide).await.unwrap().status(), 200, "full-width");
    let other = app.citizen("13800000005").await;
    assert_eq!(lookup(&other, receipt.clone()).await.unwrap().status(), 404, "another citizen is told nothing");
    assert_eq!(lookup(&app.client(), receipt.clone()).await.unwrap().status(), 401);
    // The comments' receipt lookup points a proposal's receipt to where it is kept.
    let res = citizen
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({"receipt": receipt}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "receipt");
    assert!(err["error"]["message"].as_str().unwrap().contains("/api/v1/legislation/proposals/receipt"), "{err}");
    let doc: Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/legislation/proposals/receipt"]["post"].is_object());
}

#[tokio::test]
async fn the_office_corrects_a_call_extends_it_but_never_shortens_it_and_withdraws_one_not_yet_open() {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let call = open_call(&app, &office, 10).await;
    let today = app::clock::today();
    let date = |days: i64| app::clock::format_date(app::clock::start_of_day(today.add_days(days)));
    let edit = format!("/staff/legislation/{call}/edit");
    let (opens, later, sooner) = (date(0), date(30), date(3));
    let form = |title: &'static str, closes_on: &str| {
        vec![
            ("title", title.to_string()),
            ("description", "更正后的说明：<b>欢迎</b>提出建议。".to_string()),
            ("opens_on", opens.clone()),
            ("closes_on", closes_on.to_string()),
            ("reason", "标题年份有误，并延长征集期".to_string()),
        ]
    };
    let post = |c: &Client, f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, String)> = f;
        c.post(app.url(&edit)).form(&pairs).send()
    };
    // An item of the plan still being drawn up is nobody's to find, even once the call is reindexed.
    let (drafter, drafter_id) = app.staff("市交通运输局").await;
    drop(drafter);
    let item =
        [("title", "尚未公布的计划项目"), ("kind", "project"), ("agency", &drafter_id.to_string()), ("note", "")];
    assert_eq!(app.post_form(&office, &format!("/staff/legislation/{call}/items"), &item).await.status(), 303);
    // A typo fixed and the call extended: the public sees both at once.
    let res = post(&office, form("2027年度立法项目建议征集", &later)).await.unwrap();
    assert_eq!(res.status(), 303);
    let anyone = app.client();
    let found = crate::search::until_hits(&app, &anyone, "更正后的说明", 1).await;
    assert_eq!(found["hits"][0]["kind"], "call", "the corrected call is reindexed: {found}");
    let unpublished = crate::search::search(&app, &anyone, "尚未公布的计划项目").await;
    assert_eq!(unpublished["total"], 0, "{unpublished}");
    let public = call_json(&app, call).await;
    assert_eq!(public["summary"]["title"], "2027年度立法项目建议征集");
    assert_eq!(public["summary"]["closes_on"], later.as_str());
    assert_eq!(public["description"], "更正后的说明：<b>欢迎</b>提出建议。");
    // The correction is public: what each part was and became, and why.
    let fixed = &public["corrections"][0];
    assert_eq!(fixed["reason"], "标题年份有误，并延长征集期");
    let parts: Vec<&str> = fixed["parts"].as_array().unwrap().iter().map(|p| p["part"].as_str().unwrap()).collect();
    assert_eq!(parts, ["标题", "征集说明", "截止日期"], "the opening day did not change");
    let closing = &fixed["parts"][2]["pieces"];
    assert_eq!(closing[1]["same"], "改为", "a date is shown whole, from one to the other: {closing}");
    assert_eq!(closing[2]["added"], app::clock::long_date(today.add_days(30)).as_str());
    let page = app.get(&app.client(), &format!("/legislation/{call}")).await.text().await.unwrap();
    assert!(page.contains("理由：标题年份有误，并延长征集期") && page.contains("&lt;b&gt;欢迎"), "shown, as text");
    // A correction needs its reason, and must change something; what was typed is kept.
    let mut unexplained = form("2028年度立法项目建议征集", &later);
    unexplained[4].1 = String::new();
    let page = rejected_page(post(&office, unexplained).await.unwrap(), 422).await;
    assert!(page.contains("修改理由") && page.contains("2028年度立法项目建议征集"), "asked for, kept");
    let page = rejected_page(post(&office, form("2027年度立法项目建议征集", &later)).await.unwrap(), 422).await;
    assert!(page.contains("没有修改任何内容"));
    assert_eq!(call_json(&app, call).await["corrections"].as_array().unwrap().len(), 1, "nothing more recorded");
    // Shortening an open call would cut off people still writing: refused, what was typed kept.
    let res = post(&office, form("缩短后的标题", &sooner)).await.unwrap();
    let page = rejected_page(res, 422).await;
    assert!(page.contains("不能提前") && page.contains("缩短后的标题"), "refused under the field, kept");
    assert!(page.contains("&lt;b&gt;欢迎&lt;/b&gt;"), "the description shown back as text");
    assert_eq!(call_json(&app, call).await["summary"]["closes_on"], later.as_str());
    let mut moved = form("2027年度立法项目建议征集", &later);
    moved[2].1 = date(1);
    assert_eq!(post(&office, moved).await.unwrap().status(), 422, "an open call's first day stays");
    // Only the office; an open call is not withdrawn.
    let (other, _) = app.staff("市城市管理局").await;
    assert_eq!(post(&other, form("他人修改", &later)).await.unwrap().status(), 403);
    let withdraw = format!("/staff/legislation/{call}/withdraw");
    assert_eq!(app.post_form(&office, &withdraw, &[]).await.status(), 409);

    // A call not yet open can be withdrawn: gone from the list and its page.
    let start = today.add_days(2);
    let year = if start.year == today.year { start.year } else { start.year + 1 };
    let upcoming = [
        ("title", "尚未开始的征集".to_string()),
        ("plan_year", year.to_string()),
        ("description", "说明".to_string()),
        ("opens_on", date(2)),
        ("closes_on", date(20)),
    ];
    let res = office.post(app.url("/staff/legislation")).form(&upcoming).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let planned = location_id(&res);
    let res = app.post_form(&office, &format!("/staff/legislation/{planned}/withdraw"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get(&app.client(), &format!("/api/v1/legislation/calls/{planned}")).await.status(), 404);
    let list: Value = app.get(&app.client(), "/api/v1/legislation/calls").await.json().await.unwrap();
    assert_eq!(list["calls"].as_array().unwrap().len(), 1);
    // Someone signed out is offered to sign in and come back to the office's page.
    let page = app.get(&app.client(), &format!("/staff/legislation/{call}?page=1")).await.text().await.unwrap();
    assert!(page.contains(&format!("/login?next=%2Fstaff%2Flegislation%2F{call}%3Fpage%3D1")), "{page}");
}

#[tokio::test]
async fn a_call_opened_at_a_proposal_shows_the_page_of_proposals_that_holds_it() {
    let app = TestApp::spawn().await;
    let office = office(&app).await;
    let call = open_call(&app, &office, 10).await;
    // Sixty published proposals (written straight in: the stand-in for sixty citizens).
    for n in 0..60 {
        sqlx::query(
            "INSERT INTO legislative_proposals (receipt, call_id, subject, problem, approach, status, created_at)
             VALUES ($1, $2, $3, '问题', '', 'approved', $4)",
        )
        .bind(format!("JY-2026-9{n:05}"))
        .bind(call)
        .bind(format!("第{n}条建议"))
        .bind(app::clock::now())
        .execute(&app.db)
        .await
        .unwrap();
    }
    let (first, last) = (proposal_id(&app, "第0条建议").await, proposal_id(&app, "第59条建议").await);
    let app = &app;
    let page = |p: i64| async move {
        app.get(&app.client(), &format!("/legislation/{call}?proposal={p}")).await.text().await.unwrap()
    };
    let shown = page(last).await;
    assert!(shown.contains(&format!("id=\"p{last}\"")) && shown.contains("第2页"), "the second page holds it");
    let shown = page(first).await;
    assert!(shown.contains(&format!("id=\"p{first}\"")) && shown.contains("第1页"));
    let chosen = app.get(&app.client(), &format!("/legislation/{call}?page=1&proposal={last}")).await;
    assert!(!chosen.text().await.unwrap().contains(&format!("id=\"p{last}\"")), "a page asked for is the page shown");
}
