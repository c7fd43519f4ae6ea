//! The review queue's figures are kept beside the comments, so an agency's queue costs the same at
//! 500,000 comments as at 100: they must stay true whatever changes a comment, and a large
//! consultation's queue must answer at once while its new comments are grouped in the background.
use crate::feedback::{campaign_copy, stored_comments, stored_comments_from};
use crate::harness::*;

type Figures = Vec<(i64, i64, i64, i64, i64, i64, i64)>;

/// The kept figures per group, per article and per group on each article, and the same counted
/// afresh from the comments.
async fn kept_and_counted(app: &TestApp) -> [(Figures, Figures); 3] {
    let count = |state: &str| format!("SUM(CASE WHEN {state} THEN 1 ELSE 0 END)");
    let states = [
        count("m.status = 'pending'") + " AS p",
        count("m.status = 'rejected'") + " AS r",
        count("m.status = 'approved' AND m.disposition IS NULL") + " AS u",
        count("m.status = 'approved' AND m.disposition IS NOT NULL") + " AS a",
    ]
    .join(", ");
    let groups_kept: Figures = sqlx::query_as(
        "SELECT group_key, consultation_id, home, pending, rejected, unanswered, answered FROM comment_groups
         ORDER BY group_key",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let groups_counted: Figures = sqlx::query_as(&format!(
        "SELECT g.k, g.c, COALESCE((SELECT a.position FROM comments x JOIN articles a ON a.id = x.article_id
                                    WHERE x.id = g.k), -1), g.p, g.r, g.u, g.a
         FROM (SELECT COALESCE(m.group_id, m.id) AS k, MIN(m.consultation_id) AS c, {states}
               FROM comments m GROUP BY COALESCE(m.group_id, m.id)) g ORDER BY g.k"
    ))
    .fetch_all(&app.db)
    .await
    .unwrap();
    let tallies_kept: Figures = sqlx::query_as(
        "SELECT consultation_id, article_key, 0, pending, rejected, unanswered, answered FROM comment_tallies
         WHERE pending + rejected + unanswered + answered > 0 ORDER BY 1, 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let tallies_counted: Figures = sqlx::query_as(&format!(
        "SELECT m.consultation_id, COALESCE(m.article_id, 0), 0, {states}
         FROM comments m GROUP BY m.consultation_id, COALESCE(m.article_id, 0) ORDER BY 1, 2"
    ))
    .fetch_all(&app.db)
    .await
    .unwrap();
    let on_articles_kept: Figures = sqlx::query_as(
        "SELECT group_key, article_key, consultation_id, pending, rejected, unanswered, answered
         FROM comment_group_articles ORDER BY 1, 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let on_articles_counted: Figures = sqlx::query_as(&format!(
        "SELECT COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0), MIN(m.consultation_id), {states}
         FROM comments m GROUP BY COALESCE(m.group_id, m.id), COALESCE(m.article_id, 0) ORDER BY 1, 2"
    ))
    .fetch_all(&app.db)
    .await
    .unwrap();
    [(groups_kept, groups_counted), (tallies_kept, tallies_counted), (on_articles_kept, on_articles_counted)]
}

async fn assert_figures_true(app: &TestApp, after: &str) {
    let [(gk, gc), (tk, tc), (ak, ac)] = kept_and_counted(app).await;
    assert_eq!(gk, gc, "group figures after {after}");
    assert_eq!(tk, tc, "article figures after {after}");
    assert_eq!(ak, ac, "figures of groups on each article after {after}");
    let comments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments").fetch_one(&app.db).await.unwrap();
    for table in ["comment_groups", "comment_group_articles"] {
        let sizes: i64 = sqlx::query_scalar(&format!("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM {table}"))
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(sizes, comments, "every comment is counted once in {table} after {after}");
    }
}

#[tokio::test]
async fn a_moderator_sees_true_figures_in_the_queue_whatever_changed_the_comments() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let mut bodies: Vec<String> = (0..60).map(campaign_copy).collect();
    bodies
        .extend((0..8).map(|i| format!("第{i}位市民：建议在第三条增加社区代办的规定，方便老年人。").repeat(1 + i % 2)));
    stored_comments(&app, c, &bodies, "pending").await;
    let citizen = app.citizen("13900007001").await;
    for (article, body) in [("a1", "第一条的立法目的应写明保障行人安全。"), ("", "整部草案应当增加听证程序。")]
    {
        let res = citizen
            .post(app.url(&format!("/api/v1/consultations/{c}/comments")))
            .json(&serde_json::json!({"article": article, "body": body}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    assert_figures_true(&app, "comments arrived").await;

    // Viewing the queue groups the campaign.
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains("相似意见共60条"), "the campaign is one group");
    assert!(page.contains("意见审核与答复（筛选出70条，其中已公开0条）"), "{page}");
    assert_figures_true(&app, "grouping").await;

    // The whole campaign published in one decision, one other comment kept from publication.
    let group: i64 = sqlx::query_scalar("SELECT group_id FROM comments WHERE body LIKE '我是%' LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (g, scope) = (group.to_string(), format!("group-{group}"));
    let form = [("scope", scope.as_str()), ("group", g.as_str()), ("expected", "60"), ("decision", "approve")];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &form).await;
    assert_eq!(res.status(), 303);
    let one: i64 =
        sqlx::query_scalar("SELECT id FROM comments WHERE body LIKE '第1位%'").fetch_one(&app.db).await.unwrap();
    let form = [("decision", "reject"), ("reason", "与本条无关")];
    let res = app.post_form(&staff, &format!("/staff/comments/{one}/moderate"), &form).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_figures_true(&app, "moderation").await;

    // Half the campaign answered, then its first member split off.
    let form = [("scope", scope.as_str()), ("group", g.as_str()), ("expected", "60"), ("disposition", "adopted")];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/dispose"), &form).await;
    assert_eq!(res.status(), 303);
    sqlx::query("UPDATE comments SET disposition = NULL WHERE group_id = $1 AND id % 2 = 0")
        .bind(group)
        .execute(&app.db)
        .await
        .unwrap();
    assert_figures_true(&app, "answers").await;
    let res = app.post_form(&staff, &format!("/staff/comments/{group}/split"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_figures_true(&app, "a split").await;
    let page = app.get(&staff, &format!("/staff/consultations/{c}?show=unanswered")).await.text().await.unwrap();
    assert_figures_true(&app, "regrouping after the split").await;
    let unanswered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM comments WHERE consultation_id = $1 AND status = 'approved' AND disposition IS NULL",
    )
    .bind(c)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(page.contains(&format!("筛选出{unanswered}条")), "the filter's count is the true one: {unanswered}");
    assert!(page.contains("相似意见共59条"), "the group lost the member split off");

    // Inside the group, one entry per member; on one article, only its comments.
    let inside = app.get(&staff, &format!("/staff/consultations/{c}?group={}", group + 1)).await.text().await.unwrap();
    assert!(inside.contains("筛选出59条"), "every member is listed inside the group");
    let first = app.get(&staff, &format!("/staff/consultations/{c}?article=a1")).await.text().await.unwrap();
    assert!(first.contains("筛选出1条") && first.contains("保障行人安全") && !first.contains("我是"));
    let whole = app.get(&staff, &format!("/staff/consultations/{c}?article=whole")).await.text().await.unwrap();
    assert!(whole.contains("筛选出1条") && whole.contains("听证程序"));
}

#[tokio::test]
async fn a_moderator_looking_at_one_article_sees_each_campaign_once_with_its_copies_there() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let bodies: Vec<String> = (0..30).map(campaign_copy).collect();
    stored_comments(&app, c, &bodies, "pending").await;
    // Eight more copies of the same letter on 第一条, and a comment of its own there.
    let a1: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = 'a1'")
        .bind(c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut on_a1: Vec<String> = (30..38).map(campaign_copy).collect();
    on_a1.push("第一条的立法目的应写明保障行人安全。".into());
    for (i, body) in on_a1.iter().enumerate() {
        sqlx::query(
            "INSERT INTO comments (receipt, consultation_id, article_id, body, status, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5)",
        )
        .bind(format!("YJ-A1-{c}-{i}"))
        .bind(c)
        .bind(a1)
        .bind(body)
        .bind(app::clock::now())
        .execute(&app.db)
        .await
        .unwrap();
    }
    let whole = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(whole.contains("相似意见共38条"), "the copies on both articles are one group");
    assert_figures_true(&app, "grouping across two articles").await;
    let group: i64 = sqlx::query_scalar("SELECT MIN(group_id) FROM comments WHERE body LIKE '我是%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let first_on_a1: i64 = sqlx::query_scalar("SELECT MIN(id) FROM comments WHERE article_id = $1 AND group_id = $2")
        .bind(a1)
        .bind(group)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(first_on_a1, group, "the group's first member is on 第三条");

    // On 第一条: the campaign once, shown by its first copy there, with the copies there; and the
    // comment of its own.
    let first = app.get(&staff, &format!("/staff/consultations/{c}?article=a1")).await.text().await.unwrap();
    assert!(first.contains("筛选出9条"), "every comment on the article is selected: {first}");
    assert!(first.contains("相似意见共38条（本筛选中8条"), "the campaign counts its copies on this article");
    assert!(first.contains(&format!(r#"name="ids" value="{first_on_a1}""#)), "shown by a copy on this article");
    assert!(!first.contains(&format!(r#"name="ids" value="{group}""#)), "no copy from another article is shown");
    assert!(first.contains("保障行人安全"));

    // Inside the group on 第一条: its eight copies there, published in one decision.
    let inside = format!("/staff/consultations/{c}?article=a1&group={group}");
    let page = app.get(&staff, &inside).await.text().await.unwrap();
    assert!(page.contains("筛选出8条"), "{page}");
    let g = group.to_string();
    let form = [("scope", "selection"), ("article", "a1"), ("group", &g), ("expected", "8"), ("decision", "approve")];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &form).await;
    assert_eq!(res.status(), 303);
    assert_figures_true(&app, "a decision on one article's copies").await;
    let unanswered = app.get(&staff, &format!("/staff/consultations/{c}?article=a1&show=unanswered")).await;
    let unanswered = unanswered.text().await.unwrap();
    assert!(unanswered.contains("筛选出8条") && unanswered.contains("相似意见共38条（本筛选中8条"), "{unanswered}");
    let pending = app.get(&staff, &format!("/staff/consultations/{c}?article=a3&show=pending")).await;
    assert!(pending.text().await.unwrap().contains("筛选出30条"), "the copies on 第三条 still await moderation");
}

#[tokio::test]
async fn a_new_copy_joins_its_campaign_without_the_rest_of_the_consultation_being_grouped_again() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let mut bodies: Vec<String> = (0..60).map(campaign_copy).collect();
    bodies.extend((0..40).map(|i| format!("第{i}位市民：建议第三条增加第{i}项便民措施，并明确{i}个工作日内办结。")));
    stored_comments(&app, c, &bodies, "pending").await;
    let queue = format!("/staff/consultations/{c}");
    assert!(app.get(&staff, &queue).await.text().await.unwrap().contains("相似意见共60条"));
    let group: i64 = sqlx::query_scalar("SELECT MIN(group_id) FROM comments WHERE body LIKE '我是%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Changed behind grouping's back: a whole run would put this copy back into the campaign.
    let loose: i64 = sqlx::query_scalar("SELECT MAX(id) FROM comments WHERE group_id = $1")
        .bind(group)
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE comments SET group_id = id WHERE id = $1").bind(loose).execute(&app.db).await.unwrap();

    // Two more copies and a comment of its own arrive: grouped on their own against the groups.
    let newcomers = [campaign_copy(61), campaign_copy(62), "建议增设共享单车停放区。".into()];
    stored_comments_from(&app, c, 100, &newcomers, "pending").await;
    let page = app.get(&staff, &queue).await.text().await.unwrap();
    assert!(page.contains("相似意见共61条"), "the new copies joined the campaign");
    let alone: Option<i64> =
        sqlx::query_scalar("SELECT group_id FROM comments WHERE id = $1").bind(loose).fetch_one(&app.db).await.unwrap();
    assert_eq!(alone, Some(loose), "nothing but the newcomers was grouped");
    let own: Option<i64> = sqlx::query_scalar("SELECT group_id FROM comments WHERE body = '建议增设共享单车停放区。'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(own.is_some(), "the comment of its own is grouped too (alone)");
    assert_figures_true(&app, "grouping newcomers").await;

    // Once the newcomers reach a tenth of the consultation, it is grouped again as a whole.
    let more: Vec<String> = (63..72).map(campaign_copy).collect();
    stored_comments_from(&app, c, 200, &more, "pending").await;
    let page = app.get(&staff, &queue).await.text().await.unwrap();
    assert!(page.contains("相似意见共71条"), "every copy, the loose one too, in one campaign");
    assert_figures_true(&app, "grouping the whole consultation again").await;
}

#[tokio::test]
async fn a_moderator_sees_a_burst_of_new_copies_flagged_when_they_join_a_slow_campaign() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    // 300 copies of one letter sent ten minutes apart: a campaign, but nothing machine-made.
    let bodies: Vec<String> = (0..300).map(campaign_copy).collect();
    stored_comments(&app, c, &bodies, "pending").await;
    sqlx::query("UPDATE comments SET created_at = 1700000000 + id * 600 WHERE consultation_id = $1")
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    let queue = format!("/staff/consultations/{c}");
    let page = app.get(&staff, &queue).await.text().await.unwrap();
    assert!(page.contains("相似意见共300条"));
    assert!(!page.contains("疑似机器批量提交"), "copies sent over days are not flagged");

    // 25 more within a few seconds: grouped on their own against the campaign, and the burst is
    // seen, though the campaign's older copies lie far outside its minute.
    let burst: Vec<String> = (300..325).map(campaign_copy).collect();
    stored_comments_from(&app, c, 300, &burst, "pending").await;
    let page = app.get(&staff, &queue).await.text().await.unwrap();
    assert!(page.contains("相似意见共325条"), "the burst joined the campaign");
    assert!(page.contains("疑似机器批量提交"), "25 copies within seconds are flagged");
    let together: i64 = sqlx::query_scalar("SELECT grouped_together FROM comment_grouping WHERE consultation_id = $1")
        .bind(c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(together, 300, "the newcomers were grouped alone, not the whole consultation again");
}

#[tokio::test]
async fn a_moderator_of_a_national_consultation_gets_the_queue_at_once_while_new_comments_are_grouped_behind() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("司法局").await;
    let c = app.open_consultation(&staff).await;
    let n = app::feedback::grouping::WAIT_FOR_AT_MOST + 500;
    // Three letters copied over and over, stored straight into the database a thousand at a time
    // (as the comment writer commits them, in batches).
    for from in (0..n).step_by(1000) {
        sqlx::query(
            "WITH RECURSIVE seq(i) AS (SELECT $2 + 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $3)
             INSERT INTO comments (receipt, consultation_id, body, status, created_at)
             SELECT 'YJ-BULK-' || CAST(i AS TEXT), $1,
                    CASE i % 3 WHEN 0 THEN '我们坚决反对提高电动自行车登记费用，请立法机关倾听群众呼声。'
                               WHEN 1 THEN '建议在老旧小区增设集中充电设施，从源头上减少楼道充电带来的火灾隐患。'
                               ELSE '外卖骑手每天骑行上百公里，条例应当对平台企业规定安全培训义务。' END,
                    'pending', 1700000000 + i
             FROM seq",
        )
        .bind(c)
        .bind(from)
        .bind((from + 1000).min(n))
        .execute(&app.db)
        .await
        .unwrap();
    }
    let page = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
    assert!(page.contains(&format!("另有{n}条新收到的意见正在后台归入相似意见组")), "the wait is said, not made");
    assert!(page.contains(&format!("筛选出{n}条")), "and the counts are already true");
    let mut grouped = String::new();
    for _ in 0..600 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        grouped = app.get(&staff, &format!("/staff/consultations/{c}")).await.text().await.unwrap();
        if !grouped.contains("正在后台归入相似意见组") {
            break;
        }
    }
    assert!(!grouped.contains("正在后台归入相似意见组"), "the background grouping finished");
    for size in [n / 3, n / 3 + 1] {
        let text = format!("相似意见共{size}条");
        assert!(grouped.contains(&text), "each letter's copies are one group: {text}");
    }
    assert!(!grouped.contains("第2页"), "three groups make one page");
    assert_figures_true(&app, "background grouping").await;
}

#[tokio::test]
async fn a_moderator_searching_words_sees_each_campaign_once_counted_and_paged_in_article_order() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    // On 第三条: 30 copies of a letter about registration fees, 60 comments of their own that
    // name the fees too, and one that does not; on 第一条, one more that names them.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut own = || {
        (0..24)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                char::from_u32(0x4E00 + ((seed >> 33) % 8_000) as u32).unwrap_or('的')
            })
            .collect::<String>()
    };
    let mut bodies: Vec<String> = (0..30).map(campaign_copy).collect();
    bodies.extend((0..60).map(|_| format!("登记费用{}", own())));
    bodies.push("遛犬应当牵绳，这一条与收费无关。".into());
    stored_comments(&app, c, &bodies, "pending").await;
    let a1: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = 'a1'")
        .bind(c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let on_a1: i64 = sqlx::query_scalar(
        "INSERT INTO comments (receipt, consultation_id, article_id, body, status, created_at)
         VALUES ('YJ-A1-FEES', $1, $2, '第一条应写明登记费用的收取依据。', 'pending', $3) RETURNING id",
    )
    .bind(c)
    .bind(a1)
    .bind(app::clock::now())
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO search_changes (entity, entity_id, created_at) SELECT 'comment', id, 0 FROM comments WHERE consultation_id = $1",
    )
    .bind(c)
    .execute(&app.db)
    .await
    .unwrap();

    let url = format!("/staff/consultations/{c}?q=登记费用");
    let started = std::time::Instant::now();
    let first = loop {
        let page = app.get(&staff, &url).await.text().await.unwrap();
        if page.contains("筛选出91条") {
            break page;
        }
        assert!(started.elapsed().as_secs() < 10, "the search never found the comments: {page}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let shown = |page: &str| page.matches(r#"name="ids""#).count();
    // 62 entries (the campaign once, 60 comments, the one on 第一条), 50 to a page.
    assert_eq!(shown(&first), 50, "a full first page");
    assert!(!first.contains("这一条与收费无关"), "a comment without the words is not found");
    let first_entry = first.find(r#"name="ids""#).unwrap();
    assert!(first[first_entry..].starts_with(&format!(r#"name="ids" value="{on_a1}""#)), "第一条 comes before 第三条");
    assert_eq!(first.matches("相似意见共30条").count(), 1, "the campaign is one entry, its copies counted");
    let second = app.get(&staff, &format!("{url}&page=2")).await.text().await.unwrap();
    assert_eq!(shown(&second), 12, "the rest on the second page");
    let group: i64 = sqlx::query_scalar("SELECT MIN(group_id) FROM comments WHERE body LIKE '我是%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let nothing = app.get(&staff, &format!("/staff/consultations/{c}?q=*")).await.text().await.unwrap();
    assert!(nothing.contains("筛选出0条"), "nothing searchable narrows to nothing, not to all");
    let inside = app.get(&staff, &format!("{url}&group={group}")).await.text().await.unwrap();
    assert!(inside.contains("筛选出30条") && shown(&inside) == 30, "inside the campaign: each copy");

    // The search's selection is decided at once: exactly the 91 found.
    let form = [("scope", "selection"), ("q", "登记费用"), ("expected", "91"), ("decision", "approve")];
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/moderate"), &form).await;
    assert_eq!(res.status(), 303);
    let approved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE consultation_id = $1 AND status = 'approved'")
            .bind(c)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(approved, 91);
    assert_figures_true(&app, "a decision on a word search's selection").await;
}
