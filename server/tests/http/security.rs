//! Cross-origin refusal and rate limits: each kind of submission has budgets of its own, and a
//! signed-in account is counted by its own budget before its address's.
use crate::harness::*;
use server::config::Limits;

#[tokio::test]
async fn a_form_post_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let form = [("login", "13900002020"), ("password", "correct horse"), ("display_name", "x"), ("consent", "1")];
    let res = c.post(app.url("/register")).header("origin", "http://evil.example").form(&form).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = c.post(app.url("/register")).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&app.db).await.unwrap();
    assert_eq!(n.0, 0);
    let host = app.base.trim_start_matches("http://").to_string();
    let res = c
        .post(app.url("/register"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the same origin is fine");
}

#[tokio::test]
async fn too_many_comments_get_429_with_retry_after_and_the_text_kept() {
    // Publishing the draft is staff work, a budget apart; the citizen's account has two comments.
    let app = TestApp::spawn_with(Limits { comments_per_minute: 2, ..Limits::default() }).await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900003030").await;
    for i in 0..2 {
        assert_eq!(comment(&app, &c, id, "a1", &format!("第{i}条意见")).await.status(), 303);
    }
    let res = comment(&app, &c, id, "a1", "第三次提交的意见").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let page = res.text().await.unwrap();
    assert!(page.contains("操作过于频繁") && page.contains("第三次提交的意见"));
    let res = c
        .post(app.url(&format!("/api/v1/consultations/{id}/comments")))
        .json(&serde_json::json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn repeated_sign_in_attempts_are_limited() {
    let app = TestApp::spawn_with(Limits { login_per_minute: 3, ..Limits::default() }).await;
    let mut last = 0;
    for _ in 0..4 {
        last = app
            .post_form(&app.client(), "/login", &[("login", "13900004040"), ("password", "guess")])
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn anonymous_uploads_from_many_addresses_share_one_budget_but_text_reports_are_never_held_back() {
    let limits = Limits { anonymous_upload_mb_per_hour: 4, ..crate::harness::relaxed() };
    let cfg = server::config::Config { limits, trust_forwarded_for: true, ..Default::default() };
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await;
    let mut pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    pdf.resize(1_500_000, b' ');
    let filing = |with_file: bool| {
        let form = reqwest::multipart::Form::new()
            .text("matter", "占道经营")
            .text("facts", "路口长期占道。")
            .text("anonymous", "on");
        if with_file {
            form.part("attachments", reqwest::multipart::Part::bytes(pdf.clone()).file_name("照片.pdf"))
        } else {
            form
        }
    };
    let mut statuses = Vec::new();
    for i in 0..3 {
        let res = app
            .client()
            .post(app.url("/cases/new/complaint"))
            .header("x-forwarded-for", format!("2001:db8:{i}::1"))
            .multipart(filing(true))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429], "each from a different network, 2 MB each against 4 MB an hour");
    // Empty posts and text-only reports use none of it: anonymous reporting cannot be shut off.
    for i in 0..20 {
        let res = app
            .client()
            .post(app.url("/cases/new/complaint"))
            .header("x-forwarded-for", format!("2001:db8:a{i}::1"))
            .header("content-type", "multipart/form-data; boundary=XX")
            .body("--XX--\r\n")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
    }
    let res = app.client().post(app.url("/cases/new/complaint")).multipart(filing(false)).send().await.unwrap();
    assert_eq!(res.status(), 201, "a text-only anonymous report is always taken");
}

/// A server that takes the client's address from `X-Forwarded-For`, so a test speaks from many.
async fn behind_a_proxy(limits: Limits) -> TestApp {
    let cfg = server::config::Config { limits, trust_forwarded_for: true, ..Default::default() };
    TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await
}

/// An open consultation that takes anonymous comments.
async fn open_to_anonymous_comments(app: &TestApp) -> i64 {
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    sqlx::query("UPDATE consultations SET allow_anonymous = 1 WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
    id
}

/// A signed-out comment, a signed-out filing and a signed-out progress lookup from `address`.
async fn comment_from(app: &TestApp, address: &str, id: i64, body: &str) -> u16 {
    let form = [("article", "a1"), ("body", body)];
    let url = app.url(&format!("/consultations/{id}/comment"));
    let res = app.client().post(url).header("x-forwarded-for", address).form(&form).send().await.unwrap();
    res.status().as_u16()
}

async fn file_from(app: &TestApp, address: &str) -> (u16, serde_json::Value) {
    let filing =
        serde_json::json!({"kind": "complaint", "matter": "占道经营", "facts": "路口长期占道。", "anonymous": true});
    let res = app
        .client()
        .post(app.url("/api/v1/cases"))
        .header("x-forwarded-for", address)
        .json(&filing)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

async fn look_up_from(app: &TestApp, address: &str, number: &str, code: &str) -> u16 {
    let lookup = serde_json::json!({"number": number, "code": code});
    let url = app.url("/api/v1/cases/progress");
    app.client().post(url).header("x-forwarded-for", address).json(&lookup).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_kiosk_of_citizens_signed_in_behind_one_address_do_not_block_each_others_comments() {
    // Everything here comes from 127.0.0.1, as from one service-hall kiosk.
    let app = TestApp::spawn_with(Limits { comments_per_minute: 2, ..relaxed() }).await;
    let id = open_to_anonymous_comments(&app).await;
    // Visitors who do not sign in share the kiosk address's budget, and use it up between them…
    for (i, expected) in [303, 303, 429].into_iter().enumerate() {
        let res = comment(&app, &app.client(), id, "a1", &format!("路过市民的第{i}条意见")).await;
        assert_eq!(res.status(), expected, "anonymous comment {i}");
    }
    // …while each citizen who signs in at the kiosk has a budget of their own.
    for n in 0..4 {
        let c = app.citizen(&format!("1390000710{n}")).await;
        for i in 0..2 {
            let res = comment(&app, &c, id, "a1", &format!("第{n}位市民的第{i}条意见")).await;
            assert_eq!(res.status(), 303, "citizen {n}, comment {i}");
        }
    }
}

#[tokio::test]
async fn a_signed_in_citizen_over_their_own_budget_is_refused_and_their_neighbours_are_not() {
    let app = TestApp::spawn_with(Limits { comments_per_minute: 2, ..relaxed() }).await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let eager = app.citizen("13900007201").await;
    for i in 0..2 {
        assert_eq!(comment(&app, &eager, id, "a1", &format!("第{i}条意见")).await.status(), 303);
    }
    let res = comment(&app, &eager, id, "a1", "第三条意见").await;
    assert_eq!(res.status(), 429, "the account's own budget is used up");
    assert!(res.headers().get("retry-after").is_some());
    let url = app.url(&format!("/api/v1/consultations/{id}/comments"));
    let res = eager.post(url).json(&serde_json::json!({"body": "换个入口再提"})).send().await.unwrap();
    assert_eq!(res.status(), 429, "nor is the API another budget for the same account");
    let neighbour = app.citizen("13900007202").await;
    assert_eq!(comment(&app, &neighbour, id, "a1", "邻座市民的意见").await.status(), 303);
}

#[tokio::test]
async fn one_address_cannot_flood_comments_by_signing_in_many_accounts() {
    let limits = Limits { comments_per_minute: 2, signed_in_per_address_per_minute: 3, ..relaxed() };
    let app = TestApp::spawn_with(limits).await;
    let id = open_to_anonymous_comments(&app).await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        let c = app.citizen(&format!("1390000730{n}")).await;
        for i in 0..2 {
            statuses.push(comment(&app, &c, id, "a1", &format!("第{n}个账号的第{i}条意见")).await.status().as_u16());
        }
    }
    assert_eq!(statuses, [303, 303, 303, 429, 429, 429], "three signed-in comments a minute from the address");
    let res = comment(&app, &app.client(), id, "a1", "没有登录的意见").await;
    assert_eq!(res.status(), 303, "the ceiling on signed-in comments is not the signed-out budget");
}

#[tokio::test]
async fn an_address_flooding_anonymous_comments_does_not_block_its_progress_lookups_or_filings() {
    let limits = Limits { comments_per_minute: 2, filings_per_minute: 2, lookups_per_minute: 2, ..relaxed() };
    let app = behind_a_proxy(limits).await;
    let id = open_to_anonymous_comments(&app).await;
    let flood = "198.51.100.7";
    let statuses = [comment_from(&app, flood, id, "一").await, comment_from(&app, flood, id, "二").await];
    assert_eq!(statuses, [303, 303]);
    assert_eq!(comment_from(&app, flood, id, "三").await, 429, "the address's comment budget is used up");
    let (status, filed) = file_from(&app, flood).await;
    assert_eq!(status, 201, "a filing from the same address is taken");
    let (number, code) = (filed["number"].as_str().unwrap(), filed["query_code"].as_str().unwrap());
    assert_eq!(look_up_from(&app, flood, number, code).await, 200, "and its progress can be followed");
}

#[tokio::test]
async fn an_address_flooding_progress_lookups_does_not_block_its_comments_or_filings() {
    let limits = Limits { comments_per_minute: 2, filings_per_minute: 2, lookups_per_minute: 2, ..relaxed() };
    let app = behind_a_proxy(limits).await;
    let id = open_to_anonymous_comments(&app).await;
    let guesser = "2001:db8:7::1";
    let guesses = [
        look_up_from(&app, guesser, "XF-2026-000001", "AAAA-AAAA").await,
        look_up_from(&app, guesser, "XF-2026-000001", "AAAA-AAAB").await,
        look_up_from(&app, guesser, "XF-2026-000001", "AAAA-AAAC").await,
    ];
    assert_eq!(guesses, [404, 404, 429], "the address's lookup budget is used up");
    assert_eq!(file_from(&app, guesser).await.0, 201, "a filing from the same address is taken");
    assert_eq!(comment_from(&app, guesser, id, "路口需要红绿灯").await, 303, "and so is a comment");
}

#[tokio::test]
async fn staff_at_one_office_address_are_held_back_by_neither_citizens_there_nor_each_other() {
    // Everything here comes from 127.0.0.1, as from one government office's network.
    let limits =
        Limits { comments_per_minute: 1, staff_work_per_minute: 2, signed_in_per_address_per_minute: 1, ..relaxed() };
    let app = TestApp::spawn_with(limits).await;
    let (first, _) = app.staff("市公安局").await;
    let (second, _) = app.staff("市交通局").await;
    let id = app.open_consultation(&first).await;
    let citizen = app.citizen("13900007401").await;
    assert_eq!(comment(&app, &citizen, id, "a1", "第一条").await.status(), 303);
    assert_eq!(comment(&app, &citizen, id, "a1", "第二条").await.status(), 429, "the citizen is over budget");
    assert_eq!(app.publish(&first, "regulation", 0, 30, "").await.status(), 303, "the first is not held back");
    for i in 0..2 {
        assert_eq!(app.publish(&second, "regulation", 0, 30, "").await.status(), 303, "nor is the second ({i})");
    }
    assert_eq!(app.publish(&second, "regulation", 0, 30, "").await.status(), 429, "each within their own budget");
}

#[tokio::test]
async fn an_anonymous_commenters_receipt_cannot_be_guessed_faster_than_the_lookup_budget_by_any_door() {
    // The receipt is the only key to an anonymous comment: the lookup form, the page's own call
    // (with JavaScript) and the API all count against one lookup budget.
    let app = TestApp::spawn_with(Limits { lookups_per_minute: 3, ..relaxed() }).await;
    let guesser = app.client();
    let guess = "YJ-2026-AAAA-BBBB-CCCC";
    for _ in 0..3 {
        let res = guesser.post(app.url("/receipts")).form(&[("no", guess)]).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("未找到该回执编号"), "an allowed guess is answered");
    }
    let res = guesser.post(app.url("/receipts")).form(&[("no", guess)]).send().await.unwrap();
    assert_eq!(res.status(), 429, "the form");
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("value=\"{guess}\"")), "the number typed is kept");
    assert!(!page.contains("未找到该回执编号"), "a refused lookup looks nothing up");
    let res = guesser.post(app.url("/api/receipt")).form(&[("receipt", guess)]).send().await.unwrap();
    assert_eq!(res.status(), 429, "the page's own call");
    assert!(res.headers().contains_key("retry-after"));
    let res = guesser
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({ "receipt": guess }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "the API");
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "rate_limited");
}
