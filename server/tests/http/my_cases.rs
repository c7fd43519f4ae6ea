//! 我的信访: a signed-in filer's own cases, rated and taken to review from the account, without the
//! query code shown once at filing.
use crate::harness::{form_html, TestApp};
use app::accounts::Role;
use serde_json::{json, Value};

async fn ok(app: &TestApp, staff: &reqwest::Client, id: i64, body: Value) {
    let res = staff.post(app.url(&format!("/api/v1/staff/cases/{id}/actions"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200, "{body}: {}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_signed_in_filer_rates_and_asks_for_review_from_their_own_cases_without_the_query_code() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市住建局").await;
    let citizen = app.citizen("13900008001").await;
    let filed: Value = citizen
        .post(app.url("/api/v1/cases"))
        .json(&json!({"kind": "petition", "petition_kind": "claim", "matter": "物业擅自停水",
                      "facts": "物业公司多次擅自停水。", "request": "请责令整改。", "name": "周十", "phone": "13900008001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let number = filed["number"].as_str().unwrap().to_string();
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(&number).fetch_one(&app.db).await.unwrap();
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;
    ok(&app, &unit, id, json!({"action": "accept"})).await;
    let decision = json!({"action": "decide", "decision": "not_support", "text": "经核实物业停水系管道检修。", "basis": "《物业管理条例》"});
    ok(&app, &unit, id, decision).await;

    // The case from 我的信访 offers the rating and the review request, with no code asked for.
    let page = app.post_form(&citizen, "/me/cases", &[("number", &number)]).await.text().await.unwrap();
    assert!(
        form_html(&page, "rating").contains("提交评价") && form_html(&page, "review").contains("申请复查"),
        "{page}"
    );
    assert!(!page.contains("凭编号和查询码在"), "no longer sent away for the code");
    // A rating with no score: told at the rating form, on the same page.
    let res = app
        .post_form(&citizen, "/cases/rating", &[("_form", "rating"), ("number", &number), ("comment", "还行")])
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(form_html(&page, "rating").contains("请选择1至5分") && page.contains("物业擅自停水"), "{page}");
    let res =
        app.post_form(&citizen, "/cases/rating", &[("_form", "rating"), ("number", &number), ("score", "2")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("感谢您的评价"));
    let res = app
        .post_form(
            &citizen,
            "/cases/review",
            &[("_form", "review"), ("number", &number), ("reason", "停水并非检修所致。")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("申请已提交"));
    let (status, satisfaction): (String, Option<i64>) =
        sqlx::query_as("SELECT status, satisfaction FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), satisfaction), ("under_review", Some(2)));

    // Another account cannot do it for them: without the code, a case not filed under the account
    // is no case at all.
    let other = app.citizen("13900008002").await;
    let res = app.post_form(&other, "/cases/rating", &[("_form", "rating"), ("number", &number), ("score", "1")]).await;
    assert_eq!(res.status(), 404);
    let res = app
        .client()
        .post(app.url("/cases/rating"))
        .form(&[("number", number.as_str()), ("score", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "signed out, no code: nothing");
    let satisfaction: Option<i64> =
        sqlx::query_scalar("SELECT satisfaction FROM cases WHERE id = $1").bind(id).fetch_one(&app.db).await.unwrap();
    assert_eq!(satisfaction, Some(2));
}
