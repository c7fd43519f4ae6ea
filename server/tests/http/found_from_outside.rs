//! Faults found by trying the features of 2026-12-03 from outside (corrections, attachments, bulk
//! moderation and answers, paging, kept counts, the comment writer, the receipt budget), each kept
//! as the check that it stays fixed, with what held beside them.
use crate::harness::*;
use app::accounts::Role;

/// A fresh server with the police bureau's staff member and a consultation of theirs, open.
async fn police_consultation() -> (TestApp, reqwest::Client, i64) {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let c = app.open_consultation(&staff).await;
    (app, staff, c)
}

async fn comment_ids(app: &TestApp, c: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM comments WHERE consultation_id = $1 ORDER BY id")
        .bind(c)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

fn correction<'a>(title: &'a str, full_text: &'a str, note: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("_form", "correct"),
        ("title", title),
        ("explanation", "为规范养犬行为，起草本条例。"),
        ("full_text", full_text),
        ("note", note),
    ]
}

/// README: "Two corrections at once cannot overwrite each other (the second is told to reload)."
/// The conflict check in correct.rs compares only `full_text`, so corrections that change only the
/// title (or the explanation) all commit, each recording a diff from a title that was no longer
/// the stored one.
/// The version of the text a correction form was filled from (its hidden `seen` field).
fn seen_in(page: &str) -> String {
    let mark = r#"name="seen" value=""#;
    let at = page.find(mark).expect("the form carries the version it shows") + mark.len();
    page[at..at + 16].to_string()
}

#[tokio::test]
async fn title_only_corrections_at_once_do_not_overwrite_each_other() {
    let (app, staff, id) = police_consultation().await;
    let path = format!("/staff/consultations/{id}/correct");
    let titles: Vec<String> = (0..8).map(|i| format!("某市养犬管理条例（草案）更正{i}")).collect();
    // Eight staff opened the form on the same text and send their corrections at once.
    let seen = seen_in(&app.get(&staff, &path).await.text().await.unwrap());
    let mut tasks = Vec::new();
    for t in &titles {
        let (c, url, t, seen) = (staff.clone(), app.url(&path), t.clone(), seen.clone());
        tasks.push(tokio::spawn(async move {
            let mut form = correction(&t, DRAFT, "标题更正").to_vec();
            form.push(("seen", &seen));
            c.post(url).form(&form).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 303).count();
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM consultation_changes WHERE consultation_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    // Each recorded title diff must start from the title the previous correction left.
    let mut stale = 0;
    let mut was = "某市养犬管理条例（草案）".to_string();
    for d in &recorded {
        let v: serde_json::Value = serde_json::from_str(d).unwrap();
        let pieces = v[0]["pieces"].as_array().unwrap();
        let old: String =
            pieces.iter().filter_map(|p| p.get("same").or_else(|| p.get("removed")).and_then(|s| s.as_str())).collect();
        let new: String =
            pieces.iter().filter_map(|p| p.get("same").or_else(|| p.get("added")).and_then(|s| s.as_str())).collect();
        if old != was {
            stale += 1;
        }
        was = new;
    }
    assert!(
        ok == 1 && stale == 0,
        "statuses {statuses:?}: {ok} title-only corrections committed at once; {stale} of {} recorded diffs start \
         from a title that was no longer stored",
        recorded.len()
    );
}

/// A correction that only changes a chapter heading is a correction in wording: accepted, shown.
#[tokio::test]
async fn a_correction_of_a_chapter_heading_only() {
    let (app, staff, id) = police_consultation().await;
    let path = format!("/staff/consultations/{id}/correct");
    let renamed = DRAFT.replace("第二章　管理", "第二章　监督管理");
    let res = app.post_form(&staff, &path, &correction("某市养犬管理条例（草案）", &renamed, "章名更正")).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(page.contains("监督管理"), "the corrected heading is shown");
    let api: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/consultations/{id}")).await.json().await.unwrap();
    let parts = api["changes"][0]["corrected"].as_array().unwrap().len();
    // Moving the chapter heading up one article changes which chapter 第二条 is in: is that
    // "wording"? Observe.
    let moved = renamed.replace(
        "第二条　本条例适用于本市行政区域。\n第二章　监督管理\n",
        "第二章　监督管理\n第二条　本条例适用于本市行政区域。\n",
    );
    let res = app.post_form(&staff, &path, &correction("某市养犬管理条例（草案）", &moved, "调整章节")).await;
    let moved_status = res.status().as_u16();
    eprintln!("heading-only correction: {parts} parts recorded; moving a chapter boundary answered {moved_status}");
    assert_ne!(moved_status, 303, "moving an article into another chapter is a change of structure, not wording");
}

/// Withdrawn: no correction; a citizen: refused; cross-origin: refused.
#[tokio::test]
async fn corrections_refused_to_citizens_other_sites_and_withdrawn_drafts() {
    let (app, staff, id) = police_consultation().await;
    let path = format!("/staff/consultations/{id}/correct");
    let fixed = DRAFT.replace("办理登记。", "办理登记和免疫。");
    let citizen = app.citizen("13900009301").await;
    let res = app.post_form(&citizen, &path, &correction("x", &fixed, "x")).await;
    assert!([401, 403, 404].contains(&res.status().as_u16()), "citizen: {}", res.status());
    let res = staff
        .post(app.url(&path))
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .form(&correction("某市养犬管理条例（草案）", &fixed, "csrf"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "cross-origin");
    // Hostile note: NUL and the direction override never reach page or API.
    let res = app
        .post_form(
            &staff,
            &path,
            &correction("某市养犬\u{202E}条例\0（草案）", &fixed, "漏字\u{202E}gpj.exe\0<b>x</b>"),
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(!page.contains('\u{202E}') && !page.contains('\0') && !page.contains("<b>x</b>"));
    let api = app.get(&app.client(), &format!("/api/v1/consultations/{id}")).await.text().await.unwrap();
    assert!(!api.contains("\\u202e") && !api.contains('\u{202E}') && !api.contains("\\u0000"), "{api}");
    // Withdrawn
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/withdraw"),
            &[("_form", "withdraw"), ("reason", "重新起草")],
        )
        .await;
    eprintln!("withdraw answered {}", res.status());
    let withdrawn: Option<i64> = sqlx::query_scalar("SELECT withdrawn_at FROM consultations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    if withdrawn.is_none() {
        sqlx::query("UPDATE consultations SET withdrawn_at = $1 WHERE id = $2")
            .bind(app::clock::now())
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let res = app.post_form(&staff, &path, &correction("某市养犬管理条例（草案）", DRAFT, "改回")).await;
    assert_eq!(res.status(), 409);
}

/// Bulk forms read `axum::Form` directly (server/src/forms/bulk.rs), not `FormPost`, so their
/// text is not neutralised like every other form field: a bulk answer's reason keeps NUL and
/// U+202E, and is shown to the public and on the commenter's receipt.
#[tokio::test]
async fn bulk_reasons_are_neutralised_like_every_other_field() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009302").await;
    let receipt = receipt_of(&comment(&app, &citizen, c, "a3", "登记应当免费").await);
    let ids = comment_ids(&app, c).await;
    let one = ids[0].to_string();
    let path = format!("/staff/consultations/{c}/moderate");
    let res = app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &one), ("decision", "approve")]).await;
    assert_eq!(res.status(), 303);
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{c}/dispose"),
            &[
                ("scope", "ticked"),
                ("ids", &one),
                ("disposition", "not_adopted"),
                ("reason", "上位法\u{202E}已有规定\0。"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let stored: Option<String> = sqlx::query_scalar("SELECT disposition_reason FROM comments WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&app.db)
        .await
        .unwrap();
    let res = citizen
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({ "receipt": receipt }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        stored.as_deref(),
        Some("上位法已有规定。"),
        "stored reason {stored:?}; the commenter's receipt API says {res}"
    );
}

/// "All or none": an id that is not a number is silently dropped instead of refusing the batch.
#[tokio::test]
async fn bulk_moderation_refuses_a_batch_with_an_unreadable_id() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009303").await;
    for b in ["意见一", "意见二"] {
        assert_eq!(comment(&app, &citizen, c, "a3", b).await.status(), 303);
    }
    let ids = comment_ids(&app, c).await;
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let path = format!("/staff/consultations/{c}/moderate");
    // Another agency's staff: nothing.
    let (other, _) = app.staff("市民政局").await;
    let res = app.post_form(&other, &path, &[("scope", "ticked"), ("ids", &a), ("decision", "approve")]).await;
    assert!(res.status() == 404 || res.status() == 403, "{}", res.status());
    // A citizen: nothing.
    let res = app.post_form(&citizen, &path, &[("scope", "ticked"), ("ids", &a), ("decision", "approve")]).await;
    assert!([401, 403, 404].contains(&res.status().as_u16()), "{}", res.status());
    // Reject without reason.
    let res = app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &a), ("decision", "reject")]).await;
    assert_eq!(res.status(), 422);
    // Duplicates of one id: counted once, fine.
    // 100,000 ids: refused at the body limit or handled, never a 500.
    let many: Vec<(&str, String)> = (0..100_000).map(|i| ("ids", (i + 1_000_000).to_string())).collect();
    let mut form: Vec<(&str, &str)> = many.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("scope", "ticked"));
    form.push(("decision", "approve"));
    let t = std::time::Instant::now();
    let res = app.post_form(&staff, &path, &form).await;
    eprintln!("100,000 ids: {} in {:?}", res.status(), t.elapsed());
    assert!(res.status().as_u16() < 500, "{}", res.status());
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE status = 'pending'").fetch_one(&app.db).await.unwrap();
    assert_eq!(pending, 2);
    // A typo in one id ("1O" for "10"): the whole batch should be refused, not the rest done.
    let res =
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", "x1"), ("ids", &b), ("decision", "approve")]).await;
    let status = res.status();
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE status = 'pending'").fetch_one(&app.db).await.unwrap();
    assert_eq!(pending, 2, "answered {status}: an unreadable id was dropped and the rest moderated");
}

/// Kept counts: the draft page and the lists agree with the comments after single and bulk
/// moderation and an account deletion.
#[tokio::test]
async fn kept_counts_match_the_comments() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009304").await;
    for (a, b) in [("a3", "一"), ("a3", "二"), ("", "全文意见"), ("a1", "三")] {
        assert_eq!(comment(&app, &citizen, c, a, b).await.status(), 303);
    }
    let ids = comment_ids(&app, c).await;
    let path = format!("/staff/consultations/{c}/moderate");
    let (s0, s2) = (ids[0].to_string(), ids[2].to_string());
    assert_eq!(
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &s0), ("ids", &s2), ("decision", "approve")])
            .await
            .status(),
        303
    );
    let res = app
        .post_form(
            &staff,
            &format!("/staff/comments/{}/moderate", ids[1]),
            &[("decision", "reject"), ("reason", "无关")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let kept: (i64, i64, i64) =
        sqlx::query_as("SELECT whole_received, whole_approved, approved_total FROM consultations WHERE id = $1")
            .bind(c)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, (1, 1, 2));
    let drift: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM articles a WHERE a.received <> (SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id)
            OR a.approved <> (SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id AND m.status = 'approved')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(drift, 0);
}

/// Each concurrent submitter gets the receipt of their own comment.
#[tokio::test]
async fn concurrent_comments_each_get_their_own_receipt() {
    let (app, _staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009305").await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (cl, url) = (citizen.clone(), app.url(&format!("/consultations/{c}/comment")));
        tasks.push(tokio::spawn(async move {
            let body = format!("并发意见第{i}号");
            let res = cl.post(url).form(&[("article", "a3"), ("body", body.as_str())]).send().await.unwrap();
            (body, receipt_of(&res))
        }));
    }
    for t in tasks {
        let (body, receipt) = t.await.unwrap();
        let stored: String = sqlx::query_scalar("SELECT body FROM comments WHERE receipt = $1")
            .bind(&receipt)
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(stored, body);
    }
}

/// Page numbers: 0, -1, 1001, huge and text are 422 everywhere; never 500, never page 1.
#[tokio::test]
async fn page_numbers_are_checked_everywhere() {
    let app = TestApp::spawn().await;
    let citizen = app.citizen("13900009306").await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let mut seen = Vec::new();
    for bad in ["0", "-1", "1001", "99999999999999999999", "abc", "1.5", "%00"] {
        for (c, path) in [
            (&citizen, format!("/me?page={bad}")),
            (&citizen, format!("/me/cases?page={bad}")),
            (&officer, format!("/petition?page={bad}")),
            (&officer, format!("/api/v1/staff/cases?page={bad}")),
        ] {
            let s = app.get(c, &path).await.status().as_u16();
            seen.push((path, s));
        }
    }
    let wrong: Vec<_> = seen.iter().filter(|(_, s)| *s != 422).collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}

/// Odd file ids and a file renamed .pdf.
#[tokio::test]
async fn attachment_odd_ids_and_renamed_files() {
    let (app, _staff, id) = police_consultation().await;
    for f in ["..%2F..%2Fcase.key", "%2e%2e", "..", "case.key", "%00", "a%2Fb", "0"] {
        let s = app.get(&app.client(), &format!("/consultations/{id}/files/{f}")).await.status().as_u16();
        assert!(s == 404 || s == 400, "{f}: {s}");
    }
    let api = app.get(&app.client(), "/api/v1/consultations/999999/attachments").await.status();
    assert_eq!(api, 404);
}

/// The receipt page's own render (`GET /receipts?new=1`) looks up whatever number the
/// `canyu_receipt` cookie names, and that cookie is the client's to set: a lookup outside the
/// lookup budget, which the form, the server function and the API all spend.
#[tokio::test]
async fn receipt_lookups_cannot_bypass_the_budget_through_the_flash_cookie() {
    use server::config::Limits;
    let app = TestApp::spawn_with(Limits { lookups_per_minute: 2, ..relaxed() }).await;
    let (staff, _) = app.staff("市公安局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900009307").await;
    let receipt = receipt_of(&comment(&app, &citizen, c, "a3", "登记应当免费").await);
    let stranger = app.client();
    let mut form_statuses = Vec::new();
    for _ in 0..3 {
        form_statuses.push(app.post_form(&stranger, "/receipts", &[("no", "YJ-2026-AAAA-BBBB-CCCC")]).await.status());
    }
    assert_eq!(form_statuses[2], 429, "the form's budget is spent: {form_statuses:?}");
    let mut answered = 0;
    for _ in 0..10 {
        let page = stranger
            .get(app.url("/receipts?new=1"))
            .header("Cookie", format!("canyu_receipt={receipt}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if page.contains("请先登录提交时使用的账号") {
            answered += 1;
        }
    }
    let page = stranger
        .get(app.url("/receipts?new=1"))
        .header("Cookie", "canyu_receipt=YJ-2026-AAAA-BBBB-CCCC")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let says_unknown = page.contains("未找到该回执编号");
    assert_eq!(
        answered, 0,
        "with its budget spent, a stranger still had {answered} of 10 lookups answered (a real receipt: 'sign in'; \
         a made-up one says not found: {says_unknown}) by setting the flash cookie"
    );
}

/// The text limits are 20万字 of full text and 2万字 of explanation: a correction at those limits,
/// sent as a browser sends a form (percent-encoded UTF-8, CRLF line ends), must be read, not 413.
#[tokio::test]
async fn a_correction_at_the_text_limits_fits_the_body_limit() {
    let (app, staff, id) = police_consultation().await;
    let path = format!("/staff/consultations/{id}/correct");
    // Lines of 50 characters, CRLF as browsers send a textarea.
    let pad = DRAFT.chars().count();
    let line: String = "养".repeat(49);
    let mut extra = String::new();
    while extra.chars().count() + pad + 60 < 200_000 {
        extra.push_str(&line);
        extra.push_str("\r\n");
    }
    let full =
        DRAFT.replace("办理登记。", &format!("办理登记。\r\n{extra}")).replace('\n', "\r\n").replace("\r\r", "\r");
    let n = full.chars().count();
    assert!(n <= 200_000, "{n}");
    let explanation = "说".repeat(20_000);
    let note = "更".repeat(500);
    let form = [
        ("_form", "correct"),
        ("title", "某市养犬管理条例（草案）"),
        ("explanation", explanation.as_str()),
        ("full_text", full.as_str()),
        ("note", note.as_str()),
    ];
    let res = app.post_form(&staff, &path, &form).await;
    let status = res.status();
    eprintln!("correction at the limits ({n} chars): {status}");
    assert_ne!(status, 413, "text within the stated limits refused by the body limit");
}

/// Bulk answer of one id repeated 100,000 times: deduplicated, one answer, quick.
#[tokio::test]
async fn bulk_answer_with_one_id_repeated() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009308").await;
    assert_eq!(comment(&app, &citizen, c, "a3", "一").await.status(), 303);
    let ids = comment_ids(&app, c).await;
    let one = ids[0].to_string();
    let path = format!("/staff/consultations/{c}/moderate");
    assert_eq!(
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &one), ("decision", "approve")]).await.status(),
        303
    );
    let mut form: Vec<(&str, &str)> = (0..100_000).map(|_| ("ids", one.as_str())).collect();
    form.extend([("scope", "ticked"), ("disposition", "not_adopted"), ("reason", "上位法已有规定。")]);
    let t = std::time::Instant::now();
    let res = app.post_form(&staff, &format!("/staff/consultations/{c}/dispose"), &form).await;
    let took = t.elapsed();
    let loc = location(&res);
    eprintln!("dispose x100000 same id: {} in {took:?} -> {loc}", res.status());
    assert!(!loc.contains("done=100000"), "one comment answered, reported as {loc}");
}

async fn upload_file(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    title: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new()
        .text("_form", "attach")
        .text("kind", "other")
        .text("title", title.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()).mime_str("application/pdf").unwrap());
    c.post(app.url(&format!("/staff/consultations/{id}/files"))).multipart(form).send().await.unwrap()
}

fn pdf_of(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\n".to_vec();
    let tail = b"trailer <<>>\n%%EOF\n";
    v.resize(len - tail.len(), b' ');
    v.extend_from_slice(tail);
    v
}

/// Sizes at and over the limit, empty files, a polyglot, a citizen, many files, a draft's files.
#[tokio::test]
async fn attachment_sizes_counts_and_who() {
    let (app, staff, id) = police_consultation().await;
    let limit = app::attachments::MAX_FILE_BYTES;
    let at = upload_file(&app, &staff, id, "恰好20MB", "a.pdf", pdf_of(limit)).await.status();
    let over = upload_file(&app, &staff, id, "超过20MB", "b.pdf", pdf_of(limit + 1)).await.status();
    let empty = upload_file(&app, &staff, id, "空文件", "c.pdf", Vec::new()).await.status();
    let mut poly = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n".to_vec();
    poly.extend_from_slice(b"trailer <<>>\n%%EOF\n");
    let polyglot = upload_file(&app, &staff, id, "多格式", "d.html", poly).await.status();
    let citizen = app.citizen("13900009309").await;
    let by_citizen = upload_file(&app, &citizen, id, "市民上传", "e.pdf", pdf_of(1000)).await.status();
    eprintln!("at limit {at}, over {over}, empty {empty}, polyglot {polyglot}, citizen {by_citizen}");
    assert_eq!(at, 303, "a file of exactly 20 MB is within the limit");
    assert_eq!(over, 422);
    assert_eq!(empty, 422);
    assert!([401, 403, 404].contains(&by_citizen.as_u16()));
    // The polyglot, if taken, downloads inert.
    let list: serde_json::Value =
        app.get(&app.client(), &format!("/api/v1/consultations/{id}/attachments")).await.json().await.unwrap();
    for a in list.as_array().unwrap() {
        let res = app.get(&app.client(), a["url"].as_str().unwrap()).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment"));
    }
    let n = list.as_array().unwrap().len();
    let mut statuses = Vec::new();
    for i in n..21 {
        statuses.push(upload_file(&app, &staff, id, &format!("第{i}个"), "f.pdf", pdf_of(500)).await.status().as_u16());
    }
    assert_eq!(*statuses.last().unwrap(), 422, "the 21st is refused: {statuses:?}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_files").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 20);
}

/// A bulk refusal's reason reaches the commenter's receipt as typed (NUL, U+202E) — moderation
/// reasons by the single form are neutralised.
#[tokio::test]
async fn bulk_reject_reason_reaches_the_commenter_unneutralised() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009310").await;
    let receipt = receipt_of(&comment(&app, &citizen, c, "a3", "登记应当免费").await);
    let ids = comment_ids(&app, c).await;
    let one = ids[0].to_string();
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{c}/moderate"),
            &[("scope", "ticked"), ("ids", &one), ("decision", "reject"), ("reason", "含有\u{202E}告广\0内容")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let api = citizen
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({ "receipt": receipt }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = app.get(&citizen, "/me").await.text().await.unwrap();
    assert!(
        !api.contains("\\u202e") && !api.contains('\u{202E}') && !api.contains("\\u0000") && !page.contains('\u{202E}'),
        "receipt API: {api}"
    );
}

/// A bulk answer holds the database's write lock for its whole loop: comments submitted meanwhile
/// wait for it.
#[tokio::test]
async fn a_long_bulk_answer_does_not_stall_citizens_comments() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009311").await;
    assert_eq!(comment(&app, &citizen, c, "a3", "一").await.status(), 303);
    let ids = comment_ids(&app, c).await;
    let one = ids[0].to_string();
    let path = format!("/staff/consultations/{c}/moderate");
    assert_eq!(
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &one), ("decision", "approve")]).await.status(),
        303
    );
    let mut form: Vec<(String, String)> = (0..100_000).map(|_| ("ids".to_string(), one.clone())).collect();
    form.extend([
        ("scope".into(), "ticked".into()),
        ("disposition".into(), "not_adopted".into()),
        ("reason".into(), "上位法已有规定。".into()),
    ]);
    let (s, url) = (staff.clone(), app.url(&format!("/staff/consultations/{c}/dispose")));
    let bulk = tokio::spawn(async move { s.post(url).form(&form).send().await.unwrap().status() });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let t = std::time::Instant::now();
    let res = comment(&app, &citizen, c, "a2", "二").await;
    let took = t.elapsed();
    let bulk = bulk.await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE body = '二'").fetch_one(&app.db).await.unwrap();
    eprintln!("comment during bulk answer: {} after {took:?}; bulk {bulk}; stored afterwards: {stored}", res.status());
    assert_eq!(res.status(), 303, "a citizen's comment sent during a staff member's long post is taken");
    assert_eq!(stored, 1);
}

/// Staff case queues page in SQL (LIMIT 100 OFFSET …) and then screen out reports about the
/// viewer's own unit; the page links on only when a page shows a full 100. One screened case
/// among the first 100 leaves page 1 with 99 and no "下一页": the cases beyond are out of reach.
#[tokio::test]
async fn a_screened_case_does_not_hide_the_rest_of_the_queue() {
    use serde_json::json;
    let app = TestApp::spawn().await;
    let (_officer, office_id) = app.account("市信访局", Role::PetitionOfficer, &["discipline_channel"]).await;
    let (watchdog, watchdog_id) = app.account("市纪委监委", Role::PetitionOfficer, &["discipline_channel"]).await;
    for i in 0..101 {
        let res = app
            .client()
            .post(app.url("/api/v1/cases"))
            .json(&json!({"kind": "complaint", "matter": format!("信访局推诿不办{i}"), "facts": "多次来访均被推诿。",
                          "concerned_agency_id": office_id, "anonymous": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    // One of them is about the watchdog itself, and overdue: it leads the SQL page.
    let overdue = app::clock::format_date(app::clock::now() - 2 * 86_400);
    sqlx::query("UPDATE cases SET due_on = $1, concerned_agency_id = $2 WHERE matter = '信访局推诿不办0'")
        .bind(&overdue)
        .bind(watchdog_id)
        .execute(&app.db)
        .await
        .unwrap();
    let get = |n: u32| {
        let (w, url) = (watchdog.clone(), app.url(&format!("/api/v1/staff/cases?queue=discipline&page={n}")));
        async move { w.get(url).send().await.unwrap().json::<Vec<serde_json::Value>>().await.unwrap() }
    };
    let (first, second) = (get(1).await, get(2).await);
    let html = app.get(&watchdog, "/petition/discipline").await;
    let status = html.status();
    let html = html.text().await.unwrap();
    let links_on = html.contains("page=2");
    eprintln!("screened probe: page1 {} page2 {} /discipline {status} links {links_on}", first.len(), second.len());
    assert!(
        first.len() == 100 && links_on,
        "100 cases visible to the watchdog; API page 1 has {}, page 2 has {}; the queue page links to page 2: {links_on}",
        first.len(),
        second.len()
    );
}

/// After a correction, search finds the corrected wording of articles and the title, and no
/// longer the wording corrected away.
#[tokio::test]
async fn search_follows_a_correction() {
    let (app, staff, id) = police_consultation().await;
    let q = |s: &str| format!("/api/v1/search?q={}", app::ui::encode_query(s));
    let until = |path: String, want: u64| {
        let (c, url) = (app.client(), app.url(&path));
        async move {
            let started = std::time::Instant::now();
            loop {
                let v: serde_json::Value = c.get(&url).send().await.unwrap().json().await.unwrap();
                if v["total"].as_u64() == Some(want) || started.elapsed() > std::time::Duration::from_secs(5) {
                    return v;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    let before = until(q("烈性犬"), 1).await;
    assert_eq!(before["total"], 1, "{before}");
    let fixed = DRAFT.replace("烈性犬", "大型猛犬");
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{id}/correct"),
            &correction("某市犬类管理条例（草案）", &fixed, "用语更正"),
        )
        .await;
    assert_eq!(res.status(), 303);
    let new_article = until(q("大型猛犬"), 1).await;
    let old_article = until(q("烈性犬"), 0).await;
    let new_title = until(q("犬类管理条例"), 1).await;
    assert!(
        new_article["total"] == 1 && old_article["total"] == 0 && new_title["total"].as_u64() >= Some(1),
        "new wording: {new_article}\\nold wording: {old_article}\\nnew title: {new_title}"
    );
}

/// After an account is deleted, its comments still count (kept), and the home list and the draft
/// page agree with the comments.
#[tokio::test]
async fn counts_after_an_account_is_deleted() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009313").await;
    for (a, b) in [("a3", "一"), ("", "全文")] {
        assert_eq!(comment(&app, &citizen, c, a, b).await.status(), 303);
    }
    let ids = comment_ids(&app, c).await;
    let (s0, s1) = (ids[0].to_string(), ids[1].to_string());
    let path = format!("/staff/consultations/{c}/moderate");
    assert_eq!(
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &s0), ("ids", &s1), ("decision", "approve")])
            .await
            .status(),
        303
    );
    assert_eq!(app.post_form(&citizen, "/account/delete", &[("password", "correct horse")]).await.status(), 303);
    let kept: (i64, i64, i64) =
        sqlx::query_as("SELECT whole_received, whole_approved, approved_total FROM consultations WHERE id = $1")
            .bind(c)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, (1, 1, 2));
    let page = app.get(&app.client(), &format!("/consultations/{c}")).await.text().await.unwrap();
    let at = page.find("对全文的意见").map(|i| page[i..].chars().take(80).collect::<String>());
    assert!(page.replace("<!>", "").contains("对全文的意见：已公开 1 条 / 共收到 1 条"), "draft page counts: {at:?}");
}

/// A bulk answer posted under consultation A's path answers a comment of the same agency's
/// consultation B (bulk moderation refuses that: "不属于本项目").
#[tokio::test]
async fn bulk_answer_stays_within_its_consultation() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let a = app.open_consultation(&staff).await;
    let b = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900009314").await;
    assert_eq!(comment(&app, &citizen, b, "a3", "乙项目的意见").await.status(), 303);
    let on_b = comment_ids(&app, b).await[0].to_string();
    assert_eq!(
        app.post_form(
            &staff,
            &format!("/staff/consultations/{b}/moderate"),
            &[("scope", "ticked"), ("ids", &on_b), ("decision", "approve")]
        )
        .await
        .status(),
        303
    );
    let res = app
        .post_form(
            &staff,
            &format!("/staff/consultations/{a}/dispose"),
            &[("scope", "ticked"), ("ids", &on_b), ("disposition", "adopted")],
        )
        .await;
    let status = res.status();
    let d: Option<String> = sqlx::query_scalar("SELECT disposition FROM comments WHERE id = $1")
        .bind(on_b.parse::<i64>().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(d, None, "answered {status} ({}) through consultation {a}'s form", location(&res));
}

/// Full-text corrections at once: one wins, the others are told to reload (README's promise).
#[tokio::test]
async fn full_text_corrections_at_once_one_wins() {
    let (app, staff, id) = police_consultation().await;
    let path = format!("/staff/consultations/{id}/correct");
    // Eight staff opened the form on the same text and send their corrections at once.
    let page = app.get(&staff, &path).await.text().await.unwrap();
    let seen = seen_in(&page);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (c, url, seen) = (staff.clone(), app.url(&path), seen.clone());
        tasks.push(tokio::spawn(async move {
            let text = DRAFT.replace("办理登记。", &format!("办理登记（{i}）。"));
            let mut form = correction("某市养犬管理条例（草案）", &text, "漏字").to_vec();
            form.push(("seen", &seen));
            c.post(url).form(&form).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 303).count();
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM consultation_changes").fetch_one(&app.db).await.unwrap();
    let full: String = sqlx::query_scalar("SELECT full_text FROM consultations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let body: String = sqlx::query_scalar("SELECT body FROM articles WHERE consultation_id = $1 AND anchor = 'a3'")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let consistent = full.contains(&body);
    assert!(
        ok == 1 && recorded == 1 && consistent,
        "{statuses:?}, {recorded} recorded; stored article a3 '{body}' is in the stored full text: {consistent}"
    );
}

/// Two moderators' overlapping bulk approvals at once: all or none each, never a partial one.
#[tokio::test]
async fn overlapping_bulk_moderations_are_all_or_none() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let colleague = staff.clone();
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900009315").await;
    for i in 0..30 {
        assert_eq!(comment(&app, &citizen, c, "a3", &format!("意见{i}")).await.status(), 303);
    }
    let ids: Vec<String> = comment_ids(&app, c).await.iter().map(|i| i.to_string()).collect();
    let post = |who: reqwest::Client, ids: Vec<String>, decision: &'static str| {
        let url = app.url(&format!("/staff/consultations/{c}/moderate"));
        async move {
            let mut form: Vec<(&str, String)> = ids.into_iter().map(|i| ("ids", i)).collect();
            form.extend([("scope", "ticked".into()), ("decision", decision.into()), ("reason", "重复".into())]);
            who.post(url).form(&form).send().await.unwrap().status().as_u16()
        }
    };
    let (a, b) = tokio::join!(
        post(staff.clone(), ids[0..20].to_vec(), "approve"),
        post(colleague.clone(), ids[10..30].to_vec(), "reject")
    );
    let approved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE status = 'approved'").fetch_one(&app.db).await.unwrap();
    let rejected: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE status = 'rejected'").fetch_one(&app.db).await.unwrap();
    let fine = match (a, b) {
        (303, 409) => approved == 20 && rejected == 0,
        (409, 303) => approved == 0 && rejected == 20,
        _ => false,
    };
    assert!(fine, "statuses {a}/{b}: approved {approved}, rejected {rejected}");
}

/// The page's own receipt call (the server function) spends the lookup budget.
#[tokio::test]
async fn receipt_server_function_is_budgeted() {
    use server::config::Limits;
    let app = TestApp::spawn_with(Limits { lookups_per_minute: 2, ..relaxed() }).await;
    let c = app.client();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = c
            .post(app.url("/api/receipt"))
            .header("Accept", "application/json")
            .form(&[("receipt", "YJ-2026-AAAA-BBBB-CCCC")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    let api = c
        .post(app.url("/api/v1/comments/receipt"))
        .json(&serde_json::json!({"receipt": "YJ-2026-AAAA-BBBB-CCCC"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert!(statuses[2] == 429 && statuses[3] == 429 && api == 429, "server fn {statuses:?}, API {api}");
}

/// A submitter who gives up waiting (closes the connection) is told nothing, yet the writer still
/// commits the comment later: a stored comment whose author never got its receipt (an anonymous
/// one can never find it), and who will likely send it again.
#[tokio::test]
async fn a_comment_whose_submitter_left_is_not_stored_without_a_receipt() {
    let (app, staff, c) = police_consultation().await;
    let citizen = app.citizen("13900009316").await;
    assert_eq!(comment(&app, &citizen, c, "a3", "一").await.status(), 303);
    let ids = comment_ids(&app, c).await;
    let one = ids[0].to_string();
    let path = format!("/staff/consultations/{c}/moderate");
    assert_eq!(
        app.post_form(&staff, &path, &[("scope", "ticked"), ("ids", &one), ("decision", "approve")]).await.status(),
        303
    );
    // A bulk answer that holds the write lock for a few seconds (less than the 5 s busy timeout).
    let mut form: Vec<(String, String)> = (0..25_000).map(|_| ("ids".to_string(), one.clone())).collect();
    form.extend([
        ("scope".into(), "ticked".into()),
        ("disposition".into(), "not_adopted".into()),
        ("reason".into(), "上位法已有规定。".into()),
    ]);
    let (s, url) = (staff.clone(), app.url(&format!("/staff/consultations/{c}/dispose")));
    let bulk = tokio::spawn(async move {
        let t = std::time::Instant::now();
        let st = s.post(url).form(&form).send().await.unwrap().status();
        (st, t.elapsed())
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let gave_up = citizen
        .post(app.url(&format!("/consultations/{c}/comment")))
        .timeout(std::time::Duration::from_millis(800))
        .form(&[("article", "a2"), ("body", "我等不及了")])
        .send()
        .await;
    let (bulk_status, bulk_took) = bulk.await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE body = '我等不及了'").fetch_one(&app.db).await.unwrap();
    eprintln!(
        "bulk {bulk_status} in {bulk_took:?}; submitter: {:?}; stored: {stored}",
        gave_up.as_ref().map(|r| r.status())
    );
    assert!(gave_up.is_ok() || stored == 0, "the submitter got no answer, yet the comment was stored");
}
