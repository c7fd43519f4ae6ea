//! Commenting: the window, receipts, moderation in the agency's own scope, publication.
use crate::harness::*;

#[tokio::test]
async fn citizen_comments_on_an_article_and_gets_a_receipt() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900005555").await;
    let res = comment(&app, &c, id, "a3-1", "建议明确烈性犬的目录由谁制定。").await;
    assert_eq!(res.status(), 303);
    let receipt = receipt_of(&res);
    assert!(receipt.starts_with("YJ-20") && receipt.len() == "YJ-2026-XXXX-XXXX-XXXX".len(), "{receipt}");
    let page = app.get(&c, &location(&res)).await.text().await.unwrap();
    assert!(
        page.contains("意见已提交")
            && page.contains(&receipt)
            && page.contains("第三条之一")
            && page.contains("待审核")
    );
    let mine = app.get(&c, "/me").await.text().await.unwrap();
    assert!(mine.contains(&receipt), "the commenter finds it again later");
}

#[tokio::test]
async fn an_empty_or_too_long_comment_is_refused_and_the_text_kept() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900006666").await;
    let res = comment(&app, &c, id, "a2", "   ").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请填写意见内容"));
    let long = "很长的意见".repeat(1001);
    let res = comment(&app, &c, id, "a2", &long).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("意见内容不能超过5000字"));
    assert!(page.contains(&long), "what the citizen typed is still in the form");
    assert!(page.contains("<option value=\"a2\" selected"), "the chosen article is still chosen");
}

#[tokio::test]
async fn comments_before_the_window_opens_or_after_it_closes_are_refused() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let res = app.publish(&staff, "regulation", 3, 30, "").await;
    let upcoming = location_id(&res);
    let c = app.citizen("13900007777").await;
    let res = comment(&app, &c, upcoming, "", "提前提交的意见").await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap();
    assert!(page.contains("意见征集尚未开始"));

    let closed = app.open_consultation(&staff).await;
    let past = app::clock::now() - 1;
    sqlx::query("UPDATE consultations SET opens_at = $1 - 2592000, closes_at = $1 WHERE id = $2")
        .bind(past)
        .bind(closed)
        .execute(&app.db)
        .await
        .unwrap();
    let res = comment(&app, &c, closed, "a1", "逾期提交的意见").await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("意见征集已经结束"));
    let res = c
        .post(app.url(&format!("/api/v1/consultations/{closed}/comments")))
        .json(&serde_json::json!({"body": "逾期"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "window_closed");
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM comments").fetch_one(&app.db).await.unwrap();
    assert_eq!(n.0, 0, "nothing outside the window is stored");
}

#[tokio::test]
async fn anonymous_commenting_is_off_unless_the_consultation_allows_it() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let anon = app.client();
    let res = comment(&app, &anon, id, "", "匿名意见").await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("匿名意见"), "kept in the form");
    sqlx::query("UPDATE consultations SET allow_anonymous = 1 WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
    let res = comment(&app, &anon, id, "", "匿名意见").await;
    assert_eq!(res.status(), 303);
    let receipt = receipt_of(&res);
    let page = app.post_form(&app.client(), "/receipts", &[("no", &receipt)]).await.text().await.unwrap();
    assert!(page.contains("匿名意见"), "an anonymous comment is found by its receipt alone");
    // On a shared computer: the page after commenting shows the receipt once, and nothing keeps it.
    let shown = app.get(&anon, "/receipts?new=1").await;
    assert_eq!(shown.headers()["cache-control"], "no-store");
    assert!(shown.text().await.unwrap().contains(&receipt));
    let again = app.get(&anon, "/receipts?new=1").await.text().await.unwrap();
    assert!(!again.contains(&receipt), "the next person at the same browser sees the receipt again");
    let api = app
        .client()
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({ "receipt": receipt }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store", "an anonymous lookup's answer is not cached");
}

#[tokio::test]
async fn a_receipt_shows_only_to_its_author() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let author = app.citizen("13900008888").await;
    let receipt = receipt_of(&comment(&app, &author, id, "a1", "我的意见").await);
    let other = app.citizen("13900008889").await;
    let lookup = |c: &reqwest::Client, r: &str| {
        c.post(app.url("/api/v1/comments/receipt")).json(&serde_json::json!({ "receipt": r })).send()
    };
    let own = lookup(&author, &receipt).await.unwrap();
    assert_eq!(own.status(), 200);
    let json: serde_json::Value = own.json().await.unwrap();
    assert_eq!(json["status"], "pending");
    assert_eq!(lookup(&other, &receipt).await.unwrap().status(), 404);
    assert_eq!(lookup(&app.client(), &receipt).await.unwrap().status(), 401);
    let lower = receipt.to_lowercase();
    assert_eq!(lookup(&author, &lower).await.unwrap().status(), 200, "typed in lower case still works");
}

#[tokio::test]
async fn staff_approve_a_comment_and_the_public_sees_it_without_personal_data() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900001212").await;
    comment(&app, &c, id, "a3", "登记应当可以网上办理。").await;
    comment(&app, &c, id, "a3", "广告内容").await;
    let before: Vec<serde_json::Value> =
        app.get(&app.client(), &format!("/api/v1/consultations/{id}/comments")).await.json().await.unwrap();
    assert!(before.is_empty(), "nothing is public before moderation");
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    let path = |cid: i64| format!("/staff/comments/{cid}/moderate");
    let res = app.post_form(&staff, &path(ids[0].0), &[("decision", "approve")]).await;
    assert_eq!(res.status(), 303);
    let res = app
        .post_form(
            &staff,
            &path(ids[1].0),
            &[("decision", "reject"), ("reason", ""), ("consultation_id", &id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 422, "rejection needs a reason");
    assert!(res.text().await.unwrap().contains("不予公开的，须填写理由"));
    let res = app.post_form(&staff, &path(ids[1].0), &[("decision", "reject"), ("reason", "与草案内容无关")]).await;
    assert_eq!(res.status(), 303);
    let public: Vec<serde_json::Value> =
        app.get(&app.client(), &format!("/api/v1/consultations/{id}/comments?article=a3")).await.json().await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["body"], "登记应当可以网上办理。");
    assert!(public[0].get("author_id").is_none() && !public[0].to_string().contains("13900001212"));
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(
        page.contains("已公开意见 <!--hk-->") || page.contains("<span class=\"count\">1</span>"),
        "per-article count on the draft page"
    );
}

#[tokio::test]
async fn staff_cannot_moderate_another_agencys_comments() {
    let app = TestApp::spawn().await;
    let (police, _) = app.staff("市公安局").await;
    let (housing, _) = app.staff("市住建局").await;
    let id = app.open_consultation(&police).await;
    let c = app.citizen("13900001313").await;
    comment(&app, &c, id, "a1", "意见").await;
    let (cid,): (i64,) = sqlx::query_as("SELECT id FROM comments").fetch_one(&app.db).await.unwrap();
    let res = app.post_form(&housing, &format!("/staff/comments/{cid}/moderate"), &[("decision", "approve")]).await;
    assert_eq!(res.status(), 404);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM comments").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "pending");
    let res = app.get(&housing, &format!("/staff/consultations/{id}")).await;
    assert_eq!(res.status(), 404, "another agency's review queue is not found");
    assert!(!res.text().await.unwrap().contains("通过并公开"));
}

#[tokio::test]
async fn a_reader_pages_through_published_comments_a_hundred_at_a_time() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市商务局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900005353").await;
    for i in 0..105 {
        let body = serde_json::json!({"article": "a1", "body": format!("第{i}条公开意见")});
        let res = c.post(app.url(&format!("/api/v1/consultations/{id}/comments"))).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201);
    }
    // Published by the agency (set directly: moderation itself is tested elsewhere).
    sqlx::query("UPDATE comments SET status = 'approved'").execute(&app.db).await.unwrap();
    let reader = app.client();
    let page = |n: u32| reader.get(app.url(&format!("/api/v1/consultations/{id}/comments?article=a1&page={n}"))).send();
    let first: Vec<serde_json::Value> = page(1).await.unwrap().json().await.unwrap();
    let second: Vec<serde_json::Value> = page(2).await.unwrap().json().await.unwrap();
    assert_eq!((first.len(), second.len()), (100, 5));
    assert_eq!(first[0]["body"], "第0条公开意见");
    assert_eq!(second[4]["body"], "第104条公开意见");
    assert_eq!(page(0).await.unwrap().status(), 422);
    let html = app.get(&app.client(), &format!("/consultations/{id}/comments?article=a1")).await.text().await.unwrap();
    assert!(html.contains("下一页") && html.contains("第99条公开意见") && !html.contains("第100条公开意见"));
    let html =
        app.get(&app.client(), &format!("/consultations/{id}/comments?article=a1&page=2")).await.text().await.unwrap();
    assert!(html.contains("上一页") && html.contains("第104条公开意见") && !html.contains("下一页"));

    // Reading on by cursor: the pager's links name the last (or first) comment shown.
    let ids: Vec<i64> = first.iter().chain(&second).map(|c| c["id"].as_i64().unwrap()).collect();
    let html = app.get(&app.client(), &format!("/consultations/{id}/comments?article=a1")).await.text().await.unwrap();
    assert!(html.contains(&format!("article=a1&amp;after={}", ids[99])), "下一页 reads on after the last shown");
    assert!(!html.contains("上一页"), "nothing comes before the first page");
    let cursor = |q: String| reader.get(app.url(&format!("/api/v1/consultations/{id}/comments?article=a1&{q}"))).send();
    let after: Vec<serde_json::Value> = cursor(format!("after={}", ids[99])).await.unwrap().json().await.unwrap();
    assert_eq!(after, second, "after the hundredth: the same five as page 2");
    let before: Vec<serde_json::Value> = cursor(format!("before={}", ids[100])).await.unwrap().json().await.unwrap();
    assert_eq!(before, first, "before the hundred-and-first: page 1 again, oldest first");
    let tail: Vec<serde_json::Value> = cursor(format!("after={}", ids[101])).await.unwrap().json().await.unwrap();
    assert_eq!(tail.len(), 3);
    let html = app
        .get(&app.client(), &format!("/consultations/{id}/comments?article=a1&after={}", ids[101]))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("第102条公开意见") && !html.contains("第101条公开意见"));
    assert!(html.contains(&format!("before={}", ids[102])) && !html.contains("下一页"), "only earlier ones remain");
    let html = app
        .get(&app.client(), &format!("/consultations/{id}/comments?article=a1&before={}", ids[5]))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("第4条公开意见") && !html.contains("第5条公开意见") && !html.contains("上一页"));
    assert!(html.contains(&format!("after={}", ids[4])), "and later ones follow");

    // A cursor that names no comment id is refused as a bad page is; so are two ways at once.
    for q in ["after=abc", "after=-1", "before=99999999999999999999", "after=1.5", "page=2&after=3"] {
        let res = cursor(q.to_string()).await.unwrap();
        assert_eq!(res.status(), 422, "{q}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_input", "{q}");
    }
    let res = app.get(&app.client(), &format!("/consultations/{id}/comments?article=a1&after=x")).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("须为0或正整数的意见编号"));
    // An article the draft does not have is not found, rather than shown as an empty list.
    let res = reader.get(app.url(&format!("/api/v1/consultations/{id}/comments?article=a99"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(app.get(&app.client(), &format!("/consultations/{id}/comments?article=a99")).await.status(), 404);
}

#[tokio::test]
async fn a_commenters_receipt_number_never_travels_in_a_url() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let author = app.citizen("13900008890").await;
    let res = comment(&app, &author, id, "a1", "收据编号不进网址").await;
    let receipt = receipt_of(&res);
    let page = app.get(&author, "/receipts?new=1").await.text().await.unwrap();
    assert!(page.contains("意见已提交") && page.contains(&receipt), "the page after submitting shows the receipt");
    let mine = app.get(&author, "/me").await.text().await.unwrap();
    assert!(mine.contains(&receipt), "my comments list the receipt");
    assert!(!mine.contains(&format!("no={receipt}")) && !mine.contains("/receipts?"), "but link to it by no URL");
    let found = app.post_form(&author, "/receipts", &[("no", &receipt)]).await;
    assert_eq!(found.status(), 200);
    let found = found.text().await.unwrap();
    assert!(found.contains("收据编号不进网址"), "the lookup form posts the number");
    assert!(found.contains(&format!("value=\"{receipt}\"")), "and keeps what was typed");
    let res = app.get(&author, &format!("/receipts?no={receipt}")).await.text().await.unwrap();
    assert!(!res.contains("收据编号不进网址"), "a number in the URL is not looked up");
}

#[tokio::test]
async fn a_signed_out_reader_commenting_on_an_article_comes_back_to_that_article_and_is_not_told_anonymity_is_allowed()
{
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let anon = app.client();
    let gate = app.get(&anon, &format!("/consultations/{id}/comment?article=a2")).await.text().await.unwrap();
    let next = format!("next=%2Fconsultations%2F{id}%2Fcomment%3Farticle%3Da2");
    assert!(gate.contains(&format!("/login?{next}")), "signing in returns to the same article");
    assert!(gate.contains(&format!("/register?{next}")), "and so does registering");

    // A session that ran out mid-comment: the form comes back with the text, and says what is true.
    let res = comment(&app, &anon, id, "a2", "第二条的意见").await;
    assert_eq!(res.status(), 401);
    let page = res.text().await.unwrap();
    assert!(page.contains("第二条的意见"), "the text is kept");
    assert!(!page.contains("本项目允许匿名提交"), "a consultation that needs an account does not claim otherwise");
    sqlx::query("UPDATE consultations SET allow_anonymous = 1 WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
    let open = app.get(&anon, &format!("/consultations/{id}/comment")).await.text().await.unwrap();
    assert!(open.contains("本项目允许匿名提交"), "where it is allowed, it says so");
}

#[tokio::test]
async fn a_receipt_typed_without_its_dashes_still_finds_the_comment() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900007011").await;
    let res = comment(&app, &citizen, id, "a1", "关于第一条的意见").await;
    assert_eq!(res.status(), 303);
    let receipt = receipt_of(&res);
    let typed = receipt.replace('-', "").to_lowercase();
    let page = app.post_form(&citizen, "/receipts", &[("no", &typed)]).await.text().await.unwrap();
    assert!(page.contains("关于第一条的意见"), "{typed} finds {receipt}");
    let wrong = app.post_form(&citizen, "/receipts", &[("no", "yj2026000000000000")]).await.text().await.unwrap();
    assert!(!wrong.contains("关于第一条的意见"), "another number finds nothing");
}
