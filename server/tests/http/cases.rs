//! Cases over HTTP: each kind's lifecycle, routing out of the ordinary queue, the reporter's
//! protection, the record's hash chain, attachments refused with the form kept.
use crate::harness::*;
use app::accounts::Role;
use reqwest::Client;
use serde_json::{json, Value};
use server::config::Limits;

pub(crate) async fn file(app: &TestApp, c: &Client, body: Value) -> Value {
    let res = c.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201, "filing refused");
    res.json().await.unwrap()
}

pub(crate) async fn progress(app: &TestApp, number: &str, code: &str) -> Value {
    let lookup = json!({"number": number, "code": code});
    let res = app.client().post(app.url("/api/v1/cases/progress")).json(&lookup).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub(crate) async fn act(app: &TestApp, staff: &Client, id: i64, body: Value) -> reqwest::Response {
    staff.post(app.url(&format!("/api/v1/staff/cases/{id}/actions"))).json(&body).send().await.unwrap()
}

pub(crate) async fn ok(app: &TestApp, staff: &Client, id: i64, body: Value) {
    let res = act(app, staff, id, body.clone()).await;
    assert_eq!(res.status(), 200, "{body}: {}", res.text().await.unwrap());
}

pub(crate) async fn id_of(app: &TestApp, number: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(number).fetch_one(&app.db).await.unwrap()
}

async fn queue(app: &TestApp, c: &Client, which: &str) -> Vec<String> {
    let list: Vec<Value> =
        c.get(app.url(&format!("/api/v1/staff/cases?queue={which}"))).send().await.unwrap().json().await.unwrap();
    list.iter().map(|c| c["number"].as_str().unwrap().to_string()).collect()
}

fn claim(matter: &str) -> Value {
    json!({
        "kind": "petition", "petition_kind": "claim", "matter": matter,
        "facts": "小区楼下餐馆油烟和噪音扰民已经两年，多次反映没有解决。", "request": "请依法处理。",
        "name": "王五", "phone": "13900006001"
    })
}

fn date_in(days: i64) -> String {
    app::clock::format_date(app::clock::now() + days * 86_400)
}

#[tokio::test]
async fn a_petition_goes_from_filing_through_review_and_re_review_to_a_final_answer() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006001").await;
    let filed = file(&app, &citizen, claim("餐馆油烟噪音扰民")).await;
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    assert!(number.starts_with("XF-2026-") || number.starts_with("XF-"), "{number}");
    let p = progress(&app, number, code).await;
    assert_eq!(p["status"], "received");
    assert!(p["due_on"].is_string(), "the register clock runs");
    let wrong = json!({"number": number, "code": "WRONG-CODE"});
    let res = app.client().post(app.url("/api/v1/cases/progress")).json(&wrong).send().await.unwrap();
    assert_eq!(res.status(), 404, "a wrong code looks like no case");

    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市住建局").await;
    let id = id_of(&app, number).await;
    assert!(queue(&app, &officer, "ordinary").await.contains(&number.to_string()));
    ok(
        &app,
        &officer,
        id,
        json!({"action": "assign", "unit": unit_id, "due_on": date_in(40), "note": "请依法处理并报告结果"}),
    )
    .await;
    assert_eq!(progress(&app, number, code).await["unit"], "市住建局");
    assert!(queue(&app, &unit, "unit").await.contains(&number.to_string()));

    ok(&app, &unit, id, json!({"action": "accept"})).await;
    ok(&app, &unit, id, json!({"action": "extend", "days": 30, "reason": "需要委托第三方检测噪音"})).await;
    let res = act(&app, &unit, id, json!({"action": "extend", "days": 10, "reason": "再延"})).await;
    assert_eq!(res.status(), 409, "one extension only");
    let p = progress(&app, number, code).await;
    let texts: Vec<&str> = p["steps"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("延长30日") && t.contains("需要委托第三方检测噪音")), "{texts:?}");
    let res =
        act(&app, &unit, id, json!({"action": "decide", "decision": "not_support", "text": "经检测噪音未超标。"}))
            .await;
    assert_eq!(res.status(), 422, "a decision states its legal basis");
    let mut decision = json!({"action": "decide", "decision": "not_support", "text": "经检测噪音未超标。", "basis": "《社会生活环境噪声排放标准》"});
    let res = act(&app, &unit, id, decision.clone()).await;
    assert_eq!(res.status(), 422, "an assigned case reports its completion to the office");
    decision["report"] = json!("已委托检测，结果未超标，已书面答复。");
    ok(&app, &unit, id, decision).await;
    let view: Value =
        officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().json().await.unwrap();
    assert!(view["steps"].to_string().contains("报送办结报告：已委托检测"), "the office reads the report");
    assert!(
        !progress(&app, number, code).await.to_string().contains("已委托检测"),
        "the filer reads the decision, not the report"
    );

    let p = progress(&app, number, code).await;
    assert_eq!((p["status"].as_str(), p["decision"].as_str()), (Some("decided"), Some("not_support")));
    assert_eq!((p["may_rate"].as_bool(), p["may_request_review"].as_bool()), (Some(true), Some(true)));
    let rating = json!({"code": code, "score": 2, "comment": "检测时段不对"});
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/rating"))).json(&rating).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let list: Vec<Value> =
        officer.get(app.url("/api/v1/staff/cases?queue=ordinary")).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        list.iter().find(|c| c["number"] == number).unwrap()["satisfaction"],
        2,
        "a low rating is visible to the office"
    );

    // Review, then re-review; after that the matter is closed.
    for (stage, decision) in [("review", "explain"), ("rereview", "not_support")] {
        let body = json!({"code": code, "reason": "检测应在夜间进行"});
        let res =
            app.client().post(app.url(&format!("/api/v1/cases/{number}/review"))).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200, "{stage}");
        let p: Value = res.json().await.unwrap();
        assert_eq!((p["status"].as_str(), p["stage"].as_str()), (Some("under_review"), Some(stage)));
        ok(&app, &officer, id, json!({"action": "decide_review", "decision": decision, "text": "维持原处理意见。", "basis": "《信访工作条例》"})).await;
    }
    let p = progress(&app, number, code).await;
    assert_eq!(
        (p["stage"].as_str(), p["may_request_review"].as_bool(), p["may_request_rereview"].as_bool()),
        (Some("rereview"), Some(false), Some(false))
    );
    let res = citizen.post(app.url("/api/v1/cases")).json(&claim("餐馆油烟噪音扰民")).send().await.unwrap();
    assert_eq!(res.status(), 409, "the same matter is not accepted again after re-review");
    // Refused with an attachment through the form: the file written for it does not stay behind.
    let c = claim("餐馆油烟噪音扰民");
    let s = |k: &str| c[k].as_str().unwrap().to_string();
    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec())
        .file_name("证据.pdf");
    let form = reqwest::multipart::Form::new()
        .text("petition_kind", "claim")
        .text("matter", s("matter"))
        .text("facts", s("facts"))
        .text("request", s("request"))
        .text("name", s("name"))
        .text("phone", s("phone"))
        .part("attachments", pdf);
    let res = citizen.post(app.url("/cases/new/petition")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 409);
    let files = walk_files(&app.dir.path().join("attachments"));
    assert!(files.is_empty(), "a refused filing left files behind: {files:?}");
    // Every step of the whole lifecycle left the case as its record says.
    let (whole, said) = verify_record(&app, None);
    assert!(whole, "{said}");
}

/// Every regular file under `dir` (none if it does not exist).
fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk_files(&e.path()) } else { vec![e.path()] }).collect()
}

#[tokio::test]
async fn an_anonymous_report_never_reaches_the_unit_it_is_about() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let (reported, reported_id) = app.staff("某区生态环境局").await;
    let (above, above_id) = app.staff("某区人民政府").await;
    let anonymous = app.client();
    let filed = file(
        &app,
        &anonymous,
        json!({"kind": "complaint", "matter": "违规为污染企业办理环评", "facts": "该局明知企业超标排放仍批准环评。",
               "concerned_agency_id": reported_id, "anonymous": true}),
    )
    .await;
    let number = filed["number"].as_str().unwrap();
    assert!(number.starts_with("TS-"));
    let id = id_of(&app, number).await;

    let res = act(&app, &officer, id, json!({"action": "transfer", "unit": reported_id})).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("不得转交被举报单位"));
    ok(&app, &officer, id, json!({"action": "transfer", "unit": above_id})).await;

    // The unit reported on sees nothing: not in its queue, not by id, not its files.
    assert!(!queue(&app, &reported, "unit").await.contains(&number.to_string()));
    assert_eq!(reported.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    assert_eq!(app.get(&reported, &format!("/staff/cases/{id}")).await.status(), 404);
    // The unit above handles it, but the reporter's identity stays sealed to it.
    let view: Value =
        above.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["anonymous"], true);
    assert_eq!(view["may_reveal"], false);
    assert_eq!(act(&app, &above, id, json!({"action": "reveal", "reason": "核实"})).await.status(), 403);
    ok(&app, &above, id, json!({"action": "accept"})).await;
    ok(&app, &above, id, json!({"action": "decide", "decision": "support", "text": "经查属实，已责令撤销环评批复。", "basis": "《环境影响评价法》"})).await;
    let p = progress(&app, number, filed["query_code"].as_str().unwrap()).await;
    assert_eq!(
        (p["status"].as_str(), p["decision"].as_str()),
        (Some("decided"), Some("support")),
        "the anonymous reporter reads the answer with the code"
    );

    // A named report: the identity is sealed in the database and revealed only with a reason, on record.
    let citizen = app.citizen("13912340000").await;
    let named = file(
        &app,
        &citizen,
        json!({"kind": "petition", "petition_kind": "accusation", "matter": "某科长收受企业财物",
               "facts": "某科长多次收受企业财物。", "request": "请查处。", "concerned_agency_id": reported_id,
               "name": "举报人甲", "phone": "13912340000"}),
    )
    .await;
    let named_id = id_of(&app, named["number"].as_str().unwrap()).await;
    let (sealed,): (String,) = sqlx::query_as("SELECT sealed FROM case_parties WHERE case_id = $1")
        .bind(named_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!sealed.contains("13912340000") && !sealed.contains("举报人甲"));
    let row: Value =
        officer.get(app.url(&format!("/api/v1/staff/cases/{named_id}"))).send().await.unwrap().json().await.unwrap();
    assert!(!row.to_string().contains("13912340000"), "not even the petition office sees it unasked");
    let res = act(&app, &officer, named_id, json!({"action": "reveal", "reason": "需当面核实举报线索"})).await;
    assert_eq!(res.status(), 200);
    let who: Value = res.json().await.unwrap();
    assert_eq!(who["identity"]["phone"], "13912340000");
    let (reason,): (String,) = sqlx::query_as("SELECT reason FROM identity_reveals WHERE case_id = $1")
        .bind(named_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(reason, "需当面核实举报线索");
    ok(&app, &officer, named_id, json!({"action": "discipline", "note": "涉及公职人员"})).await;

    // A report about the petition office itself is kept from its own officers too.
    let office: i64 = sqlx::query_scalar("SELECT agency_id FROM users WHERE role = 'petition_officer'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let about_office = file(
        &app,
        &app.client(),
        json!({"kind": "complaint", "matter": "信访局推诿不办", "facts": "多次来访均被推诿。", "concerned_agency_id": office, "anonymous": true}),
    )
    .await;
    assert!(!queue(&app, &officer, "ordinary").await.contains(&about_office["number"].as_str().unwrap().to_string()));
    let about_id = id_of(&app, about_office["number"].as_str().unwrap()).await;
    assert_eq!(officer.get(app.url(&format!("/api/v1/staff/cases/{about_id}"))).send().await.unwrap().status(), 404);
    assert!(!queue(&app, &officer, "ordinary").await.contains(&named["number"].as_str().unwrap().to_string()));
}

#[tokio::test]
async fn a_litigation_related_petition_leaves_the_ordinary_queue_for_the_legal_channel() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006002").await;
    let filed = file(&app, &citizen, claim("对法院判决不服")).await;
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    let id = id_of(&app, number).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (legal, _) = app.account("市委政法委", Role::PetitionOfficer, &["legal_channel"]).await;
    assert!(!queue(&app, &legal, "legal").await.contains(&number.to_string()));
    ok(&app, &officer, id, json!({"action": "legal", "body": "court", "note": "已有生效判决"})).await;

    assert!(!queue(&app, &officer, "ordinary").await.contains(&number.to_string()), "out of the ordinary queue");
    assert_eq!(officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    let res = officer.get(app.url("/api/v1/staff/cases?queue=legal")).send().await.unwrap();
    assert_eq!(res.status(), 403, "only those assigned to the legal channel see its queue");
    assert!(queue(&app, &legal, "legal").await.contains(&number.to_string()));
    assert!(progress(&app, number, code).await["steps"].to_string().contains("人民法院"));
    ok(&app, &legal, id, json!({"action": "terminate", "reason": "已经过再审程序，法律程序已穷尽"})).await;
    let p = progress(&app, number, code).await;
    assert_eq!(p["status"], "terminated");
    assert!(p["steps"].to_string().contains("依法终结"));
}

#[tokio::test]
async fn a_repeated_filing_is_linked_to_the_case_in_progress() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006004").await;
    let first = file(&app, &citizen, claim("楼道堆放杂物影响消防安全")).await;
    let second = file(&app, &citizen, claim("楼道堆放杂物影响消防安全！")).await;
    assert_eq!(second["repeats"], first["number"]);
    let other = file(&app, &citizen, claim("公交站台缺少遮雨棚")).await;
    assert!(other["repeats"].is_null());
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let list: Vec<Value> = officer.get(app.url("/api/v1/staff/cases")).send().await.unwrap().json().await.unwrap();
    let flagged = list.iter().find(|c| c["number"] == second["number"]).unwrap();
    assert_eq!(flagged["repeats"], first["number"]);
}

#[tokio::test]
async fn the_record_check_finds_a_tampered_row() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006005").await;
    let filed = file(&app, &citizen, claim("路灯损坏")).await;
    let id = id_of(&app, filed["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (_, unit_id) = app.staff("市城市管理局").await;
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;
    file(&app, &citizen, claim("井盖缺失")).await;

    let (whole, said) = verify_record(&app, None);
    assert!(whole, "{said}");
    assert!(said.contains("共3条"));

    // The application cannot change an entry...
    let refused = sqlx::query("UPDATE case_events SET detail = '{}' WHERE seq = 2").execute(&app.db).await;
    assert!(refused.is_err(), "the record is append-only");
    // ... but someone with full database access drops the guard and rewrites what the transfer said.
    let drop = if app.database_url.starts_with("postgres") {
        "DROP TRIGGER case_events_no_update ON case_events"
    } else {
        "DROP TRIGGER case_events_no_update"
    };
    sqlx::query(drop).execute(&app.db).await.unwrap();
    sqlx::query("UPDATE case_events SET detail = $1 WHERE seq = 2")
        .bind(r#"{"unit":"别的单位"}"#)
        .execute(&app.db)
        .await
        .unwrap();
    let (whole, err) = verify_record(&app, None);
    assert!(!whole);
    assert!(err.contains("第2条") && err.contains(filed["number"].as_str().unwrap()), "{err}");
}

#[tokio::test]
async fn a_bad_attachment_is_refused_and_everything_typed_is_kept() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006006").await;
    let form = |file: reqwest::multipart::Part| {
        reqwest::multipart::Form::new()
            .text("petition_kind", "suggestion")
            .text("matter", "建议增设社区养老食堂")
            .text("facts", "本社区老年人多，吃饭不便。")
            .text("request", "请研究增设。")
            .text("name", "孙七")
            .text("phone", "13900006006")
            .part("attachments", file)
    };
    let html =
        reqwest::multipart::Part::bytes(b"<html><script>alert(1)</script></html>".to_vec()).file_name("说明.pdf");
    let res = citizen.post(app.url("/cases/new/petition")).multipart(form(html)).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("“说明.pdf”不是PDF"), "the message names the file");
    assert!(
        page.contains("建议增设社区养老食堂") && page.contains("本社区老年人多，吃饭不便。"),
        "what was typed is kept"
    );
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&app.db).await.unwrap();
    assert_eq!(cases, 0);

    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec())
        .file_name("平面图.pdf");
    let res = citizen.post(app.url("/cases/new/petition")).multipart(form(pdf)).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"case-number\"") && page.contains("id=\"query-code\""));

    // Staff who may see the case download the file; it is never shown inline.
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (file_id, case_id): (String, i64) =
        sqlx::query_as("SELECT id, case_id FROM case_attachments").fetch_one(&app.db).await.unwrap();
    let res = officer.get(app.url(&format!("/staff/cases/{case_id}/files/{file_id}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(app.get(&citizen, &format!("/staff/cases/{case_id}/files/{file_id}")).await.status(), 404);
}

#[tokio::test]
async fn the_holiday_calendar_is_data_the_administrator_keeps() {
    let app = TestApp::spawn().await;
    let canyu = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_canyu"))
            .args(args)
            .env("CANYU_DATA_DIR", app.dir.path())
            .env("CANYU_DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "error")
            .output()
            .expect("canyu runs")
    };
    let day = app::clock::parse_date("2027-01-04").unwrap(); // a Monday
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    assert!(cal.is_working_day(day));
    assert!(canyu(&["holiday", "2027-01-04", "holiday", "元旦"]).status.success());
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    assert!(!cal.is_working_day(day), "the new holiday counts at once");
    let friday = app::clock::parse_date("2027-01-01").unwrap();
    assert_eq!(app::cases::deadlines::working_days_after(&cal, friday, 1).to_string(), "2027-01-05");
    assert!(canyu(&["holiday", "2027-01-04", "remove"]).status.success());
    assert!(app::cases::store::calendar(&app.db).await.unwrap().is_working_day(day));
    assert!(!canyu(&["holiday", "2027-13-01", "holiday", "x"]).status.success(), "a bad date is refused");
}

#[tokio::test]
async fn the_database_starts_with_the_published_2026_calendar() {
    let app = TestApp::spawn().await;
    let mut seeded: Vec<(String, String)> =
        sqlx::query_as("SELECT day, kind FROM calendar_days WHERE day LIKE '2026-%'").fetch_all(&app.db).await.unwrap();
    seeded.sort();
    let mut published: Vec<(String, String)> = app::cases::holidays::calendar_2026()
        .into_iter()
        .map(|d| {
            (
                d.date.to_string(),
                if d.kind == app::cases::deadlines::DayKind::Holiday { "holiday" } else { "workday" }.to_string(),
            )
        })
        .collect();
    published.sort();
    assert_eq!(seeded, published);
}

#[tokio::test]
async fn only_the_administrator_grants_powers() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let login: String =
        sqlx::query_scalar("SELECT login FROM users WHERE role = 'petition_officer'").fetch_one(&app.db).await.unwrap();
    let res = app.post_form(&officer, "/admin/grants", &[("login", &login), ("grant", "reveal_identity")]).await;
    assert_eq!(res.status(), 403, "not even for oneself");
    let pw = app::accounts::store::reset_admin(&app.db, "root-admin").await.unwrap();
    let admin = app.client();
    app.post_form(&admin, "/login", &[("login", "root-admin"), ("password", &pw)]).await;
    app.post_form(&admin, "/account/password", &[("current", &pw), ("new", "admin-password")]).await;
    let res =
        app.post_form(&admin, "/admin/grants", &[("login", "nobody@gov.example"), ("grant", "legal_channel")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("没有这个账号"));
    let res = app.post_form(&admin, "/admin/grants", &[("login", &login), ("grant", "legal_channel")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        officer.get(app.url("/api/v1/staff/cases?queue=legal")).send().await.unwrap().status(),
        200,
        "the grant takes effect"
    );
    let page = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(page.contains(&format!("（{login}）：办理涉法涉诉件")), "the administrator sees who holds which power");
    let res = app.post_form(&admin, "/admin/grants/revoke", &[("login", &login), ("grant", "legal_channel")]).await;
    assert_eq!(res.status(), 303);
    let res = officer.get(app.url("/api/v1/staff/cases?queue=legal")).send().await.unwrap();
    assert_eq!(res.status(), 403, "and it can be taken back");
}

#[tokio::test]
async fn a_review_goes_to_the_unit_above_and_a_re_review_above_that() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006008").await;
    let filed = file(&app, &citizen, claim("拆迁补偿标准过低")).await;
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    let id = id_of(&app, number).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (district, district_id) = app.staff("某区住建局").await;
    let (above, above_id) = app.staff("某区人民政府").await;
    // The administrator names the unit above the district bureau.
    let pw = app::accounts::store::reset_admin(&app.db, "root-admin").await.unwrap();
    let admin = app.client();
    app.post_form(&admin, "/login", &[("login", "root-admin"), ("password", &pw)]).await;
    app.post_form(&admin, "/account/password", &[("current", &pw), ("new", "admin-password")]).await;
    let (d, a) = (district_id.to_string(), above_id.to_string());
    let res = app.post_form(&admin, "/admin/agencies/parent", &[("agency_id", &a), ("parent_id", &a)]).await;
    assert_eq!(res.status(), 422, "a unit is not above itself");
    assert_eq!(
        app.post_form(&admin, "/admin/agencies/parent", &[("agency_id", &d), ("parent_id", &a)]).await.status(),
        303
    );

    ok(&app, &officer, id, json!({"action": "transfer", "unit": district_id})).await;
    ok(&app, &district, id, json!({"action": "accept"})).await;
    ok(&app, &district, id, json!({"action": "decide", "decision": "not_support", "text": "补偿符合标准。", "basis": "《国有土地上房屋征收与补偿条例》"})).await;
    let body = json!({"code": code, "reason": "评估价格明显低于市场价"});
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/review"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["unit"], "某区人民政府", "the review is with the unit above");
    assert!(queue(&app, &above, "unit").await.contains(&number.to_string()));
    let review = json!({"action": "decide_review", "decision": "support", "text": "重新评估。", "basis": "《国有土地上房屋征收评估办法》"});
    assert_eq!(
        act(&app, &district, id, review.clone()).await.status(),
        404,
        "the unit that decided does not review itself"
    );
    assert_eq!(
        act(&app, &officer, id, review.clone()).await.status(),
        403,
        "nor does the office when a unit above exists"
    );
    ok(&app, &above, id, review).await;
    // Nobody is above the district government: the petition office decides the re-review.
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/review"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let rereview = json!({"action": "decide_review", "decision": "explain", "text": "维持复查意见。", "basis": "《信访工作条例》"});
    assert_eq!(act(&app, &above, id, rereview.clone()).await.status(), 403);
    ok(&app, &officer, id, rereview).await;
    assert_eq!(progress(&app, number, code).await["stage"], "rereview");
}

#[tokio::test]
async fn a_filers_sealed_identity_moved_to_another_case_names_nobody() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006001").await;
    let first = file(&app, &citizen, claim("第一件：油烟扰民")).await;
    let mut other = claim("第二件：噪音扰民");
    other["name"] = json!("李四");
    other["phone"] = json!("13900006002");
    let second = file(&app, &citizen, other).await;
    let (a, b) =
        (id_of(&app, first["number"].as_str().unwrap()).await, id_of(&app, second["number"].as_str().unwrap()).await);
    // Someone with the database but not the key swaps the two sealed rows.
    let sealed = |id| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT sealed FROM case_parties WHERE case_id = $1")
                .bind(id)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let (sa, sb) = (sealed(a).await, sealed(b).await);
    for (id, s) in [(a, &sb), (b, &sa)] {
        sqlx::query("UPDATE case_parties SET sealed = $1 WHERE case_id = $2")
            .bind(s)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let res = act(&app, &officer, a, json!({"action": "reveal", "reason": "核实身份"})).await;
    assert_eq!(res.status(), 409, "a swapped identity is refused, not shown as this case's filer");
    let text = res.text().await.unwrap();
    assert!(!text.contains("李四") && !text.contains("13900006002"), "{text}");
    assert!(text.contains("无法验证"));
    // Put back, it opens again for its own case.
    for (id, s) in [(a, &sa), (b, &sb)] {
        sqlx::query("UPDATE case_parties SET sealed = $1 WHERE case_id = $2")
            .bind(s)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let res = act(&app, &officer, a, json!({"action": "reveal", "reason": "核实身份"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["identity"]["name"], "王五");
}

/// Sign in as the administrator and make `parent` the unit above `unit`.
async fn set_parent(app: &TestApp, unit: i64, parent: i64) {
    let pw = app::accounts::store::reset_admin(&app.db, "root-admin").await.unwrap();
    let admin = app.client();
    app.post_form(&admin, "/login", &[("login", "root-admin"), ("password", &pw)]).await;
    app.post_form(&admin, "/account/password", &[("current", &pw), ("new", "admin-password")]).await;
    let (u, p) = (unit.to_string(), parent.to_string());
    assert_eq!(
        app.post_form(&admin, "/admin/agencies/parent", &[("agency_id", &u), ("parent_id", &p)]).await.status(),
        303
    );
}

#[tokio::test]
async fn a_report_named_in_words_is_routed_only_once_its_unit_is_set_and_never_within_that_units_chain() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (city, city_id) = app.staff("某市人民政府").await;
    let (bureau, bureau_id) = app.staff("某市公安局").await;
    let (_, squad_id) = app.staff("某交警支队").await;
    let (district, district_id) = app.staff("某区人民政府").await;
    let (_, other_id) = app.staff("某市住建局").await;
    set_parent(&app, bureau_id, city_id).await;
    set_parent(&app, squad_id, bureau_id).await;
    set_parent(&app, district_id, city_id).await;
    // The reporter names the squad only in words that name no listed unit.
    let citizen = app.citizen("13900006111").await;
    let filed = file(
        &app,
        &citizen,
        json!({"kind": "petition", "petition_kind": "accusation", "matter": "交警支队某民警吃拿卡要",
               "facts": "某民警查车时索要财物。", "request": "请查处。", "concerned_unit": "城东路口执勤的中队",
               "name": "举报人乙", "phone": "13900006111"}),
    )
    .await;
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    let id = id_of(&app, number).await;
    let res = act(&app, &officer, id, json!({"action": "transfer", "unit": other_id})).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("须先确定被举报单位"), "not routed while its unit is unknown");
    ok(&app, &officer, id, json!({"action": "concerns", "unit": squad_id})).await;
    // Neither the squad, nor the bureau above it, nor the city government above that.
    for unit in [squad_id, bureau_id, city_id] {
        let res = act(&app, &officer, id, json!({"action": "transfer", "unit": unit})).await;
        assert_eq!(res.status(), 422, "routed into the reported unit's chain ({unit})");
    }
    ok(&app, &officer, id, json!({"action": "transfer", "unit": district_id})).await;
    for staff in [&bureau, &city] {
        assert!(!queue(&app, staff, "unit").await.contains(&number.to_string()));
        assert_eq!(staff.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    }
    // Decided by the district; the review skips the city government (above the reported squad)
    // and goes to the petition office.
    ok(&app, &district, id, json!({"action": "accept"})).await;
    ok(
        &app,
        &district,
        id,
        json!({"action": "decide", "decision": "explain", "text": "已核查。", "basis": "《信访工作条例》"}),
    )
    .await;
    let body = json!({"code": code, "reason": "核查不彻底"});
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/review"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let p: Value = res.json().await.unwrap();
    assert_ne!(p["unit"], "某市人民政府", "the review never goes to a unit above the one reported");
    assert_eq!(city.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    let review =
        json!({"action": "decide_review", "decision": "support", "text": "重新核查。", "basis": "《信访工作条例》"});
    ok(&app, &officer, id, review).await;
}

#[tokio::test]
async fn a_report_about_the_petition_office_goes_to_the_discipline_channel_and_never_to_its_queue() {
    let app = TestApp::spawn().await;
    let (officer, office_id) = app.account("市信访局", Role::PetitionOfficer, &["discipline_channel"]).await;
    let (watchdog, _) = app.account("市纪委监委", Role::PetitionOfficer, &["discipline_channel"]).await;
    let filed = file(
        &app,
        &app.client(),
        json!({"kind": "complaint", "matter": "信访局工作人员泄露举报人信息", "facts": "举报后被举报人得知我的身份。",
               "concerned_agency_id": office_id, "anonymous": true}),
    )
    .await;
    let number = filed["number"].as_str().unwrap().to_string();
    let id = id_of(&app, &number).await;
    for which in ["ordinary", "discipline"] {
        assert!(
            !queue(&app, &officer, which).await.contains(&number),
            "the office lists a report about itself ({which})"
        );
    }
    assert_eq!(officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    assert!(queue(&app, &watchdog, "discipline").await.contains(&number), "an independent body has it");
    let dashboard = app.get(&officer, "/petition").await.text().await.unwrap();
    assert!(!dashboard.contains(&number));
    let (whole, said) = verify_record(&app, None);
    assert!(whole, "{said}");
}

#[tokio::test]
async fn a_report_naming_the_petition_office_only_in_words_is_kept_from_it_from_the_start() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &["discipline_channel"]).await;
    let (watchdog, _) = app.account("市纪委监委", Role::PetitionOfficer, &["discipline_channel"]).await;
    let filed = file(
        &app,
        &app.client(),
        json!({"kind": "complaint", "matter": "接访人员态度恶劣", "facts": "接访时辱骂群众。",
               "concerned_unit": "市信访局 接待大厅", "anonymous": true}),
    )
    .await;
    let number = filed["number"].as_str().unwrap().to_string();
    let id = id_of(&app, &number).await;
    for which in ["ordinary", "discipline"] {
        assert!(!queue(&app, &officer, which).await.contains(&number), "the office lists it ({which})");
    }
    assert_eq!(officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
    assert!(queue(&app, &watchdog, "discipline").await.contains(&number), "an independent body has it");
}

/// Run `canyu verify-record` (with a checkpoint, if given) on the app's database.
pub(crate) fn verify_record(app: &TestApp, checkpoint: Option<&str>) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_canyu"));
    cmd.arg("verify-record");
    if let Some(c) = checkpoint {
        cmd.args(["--checkpoint", c]);
    }
    let out = cmd
        .env("CANYU_DATA_DIR", app.dir.path())
        .env("CANYU_DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("canyu runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Someone with the database but not the key: the case record's guards dropped, then `sql` run.
async fn tamper(app: &TestApp, sql: &[&str]) {
    tamper_with(app, "case_events", sql).await
}

/// Someone with the database but not the key: the guards of the record `table` (`case_events`,
/// `admin_events`) dropped, then `sql` run.
pub(crate) async fn tamper_with(app: &TestApp, table: &str, sql: &[&str]) {
    let pg = app.database_url.starts_with("postgres");
    for trigger in [format!("{table}_no_update"), format!("{table}_no_delete")] {
        let drop = if pg {
            format!("DROP TRIGGER IF EXISTS {trigger} ON {table}")
        } else {
            format!("DROP TRIGGER IF EXISTS {trigger}")
        };
        sqlx::query(&drop).execute(&app.db).await.unwrap();
    }
    for s in sql {
        sqlx::query(s).execute(&app.db).await.unwrap();
    }
}

/// A case record with two cases: one transferred and decided and rated, one just filed.
async fn recorded_cases(app: &TestApp) -> (i64, i64) {
    let citizen = app.citizen("13900006555").await;
    let first = file(app, &citizen, claim("路灯损坏")).await;
    let (number, code) = (first["number"].as_str().unwrap(), first["query_code"].as_str().unwrap());
    let a = id_of(app, number).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市城市管理局").await;
    ok(app, &officer, a, json!({"action": "transfer", "unit": unit_id})).await;
    ok(app, &unit, a, json!({"action": "accept"})).await;
    ok(
        app,
        &unit,
        a,
        json!({"action": "decide", "decision": "support", "text": "已修复。", "basis": "《城市照明管理规定》"}),
    )
    .await;
    let rating = json!({"code": code, "score": 1, "comment": "修得太慢"});
    let res = app.client().post(app.url(&format!("/api/v1/cases/{number}/rating"))).json(&rating).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let mut second = claim("井盖缺失");
    second["name"] = json!("另一位");
    let b = id_of(app, file(app, &citizen, second).await["number"].as_str().unwrap()).await;
    (a, b)
}

#[tokio::test]
async fn the_record_check_finds_a_case_rewritten_in_the_database() {
    let rewrites = [
        "UPDATE cases SET facts = '路灯早已修好，无需处理。' WHERE id = {a}",
        "UPDATE cases SET satisfaction = 5 WHERE id = {a}",
        "UPDATE cases SET decision = 'not_support' WHERE id = {a}",
        "UPDATE cases SET channel = 'legal' WHERE id = {a}",
        "UPDATE cases SET concerned_agency_id = NULL, concerned_unit = '别的单位' WHERE id = {b}",
    ];
    for rewrite in rewrites {
        let app = TestApp::spawn().await;
        let (a, b) = recorded_cases(&app).await;
        assert!(verify_record(&app, None).0, "whole before");
        tamper(&app, &[&rewrite.replace("{a}", &a.to_string()).replace("{b}", &b.to_string())]).await;
        let (passed, said) = verify_record(&app, None);
        assert!(!passed, "not caught: {rewrite}");
        assert!(said.contains("不是") || said.contains("is not what"), "{said}");
    }
}

#[tokio::test]
async fn the_record_check_finds_swapped_identities_and_entries_cut_off_or_all_deleted() {
    let app = TestApp::spawn().await;
    let (a, b) = recorded_cases(&app).await;
    let sealed = |id: i64| format!("(SELECT sealed FROM case_parties WHERE case_id = {id})");
    let swap = format!(
        "UPDATE case_parties SET sealed = CASE WHEN case_id = {a} THEN {} ELSE {} END WHERE case_id IN ({a}, {b})",
        sealed(b),
        sealed(a)
    );
    tamper(&app, &[&swap]).await;
    assert!(!verify_record(&app, None).0, "swapped sealed identities pass");

    let app = TestApp::spawn().await;
    let (_, _) = recorded_cases(&app).await;
    let checkpoint = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_canyu"))
            .arg("record-checkpoint")
            .env("CANYU_DATA_DIR", app.dir.path())
            .env("CANYU_DATABASE_URL", &app.database_url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert!(checkpoint.starts_with("canyu-record:"), "{checkpoint}");
    assert!(verify_record(&app, Some(&checkpoint)).0);
    let parts: Vec<&str> = checkpoint.split(':').collect();
    let forged = format!("{}:{}:{}:{}", parts[0], parts[1].parse::<i64>().unwrap() + 1, parts[2], parts[3]);
    let (passed, said) = verify_record(&app, Some(&forged));
    assert!(!passed && said.contains("检查点无效"), "a forged checkpoint: {said}");
    // The last two entries cut off and the head set back to the entry before them.
    let (head,): (i64,) = sqlx::query_as("SELECT seq FROM case_chain").fetch_one(&app.db).await.unwrap();
    let keep = head - 2;
    tamper(
        &app,
        &[
            &format!("DELETE FROM case_events WHERE seq > {keep}"),
            &format!("UPDATE case_chain SET seq = {keep}, hash = (SELECT hash FROM case_events WHERE seq = {keep})"),
        ],
    )
    .await;
    let (passed, said) = verify_record(&app, Some(&checkpoint));
    assert!(!passed, "truncation passes with the checkpoint");
    assert!(said.contains("entries were removed"), "{said}");
    assert!(!verify_record(&app, None).0, "and the cases no longer match their last entries");
    // Everything deleted.
    tamper(
        &app,
        &["DELETE FROM case_events", &format!("UPDATE case_chain SET seq = 0, hash = '{}'", app::ledger::GENESIS)],
    )
    .await;
    let (passed, said) = verify_record(&app, None);
    assert!(!passed && said.contains("no entry"), "{said}");
}

#[tokio::test]
async fn an_officer_cannot_replace_the_unit_a_reporter_chose() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (accused, accused_id) = app.staff("某市交通运输局").await;
    let (_, other_id) = app.staff("某市司法局").await;
    let filed = file(
        &app,
        &app.client(),
        json!({"kind": "complaint", "matter": "违规收费", "facts": "多收费用。", "concerned_agency_id": accused_id, "anonymous": true}),
    )
    .await;
    let id = id_of(&app, filed["number"].as_str().unwrap()).await;
    let res = act(&app, &officer, id, json!({"action": "concerns", "unit": other_id})).await;
    assert_eq!(res.status(), 409);
    assert_eq!(act(&app, &officer, id, json!({"action": "transfer", "unit": accused_id})).await.status(), 422);
    assert_eq!(accused.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_filers_own_case_opens_from_their_list_without_its_number_in_a_url() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006999").await;
    let filed = file(&app, &citizen, claim("楼道堆物")).await;
    let number = filed["number"].as_str().unwrap().to_string();
    let list = app.get(&citizen, "/me/cases").await.text().await.unwrap();
    assert!(list.contains(&number), "the list shows the number");
    assert!(!list.contains(&format!("number={number}")), "but links to it by no URL");
    let page = app.post_form(&citizen, "/me/cases", &[("number", &number)]).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("楼道堆物") && page.contains("← 全部"), "the case opens from a form post");
    let stranger = app.citizen("13900006998").await;
    let page = app.post_form(&stranger, "/me/cases", &[("number", &number)]).await.text().await.unwrap();
    assert!(!page.contains("楼道堆物"), "another account's post of the number shows nothing of it");
}

#[tokio::test]
async fn an_officer_is_never_shown_a_wrong_status_for_a_corrupt_case_row() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let citizen = app.citizen("13900006997").await;
    let filed = file(&app, &citizen, claim("状态被改坏")).await;
    let id = id_of(&app, filed["number"].as_str().unwrap()).await;
    assert_eq!(officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap().status(), 200);
    sqlx::query("UPDATE cases SET status = 'vanished' WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
    let res = officer.get(app.url(&format!("/api/v1/staff/cases/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), 500, "an unknown stored status is an error, not read as 'received'");
    let res = officer.get(app.url("/api/v1/staff/cases")).send().await.unwrap();
    assert_eq!(res.status(), 500, "nor listed as one");
}

#[tokio::test]
async fn a_unit_under_supervision_is_offered_the_answer_and_others_are_not() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006071").await;
    let filed = file(&app, &citizen, claim("路灯长期不亮")).await;
    let id = id_of(&app, filed["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市城管局").await;
    let (other, _) = app.staff("市水务局").await;
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id, "note": "请依法处理"})).await;
    ok(&app, &unit, id, json!({"action": "accept"})).await;
    let view = |c: &Client| {
        let url = app.url(&format!("/api/v1/staff/cases/{id}"));
        let c = c.clone();
        async move { c.get(url).send().await.unwrap() }
    };
    assert_eq!(
        view(&unit).await.json::<Value>().await.unwrap()["may_answer_supervision"],
        false,
        "nothing to answer yet"
    );

    ok(&app, &officer, id, json!({"action": "supervise", "note": "请加快办理"})).await;
    let seen: Value = view(&unit).await.json().await.unwrap();
    assert_eq!(seen["may_answer_supervision"], true, "the handling unit may answer the supervision");
    let page = unit.get(app.url(&format!("/staff/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"answer_supervision\""), "and the page offers it");
    assert_eq!(view(&other).await.status(), 404, "another unit does not even see the case");
    assert_eq!(act(&app, &other, id, json!({"action": "answer_supervision", "note": "x"})).await.status(), 404);

    ok(&app, &unit, id, json!({"action": "answer_supervision", "note": "已安排维修，本周内完成"})).await;
    let steps = view(&unit).await.json::<Value>().await.unwrap()["steps"].to_string();
    assert!(steps.contains("已安排维修，本周内完成"), "the answer is on the record: {steps}");
}

#[tokio::test]
async fn a_rate_limited_progress_lookup_keeps_what_was_typed_and_answers_nothing() {
    let app = TestApp::spawn_with(Limits { lookups_per_minute: 3, ..relaxed() }).await;
    let citizen = app.citizen("13900006081").await;
    let filed = file(&app, &citizen, claim("桥下积水无人处理")).await;
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    let anyone = app.client();
    let lookup = [("look", "1"), ("number", number), ("code", code)];
    let mut refused = None;
    for _ in 0..10 {
        let res = anyone.post(app.url("/cases/track")).form(&lookup).send().await.unwrap();
        let (status, page) = (res.status(), res.text().await.unwrap());
        if status == 429 {
            refused = Some(page);
            break;
        }
        assert!(page.contains("桥下积水无人处理"), "an allowed lookup shows the case");
    }
    let page = refused.expect("the lookups were never limited");
    assert!(
        page.contains(&format!("value=\"{number}\"")) && page.contains(&format!("value=\"{code}\"")),
        "number and code kept"
    );
    assert!(!page.contains("桥下积水无人处理"), "a refused lookup does not show the case");

    // Nor does a refused rating or review request, which carries the same number and code.
    for (path, extra) in [("/cases/rating", ("score", "5")), ("/cases/review", ("reason", "不服"))] {
        let res = anyone.post(app.url(path)).form(&[lookup[1], lookup[2], extra]).send().await.unwrap();
        assert_eq!(res.status(), 429, "{path}");
        let page = res.text().await.unwrap();
        assert!(
            !page.contains("桥下积水无人处理"),
            "{path}: a refused request does not answer the lookup it was refused"
        );
        assert!(page.contains(&format!("value=\"{code}\"")), "{path}: the code typed is kept");
    }
}

/// The staff case page's form post, as a browser sends it.
async fn post_action(app: &TestApp, staff: &Client, id: i64, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_form(staff, &format!("/staff/cases/{id}/actions"), form).await
}

#[tokio::test]
async fn a_unit_officer_who_leaves_the_extension_reason_empty_sees_why_next_to_that_form_and_nowhere_else() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006091").await;
    let id = id_of(&app, file(&app, &citizen, claim("小区路面塌陷")).await["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市住建局").await;
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;
    ok(&app, &unit, id, json!({"action": "accept"})).await;

    let form = [("_form", "extend"), ("action", "extend"), ("days", "12"), ("reason", "")];
    let page = rejected_page(post_action(&app, &unit, id, &form).await, 422).await;
    let (extend, decide) = (form_html(&page, "extend"), form_html(&page, "decide"));
    assert!(extend.contains("请填写延期理由"), "the reason is asked for at the extension: {extend}");
    assert_eq!(page.matches("请填写延期理由").count(), 1, "and nowhere else");
    assert!(extend.contains(r#"value="12""#), "the days typed are kept");
    assert!(!decide.contains("field-error") && !decide.contains("alert"), "the decision form is untouched");

    // Too many days: said at the days, with the reason typed kept in that form only.
    let form = [("_form", "extend"), ("action", "extend"), ("days", "45"), ("reason", "需要补充现场勘验材料")];
    let page = rejected_page(post_action(&app, &unit, id, &form).await, 422).await;
    let extend = form_html(&page, "extend");
    assert!(extend.contains("days-error"), "the days are refused next to them: {extend}");
    assert!(extend.contains("需要补充现场勘验材料"));
    assert_eq!(page.matches("需要补充现场勘验材料").count(), 1, "the reason goes back into its own form only");

    // And the other way round: a decision without its basis keeps its text, in its own form.
    let form = [("_form", "decide"), ("action", "decide"), ("decision", "support"), ("text", "已安排维修路面。")];
    let page = rejected_page(post_action(&app, &unit, id, &form).await, 422).await;
    let (extend, decide) = (form_html(&page, "extend"), form_html(&page, "decide"));
    assert!(decide.contains("请填写法律、政策依据") && decide.contains("已安排维修路面。"), "{decide}");
    assert!(!extend.contains("请填写法律、政策依据") && !extend.contains("field-error"), "{extend}");
}

#[tokio::test]
async fn a_unit_officer_who_objects_without_a_reason_sees_why_at_the_objection() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006092").await;
    let id = id_of(&app, file(&app, &citizen, claim("学校门口交通拥堵")).await["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市教育局").await;
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;

    // Sent without the form's name (a client that drops hidden fields): the action names it.
    let page = rejected_page(post_action(&app, &unit, id, &[("action", "object"), ("reason", " ")]).await, 422).await;
    let object = form_html(&page, "object");
    assert!(object.contains("请填写异议理由"), "the reason is asked for at the objection: {object}");
    assert_eq!(page.matches("请填写异议理由").count(), 1);
}

#[tokio::test]
async fn a_petition_officer_who_looks_up_a_filer_without_a_reason_sees_why_at_that_form_and_not_at_the_refusal() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006093").await;
    let id = id_of(&app, file(&app, &citizen, claim("农贸市场噪音")).await["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let page = app.get(&officer, &format!("/staff/cases/{id}")).await.text().await.unwrap();
    assert!(form_html(&page, "not_accept").contains(r#"name="reason""#), "both forms ask for a reason");

    let page = rejected_page(post_action(&app, &officer, id, &[("action", "reveal"), ("reason", "")]).await, 422).await;
    let (reveal, refusal) = (form_html(&page, "reveal"), form_html(&page, "not_accept"));
    assert!(reveal.contains("请填写查看理由"), "{reveal}");
    assert!(!refusal.contains("请填写查看理由") && !refusal.contains("field-error"), "{refusal}");
    assert_eq!(page.matches("请填写查看理由").count(), 1);
    assert!(page.contains("<details open"), "the refused look stays open");

    let form = [("_form", "not_accept"), ("action", "not_accept"), ("reason", "属于诉讼事项"), ("channel", "")];
    let page = rejected_page(post_action(&app, &officer, id, &form).await, 422).await;
    let (reveal, refusal) = (form_html(&page, "reveal"), form_html(&page, "not_accept"));
    assert!(refusal.contains("请填写应当通过的途径") && refusal.contains("属于诉讼事项"), "{refusal}");
    assert!(!reveal.contains("属于诉讼事项"), "the reason typed is not put into the other reason box");
}

#[tokio::test]
async fn a_signed_out_citizen_is_told_at_the_top_of_the_form_and_signs_in_on_it_losing_nothing() {
    let app = TestApp::spawn().await;
    app.citizen("13900006101").await; // the account exists; this browser is signed out
    let c = app.client();
    let page = app.get(&c, "/cases/new/petition").await.text().await.unwrap();
    let note = page.find("须以本人账号提出").expect("told before typing anything");
    assert!(note < page.find("name=\"matter\"").unwrap(), "the note comes before the form");
    assert!(page.contains("name=\"account_login\"") && page.contains("/register?next=%2Fcases%2Fnew%2Fpetition"));
    let objection = app.get(&c, "/cases/new/objection").await.text().await.unwrap();
    assert!(objection.contains("异议审查申请须以本人账号提出"));
    let complaint = app.get(&c, "/cases/new/complaint").await.text().await.unwrap();
    assert!(!complaint.contains("须以本人账号提出"), "complaints may be anonymous");

    let pdf = || {
        reqwest::multipart::Part::bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec())
            .file_name("证明.pdf")
    };
    let form = |login: &str, password: &str| {
        reqwest::multipart::Form::new()
            .text("petition_kind", "claim")
            .text("matter", "小区电梯长期停运")
            .text("facts", "小区3号楼电梯停运三个月，老人上下楼困难。")
            .text("request", "请督促物业修复。")
            .text("name", "钱八")
            .text("phone", "13900006101")
            .text("account_login", login.to_string())
            .text("account_password", password.to_string())
            .part("attachments", pdf())
    };
    // Submitted without signing in: the same form again, everything typed kept, saying why — not
    // a trip to the sign-in page.
    let res = c.post(app.url("/cases/new/petition")).multipart(form("", "")).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("请在表单末尾登录后再提交") && page.contains("小区3号楼电梯停运三个月"), "{page}");
    // A wrong password: told so next to it, the rest kept, the password never echoed.
    let res = c.post(app.url("/cases/new/petition")).multipart(form("13900006101", "wrong pass")).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("账号或密码不正确") && page.contains("小区电梯长期停运") && !page.contains("wrong pass"));
    // Account and password on the form: signed in and filed in one step, attachment and all.
    let res =
        c.post(app.url("/cases/new/petition")).multipart(form("13900006101", "correct horse")).send().await.unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("set-cookie").is_some(), "the browser is signed in");
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"case-number\""), "{page}");
    let (attachments, tagged): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM case_attachments), (SELECT COUNT(*) FROM case_parties WHERE filer_tag IS NOT NULL)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((attachments, tagged), (1, 1), "filed with its attachment, under the account");
    let mine = app.get(&c, "/me/cases").await.text().await.unwrap();
    assert!(mine.contains("小区电梯长期停运"), "the case is in 我的信访: {mine}");
}

#[tokio::test]
async fn attachments_over_the_total_limit_come_back_with_every_field_kept() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900006102").await;
    // As a browser sends the form: the fields in page order, the attachments last.
    let mut form = reqwest::multipart::Form::new()
        .text("petition_kind", "claim")
        .text("matter", "路面塌陷无人修")
        .text("facts", "某路口路面塌陷一个月，多次反映无果。")
        .text("request", "请尽快修复。")
        .text("concerned_unit", "区市政工程处")
        .text("name", "李九")
        .text("phone", "13900006102")
        .text("email", "lijiu@example.com")
        .text("address", "某市某区某路1号");
    let page_order = app.get(&citizen, "/cases/new/petition").await.text().await.unwrap();
    assert!(
        page_order.find("name=\"address\"").unwrap() < page_order.find("name=\"attachments\"").unwrap(),
        "the attachments come after every text field, so a refused upload cannot cut any off"
    );
    let mut pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    pdf.resize(9 * 1024 * 1024, b' ');
    for i in 0..4 {
        form = form.part("attachments", reqwest::multipart::Part::bytes(pdf.clone()).file_name(format!("照片{i}.pdf")));
    }
    let res = citizen.post(app.url("/cases/new/petition")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("附件合计不能超过30MB"), "{}", &page[page.len().saturating_sub(3000)..]);
    for kept in [
        "路面塌陷无人修",
        "某路口路面塌陷一个月",
        "请尽快修复。",
        "区市政工程处",
        "李九",
        "13900006102",
        "lijiu@example.com",
        "某市某区某路1号",
    ] {
        assert!(page.contains(kept), "{kept} was lost");
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0);
}
