//! What a commenter is told once the adoption report is out: the answer to their comment, or, when
//! the report leaves it unanswered, that truth and the agency's published reason, on the receipt,
//! on 我的意见, in the API and in 消息.
use crate::harness::*;
use crate::report::{answer, approve, close, id_of, publish};
use reqwest::Client;
use serde_json::{json, Value};

/// The receipt as the API gives it to the comment's author.
async fn api_receipt(app: &TestApp, c: &Client, receipt: &str) -> Value {
    let res = c.post(app.url("/api/v1/comments/receipt")).json(&json!({ "receipt": receipt })).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The receipt page, looked up by number.
async fn receipt_page(app: &TestApp, c: &Client, receipt: &str) -> String {
    app.post_form(c, "/receipts", &[("no", receipt)]).await.text().await.unwrap()
}

#[tokio::test]
async fn a_commenter_left_unanswered_is_told_so_and_sees_the_published_reason_on_the_receipt() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("公安局").await;
    let c = app.open_consultation(&staff).await;
    let answered = app.citizen("13900006661").await;
    let left = app.citizen("13900006662").await;
    let answered_receipt = receipt_of(&comment(&app, &answered, c, "a3", "建议登记费用减半收取。").await);
    let left_receipt = receipt_of(&comment(&app, &left, c, "a2", "建议增加网上登记渠道。").await);
    // A second comment of the same citizen that nobody moderates before the report.
    let pending_receipt = receipt_of(&comment(&app, &left, c, "a1", "立法目的应写明文明养犬。").await);
    let (a, l) = (id_of(&app, "建议登记费用减半收取。").await, id_of(&app, "建议增加网上登记渠道。").await);
    approve(&app, &staff, a).await;
    approve(&app, &staff, l).await;
    assert_eq!(answer(&app, &staff, c, a, "not_adopted", "第三条已有收费标准。").await.status(), 303);
    close(&app, c).await;
    // Typed by the agency, so hostile text must stay text wherever it is shown.
    let why = "网上登记<script>alert(1)</script>涉及系统建设，另行研究。";
    let res = publish(&app, &staff, c, &[("summary", "共收到意见3条。"), ("unanswered_reason", why)]).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    let report_href = format!("href=\"/consultations/{c}/report\"");
    let why_escaped = "网上登记&lt;script&gt;alert(1)&lt;/script&gt;涉及系统建设，另行研究。";

    // The commenter left unanswered: receipt page, 我的意见, API, inbox.
    let page = receipt_page(&app, &left, &left_receipt).await;
    assert!(page.contains("已发布采纳情况说明（未逐条答复）"), "the truth on the receipt: {page}");
    assert!(page.contains(why_escaped) && !page.contains("<script>alert(1)"), "the reason, as text");
    assert!(page.contains(&report_href), "linked to the report");
    assert!(!page.contains("已有答复") && !page.contains("class=\"answer\""), "no answer pretended");
    let mine = app.get(&left, "/me").await.text().await.unwrap();
    assert!(mine.contains("已发布采纳情况说明（未逐条答复）") && mine.contains(why_escaped));
    assert!(mine.contains(&report_href) && !mine.contains("<script>alert(1)"));
    let api = api_receipt(&app, &left, &left_receipt).await;
    assert_eq!(api["answer"], "unanswered", "{api}");
    assert_eq!(api["unanswered_reason"], why);
    assert_eq!(api["report"], format!("/consultations/{c}/report"));
    assert!(api["disposition"].is_null());
    let inbox = app.get(&left, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("您的意见未逐条答复") && !inbox.contains("已有答复"), "the message tells the truth");

    // The comment still waiting for moderation shows what it showed before.
    let page = receipt_page(&app, &left, &pending_receipt).await;
    assert!(page.contains("待审核") && !page.contains("未逐条答复") && !page.contains("另行研究"));
    let api = api_receipt(&app, &left, &pending_receipt).await;
    assert_eq!(api["status"], "pending");
    assert!(api["answer"].is_null() && api["unanswered_reason"].is_null(), "{api}");

    // The commenter who was answered keeps seeing the answer, and nothing of the reason.
    let page = receipt_page(&app, &answered, &answered_receipt).await;
    assert!(
        page.contains("class=\"answer\"") && page.contains(">未采纳</strong>") && page.contains("第三条已有收费标准。")
    );
    assert!(page.contains(&report_href) && !page.contains("未逐条答复") && !page.contains("另行研究"));
    let api = api_receipt(&app, &answered, &answered_receipt).await;
    assert_eq!(api["answer"], "answered", "{api}");
    assert_eq!(api["disposition"], "not_adopted");
    assert!(api["unanswered_reason"].is_null());
    let inbox = app.get(&answered, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("提出的意见已有答复") && !inbox.contains("未逐条答复"));
}

#[tokio::test]
async fn a_commenter_answered_on_one_comment_but_not_another_is_told_both() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("交通运输局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900006663").await;
    let first = receipt_of(&comment(&app, &citizen, c, "a2", "第二条应包括农村地区。").await);
    let second = receipt_of(&comment(&app, &citizen, c, "a3", "第三条应允许网上登记。").await);
    let (one, two) = (id_of(&app, "第二条应包括农村地区。").await, id_of(&app, "第三条应允许网上登记。").await);
    approve(&app, &staff, one).await;
    approve(&app, &staff, two).await;
    assert_eq!(answer(&app, &staff, c, one, "already_provided", "第二条已包括全市。").await.status(), 303);
    // Before the report: no answer and no reason, whatever staff have drafted.
    let api = api_receipt(&app, &citizen, &second).await;
    assert_eq!(api["answer"], "awaiting", "{api}");
    assert!(api["report"].is_null());
    close(&app, c).await;
    let why = "网上登记另行研究。";
    let res = publish(&app, &staff, c, &[("summary", "总体说明。"), ("unanswered_reason", why)]).await;
    assert_eq!(res.status(), 303);

    assert_eq!(api_receipt(&app, &citizen, &first).await["answer"], "answered");
    assert_eq!(api_receipt(&app, &citizen, &second).await["answer"], "unanswered");
    let inbox = app.get(&citizen, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("您的意见部分已有答复，其余未逐条答复"), "one message, both truths");
    let mine = app.get(&citizen, "/me").await.text().await.unwrap();
    assert!(mine.contains("第二条已包括全市。") && mine.contains("未逐条答复") && mine.contains(why));
}
