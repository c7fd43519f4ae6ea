//! Corrections to a draft: rewritten freely before publication; after it, wording only, with a
//! public note and what changed shown beside it.
use crate::harness::*;

const FIXED: &str = "第一章　总则\n第一条　为了规范养犬行为，制定本条例。\n第二条　本条例适用于本市行政区域。\n第二章　管理\n第三条　养犬人应当为犬只办理登记和免疫。\n第三条之一　重点管理区内禁止饲养烈性犬。\n";

fn correction<'a>(full_text: &'a str, note: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("_form", "correct"),
        ("title", "某市养犬管理条例（草案）"),
        ("explanation", "为规范养犬行为，起草本条例。"),
        ("full_text", full_text),
        ("note", note),
    ]
}

#[tokio::test]
async fn a_reader_sees_what_the_agency_corrected_in_a_published_draft_and_why_and_comments_stay_on_their_article() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let (other, _) = app.staff("市民政局").await;
    let id = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900009201").await;
    assert_eq!(comment(&app, &citizen, id, "a3", "登记应当免费").await.status(), 303);
    let path = format!("/staff/consultations/{id}/correct");
    let form = app.get(&staff, &path).await.text().await.unwrap();
    assert!(
        form.contains("养犬人应当为犬只办理登记。") && form.contains("更正说明"),
        "the form holds the text as published"
    );

    // Without a note: told at the note, the corrected text kept.
    let res = app.post_form(&staff, &path, &correction(FIXED, " ")).await;
    let page = rejected_page(res, 422).await;
    assert!(page.contains("请写明更正说明") && page.contains("办理登记和免疫"), "{page}");
    // An article removed: that is not a correction; the text typed is kept.
    let shortened = FIXED.replace("第三条之一　重点管理区内禁止饲养烈性犬。\n", "");
    let res = app.post_form(&staff, &path, &correction(&shortened, "删去一条")).await;
    let page = rejected_page(res, 422).await;
    assert!(page.contains("不能增加、删除或调整条文") && page.contains("缺少第三条之一"), "{page}");
    assert!(page.contains("删去一条"), "the note typed is kept");
    // The same text again corrects nothing.
    let res = app.post_form(&staff, &path, &correction(DRAFT, "无改动")).await;
    assert!(rejected_page(res, 422).await.contains("没有需要更正的内容"));
    // Another agency cannot see or correct it.
    assert_eq!(app.get(&other, &path).await.status(), 404);
    assert_eq!(app.post_form(&other, &path, &correction(FIXED, "冒名更正")).await.status(), 404);

    let res = app.post_form(&staff, &path, &correction(FIXED, "第三条漏字<script>x</script>")).await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(page.contains("起草单位更正了草案。更正说明：第三条漏字&lt;script&gt;x&lt;/script&gt;"), "{page}");
    assert!(page.contains("<ins>和免疫</ins>"), "what was added is marked: {page}");
    assert!(page.contains("养犬人应当为犬只办理登记和免疫。"), "the article reads as corrected");
    let on: String = sqlx::query_scalar(
        "SELECT a.anchor FROM comments m JOIN articles a ON a.id = m.article_id WHERE m.consultation_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(on, "a3", "the comment stays on the article it was made on");
    let api: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/consultations/{id}")).await.json().await.unwrap();
    let change = &api["changes"][0];
    assert_eq!(change["kind"], "corrected");
    assert_eq!(change["corrected"][0]["part"], "第三条");
    assert_eq!(change["corrected"][0]["anchor"], "a3");

    // Once the window has closed, the consulted text is the record: no more corrections.
    sqlx::query("UPDATE consultations SET closes_at = $1 WHERE id = $2")
        .bind(app::clock::now() - 60)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    let res = app.post_form(&staff, &path, &correction(DRAFT, "再改回去")).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn an_agency_rewrites_its_unpublished_draft_freely_and_no_correction_is_published() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let today = app::clock::format_date(app::clock::now());
    let closes = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let form = [
        ("kind", "regulation"),
        ("title", "某市犬只收容管理办法（草稿）"),
        ("full_text", DRAFT),
        ("opens_on", today.as_str()),
        ("closes_on", closes.as_str()),
        ("draft", "1"),
    ];
    let id = location_id(&app.post_form(&staff, "/staff/consultations/new", &form).await);
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(preview.contains(&format!("/staff/consultations/{id}/correct")), "the preview links to editing");
    let path = format!("/staff/consultations/{id}/correct");
    assert!(!app.get(&staff, &path).await.text().await.unwrap().contains("更正说明"), "no public note for a draft");
    let longer = format!("{DRAFT}第四条　违反本条例的，依法处理。\n");
    let res = app
        .post_form(
            &staff,
            &path,
            &[("_form", "correct"), ("title", "某市犬只收容管理办法"), ("explanation", ""), ("full_text", &longer)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(preview.contains("违反本条例的，依法处理") && preview.contains(r#"id="a4""#), "the new article is parsed");
    assert!(!preview.contains("更正了草案"));
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM consultation_changes").fetch_one(&app.db).await.unwrap();
    assert_eq!(recorded, 0, "nobody saw the draft: nothing to correct publicly");
    // Still nobody else's to see.
    assert_eq!(app.get(&app.client(), &format!("/consultations/{id}")).await.status(), 404);
}
