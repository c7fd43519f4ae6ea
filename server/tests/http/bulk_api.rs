//! Moderating and answering many comments at once through the JSON API: a campaign's copies in
//! one decision once its count is confirmed, ticked ids, everything a filter selects; all or none,
//! and only by the consultation's own agency.
use crate::feedback::{campaign_copy, stored_comments};
use crate::harness::*;
use reqwest::{Client, Response};
use serde_json::{json, Value};

async fn post(app: &TestApp, c: &Client, path: &str, body: Value) -> Response {
    c.post(app.url(path)).json(&body).send().await.unwrap()
}

async fn error_field(res: Response, status: u16) -> (String, String) {
    assert_eq!(res.status(), status);
    let e: Value = res.json().await.unwrap();
    let field = e["error"]["fields"][0]["field"].as_str().unwrap_or_default().to_string();
    (field, e["error"]["message"].as_str().unwrap().to_string())
}

async fn statuses(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT status FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_moderator_keeps_a_campaign_from_publication_through_the_api_once_its_count_is_confirmed() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let mut bodies: Vec<String> = (0..300).map(campaign_copy).collect();
    bodies.push("建议增加遛犬必须牵绳的规定。".into());
    stored_comments(&app, c, &bodies, "pending").await;
    // The group is formed when the queue is first read.
    let counted: Value =
        app.get(&staff, &format!("/api/v1/consultations/{c}/review/selection")).await.json().await.unwrap();
    assert_eq!(counted, json!({"pending": 301, "published": 0}));
    let group: i64 = sqlx::query_scalar("SELECT group_id FROM comments WHERE body LIKE '我是%' LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let url = format!("/api/v1/consultations/{c}/review/selection?group={group}");
    let counted: Value = app.get(&staff, &url).await.json().await.unwrap();
    assert_eq!(counted["pending"], 300);

    let path = format!("/api/v1/consultations/{c}/review/moderation");
    let reason = "内容与本条无关的批量复制件，不予公开";
    let body = |expected: usize, reason: &str| json!({"decision": "reject", "reason": reason, "filter": {"group": group}, "expected": expected});
    let (field, _) = error_field(post(&app, &staff, &path, body(300, "")).await, 422).await;
    assert_eq!(field, "reason", "a rejection needs its reason");
    let (field, message) = error_field(post(&app, &staff, &path, body(299, reason)).await, 422).await;
    assert_eq!(field, "expected");
    assert!(message.contains("300条"), "it says how many now: {message}");
    assert!(statuses(&app).await.iter().all(|s| s == "pending"), "nothing changed");

    let res = post(&app, &staff, &path, body(300, reason)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"changed": 300}));
    let reasons: Vec<Option<String>> =
        sqlx::query_scalar("SELECT moderation_reason FROM comments WHERE status = 'rejected'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(reasons.len(), 300);
    assert!(reasons.iter().all(|r| r.as_deref() == Some(reason)));
    assert_eq!(statuses(&app).await.iter().filter(|s| *s == "pending").count(), 1, "the different one waits");
}

#[tokio::test]
async fn ticked_comments_are_published_through_the_api_all_or_none_and_only_by_their_agency() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("卫生健康委").await;
    let (other, _) = app.staff("文旅局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007811").await;
    for body in ["登记应可网上办理。", "登记点应设在社区。", "遛犬必须牵绳。"] {
        assert_eq!(comment(&app, &citizen, c, "a3", body).await.status(), 303);
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    let path = format!("/api/v1/consultations/{c}/review/moderation");
    let approve = |ids: &[i64]| json!({"decision": "approve", "ids": ids});

    assert_eq!(post(&app, &app.client(), &path, approve(&ids[..2])).await.status(), 401);
    assert_eq!(post(&app, &citizen, &path, approve(&ids[..2])).await.status(), 403, "citizens do not moderate");
    assert_eq!(post(&app, &other, &path, approve(&ids[..2])).await.status(), 404, "another agency's are not found");
    let foreign = staff
        .post(app.url(&path))
        .header("origin", "https://elsewhere.example")
        .json(&approve(&ids[..2]))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403, "a cross-origin request is refused");
    let (field, _) = error_field(post(&app, &staff, &path, approve(&[])).await, 422).await;
    assert_eq!(field, "ids", "nothing ticked");
    let both = json!({"decision": "approve", "ids": [ids[0]], "filter": {"show": "pending"}, "expected": 3});
    assert_eq!(error_field(post(&app, &staff, &path, both).await, 422).await.0, "filter", "one or the other");
    let many: Vec<i64> = (1..=5_001).collect();
    assert_eq!(error_field(post(&app, &staff, &path, approve(&many)).await, 422).await.0, "ids", "at most 5,000");
    let odd = json!({"decision": "publish", "ids": [ids[0]]});
    assert_eq!(error_field(post(&app, &staff, &path, odd).await, 422).await.0, "decision");
    let odd = json!({"decision": "approve", "filter": {"show": "everything"}, "expected": 3});
    assert_eq!(error_field(post(&app, &staff, &path, odd).await, 422).await.0, "show");
    assert!(statuses(&app).await.iter().all(|s| s == "pending"));

    let res = post(&app, &staff, &path, approve(&[ids[0], ids[1], ids[1]])).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"changed": 2}), "each once");
    // One already decided among those ticked (a colleague got there first): none is changed.
    let res = post(&app, &staff, &path, approve(&[ids[1], ids[2]])).await;
    assert_eq!(res.status(), 409);
    assert_eq!(statuses(&app).await, ["approved", "approved", "pending"], "all or none");
}

#[tokio::test]
async fn everything_a_filter_selects_is_answered_through_the_api_and_ticked_ones_too() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let c = app.open_consultation(&staff).await;
    let bodies: Vec<String> = (0..120).map(|i| format!("第三条登记应当免费，第{i}份意见。")).collect();
    stored_comments(&app, c, &bodies, "approved").await;
    let url = format!("/api/v1/consultations/{c}/review/selection?show=unanswered&article=a3");
    let counted: Value = app.get(&staff, &url).await.json().await.unwrap();
    assert_eq!(counted, json!({"pending": 0, "published": 120}));
    let path = format!("/api/v1/consultations/{c}/review/answers");
    let filter = json!({"show": "unanswered", "article": "a3"});
    let all = json!({"disposition": "partly_adopted", "reason": "登记费用将予减免", "filter": filter, "expected": 120});
    let res = post(&app, &staff, &path, all).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"changed": 120}));
    let answered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE disposition = 'partly_adopted'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(answered, 120);
    let counted: Value = app.get(&staff, &url).await.json().await.unwrap();
    assert_eq!(counted["published"], 0, "nothing left unanswered");

    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM comments").fetch_one(&app.db).await.unwrap();
    let (field, _) =
        error_field(post(&app, &staff, &path, json!({"disposition": "not_adopted", "ids": [first]})).await, 422).await;
    assert_eq!(field, "reason", "not adopted needs its reason");
    let one = json!({"disposition": "adopted", "ids": [first]});
    assert_eq!(post(&app, &staff, &path, one.clone()).await.json::<Value>().await.unwrap(), json!({"changed": 1}));
    assert_eq!(
        post(&app, &staff, &path, one).await.json::<Value>().await.unwrap(),
        json!({"changed": 0}),
        "already so"
    );
}
