//! Filing for review (备案审查): a registered document is due to be filed within the configured
//! period of its publication; its issuing body files it with a report; the reviewing office (staff
//! granted `legal_affairs`, never of the issuing body) records the outcome within its period; a
//! correction sends it back to be filed again; everything but who did it is public.
use crate::harness::*;
use crate::registry::{api_doc, coded_agency, registered, TEXT};
use reqwest::Client;

/// A legal-affairs office's staff member granted the power to review filings.
async fn reviewer(app: &TestApp) -> Client {
    let (staff, _) = app.staff("市司法局").await;
    let login: String = sqlx::query_scalar(
        "SELECT u.login FROM users u JOIN agencies a ON a.id = u.agency_id WHERE a.name = '市司法局'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let admin = app.admin_client().await;
    let res = app.post_form(&admin, "/admin/grants", &[("login", &login), ("grant", "legal_affairs")]).await;
    assert_eq!(res.status(), 200);
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_grants g JOIN users u ON u.id = g.user_id WHERE u.login = $1 AND g.grant_name = 'legal_affairs'",
    )
    .bind(&login)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(held, 1, "the administrator grants the power on the administration page");
    staff
}

#[tokio::test]
async fn a_document_is_filed_by_its_issuer_and_reviewed_by_the_legal_affairs_office_in_public() {
    let app = TestApp::spawn().await;
    let (issuer, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, _) = registered(&app, &issuer, "某市共享单车停放管理办法", TEXT).await;
    let office = reviewer(&app).await;
    let (other, _) = app.staff("市交通运输局").await;

    // Due 30 days (configurable) after publication, counted on the holiday calendar.
    let d = api_doc(&app, doc).await;
    let published = app::clock::date_of(d["summary"]["published_on"].as_i64().unwrap());
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    let file_by = app::deadlines::Period::calendar(30).due(&cal, published);
    assert_eq!(d["filing"]["file_by"], file_by.to_string());
    assert!(d["filing"]["filed_on"].is_null());
    let waiting = app.get(&office, "/staff/filings?list=unfiled").await.text().await.unwrap();
    assert!(waiting.contains("某市共享单车停放管理办法"), "the office sees what is not yet filed");

    // Nobody reviews what is not filed; only the issuing body files, with a report.
    let review = [("outcome", "filed"), ("reasons", "")];
    let res = app.post_form(&office, &format!("/staff/documents/{doc}/filing/review"), &review).await;
    assert_eq!(res.status(), 409);
    let report = [("report", "经合法性审核和集体讨论决定后公布施行。")];
    let res = app.post_form(&other, &format!("/staff/documents/{doc}/filing"), &report).await;
    assert_eq!(res.status(), 404, "another body cannot file it");
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &[("report", " ")]).await;
    assert_eq!(res.status(), 422, "a report is needed");
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &report).await;
    assert_eq!(res.status(), 303);
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &report).await;
    assert_eq!(res.status(), 409, "filed once");

    // Only the office reviews, within 30 days of the filing; a correction needs its reasons.
    let d = api_doc(&app, doc).await;
    let review_by = app::deadlines::Period::calendar(30).due(&cal, app::clock::today());
    assert_eq!(d["filing"]["review_by"], review_by.to_string());
    let queue = app.get(&office, "/staff/filings").await.text().await.unwrap();
    assert!(queue.contains("某市共享单车停放管理办法") && queue.contains(&review_by.to_string()));
    assert_eq!(app.get(&issuer, "/api/v1/documents").await.status(), 200);
    let res = app.post_form(&other, &format!("/staff/documents/{doc}/filing/review"), &review).await;
    assert_eq!(res.status(), 403, "without the power");
    let correction = [("outcome", "correction"), ("reasons", "")];
    let res = app.post_form(&office, &format!("/staff/documents/{doc}/filing/review"), &correction).await;
    assert_eq!(res.status(), 422, "reasons are required for a correction");
    let correction = [("outcome", "correction"), ("reasons", "第三条设定的责令限期清理缺少上位法依据，请予纠正。")];
    let res = app.post_form(&office, &format!("/staff/documents/{doc}/filing/review"), &correction).await;
    assert_eq!(res.status(), 303);
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE title LIKE '备案审查结论%责令纠正'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(told >= 1, "the issuing body is told");

    // Public: the outcome and its reasons; then filed again after the correction, and accepted.
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("责令纠正") && page.contains("缺少上位法依据"), "the outcome is public");
    let res = app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &report).await;
    assert_eq!(res.status(), 303, "filed again after the correction");
    let d = api_doc(&app, doc).await;
    assert!(
        d["filing"]["earlier"][0]["reasons"].as_str().unwrap().contains("缺少上位法依据"),
        "the correction stays on record"
    );
    let res = app.post_form(&office, &format!("/staff/documents/{doc}/filing/review"), &review).await;
    assert_eq!(res.status(), 303);
    let d = api_doc(&app, doc).await;
    assert_eq!(d["filing"]["outcome"], "filed");
    assert_eq!(d["filing"]["filed_late"], false);
    assert_eq!(d["filing"]["reviewed_late"], false);
    let page = app.get(&app.client(), &format!("/documents/{doc}")).await.text().await.unwrap();
    assert!(page.contains("准予备案"));
}

#[tokio::test]
async fn the_legal_affairs_office_cannot_review_its_own_documents_and_the_list_needs_the_power() {
    let app = TestApp::spawn().await;
    let office = reviewer(&app).await;
    let admin = app.admin_client().await;
    let justice: i64 =
        sqlx::query_scalar("SELECT id FROM agencies WHERE name = '市司法局'").fetch_one(&app.db).await.unwrap();
    let res =
        app.post_form(&admin, "/admin/agencies/code", &[("agency_id", &justice.to_string()), ("code", "长司规")]).await;
    assert_eq!(res.status(), 303);
    let (own, _) = registered(&app, &office, "某市行政执法公示办法", TEXT).await;
    let res = app.post_form(&office, &format!("/staff/documents/{own}/filing"), &[("report", "报送备案。")]).await;
    assert_eq!(res.status(), 303);
    let res = app.post_form(&office, &format!("/staff/documents/{own}/filing/review"), &[("outcome", "filed")]).await;
    assert_eq!(res.status(), 409, "its own documents go to the level above");
    // A document that no longer binds is not reviewed, and nothing of it is late.
    let (other_agency, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (repealed, _) = registered(&app, &other_agency, "某市临时摊点管理办法", TEXT).await;
    let res =
        app.post_form(&other_agency, &format!("/staff/documents/{repealed}/filing"), &[("report", "报送备案。")]).await;
    assert_eq!(res.status(), 303);
    let day = crate::registry::day(0);
    let repeal = [("to", "repealed"), ("on_date", day.as_str()), ("reason", "已被取代")];
    let res = app.post_form(&other_agency, &format!("/staff/documents/{repealed}/status"), &repeal).await;
    assert_eq!(res.status(), 303);
    let res =
        app.post_form(&office, &format!("/staff/documents/{repealed}/filing/review"), &[("outcome", "filed")]).await;
    assert_eq!(res.status(), 409);
    let (plain, _) = app.staff("市交通运输局").await;
    let res = app.get(&plain, "/staff/filings").await;
    assert_eq!(res.status(), 403, "the list is the office's");
    assert!(res.text().await.unwrap().contains("请在文件页面“备案审查”处报送备案"), "and it says where to file");
}

#[tokio::test]
async fn an_issuing_body_is_reminded_before_its_filing_is_due_and_the_office_before_its_review_is() {
    let app = TestApp::spawn().await;
    let (issuer, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (doc, number) = registered(&app, &issuer, "某市共享单车停放管理办法", TEXT).await;
    let office = reviewer(&app).await;
    let (bystander, _) = app.staff("市交通运输局").await;
    let remind = |on: app::clock::Date| {
        let db = app.db.clone();
        async move { app::registry::filing_reminders::remind(&db, on).await.unwrap() }
    };
    let file_by: String = sqlx::query_scalar("SELECT file_by FROM document_filings WHERE document_id = $1")
        .bind(doc)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let file_by = app::clock::parse_date(&file_by).unwrap();
    assert_eq!(remind(file_by.add_days(-4)).await, 0, "four days before: not yet");
    assert_eq!(remind(file_by.add_days(-3)).await, 1, "three days before: the issuing body is told");
    assert_eq!(remind(file_by.add_days(-2)).await, 0, "once");
    let inbox = app.get(&issuer, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("报送备案") && inbox.contains(&number) && inbox.contains(&format!("/documents/{doc}")));
    for other in [&office, &bystander] {
        assert!(!app.get(other, "/inbox").await.text().await.unwrap().contains(&number), "nobody else");
    }

    // Filed: the review is due a period later; the office is told, not the issuing body.
    let report = [("report", "经合法性审核和集体讨论决定后公布施行。")];
    assert_eq!(app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &report).await.status(), 303);
    let review_by: String = sqlx::query_scalar("SELECT review_by FROM document_filings WHERE document_id = $1")
        .bind(doc)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let review_by = app::clock::parse_date(&review_by).unwrap();
    assert_eq!(remind(review_by.add_days(-4)).await, 0);
    assert_eq!(remind(review_by.add_days(1)).await, 1, "overdue and not yet told: told");
    assert_eq!(remind(review_by.add_days(2)).await, 0, "once");
    let inbox = app.get(&office, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains("完成审查") && inbox.contains(&number), "the reviewing office is told");
    let issuers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id
         JOIN agencies a ON a.id = u.agency_id WHERE a.name = '市城市管理局'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(issuers, 1, "the issuing body only of its own filing");

    // A correction sends it back; filed again, the new review is told of again.
    let correction = [("outcome", "correction"), ("reasons", "第三条缺少上位法依据")];
    let res = app.post_form(&office, &format!("/staff/documents/{doc}/filing/review"), &correction).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.post_form(&issuer, &format!("/staff/documents/{doc}/filing"), &report).await.status(), 303);
    assert_eq!(remind(app::clock::today().add_days(60)).await, 1, "the new round's review");
    // The hourly job gives them.
    sqlx::query("UPDATE document_filings SET review_reminded = 0").execute(&app.db).await.unwrap();
    sqlx::query("UPDATE document_filings SET review_by = $1")
        .bind(app::clock::today().to_string())
        .execute(&app.db)
        .await
        .unwrap();
    // Due now whatever the server's own hourly turn has done meanwhile.
    sqlx::query("UPDATE jobs SET next_run = 0 WHERE name = 'document_expiry'").execute(&app.db).await.unwrap();
    server::jobs::document_expiry(&app.db).await;
    let reminded: i64 =
        sqlx::query_scalar("SELECT review_reminded FROM document_filings").fetch_one(&app.db).await.unwrap();
    assert_eq!(reminded, 1);
}
