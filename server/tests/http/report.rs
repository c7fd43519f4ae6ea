//! The adoption report over HTTP: published only when every comment is answered (or the agency says
//! why), then public, final, and delivered to each commenter.
use crate::harness::*;
use crate::report_figures::published_comments;
use crate::search::until_hits;
use reqwest::Client;

/// End the comment window now (the test's stand-in for waiting thirty days).
pub(crate) async fn close(app: &TestApp, consultation: i64) {
    sqlx::query("UPDATE consultations SET opens_at = opens_at - 3456000, closes_at = $1 WHERE id = $2")
        .bind(app::clock::now() - 60)
        .bind(consultation)
        .execute(&app.db)
        .await
        .unwrap();
}

pub(crate) async fn id_of(app: &TestApp, body: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM comments WHERE body = $1").bind(body).fetch_one(&app.db).await.unwrap()
}

pub(crate) async fn approve(app: &TestApp, staff: &Client, id: i64) {
    let res = app.post_form(staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
    assert_eq!(res.status(), 303);
}

pub(crate) async fn answer(
    app: &TestApp,
    staff: &Client,
    c: i64,
    id: i64,
    disposition: &str,
    reason: &str,
) -> reqwest::Response {
    let cid = c.to_string();
    let form = [("consultation_id", cid.as_str()), ("disposition", disposition), ("reason", reason)];
    app.post_form(staff, &format!("/staff/comments/{id}/dispose"), &form).await
}

pub(crate) async fn publish(app: &TestApp, staff: &Client, c: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = fields.to_vec();
    form.push(("action", "publish"));
    app.post_form(staff, &format!("/staff/consultations/{c}/report"), &form).await
}

const REVISED: &str = "第一章　总则\n第一条　为了规范养犬行为，制定本条例。\n第二条　本条例适用于本市行政区域。\n第二章　管理\n第三条　养犬人应当为犬只办理登记，登记费用减半收取。\n第三条之一　重点管理区内禁止饲养烈性犬。\n";

#[tokio::test]
async fn a_full_cycle_ends_with_the_commenter_reading_the_answer() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("公安局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900003333").await;
    let res = comment(&app, &citizen, c, "a3", "建议登记费用减半收取。").await;
    let receipt = receipt_of(&res);
    assert_eq!(comment(&app, &citizen, c, "a1", "立法目的应写明保障公共安全。").await.status(), 303);
    let (adopted, declined) =
        (id_of(&app, "建议登记费用减半收取。").await, id_of(&app, "立法目的应写明保障公共安全。").await);
    approve(&app, &staff, adopted).await;
    approve(&app, &staff, declined).await;
    assert_eq!(answer(&app, &staff, c, adopted, "adopted", "").await.status(), 303);
    assert_eq!(
        answer(&app, &staff, c, declined, "not_adopted", "第一条已涵盖公共安全，无需重复。").await.status(),
        303
    );

    // Not while comments may still come in.
    let summary = [("summary", "共收到意见2条，采纳1条。"), ("revised_text", REVISED)];
    let res = publish(&app, &staff, c, &summary).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("征求意见期结束后才能发布"));
    // Before publication the answer is the agency's draft: not shown to the commenter or the public.
    let page = app.post_form(&citizen, "/receipts", &[("no", &receipt)]).await.text().await.unwrap();
    assert!(
        page.contains("建议登记费用减半收取。") && !page.contains("class=\"answer\""),
        "no answer before the report is published"
    );
    assert_eq!(app.get(&app.client(), &format!("/consultations/{c}/report")).await.status(), 404);

    close(&app, c).await;
    // A preview first: the staff page shows the report as it will be published.
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{c}/report"),
            &[("summary", "草稿说明。"), ("action", "save")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let preview = app.get(&staff, &format!("/staff/consultations/{c}/report")).await.text().await.unwrap();
    assert!(preview.contains("预览") && preview.contains("草稿说明。") && preview.contains("尚未发布"));

    let res = publish(&app, &staff, c, &summary).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    assert_eq!(location(&res), format!("/consultations/{c}/report"));

    // The public report: figures, a chart drawn on the server, each comment with its answer, the
    // revised article's change linked to the comment adopted for it.
    let report = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(report.contains("共有1人提出意见2条，公开2条"), "participants and comments");
    assert!(report.contains("<svg") && report.contains("采纳1条"), "the chart has the figures");
    assert!(report.contains("共收到意见2条，采纳1条。"), "the summary");
    assert!(report.contains("第一条已涵盖公共安全，无需重复。"), "every reason");
    assert!(report.contains("<ins>，登记费用减半收取</ins>"), "the change to 第三条");
    assert!(report.contains(&format!("href=\"#c{adopted}\"")), "linked to the adopted comment");

    // The commenter: receipt, own comments page, inbox.
    let page = app.post_form(&citizen, "/receipts", &[("no", &receipt)]).await.text().await.unwrap();
    assert!(page.contains("class=\"answer\"") && page.contains(">采纳</strong>"));
    let mine = app.get(&citizen, "/me").await.text().await.unwrap();
    assert!(mine.contains("第一条已涵盖公共安全，无需重复。") && mine.contains(">未采纳</strong>"));
    let inbox = app.get(&citizen, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("消息（1）"), "the header counts the unread message");
    assert!(inbox.contains("提出的意见已有答复") && inbox.contains(&format!("/consultations/{c}/report")));
    assert_eq!(app.post_form(&citizen, "/inbox/read", &[]).await.status(), 303);
    assert!(!app.get(&citizen, "/inbox").await.text().await.unwrap().contains("消息（1）"));

    // CSV and the printable page.
    let res = app.get(&app.client(), &format!("/consultations/{c}/report.csv")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.contains(&format!("{declined},第一条,立法目的应写明保障公共安全。,")));
    assert!(csv.contains("未采纳,第一条已涵盖公共安全，无需重复。"));
    // Gzipped on the way for a browser that accepts it, whole to the last line.
    let gzipped = app
        .client()
        .get(app.url(&format!("/consultations/{c}/report.csv")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let mut unzipped = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&gzipped.bytes().await.unwrap()[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, csv);
    let print = app.get(&app.client(), &format!("/consultations/{c}/report?print=1")).await.text().await.unwrap();
    assert!(print.contains("report printable") && print.contains("建议登记费用减半收取。"));

    // The answers are final now.
    let res = answer(&app, &staff, c, declined, "adopted", "").await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("答复不能再修改"));
    assert_eq!(publish(&app, &staff, c, &summary).await.status(), 409);

    // In the API and in search, reason included.
    let api: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/consultations/{c}/report")).await.json().await.unwrap();
    assert_eq!(api["overall"]["comments"], 2);
    assert_eq!(api["comments"].as_array().unwrap().len(), 2);
    let hits = until_hits(&app, &app.client(), "无需重复", 1).await;
    assert_eq!(hits["total"], 1, "the reason is searchable: {hits}");
    let hits = until_hits(&app, &app.client(), "采纳1条", 1).await;
    assert_eq!(hits["hits"][0]["kind"], "report", "and so is the report: {hits}");
}

#[tokio::test]
async fn the_report_waits_for_every_answer_unless_the_agency_says_why() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900004444").await;
    for body in ["第二条应包括农村地区。", "第三条应允许网上登记。"] {
        assert_eq!(comment(&app, &citizen, c, "a2", body).await.status(), 303);
    }
    let (first, second) = (id_of(&app, "第二条应包括农村地区。").await, id_of(&app, "第三条应允许网上登记。").await);
    approve(&app, &staff, first).await;
    approve(&app, &staff, second).await;
    assert_eq!(answer(&app, &staff, c, first, "already_provided", "第二条已包括全市。").await.status(), 303);
    close(&app, c).await;

    let res = publish(&app, &staff, c, &[("summary", "总体说明。"), ("unanswered_reason", " ")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("尚有1条意见未答复、0条意见未审核"), "the message says what is missing");
    assert!(page.contains("总体说明。"), "what was typed is still there");
    assert_eq!(app.get(&app.client(), &format!("/consultations/{c}/report")).await.status(), 404);

    let why = "网上登记涉及系统建设，另行研究后答复。";
    let res = publish(&app, &staff, c, &[("summary", "总体说明。"), ("unanswered_reason", why)]).await;
    assert_eq!(res.status(), 303);
    let report = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(report.contains("未答复的1条意见") && report.contains(why));
    assert!(report.contains("未答复</strong>"), "the unanswered comment is listed as such");
}

#[tokio::test]
async fn the_public_never_sees_rejected_or_unpublished_comments_or_who_wrote_them() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市场监管局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.client();
    let form = [
        ("login", "13912345678"),
        ("password", "correct horse"),
        ("display_name", "张小明"),
        ("real_name", "张明明"),
        ("consent", "1"),
    ];
    assert_eq!(app.post_form(&citizen, "/register", &form).await.status(), 303);
    for body in ["公开的意见：第三条很好。", "被拒绝的意见：含有电话13912345678。", "未审核的意见：尚待处理。"]
    {
        assert_eq!(comment(&app, &citizen, c, "a3", body).await.status(), 303);
    }
    approve(&app, &staff, id_of(&app, "公开的意见：第三条很好。").await).await;
    let rejected = id_of(&app, "被拒绝的意见：含有电话13912345678。").await;
    let res = app
        .post_form(
            &staff,
            &format!("/staff/comments/{rejected}/moderate"),
            &[("decision", "reject"), ("reason", "含个人信息")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = answer(&app, &staff, c, rejected, "not_adopted", "不公开").await;
    assert_eq!(res.status(), 409, "a comment that was not published needs no answer");
    answer(&app, &staff, c, id_of(&app, "公开的意见：第三条很好。").await, "adopted", "").await;
    close(&app, c).await;
    let res = publish(&app, &staff, c, &[("summary", "说明。"), ("unanswered_reason", "一条意见仍在审核。")]).await;
    assert_eq!(res.status(), 303);

    let anyone = app.client();
    let pages = [
        app.get(&anyone, &format!("/consultations/{c}/report")).await.text().await.unwrap(),
        app.get(&anyone, &format!("/consultations/{c}/report?print=1")).await.text().await.unwrap(),
        app.get(&anyone, &format!("/consultations/{c}/report.csv")).await.text().await.unwrap(),
        app.get(&anyone, &format!("/api/v1/consultations/{c}/report")).await.text().await.unwrap(),
    ];
    for page in &pages {
        assert!(page.contains("公开的意见：第三条很好。"));
        for secret in ["被拒绝的意见", "未审核的意见", "13912345678", "张小明", "张明明"] {
            assert!(!page.contains(secret), "{secret} leaked");
        }
    }
    assert!(pages[0].contains("共有1人提出意见3条，公开1条"), "counted, never shown");
}

#[tokio::test]
async fn only_the_agency_previews_and_publishes_its_report() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("住建局").await;
    let c = app.open_consultation(&staff).await;
    close(&app, c).await;
    let (other, _) = app.staff("水务局").await;
    assert_eq!(publish(&app, &other, c, &[("summary", "冒名发布。")]).await.status(), 404);
    assert_eq!(app.get(&other, &format!("/staff/consultations/{c}/report")).await.status(), 404);
    let res = other.get(app.url(&format!("/api/v1/consultations/{c}/report?preview=true"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let citizen = app.citizen("13900005555").await;
    assert_eq!(publish(&app, &citizen, c, &[("summary", "冒名发布。")]).await.status(), 403);

    // The API: a typed error without a summary, then the published report.
    let url = app.url(&format!("/api/v1/consultations/{c}/report"));
    let res = staff.put(&url).json(&serde_json::json!({"publish": true})).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "summary");
    let res =
        staff.put(&url).json(&serde_json::json!({"summary": "未收到意见。", "publish": true})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["published_at"].is_i64());
    assert_eq!(body["received"], 0);
}

#[tokio::test]
async fn a_reader_printing_a_long_report_gets_it_in_parts_and_never_all_at_once() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城管局").await;
    let c = app.open_consultation(&staff).await;
    let body = |i: usize| format!("打印测试意见{i:04}。");
    published_comments(&app, c, "a3", app::feedback::PRINT_PAGE + 1, body).await;
    close(&app, c).await;
    assert_eq!(publish(&app, &staff, c, &[("summary", "意见较多，逐条答复。")]).await.status(), 303);

    let first = app.get(&app.client(), &format!("/consultations/{c}/report?print=1")).await.text().await.unwrap();
    assert!(first.contains("report printable") && first.contains("本打印版共2部分"), "the parts are told");
    assert!(first.contains("全部意见及答复请下载CSV"), "and where everything is");
    assert_eq!(first.matches("打印测试意见").count(), app::feedback::PRINT_PAGE, "one part, never all");
    assert!(first.contains("打印测试意见0000。") && !first.contains("打印测试意见1000。"));
    assert!(first.contains(&format!("/consultations/{c}/report?print=1&amp;page=2")), "a link to the next part");
    let second =
        app.get(&app.client(), &format!("/consultations/{c}/report?print=1&page=2")).await.text().await.unwrap();
    assert_eq!(second.matches("打印测试意见").count(), 1);
    assert!(second.contains("打印测试意见1000。") && second.contains("第2部分，共2部分"));
    // The CSV still has every comment.
    let csv = app.get(&app.client(), &format!("/consultations/{c}/report.csv")).await.text().await.unwrap();
    assert_eq!(csv.matches("打印测试意见").count(), app::feedback::PRINT_PAGE + 1);
}

#[tokio::test]
async fn a_reader_of_a_published_report_sees_the_revision_compared_once_at_publication() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("公安局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900003334").await;
    assert_eq!(comment(&app, &citizen, c, "a3", "建议登记费用减半收取。").await.status(), 303);
    let adopted = id_of(&app, "建议登记费用减半收取。").await;
    approve(&app, &staff, adopted).await;
    assert_eq!(answer(&app, &staff, c, adopted, "adopted", "").await.status(), 303);
    close(&app, c).await;

    // A preview follows the revised text as staff change it, and keeps nothing.
    let editor = format!("/staff/consultations/{c}/report");
    let draft = REVISED.replace("登记费用减半收取", "登记费用全免");
    let res =
        app.post_form(&staff, &editor, &[("summary", "草稿。"), ("revised_text", &draft), ("action", "save")]).await;
    assert_eq!(res.status(), 303);
    assert!(app.get(&staff, &editor).await.text().await.unwrap().contains("<ins>，登记费用全免</ins>"));
    let res =
        app.post_form(&staff, &editor, &[("summary", "草稿。"), ("revised_text", REVISED), ("action", "save")]).await;
    assert_eq!(res.status(), 303);
    let preview = app.get(&staff, &editor).await.text().await.unwrap();
    assert!(preview.contains("<ins>，登记费用减半收取</ins>") && !preview.contains("登记费用全免"));
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_revisions").fetch_one(&app.db).await.unwrap();
    assert_eq!(kept, 0, "nothing is kept before publication");

    let summary = [("summary", "共收到意见1条，采纳1条。"), ("revised_text", REVISED)];
    assert_eq!(publish(&app, &staff, c, &summary).await.status(), 303);
    let report = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(report.contains("<ins>，登记费用减半收取</ins>"), "the change to 第三条, as before");
    assert!(report.contains(&format!("href=\"#c{adopted}\"")), "linked to the adopted comment");
    // The comparison was kept at publication, and views read it rather than comparing again: a
    // change made to the kept row (and only there) is what the next reader sees.
    sqlx::query("UPDATE report_revisions SET revisions = REPLACE(revisions, '登记费用减半收取', '登记费用按规定减收') WHERE consultation_id = $1")
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    let report = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(report.contains("<ins>，登记费用按规定减收</ins>"), "read from the kept comparison");

    // A report published before comparisons were kept gets its comparison at the next start.
    sqlx::query("DELETE FROM report_revisions").execute(&app.db).await.unwrap();
    let dir = app.stop().await;
    let cfg = server::config::Config { limits: relaxed(), search_interval_ms: 50, ..Default::default() };
    let app = TestApp::spawn_in(dir, cfg).await;
    // (The server answers once its start-up work is done.)
    let report = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(report.contains("<ins>，登记费用减半收取</ins>"));
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_revisions").fetch_one(&app.db).await.unwrap();
    assert_eq!(kept, 1);
}
