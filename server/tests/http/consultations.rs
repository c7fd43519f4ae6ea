//! Publishing drafts: the 30-day rule, structure parsing, status from the clock.
use crate::harness::*;

#[tokio::test]
async fn a_regulation_with_a_short_window_and_no_reason_is_refused_keeping_the_text() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let res = app.publish(&staff, "regulation", 0, 20, "").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("征求意见期限为20日，少于30日的须说明理由"), "explains the rule");
    assert!(page.contains("重点管理区内禁止饲养烈性犬"), "the full text is still in the form");
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consultations").fetch_one(&app.db).await.unwrap();
    assert_eq!(n.0, 0);
}

#[tokio::test]
async fn a_short_window_with_a_reason_is_published_and_the_reason_is_public() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let res = app.publish(&staff, "decision", 0, 15, "上级督办事项，须于年底前作出决定").await;
    assert_eq!(res.status(), 303);
    let id = location_id(&res);
    let public = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(public.contains("征求意见期少于30日的理由") && public.contains("上级督办事项，须于年底前作出决定"));
}

#[tokio::test]
async fn thirty_days_needs_no_reason_and_normative_documents_set_their_own_window() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    assert_eq!(app.publish(&staff, "rule", 0, 30, "").await.status(), 303);
    assert_eq!(app.publish(&staff, "rule", 0, 29, "").await.status(), 422);
    assert_eq!(app.publish(&staff, "normative", 0, 10, "").await.status(), 303);
}

#[tokio::test]
async fn the_public_gets_its_thirty_days_from_publication_not_from_a_start_date_in_the_past() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    // The case: published today as "from a month ago to two days from now" — 33 days on
    // paper, two in fact. Refused, with the reason next to the start date and the text kept.
    let res = app.publish(&staff, "regulation", -31, 33, "").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    let today = app::clock::long_date(app::clock::today());
    assert!(page.contains(&format!("开始日期不能早于发布之日（{today}）")), "{page}");
    assert!(page.contains("重点管理区内禁止饲养烈性犬"), "the full text is still in the form");
    // Even a start only yesterday is refused, with a reason for a short window given or not.
    assert_eq!(app.publish(&staff, "decision", -1, 40, "情况紧急").await.status(), 422);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultations").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0, "nothing was published");
    // Starting today, the page says when it was published and counts the days from then.
    let res = app.publish(&staff, "regulation", 0, 30, "").await;
    assert_eq!(res.status(), 303);
    let public = app.get(&app.client(), &format!("/consultations/{}", location_id(&res))).await.text().await.unwrap();
    assert!(public.contains(&format!("发布日期：{today}")), "{public}");
    assert!(
        public.contains(&format!("征求意见期：{today}至")) && public.contains("（共30日，截止日24时止）"),
        "{public}"
    );
}

#[tokio::test]
async fn the_draft_page_shows_chapters_articles_and_insertions_with_anchors() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    for needle in
        ["第一章 总则", "第二章 管理", "id=\"a1\"", "id=\"a3\"", "id=\"a3-1\"", "第三条之一", "对本条提出意见"]
    {
        assert!(page.contains(needle), "missing {needle}");
    }
}

#[tokio::test]
async fn staff_are_told_which_lines_were_not_recognised() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let today = app::clock::format_date(app::clock::now());
    let closes = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let text = "某市养犬管理条例（草案）\n本草案由市公安局起草。\n第一条　为了规范养犬行为，制定本条例。\n";
    let res = app
        .post_form(
            &staff,
            "/staff/consultations/new",
            &[
                ("kind", "regulation"),
                ("title", "养犬"),
                ("full_text", text),
                ("opens_on", &today),
                ("closes_on", &closes),
            ],
        )
        .await;
    let id = location_id(&res);
    let page = app.get(&staff, &format!("/staff/consultations/{id}")).await.text().await.unwrap();
    assert!(page.contains("未识别为章、节、条结构"));
    assert!(page.contains("第2行：本草案由市公安局起草。"), "{page}");
    // The title line is the draft's title, not a line the parser missed.
    assert!(!page.contains("第1行：某市养犬管理条例（草案）"), "{page}");
}

#[tokio::test]
async fn a_reader_of_a_long_draft_gets_a_contents_by_chapter_and_is_not_offered_the_title_line_to_comment_on() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let today = app::clock::format_date(app::clock::now());
    let closes = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let text = format!("某市养犬管理条例（草案）\n（征求意见稿）\n{DRAFT}");
    let form = [
        ("kind", "regulation"),
        ("title", "某市养犬管理条例（草案）"),
        ("full_text", text.as_str()),
        ("opens_on", &today),
        ("closes_on", &closes),
    ];
    let id = location_id(&app.post_form(&staff, "/staff/consultations/new", &form).await);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(!page.contains("id=\"t1\""), "the title line is not a block to comment on");
    assert!(!page.contains("（征求意见稿）</p>"), "{page}");
    let toc = &page[page.find("class=\"toc\"").expect("a table of contents")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(toc.contains("href=\"#ch1\"") && toc.contains("第一章 总则") && toc.contains("（2条）"), "{toc}");
    assert!(toc.contains("href=\"#ch2\"") && toc.contains("第二章 管理"), "{toc}");
    assert!(page.contains("<h3 id=\"ch2\" class=\"chapter\">第二章 管理</h3>"), "{page}");
}

#[tokio::test]
async fn a_missing_consultation_is_a_404_page_in_chinese() {
    let app = TestApp::spawn().await;
    let res = app.get(&app.client(), "/consultations/999").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("页面不存在"));
    assert_eq!(app.get(&app.client(), "/no/such/page").await.status(), 404);
}

#[tokio::test]
async fn an_agency_extends_the_window_or_withdraws_with_a_public_reason_and_a_withdrawn_draft_takes_no_comments() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let (other, _) = app.staff("市民政局").await;
    let id = app.open_consultation(&staff).await;
    let closes = app::clock::start_of_day(app::clock::today()) + 30 * 86_400;
    let later = app::clock::format_date(closes + 9 * 86_400);
    let earlier = app::clock::format_date(closes - 5 * 86_400);
    let window = format!("/staff/consultations/{id}/window");
    assert!(app.get(&staff, &window).await.text().await.unwrap().contains("延长征求意见期"));
    // No reason, or an earlier date: told at that form, nothing changed.
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/extend"),
            &[("_form", "extend"), ("closes_on", &later), ("reason", "")],
        )
        .await;
    assert!(form_html(&rejected_page(res, 422).await, "extend").contains("请说明理由"));
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/extend"),
            &[("_form", "extend"), ("closes_on", &earlier), ("reason", "意见较多")],
        )
        .await;
    assert!(form_html(&rejected_page(res, 422).await, "extend").contains("须晚于原截止日期"));
    // Another agency cannot touch it.
    let res = app.post_form(&other, &format!("/staff/consultations/{id}/withdraw"), &[("reason", "冒名撤回")]).await;
    assert_eq!(res.status(), 404);

    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/extend"),
            &[("closes_on", &later), ("reason", "社会关注度高，意见较多<b>")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    let last_day = app::clock::long_date(app::clock::date_of(closes + 9 * 86_400));
    assert!(page.contains(&format!("征求意见期延长至{last_day}。理由：社会关注度高，意见较多&lt;b&gt;")), "{page}");
    assert!(page.contains("（共40日，截止日24时止）"), "{page}");

    let res = app
        .post_form(&staff, &format!("/staff/consultations/{id}/withdraw"), &[("reason", "上位法修改，草案需重新起草")])
        .await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(
        page.contains("已撤回") && page.contains("起草单位撤回本次征求意见。理由：上位法修改，草案需重新起草"),
        "{page}"
    );
    assert!(!page.contains("对本条提出意见"), "no comment links on a withdrawn draft");
    let citizen = app.citizen("13900009001").await;
    let res = comment(&app, &citizen, id, "a1", "还能提意见吗？").await;
    assert_eq!(res.status(), 409);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0);
    // Withdrawn is final: no extension after it.
    let res = app
        .post_form(&staff, &format!("/staff/consultations/{id}/extend"), &[("closes_on", &later), ("reason", "再延长")])
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn an_agency_previews_a_draft_nobody_else_can_see_and_publishes_it_with_the_window_counted_from_then() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let (other, _) = app.staff("市民政局").await;
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
    let res = app.post_form(&staff, "/staff/consultations/new", &form).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/consultations/{}", location_id(&res)));
    let id = location_id(&res);
    let page = format!("/consultations/{id}");
    let preview = app.get(&staff, &page).await.text().await.unwrap();
    assert!(preview.contains("草稿预览：公众尚看不到本页") && preview.contains("重点管理区内禁止饲养烈性犬"));
    assert!(!preview.contains("对本条提出意见"), "a draft takes no comments");
    // Nobody else sees it anywhere: not the public, not another agency, not the API or the list.
    assert_eq!(app.get(&app.client(), &page).await.status(), 404);
    assert_eq!(app.get(&other, &page).await.status(), 404);
    assert_eq!(app.get(&app.client(), &format!("/api/v1/consultations/{id}")).await.status(), 404);
    assert!(!app.get(&app.client(), "/").await.text().await.unwrap().contains("犬只收容管理办法"));
    let citizen = app.citizen("13900009101").await;
    assert_eq!(comment(&app, &citizen, id, "a1", "抢先提意见").await.status(), 404);

    // Published with a start already past: refused at the publish form, still a draft.
    let yesterday = app::clock::format_date(app::clock::now() - 86_400);
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/publish"),
            &[("_form", "publish"), ("opens_on", &yesterday), ("closes_on", &closes)],
        )
        .await;
    let refused = rejected_page(res, 422).await;
    assert!(form_html(&refused, "publish").contains("开始日期不能早于发布之日"), "{refused}");
    assert_eq!(app.get(&app.client(), &page).await.status(), 404);
    // Another agency cannot publish it.
    let res = app
        .post_form(
            &other,
            &format!("/staff/consultations/{id}/publish"),
            &[("opens_on", &today), ("closes_on", &closes)],
        )
        .await;
    assert_eq!(res.status(), 404);

    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/publish"),
            &[("opens_on", &today), ("closes_on", &closes)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let public = app.get(&app.client(), &page).await.text().await.unwrap();
    assert!(public.contains(&format!("发布日期：{}", app::clock::long_date(app::clock::today()))), "{public}");
    assert!(!public.contains("草稿预览"));
    assert_eq!(comment(&app, &citizen, id, "a1", "发布后提意见").await.status(), 303);
}
