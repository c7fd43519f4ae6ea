//! Adoption feedback over HTTP: the drafting agency answers each comment, with reasons and history.
use crate::harness::*;
use reqwest::Client;

/// An open consultation of a new agency with one approved comment on 第三条; returns the app, the
/// staff client, the consultation and the comment id.
async fn answered_setup() -> (TestApp, Client, i64, i64) {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("农业农村局").await;
    let consultation = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900008888").await;
    let res = comment(&app, &citizen, consultation, "a3", "建议登记费用减半。").await;
    assert_eq!(res.status(), 303);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM comments").fetch_one(&app.db).await.unwrap();
    let res = app.post_form(&staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
    assert_eq!(res.status(), 303);
    (app, staff, consultation, id)
}

async fn dispose(app: &TestApp, staff: &Client, c: i64, id: i64, disposition: &str, reason: &str) -> reqwest::Response {
    let path = format!("/staff/comments/{id}/dispose");
    let cid = c.to_string();
    app.post_form(staff, &path, &[("consultation_id", &cid), ("disposition", disposition), ("reason", reason)]).await
}

#[tokio::test]
async fn not_adopting_a_comment_needs_a_reason_and_what_was_typed_stays() {
    let (app, staff, c, id) = answered_setup().await;
    let res = dispose(&app, &staff, c, id, "not_adopted", "  ").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("除“采纳”外，须填写理由"), "the message is next to the field");
    assert!(page.contains(r#"<option value="not_adopted" selected"#), "the chosen disposition is kept");

    let res = dispose(&app, &staff, c, id, "adopted", "").await;
    assert_eq!(res.status(), 303, "adoption needs no reason");
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("答复：采纳"));
}

#[tokio::test]
async fn every_revision_is_recorded_with_who_when_and_old_to_new() {
    let (app, staff, c, id) = answered_setup().await;
    assert_eq!(dispose(&app, &staff, c, id, "not_adopted", "上位法已有规定。").await.status(), 303);
    assert_eq!(dispose(&app, &staff, c, id, "already_provided", "第三条已规定登记费用。").await.status(), 303);
    // Saving the same answer again is not a change.
    assert_eq!(dispose(&app, &staff, c, id, "already_provided", "第三条已规定登记费用。").await.status(), 303);
    let rows: Vec<(Option<String>, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT old_disposition, new_disposition, new_reason, changed_by FROM disposition_changes WHERE comment_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0.as_deref(), rows[0].1.as_str()), (None, "not_adopted"));
    assert_eq!((rows[1].0.as_deref(), rows[1].1.as_str()), (Some("not_adopted"), "already_provided"));
    assert_eq!(rows[1].2.as_deref(), Some("第三条已规定登记费用。"));
    let (staff_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE role = 'staff'").fetch_one(&app.db).await.unwrap();
    assert!(rows.iter().all(|r| r.3 == staff_id), "who made each change");
}

#[tokio::test]
async fn another_agency_cannot_answer_and_a_pending_comment_is_moderated_first() {
    let (app, staff, c, id) = answered_setup().await;
    let (other, _) = app.staff("生态环境局").await;
    let res = dispose(&app, &other, c, id, "adopted", "").await;
    assert_eq!(res.status(), 404, "another agency's comment is simply not found");
    let (d,): (Option<String>,) =
        sqlx::query_as("SELECT disposition FROM comments WHERE id = $1").bind(id).fetch_one(&app.db).await.unwrap();
    assert_eq!(d, None);

    let citizen = app.citizen("13900009999").await;
    let res = comment(&app, &citizen, c, "", "第二条的适用范围应包括郊区。").await;
    assert_eq!(res.status(), 303);
    let (pending,): (i64,) =
        sqlx::query_as("SELECT id FROM comments WHERE status = 'pending'").fetch_one(&app.db).await.unwrap();
    let res = dispose(&app, &staff, c, pending, "adopted", "").await;
    assert_eq!(res.status(), 409, "a comment is moderated before it is answered");
    assert!(res.text().await.unwrap().contains("请先审核该意见，再答复"));
    let res = dispose(&app, &app.client(), c, id, "adopted", "").await;
    assert_eq!(res.status(), 401, "signed-out visitors cannot answer");
    let res = citizen
        .put(app.url(&format!("/api/v1/comments/{id}/disposition")))
        .json(&serde_json::json!({"disposition": "adopted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "nor can citizens");
}

#[tokio::test]
async fn the_api_answers_a_comment_with_typed_errors() {
    let (app, staff, _, id) = answered_setup().await;
    let url = app.url(&format!("/api/v1/comments/{id}/disposition"));
    let res = staff.put(&url).json(&serde_json::json!({"disposition": "partly_adopted"})).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(body["error"]["fields"][0]["field"], "reason");
    let res = staff
        .put(&url)
        .json(&serde_json::json!({"disposition": "partly_adopted", "reason": "采纳关于减免的部分。"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["disposition"], "partly_adopted");
    assert_eq!(body["reason"], "采纳关于减免的部分。");
    let res = staff.put(&url).json(&serde_json::json!({"disposition": "maybe"})).send().await.unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn ticked_comments_get_one_answer_all_or_none() {
    let (app, staff, c, first) = answered_setup().await;
    let citizen = app.citizen("13900001111").await;
    for body in ["登记费用应当减免。", "登记费用应予减免！"] {
        assert_eq!(comment(&app, &citizen, c, "a3", body).await.status(), 303);
    }
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM comments WHERE status = 'pending' ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (id,) in &ids {
        let res = app.post_form(&staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
        assert_eq!(res.status(), 303);
    }
    let all = [first, ids[0].0, ids[1].0].map(|i| i.to_string());
    let path = format!("/staff/consultations/{c}/dispose");

    // Nothing ticked: the message is on the bulk form, and the typed reason is still there.
    let res = app.post_form(&staff, &path, &[("disposition", "partly_adopted"), ("reason", "减免部分采纳。")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("请先勾选要答复的意见") && page.contains("减免部分采纳。"));

    // Another agency's comment in the selection: nothing changes.
    let (other, _) = app.staff("林业局").await;
    let other_c = app.open_consultation(&other).await;
    assert_eq!(comment(&app, &citizen, other_c, "", "另一机关的意见。").await.status(), 303);
    let (foreign,): (i64,) = sqlx::query_as("SELECT id FROM comments WHERE consultation_id = $1")
        .bind(other_c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.post_form(&other, &format!("/staff/comments/{foreign}/moderate"), &[("decision", "approve")]).await;
    let foreign = foreign.to_string();
    let form = [("ids", all[0].as_str()), ("ids", foreign.as_str()), ("disposition", "adopted"), ("reason", "")];
    assert_eq!(app.post_form(&staff, &path, &form).await.status(), 404);
    let (answered,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM comments WHERE disposition IS NOT NULL").fetch_one(&app.db).await.unwrap();
    assert_eq!(answered, 0, "all or none");

    let form = [
        ("ids", all[0].as_str()),
        ("ids", all[1].as_str()),
        ("ids", all[2].as_str()),
        ("disposition", "partly_adopted"),
        ("reason", "减免部分采纳。"),
    ];
    assert_eq!(app.post_form(&staff, &path, &form).await.status(), 303);
    let (answered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM comments WHERE disposition = 'partly_adopted' AND disposition_reason = '减免部分采纳。'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(answered, 3);
}

#[tokio::test]
async fn the_review_queue_counts_and_filters_what_is_still_unanswered() {
    let (app, staff, c, first) = answered_setup().await;
    let citizen = app.citizen("13900002222").await;
    assert_eq!(comment(&app, &citizen, c, "a1", "第一条的立法目的应写明保障公共安全。").await.status(), 303);
    assert_eq!(comment(&app, &citizen, c, "a2", "第二条应明确适用于农村地区。").await.status(), 303);
    let (second,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM comments WHERE status = 'pending'").fetch_one(&app.db).await.unwrap();
    app.post_form(&staff, &format!("/staff/comments/{second}/moderate"), &[("decision", "approve")]).await;
    assert_eq!(dispose(&app, &staff, c, first, "adopted", "").await.status(), 303);

    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("全部 3 条") && page.contains("待审核 1 条") && page.contains("待答复 1 条"), "counts");
    let unanswered = app.get(&staff, &format!("/staff/consultations/{c}?show=unanswered")).await.text().await.unwrap();
    assert!(unanswered.contains("保障公共安全"), "the approved, unanswered comment is listed");
    assert!(!unanswered.contains("登记费用减半"), "the answered one is not");
    assert!(!unanswered.contains("农村地区"), "nor the one still waiting for moderation");
    let pending = app.get(&staff, &format!("/staff/consultations/{c}?show=pending")).await.text().await.unwrap();
    assert!(pending.contains("农村地区") && !pending.contains("保障公共安全"));
}
