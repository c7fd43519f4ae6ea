//! Moderating many comments at once from the review queue, without JavaScript: a campaign's copies
//! in one decision, a ticked selection, everything a filter selects; all or none.
use crate::feedback::{campaign_copy, stored_comments};
use crate::harness::*;

async fn statuses(app: &TestApp) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT status, moderation_reason FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_moderator_keeps_a_campaign_of_copies_from_publication_in_one_decision() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let mut bodies: Vec<String> = (0..300).map(campaign_copy).collect();
    bodies.push("建议增加遛犬必须牵绳的规定。".into());
    bodies.push("登记应当可以在社区服务中心办理。".into());
    stored_comments(&app, c, &bodies, "pending").await;
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("统一审核这组300条待审核的相似意见"), "the campaign is offered as one decision");
    assert!(page.contains("统一审核当前筛选出的全部302条待审核意见"));
    let group: i64 = sqlx::query_scalar("SELECT group_id FROM comments WHERE body LIKE '我是%' LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (g, scope) = (group.to_string(), format!("group-{group}"));
    let path = format!("/staff/consultations/{c}/moderate");
    let form = |expected: &'static str, reason: &'static str| {
        vec![
            ("scope", scope.clone()),
            ("group", g.clone()),
            ("expected", expected.to_string()),
            ("decision", "reject".to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let (app, staff, path) = (&app, &staff, &path);
        async move { staff.post(app.url(path)).form(&f).send().await.unwrap() }
    };
    // Without a reason: told so in that group's form, nothing changed.
    let page = rejected_page(post(form("300", "")).await, 422).await;
    assert!(page.contains("不予公开的，须填写理由"), "{page}");
    // The group changed since the page was shown: nothing changed, and it says how many now.
    let reason = "内容与本条无关的批量复制件，不予公开";
    let page = rejected_page(post(form("299", reason)).await, 422).await;
    assert!(page.contains("筛选出的意见已变为300条"));
    assert!(page.contains(reason), "the reason typed is kept");
    assert!(statuses(&app).await.iter().all(|(s, _)| s == "pending"));

    let res = post(form("300", reason)).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).contains("done=300"));
    let after = statuses(&app).await;
    assert_eq!(after.iter().filter(|(s, r)| s == "rejected" && r.as_deref() == Some(reason)).count(), 300);
    assert_eq!(after.iter().filter(|(s, _)| s == "pending").count(), 2, "the two different comments wait");
}

#[tokio::test]
async fn ticked_pending_comments_are_published_together_all_or_none_and_only_by_their_agency() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("卫生健康委").await;
    let (other, _) = app.staff("文旅局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007801").await;
    for body in ["登记应可网上办理。", "登记点应设在社区。", "遛犬必须牵绳。"] {
        assert_eq!(comment(&app, &citizen, c, "a3", body).await.status(), 303);
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains(r#"form="bulk-moderate""#), "pending comments can be ticked");
    let path = format!("/staff/consultations/{c}/moderate");
    let (a, b, third) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    let nothing = [("scope", "ticked"), ("decision", "approve")];
    assert!(rejected_page(app.post_form(&staff, &path, &nothing).await, 422).await.contains("请先勾选要审核的意见"));
    let ticked = [("scope", "ticked"), ("ids", a.as_str()), ("ids", b.as_str()), ("decision", "approve")];
    assert_eq!(app.post_form(&other, &path, &ticked).await.status(), 404, "another agency's comments are not found");
    let res = app.post_form(&staff, &path, &ticked).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).contains("done=2"));
    let public = app.get(&app.client(), &format!("/consultations/{c}/comments?article=a3")).await.text().await.unwrap();
    assert!(
        public.contains("登记应可网上办理") && public.contains("登记点应设在社区") && !public.contains("遛犬必须牵绳")
    );

    // One already decided among those ticked (a colleague got there first): none is changed.
    let again = [("scope", "ticked"), ("ids", b.as_str()), ("ids", third.as_str()), ("decision", "approve")];
    let res = app.post_form(&staff, &path, &again).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("全部未作处理"));
    assert_eq!(statuses(&app).await[2].0, "pending", "all or none");
}

#[tokio::test]
async fn everything_a_filter_selects_is_published_at_once() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007802").await;
    assert_eq!(comment(&app, &citizen, c, "a3", "第三条登记应免费。").await.status(), 303);
    assert_eq!(comment(&app, &citizen, c, "a3", "第三条登记应网上办。").await.status(), 303);
    assert_eq!(comment(&app, &citizen, c, "a1", "第一条目的应写明安全。").await.status(), 303);
    let page =
        app.get(&staff, &format!("/staff/consultations/{c}?show=pending&article=a3")).await.text().await.unwrap();
    assert!(page.contains("统一审核当前筛选出的全部2条待审核意见"));
    let form =
        [("scope", "selection"), ("show", "pending"), ("article", "a3"), ("expected", "2"), ("decision", "approve")];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &form).await;
    assert_eq!(res.status(), 303);
    let s: Vec<String> = statuses(&app).await.into_iter().map(|(s, _)| s).collect();
    assert_eq!(s, ["approved", "approved", "pending"], "exactly the selection");
}

#[tokio::test]
async fn a_reader_sees_true_counts_as_comments_arrive_and_are_published_one_at_a_time_or_together() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("住房城乡建设局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007803").await;
    for body in ["一", "二", "三"] {
        assert_eq!(comment(&app, &citizen, c, "a3", &format!("第三条意见{body}")).await.status(), 303);
    }
    assert_eq!(comment(&app, &citizen, c, "", "对全文的意见").await.status(), 303);
    let counts = |page: &str| {
        let at = page.find(r#"id="a3""#).expect("article 3");
        let rest = &page[at..];
        let shown = rest.find("已公开意见").map(|i| rest[i..i + 120].to_string()).unwrap_or_default();
        ["<span class=\"count\">", "</span>", "<span class=\"received\">", "</a>", "<!>"]
            .iter()
            .fold(shown, |s, tag| s.replace(tag, ""))
    };
    let read = |page: String| page.replace("<!>", "");
    let page = read(app.get(&app.client(), &format!("/consultations/{c}")).await.text().await.unwrap());
    assert!(counts(&page).starts_with("已公开意见 0 条 · 共收到 3 条"), "{}", counts(&page));
    assert!(page.contains("对全文的意见：已公开 0 条 / 共收到 1 条"), "{page}");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    let one = app.post_form(&staff, &format!("/staff/comments/{}/moderate", ids[0]), &[("decision", "approve")]).await;
    assert_eq!(one.status(), 303);
    let (b, whole) = (ids[1].to_string(), ids[3].to_string());
    let together = [("scope", "ticked"), ("ids", b.as_str()), ("ids", whole.as_str()), ("decision", "approve")];
    assert_eq!(app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &together).await.status(), 303);
    let page = read(app.get(&app.client(), &format!("/consultations/{c}")).await.text().await.unwrap());
    assert!(counts(&page).starts_with("已公开意见 2 条 · 共收到 3 条"), "{}", counts(&page));
    assert!(page.contains("对全文的意见：已公开 1 条 / 共收到 1 条"));
    let home = read(app.get(&app.client(), "/").await.text().await.unwrap());
    assert!(home.contains("已公开意见 3 条"), "the list counts every published comment");
}
