//! The published report's CSV over HTTP: exactly the lines it always had, built once and kept as a
//! file, served like a static file (ETag, 304, gzip), rebuilt when a later approval changes it, and
//! whole even when it cannot be kept.
use crate::harness::*;
use crate::report::{approve, close, publish};
use crate::report_figures::article_id;
use reqwest::header;

/// 2026-01-01 08:00 in Beijing.
const AT: i64 = 1_767_225_600;

/// Store a published comment with an answer; its id.
async fn answered(app: &TestApp, c: i64, anchor: &str, body: &str, disposition: &str, reason: Option<&str>) -> i64 {
    let article = article_id(app, c, anchor).await;
    sqlx::query_scalar(
        "INSERT INTO comments (receipt, consultation_id, article_id, body, status, disposition, disposition_reason, created_at)
         VALUES ($1, $2, $3, $4, 'approved', $5, $6, $7) RETURNING id",
    )
    .bind(format!("YJ-CSV-{c}-{body}"))
    .bind(c)
    .bind(article)
    .bind(body)
    .bind(disposition)
    .bind(reason)
    .bind(AT)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// A published report whose comments carry every kind of cell a spreadsheet could misread, and the
/// CSV it must give, byte for byte.
async fn hostile_report(app: &TestApp) -> (i64, String, reqwest::Client) {
    let (staff, _) = app.staff("市司法局").await;
    let c = app.open_consultation(&staff).await;
    // Received out of article order; the CSV is in article order, the draft as a whole first.
    let third = answered(app, c, "a3", "=HYPERLINK(\"http://x\")", "not_adopted", Some("-理由以减号开头")).await;
    let whole = answered(app, c, "", "一，二, 三", "adopted", None).await;
    let first = answered(app, c, "a1", "第一行\n第二行", "partly_adopted", Some("他说\"好\"")).await;
    let spaced = answered(app, c, "a1", " 前后有空格 ", "out_of_scope", Some("@提及")).await;
    close(app, c).await;
    assert_eq!(publish(app, &staff, c, &[("summary", "逐条答复。")]).await.status(), 303);
    let expected = format!(
        "\u{feff}编号,条文,意见内容,提交时间,采纳情况,理由\r\n\
         {whole},全文,\"一，二, 三\",2026-01-01 08:00,采纳,\r\n\
         {first},第一条,\"第一行\n第二行\",2026-01-01 08:00,部分采纳,\"他说\"\"好\"\"\"\r\n\
         {spaced},第一条,\" 前后有空格 \",2026-01-01 08:00,不属于草案内容,'@提及\r\n\
         {third},第三条,\"'=HYPERLINK(\"\"http://x\"\")\",2026-01-01 08:00,未采纳,'-理由以减号开头\r\n"
    );
    (c, expected, staff)
}

fn kept_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.dir.path().join("reports"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn a_reader_downloads_the_report_csv_line_for_line_from_a_kept_file_and_revalidates_it() {
    let app = TestApp::spawn().await;
    let (c, expected, _) = hostile_report(&app).await;
    let url = app.url(&format!("/consultations/{c}/report.csv"));
    let res = app.client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(h[header::CONTENT_DISPOSITION], format!("attachment; filename=\"report-{c}.csv\""));
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    let (tag, modified) = (h[header::ETAG].clone(), h[header::LAST_MODIFIED].clone());
    assert_eq!(res.text().await.unwrap(), expected, "every cell as it always was, hostile ones defused");
    let kept = kept_files(&app);
    assert_eq!(kept.len(), 2, "the CSV and its gzip copy, nothing half-written: {kept:?}");
    assert!(kept[0].starts_with(&format!("report-{c}-")) && kept[1] == format!("{}.gz", kept[0]));

    // Asked again with what the reader has: 304, no body.
    let res = app.client().get(&url).header(header::IF_NONE_MATCH, tag.clone()).send().await.unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()[header::ETAG], tag);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app.client().get(&url).header(header::IF_MODIFIED_SINCE, modified).send().await.unwrap();
    assert_eq!(res.status(), 304);
    // Gzipped for a reader who accepts it: the copy made once, another representation, the same text.
    let res = app.client().get(&url).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    assert_ne!(res.headers()[header::ETAG], tag);
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&res.bytes().await.unwrap()[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, expected);

    // The second download is the kept file: a change made to it (and only there) is what is sent.
    let path = app.dir.path().join("reports").join(&kept[0]);
    std::fs::write(&path, format!("{expected}kept\r\n")).unwrap();
    let again = app.client().get(&url).send().await.unwrap().text().await.unwrap();
    assert!(again.ends_with("kept\r\n"), "served from the kept file");
}

#[tokio::test]
async fn a_comment_approved_after_publication_is_in_the_next_download_and_the_old_file_is_gone() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通局").await;
    let c = app.open_consultation(&staff).await;
    let citizen = app.citizen("13900006021").await;
    assert_eq!(comment(&app, &citizen, c, "a2", "晚些审核的意见。").await.status(), 303);
    close(&app, c).await;
    let form = [("summary", "说明。"), ("unanswered_reason", "尚有意见在审核。")];
    assert_eq!(publish(&app, &staff, c, &form).await.status(), 303);
    let url = app.url(&format!("/consultations/{c}/report.csv"));
    let first = app.client().get(&url).send().await.unwrap();
    let tag = first.headers()[header::ETAG].clone();
    assert!(!first.text().await.unwrap().contains("晚些审核的意见。"));
    let before = kept_files(&app);

    let id: i64 = sqlx::query_scalar("SELECT id FROM comments").fetch_one(&app.db).await.unwrap();
    approve(&app, &staff, id).await;
    let res = app.client().get(&url).header(header::IF_NONE_MATCH, tag).send().await.unwrap();
    assert_eq!(res.status(), 200, "the reader's copy is out of date");
    assert!(res.text().await.unwrap().contains(&format!("{id},第二条,晚些审核的意见。,")));
    let after = kept_files(&app);
    assert_eq!(after.len(), 2);
    assert!(before.iter().all(|f| !after.contains(f)), "the old edition is removed: {before:?} {after:?}");
}

#[tokio::test]
async fn a_reader_still_gets_the_whole_csv_when_it_cannot_be_kept() {
    let app = TestApp::spawn().await;
    let (c, expected, _) = hostile_report(&app).await;
    // Nothing can be written where the files go (as on a full disk, but on any machine).
    let blocker = app.dir.path().join("reports");
    std::fs::write(&blocker, "not a folder").unwrap();
    let url = app.url(&format!("/consultations/{c}/report.csv"));
    let res = app.client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(res.headers().get(header::ETAG).is_none(), "streamed, not a kept file");
    assert_eq!(res.text().await.unwrap(), expected, "and whole");
    // Once it can be written, it is kept.
    std::fs::remove_file(&blocker).unwrap();
    let res = app.client().get(&url).send().await.unwrap();
    assert!(res.headers().get(header::ETAG).is_some());
    assert_eq!(res.text().await.unwrap(), expected);
}

#[tokio::test]
async fn readers_downloading_a_new_report_at_once_all_get_the_same_whole_file() {
    let app = TestApp::spawn().await;
    let (c, expected, _) = hostile_report(&app).await;
    let url = app.url(&format!("/consultations/{c}/report.csv"));
    let downloads = (0..6).map(|_| {
        let (client, url) = (app.client(), url.clone());
        async move {
            let res = client.get(&url).send().await.unwrap();
            let tag = res.headers().get(header::ETAG).cloned();
            (res.status(), tag, res.text().await.unwrap())
        }
    });
    let results = futures_util::future::join_all(downloads).await;
    let first_tag = results[0].1.clone();
    for (status, tag, body) in results {
        assert_eq!(status, 200);
        assert_eq!(body, expected);
        assert_eq!(tag, first_tag, "one file, built once");
    }
    assert_eq!(kept_files(&app).len(), 2);
}
