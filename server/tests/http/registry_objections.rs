//! Objection reviews joined to the registry: an application names a registered document (by its
//! number however typed), goes to the body that issued it, is answered within 30 days, and the
//! answer is published on the document's page without anything of the applicant; a document
//! amended because of it says so.
use crate::cases::{act, file, id_of, ok, progress};
use crate::harness::*;
use crate::registry::{api_doc, coded_agency, day, registered, TEXT};
use app::accounts::Role;
use serde_json::{json, Value};

fn application(number: &str) -> Value {
    json!({"kind": "objection", "matter": "第三条设定的责令改正缺少上位法依据", "facts": "第三条与上位法不一致。",
           "request": "请审查第三条。", "name": "赵六", "phone": "13900006003", "email": "zhao6@example.com",
           "document_number": number})
}

fn fields(err: &Value) -> Vec<String> {
    err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_objection_to_a_registered_document_is_answered_by_its_issuer_in_public_without_the_applicant() {
    let app = TestApp::spawn().await;
    let (issuer, issuer_id) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, number) = registered(&app, &issuer, "某市共享单车停放管理办法", TEXT).await;
    let citizen = app.citizen("13900006003").await;

    // Only a registered document: none named, or a number the registry does not hold, is refused.
    for (typed, says) in [("", "请填写规范性文件的文号"), ("长城管规〔2001〕99号", "文件库中没有这个文号")]
    {
        let res = citizen.post(app.url("/api/v1/cases")).json(&application(typed)).send().await.unwrap();
        assert_eq!(res.status(), 422, "{typed}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(fields(&err), ["document_number"]);
        assert!(err.to_string().contains(says), "{err}");
    }
    // The number typed with other brackets is the same document.
    let typed = number.replace('〔', "[").replace('〕', "]");
    let filed = file(&app, &citizen, application(&typed)).await;
    let case_number = filed["number"].as_str().unwrap();
    assert!(case_number.starts_with("YY-"));
    let id = id_of(&app, case_number).await;

    // Reached from the document's page, the form has the number in it (without JavaScript).
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("对本文件提出异议审查申请"));
    let form = app.get(&citizen, &format!("/cases/new/objection?document_number={}", urlencoding(&number))).await;
    assert!(form.text().await.unwrap().contains(&format!(r#"value="{number}""#)), "the number is filled in");

    // Public only once the issuing body accepts it: filings alone crowd nothing off the page.
    let d = api_doc(&app, doc).await;
    assert_eq!(d["objections"].as_array().unwrap().len(), 0);
    assert_eq!(d["objections_waiting"], 1);

    // The petition office can only send it to the issuing body.
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (_, other_id) = app.staff("市交通运输局").await;
    let res = act(&app, &officer, id, json!({"action": "transfer", "unit": other_id})).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("制定机关（市城市管理局）"));
    ok(&app, &officer, id, json!({"action": "transfer", "unit": issuer_id})).await;
    ok(&app, &issuer, id, json!({"action": "accept"})).await;

    let d = api_doc(&app, doc).await;
    assert_eq!(d["objections"][0]["accepted_on"], app::clock::today().to_string(), "public once accepted");
    assert_eq!(d["objections_waiting"], 0);

    // The public answer is asked for, and refused while it names the applicant or their details.
    let decide = |public: &str| {
        json!({"action": "decide", "decision": "support", "text": "赵六同志：经审查，第三条将予修改。",
               "basis": "《规章制定程序条例》", "public_answer": public})
    };
    let res = act(&app, &issuer, id, decide("")).await;
    assert_eq!(res.status(), 422, "a public answer is required");
    for leak in ["经审查，赵 六反映的问题属实。", "请致电13900006003了解。", "已函复ZHAO6@example.com。"]
    {
        let res = act(&app, &issuer, id, decide(leak)).await;
        assert_eq!(res.status(), 422, "{leak}");
        assert!(res.text().await.unwrap().contains("申请人的姓名"), "{leak}");
    }
    let answer = "经审查，第三条关于责令改正的规定缺少上位法依据，将予修改。";
    ok(&app, &issuer, id, decide(answer)).await;
    let p = progress(&app, case_number, filed["query_code"].as_str().unwrap()).await;
    assert_eq!(p["decision"], "support", "the applicant has the full answer");

    // On the document's page: the dates, the decision and the public answer; never the applicant.
    let d = api_doc(&app, doc).await;
    let o = &d["objections"][0];
    let today = app::clock::today();
    assert_eq!(o["received_on"], today.to_string());
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    assert_eq!(o["due_on"], app::cases::deadlines::Period::calendar(30).due(&cal, today).to_string());
    assert_eq!(o["answered_on"], today.to_string());
    assert_eq!(o["late"], false);
    assert_eq!(o["public_answer"], answer);
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains(answer) && page.contains("收到"), "the answer is public");
    for private in ["赵六", "13900006003", "zhao6", "赵六同志", case_number] {
        assert!(!page.contains(private) && !d.to_string().contains(private), "{private} is not public");
    }

    // The issuing body can correct its published answer, checked the same way, saying why; no one else can.
    let key = o["key"].as_i64().unwrap();
    let on_page = doc.to_string();
    let correct = |answer: &'static str, reason: &'static str| {
        [("public_answer", answer), ("reason", reason), ("document", on_page.as_str())]
    };
    let path = format!("/staff/objections/{key}/answer");
    let (other, _) = app.staff("市生态环境局").await;
    let fixed = "经审查，第三条关于责令改正的规定缺少上位法依据，将于三个月内修改。";
    assert_eq!(app.post_form(&other, &path, &correct(fixed, "补充期限")).await.status(), 403);
    let res = app.post_form(&issuer, &path, &correct("已电话告知13900006003。", "补充")).await;
    assert!(rejected_page(res, 422).await.contains("申请人的姓名"), "a correction is checked like the answer");
    assert_eq!(app.post_form(&issuer, &path, &correct(fixed, " ")).await.status(), 422, "a reason is needed");
    assert_eq!(app.post_form(&issuer, &path, &correct(fixed, "补充修改期限")).await.status(), 303);
    let d = api_doc(&app, doc).await;
    let o = &d["objections"][0];
    assert_eq!(o["public_answer"], fixed);
    assert_eq!(o["corrected_on"], app::clock::today().to_string());
    assert_eq!(o["correction_reason"], "补充修改期限");
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("更正答复：补充修改期限") && page.contains(fixed) && !page.contains(answer));

    // The document is amended because of it, and says so.
    let (_, by) = registered(&app, &issuer, "关于修改《某市共享单车停放管理办法》的决定", TEXT).await;
    let key = o["key"].to_string();
    let amended = TEXT.replace("责令改正", "依法处理");
    let today = day(0);
    let form = [
        ("to", "amended"),
        ("on_date", today.as_str()),
        ("reason", "根据异议审查结论修改第三条"),
        ("by_number", by.as_str()),
        ("amended_text", amended.as_str()),
        ("objection", key.as_str()),
    ];
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/status"), &form).await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains(&format!("因{}收到的异议审查申请", app::clock::today())), "{page}");
}

#[tokio::test]
async fn a_document_no_longer_binding_cannot_be_objected_to_and_only_its_own_reviews_are_named() {
    let app = TestApp::spawn().await;
    let (issuer, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, number) = registered(&app, &issuer, "某市户外广告设置管理办法", TEXT).await;
    let (other, _) = registered(&app, &issuer, "某市占道经营管理办法", TEXT).await;
    let today = day(0);
    let repeal = [("to", "repealed"), ("on_date", today.as_str()), ("reason", "已被新办法取代")];
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/status"), &repeal).await;
    assert_eq!(res.status(), 303);
    let citizen = app.citizen("13900006004").await;
    let res = citizen.post(app.url("/api/v1/cases")).json(&application(&number)).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("已废止"), "a repealed document binds no one");
    // A document id and a number that name two documents are refused, not one of them chosen.
    let mut both = application(&number);
    both["document_id"] = serde_json::json!(other);
    let res = citizen.post(app.url("/api/v1/cases")).json(&both).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("文件和文号不一致"));
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(!page.contains("对本文件提出异议审查申请"), "no way to apply is offered");

    // A status change cannot name a review that is not the document's own, answered one.
    let by = day(0);
    let form = [("to", "repealed"), ("on_date", by.as_str()), ("reason", "废止"), ("objection", "999999")];
    let res = app.post_form(&issuer, &format!("/staff/documents/{other}/status"), &form).await;
    assert_eq!(res.status(), 422, "the form is shown again with the message");
    assert!(res.text().await.unwrap().contains("只能选择本文件已答复的异议审查申请"));
    assert_eq!(api_doc(&app, other).await["summary"]["status"], "in_force", "nothing changed");
    let form = [("to", "repealed"), ("on_date", by.as_str()), ("reason", "废止"), ("objection", "abc")];
    let res = app.post_form(&issuer, &format!("/staff/documents/{other}/status"), &form).await;
    assert_eq!(res.status(), 422, "a choice that is not one is refused, never taken for none");
    assert_eq!(api_doc(&app, other).await["summary"]["status"], "in_force", "nothing changed");
}

#[tokio::test]
async fn an_application_not_accepted_is_shown_so_and_never_late() {
    let app = TestApp::spawn().await;
    let (issuer, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, number) = registered(&app, &issuer, "某市户外广告设置管理办法", TEXT).await;
    let citizen = app.citizen("13900006005").await;
    let filed = file(&app, &citizen, application(&number)).await;
    let id = id_of(&app, filed["number"].as_str().unwrap()).await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    ok(&app, &officer, id, json!({"action": "not_accept", "reason": "与已答复的申请重复", "channel": "无"})).await;
    let d = api_doc(&app, doc).await;
    assert_eq!(d["objections"][0]["ended"], "不予受理");
    assert_eq!(d["objections"][0]["late"], false);
    assert_eq!(d["objections_waiting"], 0);
}

fn urlencoding(s: &str) -> String {
    app::ui::encode_query(s)
}
