//! Cross-origin refusal and rate limits.
use crate::harness::*;
use server::config::Limits;

#[tokio::test]
async fn a_form_post_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let form = [("login", "13900002020"), ("password", "correct horse"), ("display_name", "x")];
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
    // Everything here comes from 127.0.0.1: publishing the draft is the first of three submissions.
    let app = TestApp::spawn_with(Limits { submit_per_minute: 3, ..Limits::default() }).await;
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
