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
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("答复记录（2次）"), "the agency sees the history on the queue");
    assert!(page.contains("工作人员：未采纳 → 草案已有规定（第三条已规定登记费用。）"));
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

const LETTER: &str = "我们坚决反对第三条关于犬只登记费用的规定。登记费用过高，加重了普通养犬家庭的负担，也不利于引导养犬人主动登记。建议取消登记费用，或者对老年人、低收入家庭免收费用，同时简化登记手续，允许网上办理。";

/// One copy of a campaign letter, with the small edits people (or scripts) make.
pub fn campaign_copy(i: usize) -> String {
    let district = ["东城区", "西城区", "南山区", "北湖区", "江北区"][i % 5];
    let letter = if i.is_multiple_of(3) { LETTER.replace("坚决", "强烈") } else { LETTER.to_string() };
    format!("我是{district}居民。{letter}{}", if i.is_multiple_of(7) { "谢谢！" } else { "" })
}

/// Store `bodies` as published comments on 第三条, all sent within the same few seconds.
async fn published_comments(app: &TestApp, c: i64, bodies: &[String]) {
    stored_comments(app, c, bodies, "approved").await
}

/// Store `bodies` as comments on 第三条 in `status`, all sent within the same few seconds.
pub async fn stored_comments(app: &TestApp, c: i64, bodies: &[String], status: &str) {
    stored_comments_from(app, c, 0, bodies, status).await
}

/// The same, numbering their receipts from `first` (for comments arriving later).
pub async fn stored_comments_from(app: &TestApp, c: i64, first: usize, bodies: &[String], status: &str) {
    let article: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = 'a3'")
        .bind(c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let now = app::clock::now();
    let mut tx = app.db.begin().await.unwrap();
    for (i, body) in bodies.iter().enumerate() {
        sqlx::query(
            "INSERT INTO comments (receipt, consultation_id, article_id, body, status, created_at)
             VALUES ($1, $2, $3, $4, $6, $5)",
        )
        .bind(format!("YJ-TEST-{c}-{}", first + i))
        .bind(c)
        .bind(article)
        .bind(body)
        .bind(now - (i % 5) as i64)
        .bind(status)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn one_answer_reaches_a_thousand_near_duplicates_and_a_member_can_be_split_off() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let mut bodies: Vec<String> = (0..1000).map(campaign_copy).collect();
    bodies.push("建议增加遛犬必须牵绳的规定。".into());
    bodies.push("第三条的登记应当可以在社区服务中心办理，方便老年人。".into());
    published_comments(&app, c, &bodies).await;

    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("相似意见共1000条"), "the campaign is one group");
    assert!(page.contains("疑似机器批量提交"), "a thousand copies within seconds are flagged");
    let groups: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT group_id FROM comments WHERE body LIKE '我是%'")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    let g = groups[0].to_string();
    let path = format!("/staff/consultations/{c}/dispose");
    let reason = "登记费用由上位法规定，本条例不作调整。";
    let scope = format!("group-{g}");
    let mut form =
        vec![("scope", scope.as_str()), ("group", g.as_str()), ("disposition", "not_adopted"), ("reason", reason)];

    // The group grew or shrank since the page was shown: nothing is answered, and it says so.
    form.push(("expected", "999"));
    let res = app.post_form(&staff, &path, &form).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("筛选出的意见已变为1000条"));
    form.pop();
    form.push(("expected", "1000"));
    let res = app.post_form(&staff, &path, &form).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).contains("done=1000"));
    let answered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM comments WHERE disposition = 'not_adopted' AND disposition_reason = $1",
    )
    .bind(reason)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(answered, 1000);
    let others: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE disposition IS NULL").fetch_one(&app.db).await.unwrap();
    assert_eq!(others, 2, "the two different comments are untouched");

    // Staff take the group's first member out of it; the rest stay together.
    let first: i64 = groups[0];
    let res = app.post_form(&staff, &format!("/staff/comments/{first}/split"), &[]).await;
    assert_eq!(res.status(), 303);
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("相似意见共999条"), "the group lost one member");
    let (other, _) = app.staff("文旅局").await;
    assert_eq!(app.post_form(&other, &format!("/staff/comments/{}/split", first + 1), &[]).await.status(), 404);
}

#[tokio::test]
async fn a_filtered_selection_is_answered_at_once_and_the_queue_is_searchable() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("卫生健康委").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007777").await;
    let on_a3 = ["登记应可网上办理。", "登记点应设在社区。", "遛犬必须牵绳并清理粪便。"];
    for body in on_a3 {
        assert_eq!(comment(&app, &citizen, c, "a3", body).await.status(), 303);
    }
    assert_eq!(comment(&app, &citizen, c, "a1", "立法目的应写明保障公共安全。").await.status(), 303);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    for id in &ids {
        app.post_form(&staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
    }

    let page = app.get(&staff, &format!("/staff/consultations/{c}?article=a3")).await.text().await.unwrap();
    assert!(page.contains("统一答复当前筛选出的全部3条已公开意见"));
    assert!(page.contains("第三条 3条（待答复3）"), "counts per article");
    let form = [
        ("scope", "selection"),
        ("article", "a3"),
        ("expected", "3"),
        ("disposition", "already_provided"),
        ("reason", "草案第三条已有规定。"),
    ];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/dispose"), &form).await;
    assert_eq!(res.status(), 303);
    let answered: Vec<String> =
        sqlx::query_scalar("SELECT body FROM comments WHERE disposition = 'already_provided' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(answered, on_a3.map(String::from).to_vec(), "exactly the selection");

    // Words narrow the queue (through the platform's search, which catches up within moments).
    let started = std::time::Instant::now();
    loop {
        let page = app.get(&staff, &format!("/staff/consultations/{c}?q=牵绳")).await.text().await.unwrap();
        if page.contains("筛选出1条") {
            assert!(page.contains("遛犬必须牵绳") && !page.contains("登记点应设在社区"));
            break;
        }
        assert!(started.elapsed().as_secs() < 5, "the search never found the comment");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
