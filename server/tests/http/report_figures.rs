//! The published report's figures and comment list over HTTP: counted once at publication and
//! kept, still true when moderation goes on afterwards, and paged in article order without
//! sorting every comment.
use crate::harness::*;
use crate::report::{answer, approve, close, id_of, publish};
use serde_json::Value;

async fn report_json(app: &TestApp, c: i64, page: u32) -> Value {
    let res = app.get(&app.client(), &format!("/api/v1/consultations/{c}/report?page={page}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The figures as they stand, counted over every comment, to hold the kept ones against.
async fn counted_now(app: &TestApp, c: i64) -> app::feedback::figures::Figures {
    let mut conn = app.db.acquire().await.unwrap();
    app::feedback::figures::count(&mut conn, c).await.unwrap()
}

async fn kept(app: &TestApp, c: i64) -> app::feedback::figures::Figures {
    let mut conn = app.db.acquire().await.unwrap();
    app::feedback::figures::kept(&mut conn, c).await.unwrap().expect("kept at publication")
}

fn article<'a>(report: &'a Value, anchor: &str) -> &'a Value {
    report["articles"].as_array().unwrap().iter().find(|a| a["anchor"] == anchor).expect("the article's row")
}

#[tokio::test]
async fn comments_approved_after_the_report_is_published_are_counted_in_and_each_person_once() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市城管局").await;
    let c = app.open_consultation(&staff).await;
    let (a, b, d) =
        (app.citizen("13900006001").await, app.citizen("13900006002").await, app.citizen("13900006003").await);
    for (who, article, body) in [
        (&a, "a1", "甲对第一条的意见。"),
        (&a, "a3", "甲对第三条的意见。"),
        (&b, "a3", "乙对第三条的意见。"),
        (&d, "a3", "丙的第一条意见。"),
        (&d, "a3", "丙的第二条意见。"),
    ] {
        assert_eq!(comment(&app, who, c, article, body).await.status(), 303);
    }
    let first = id_of(&app, "甲对第一条的意见。").await;
    approve(&app, &staff, first).await;
    assert_eq!(answer(&app, &staff, c, first, "adopted", "").await.status(), 303);
    close(&app, c).await;
    let why = "其余意见尚在审核，审核后公开。";
    assert_eq!(publish(&app, &staff, c, &[("summary", "说明。"), ("unanswered_reason", why)]).await.status(), 303);
    let report = report_json(&app, c, 1).await;
    assert_eq!((report["received"].as_u64(), report["participants"].as_u64()), (Some(5), Some(3)));
    assert_eq!(report["overall"]["comments"], 1);
    assert_eq!(kept(&app, c).await, counted_now(&app, c).await);

    // Moderation goes on: one by one, and two of one person's comments in one bulk decision.
    approve(&app, &staff, id_of(&app, "乙对第三条的意见。").await).await;
    approve(&app, &staff, id_of(&app, "甲对第三条的意见。").await).await;
    let (d1, d2) =
        (id_of(&app, "丙的第一条意见。").await.to_string(), id_of(&app, "丙的第二条意见。").await.to_string());
    let ticked = [("scope", "ticked"), ("ids", d1.as_str()), ("ids", d2.as_str()), ("decision", "approve")];
    assert_eq!(app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &ticked).await.status(), 303);

    let report = report_json(&app, c, 1).await;
    assert_eq!(report["overall"]["comments"], 5, "every published comment is in the figures");
    assert_eq!(report["overall"]["participants"], 3, "甲, 乙 and 丙, each once");
    assert_eq!(report["overall"]["unanswered"], 4);
    assert_eq!(report["overall"]["by_disposition"][0], 1, "the answer given before stays counted");
    let third = article(&report, "a3");
    assert_eq!((third["tally"]["comments"].as_u64(), third["tally"]["participants"].as_u64()), (Some(4), Some(3)));
    assert_eq!(article(&report, "a1")["tally"]["participants"], 1);
    assert_eq!(report["comments"].as_array().unwrap().len(), 5, "and in the list");
    assert_eq!(kept(&app, c).await, counted_now(&app, c).await, "the kept figures are the true ones");
    let page = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(page.contains("共有3人提出意见5条，公开5条") && page.contains("未答复的4条意见"));
    let csv = app.get(&app.client(), &format!("/consultations/{c}/report.csv")).await.text().await.unwrap();
    assert!(csv.contains("丙的第二条意见。") && csv.contains("乙对第三条的意见。"), "the download has them too");
}

#[tokio::test]
async fn a_reader_of_a_published_report_is_shown_the_figures_kept_at_publication() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市水务局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900006011").await;
    assert_eq!(comment(&app, &citizen, c, "a2", "第二条应包括农村。").await.status(), 303);
    let id = id_of(&app, "第二条应包括农村。").await;
    approve(&app, &staff, id).await;
    assert_eq!(answer(&app, &staff, c, id, "adopted", "").await.status(), 303);
    close(&app, c).await;
    assert_eq!(publish(&app, &staff, c, &[("summary", "说明。")]).await.status(), 303);
    // What a view shows is what was kept, not a count made per view: a change made to the kept
    // figures (and only there) is what the next reader sees.
    sqlx::query("UPDATE adoption_reports SET received = 4242 WHERE consultation_id = $1")
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE report_tallies SET adopted = 7, comments = 7 WHERE consultation_id = $1 AND scope = 'all'")
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    let page = app.get(&app.client(), &format!("/consultations/{c}/report")).await.text().await.unwrap();
    assert!(page.contains("提出意见4242条，公开7条"), "read from the kept figures");
}

/// The id of the consultation's article `anchor` (None for "", the draft as a whole).
pub(crate) async fn article_id(app: &TestApp, c: i64, anchor: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = $2")
        .bind(c)
        .bind(anchor)
        .fetch_optional(&app.db)
        .await
        .unwrap()
}

/// Store `n` published comments on `anchor` ("" for the draft as a whole), answered, as if sent
/// through the form and moderated; the `i`-th says `body(i)`.
pub(crate) async fn published_comments(app: &TestApp, c: i64, anchor: &str, n: usize, body: impl Fn(usize) -> String) {
    let article = article_id(app, c, anchor).await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..n {
        sqlx::query(
            "INSERT INTO comments (receipt, consultation_id, article_id, body, status, disposition, disposition_reason, created_at)
             VALUES ($1, $2, $3, $4, 'approved', 'not_adopted', '另行研究。', $5)",
        )
        .bind(format!("YJ-TEST-{c}-{anchor}-{i}"))
        .bind(c)
        .bind(article)
        .bind(body(i))
        .bind(app::clock::now())
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Store `n` comments on `anchor` with bodies naming it and their number, for paging.
async fn numbered(app: &TestApp, c: i64, anchor: &str, n: usize) {
    published_comments(app, c, anchor, n, |i| format!("分页意见{anchor}-{i:03}。")).await;
}

#[tokio::test]
async fn a_reader_paging_through_a_report_reads_every_comment_once_in_article_order() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市民政局").await;
    let c = app.open_consultation(&staff).await;
    // Received out of article order, with an article between them left without comments.
    numbered(&app, c, "a3", 120).await;
    numbered(&app, c, "", 30).await;
    numbered(&app, c, "a1", 70).await;
    numbered(&app, c, "a3-1", 5).await;
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT m.id FROM comments m LEFT JOIN articles ar ON ar.id = m.article_id
         WHERE m.consultation_id = $1 AND m.status = 'approved' ORDER BY COALESCE(ar.position, -1), m.id",
    )
    .bind(c)
    .fetch_all(&app.db)
    .await
    .unwrap();
    close(&app, c).await;
    assert_eq!(publish(&app, &staff, c, &[("summary", "逐条答复。")]).await.status(), 303);
    let mut read = Vec::new();
    for page in 1..=3 {
        let report = report_json(&app, c, page).await;
        assert_eq!((report["page"].as_u64(), report["pages"].as_u64()), (Some(u64::from(page)), Some(3)));
        read.extend(report["comments"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()));
    }
    assert_eq!(read, expected, "the draft as a whole, then 第一条, 第三条, 第三条之一, each by number");
    let last = app.get(&app.client(), &format!("/consultations/{c}/report?page=3")).await.text().await.unwrap();
    assert!(last.contains("分页意见a3-1-004。") && last.contains("第3页，共3页") && !last.contains("下一页"));
    // The staff preview of another consultation's unpublished report pages the same way.
    let d = app.open_consultation(&staff).await;
    numbered(&app, d, "a2", 101).await;
    let preview = app.get(&staff, &format!("/api/v1/consultations/{d}/report?preview=true&page=2")).await;
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["comments"].as_array().unwrap().len(), 1);
    assert_eq!(preview["comments"][0]["body"], "分页意见a2-100。");
}
