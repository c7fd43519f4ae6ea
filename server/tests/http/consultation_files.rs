//! Attachments on consultations (起草说明, 对照表, other material): the drafting agency attaches
//! them to its draft and after publication; the public lists and downloads them, always as a
//! download; nobody else attaches, removes, or sees a draft's files.
use crate::harness::{form_html, location_id, rejected_page, TestApp, DRAFT};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response};

pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF\n";

/// A draft of `staff`'s agency, saved for preview; its id.
async fn draft(app: &TestApp, staff: &Client) -> i64 {
    let today = app::clock::format_date(app::clock::now());
    let closes = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let form = [
        ("kind", "regulation"),
        ("title", "某市电动自行车管理条例（草案）"),
        ("full_text", DRAFT),
        ("opens_on", today.as_str()),
        ("closes_on", closes.as_str()),
        ("draft", "1"),
    ];
    let res = app.post_form(staff, "/staff/consultations/new", &form).await;
    assert_eq!(res.status(), 303);
    location_id(&res)
}

async fn publish(app: &TestApp, staff: &Client, id: i64) {
    let today = app::clock::format_date(app::clock::now());
    let closes = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let form = [("_form", "publish"), ("opens_on", today.as_str()), ("closes_on", closes.as_str())];
    let res = app.post_form(staff, &format!("/staff/consultations/{id}/publish"), &form).await;
    assert_eq!(res.status(), 303, "published");
}

/// Upload through the plain form on a consultation's attachments page.
async fn upload(app: &TestApp, c: &Client, id: i64, kind: &str, title: &str, name: &str, bytes: &[u8]) -> Response {
    upload_to(app, c, &format!("/staff/consultations/{id}/files"), kind, title, name, bytes).await
}

/// Upload through the plain form on an attachments page (`path`: where it posts).
pub(crate) async fn upload_to(
    app: &TestApp,
    c: &Client,
    path: &str,
    kind: &str,
    title: &str,
    name: &str,
    bytes: &[u8],
) -> Response {
    let form = Form::new()
        .text("_form", "attach")
        .text("kind", kind.to_string())
        .text("title", title.to_string())
        .part("file", Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    c.post(app.url(path)).multipart(form).send().await.unwrap()
}

/// The download links on a page: `/consultations/{id}/files/{file}`.
fn file_links(page: &str, id: i64) -> Vec<String> {
    links_under(page, &format!("/consultations/{id}/files/"))
}

/// The links on a page to addresses under `base`.
pub(crate) fn links_under(page: &str, base: &str) -> Vec<String> {
    let prefix = format!("href=\"{base}");
    page.match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &page[at + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Every regular file under `dir` (none if it does not exist).
pub(crate) fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
        entries.map(|e| e.unwrap().path()).map(|p| if p.is_dir() { walk(&p) } else { 1 }).sum()
    }
    walk(&app.dir.path().join("attachments"))
}

#[tokio::test]
async fn an_agency_attaches_its_drafting_explanation_to_a_draft_that_only_it_can_see_and_download() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let (other, _) = app.staff("市城管局").await;
    let id = draft(&app, &staff).await;
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(preview.contains(&format!("/staff/consultations/{id}/files")), "the preview links to the attachments");

    let res = upload(&app, &staff, id, "explanation", "关于《条例（草案）》的起草说明", "起草说明.pdf", PDF).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let res = upload(&app, &staff, id, "comparison", "修改前后对照表", "对照表.pdf", PDF).await;
    assert_eq!(res.status(), 303);

    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(preview.contains("关于《条例（草案）》的起草说明") && preview.contains("对照表"), "{preview}");
    let links = file_links(&preview, id);
    assert_eq!(links.len(), 2, "{preview}");
    let res = app.get(&staff, &links[0]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF, "the agency gets back exactly what it uploaded");
    // Nobody else: not the public, not another agency's staff, not the API.
    assert_eq!(app.get(&app.client(), &links[0]).await.status(), 404);
    assert_eq!(app.get(&other, &links[0]).await.status(), 404);
    assert_eq!(app.get(&app.client(), &format!("/api/v1/consultations/{id}")).await.status(), 404);
    // The agency's staff list them through the API too, with the names they uploaded; nobody else.
    let api = format!("/api/v1/consultations/{id}/attachments");
    let own: serde_json::Value = app.get(&staff, &api).await.json().await.unwrap();
    assert_eq!(own.as_array().map(Vec::len), Some(2), "{own}");
    assert_eq!(own[0]["uploaded_as"].as_str(), Some("起草说明.pdf"));
    assert_eq!(app.get(&app.client(), &api).await.status(), 404);
    assert_eq!(app.get(&other, &api).await.status(), 404);

    // While it is a draft, the agency removes one; its file goes too.
    assert_eq!(stored_files(&app), 2);
    let file = links[1].rsplit('/').next().unwrap();
    let remove = format!("/staff/consultations/{id}/files/{file}/remove");
    let res = app.post_form(&staff, &remove, &[("_form", &format!("remove-{file}"))]).await;
    assert_eq!(res.status(), 303);
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert_eq!(file_links(&preview, id).len(), 1);
    assert!(!preview.contains("修改前后对照表"));
    assert_eq!(app.get(&staff, &links[1]).await.status(), 404);
    assert_eq!(stored_files(&app), 1, "the removed file is gone from the disk");
}

#[tokio::test]
async fn after_publication_anyone_downloads_the_explanation_as_an_inert_download_and_it_stays_on_record() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let id = draft(&app, &staff).await;
    let res = upload(&app, &staff, id, "explanation", "起草说明", "说明.pdf", PDF).await;
    assert_eq!(res.status(), 303);
    publish(&app, &staff, id).await;

    let public = app.client();
    let page = app.get(&public, &format!("/consultations/{id}")).await.text().await.unwrap();
    let links = file_links(&page, id);
    assert_eq!(links.len(), 1, "{page}");
    assert!(page.contains("PDF文档") && page.contains("起草说明"), "kind, type and size are listed");
    let res = app.get(&public, &links[0]).await;
    assert_eq!(res.status(), 200);
    let h = res.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let disposition = h["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%E8%B5%B7%E8%8D%89%E8%AF%B4%E6%98%8E.pdf"), "{disposition}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // The JSON API lists it with the consultation.
    let api: serde_json::Value = app.get(&public, &format!("/api/v1/consultations/{id}")).await.json().await.unwrap();
    let listed = &api["attachments"][0];
    assert_eq!((listed["kind"].as_str(), listed["title"].as_str()), (Some("explanation"), Some("起草说明")));
    assert_eq!(listed["url"].as_str(), Some(links[0].as_str()));
    assert_eq!(listed["added_after_publication"].as_bool(), Some(false));
    assert!(listed.get("uploaded_as").is_none(), "the uploaded file's own name is not published");

    // Added after publication: listed as added then.
    let res = upload(&app, &staff, id, "other", "专家论证意见", "论证.pdf", PDF).await;
    assert_eq!(res.status(), 303);
    // Its title finds the consultation in the search, as the files listed before publication do.
    for q in ["专家论证意见", "起草说明"] {
        let found = crate::search::until_hits(&app, &public, q, 1).await;
        assert_eq!(found["hits"][0]["url"].as_str(), Some(format!("/consultations/{id}").as_str()), "{q}: {found}");
    }
    let page = app.get(&public, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(page.contains("发布后于"), "{page}");
    // Removing it now is refused: what the public could download stays part of the record.
    let file = links[0].rsplit('/').next().unwrap();
    let res = app.post_form(&staff, &format!("/staff/consultations/{id}/files/{file}/remove"), &[]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(app.get(&public, &links[0]).await.status(), 200);

    // Withdrawn: the files stay downloadable as the record; nothing more is attached.
    let res = app.post_form(&staff, &format!("/staff/consultations/{id}/withdraw"), &[("reason", "另行起草")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get(&public, &links[0]).await.status(), 200);
    let res = upload(&app, &staff, id, "other", "补充", "补充.pdf", PDF).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn another_agencys_staff_can_neither_attach_to_nor_remove_from_a_consultation_not_theirs() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let (other, _) = app.staff("市城管局").await;
    let citizen = app.citizen("13900007001").await;
    let id = draft(&app, &staff).await;
    assert_eq!(upload(&app, &staff, id, "explanation", "起草说明", "说明.pdf", PDF).await.status(), 303);
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    let file = file_links(&preview, id)[0].rsplit('/').next().unwrap().to_string();

    for c in [&other, &citizen] {
        let res = upload(&app, c, id, "other", "冒名材料", "x.pdf", PDF).await;
        assert!([403, 404].contains(&res.status().as_u16()), "{}", res.status());
        let res = app.post_form(c, &format!("/staff/consultations/{id}/files/{file}/remove"), &[]).await;
        assert!([403, 404].contains(&res.status().as_u16()), "{}", res.status());
        let status = app.get(c, &format!("/staff/consultations/{id}/files")).await.status().as_u16();
        assert!([403, 404].contains(&status), "{status}");
    }
    // Published too: still only its own agency attaches.
    publish(&app, &staff, id).await;
    assert_eq!(upload(&app, &other, id, "other", "冒名材料", "x.pdf", PDF).await.status(), 404);
    let signed_out = app.client();
    let res = upload(&app, &signed_out, id, "other", "冒名材料", "x.pdf", PDF).await;
    assert!([401, 303].contains(&res.status().as_u16()), "{}", res.status());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_files").fetch_one(&app.db).await.unwrap();
    assert_eq!((n, stored_files(&app)), (1, 1), "nothing attached, nothing written, nothing removed");
}

#[tokio::test]
async fn staff_whose_file_is_refused_get_the_form_back_with_their_title_and_a_reason() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let id = draft(&app, &staff).await;

    // Not a document: a web page renamed to .pdf.
    let res =
        upload(&app, &staff, id, "comparison", "条文对照表（第二稿）", "对照表.pdf", b"<html><script>x</script>").await;
    let page = rejected_page(res, 422).await;
    let form = form_html(&page, "attach");
    assert!(form.contains("条文对照表（第二稿）"), "the title is kept: {form}");
    assert!(form.contains("不是PDF"), "{form}");
    let chosen = form.split(r#"value="comparison""#).nth(1).unwrap().split('>').next().unwrap();
    assert!(chosen.contains("selected"), "the kind is kept: {form}");

    // Over 20 MB: read to the end and dropped, the form back with the title.
    let mut big = PDF.to_vec();
    big.resize(21 * 1024 * 1024, b' ');
    let res = upload(&app, &staff, id, "explanation", "起草说明（全文版）", "大文件.pdf", &big).await;
    let page = rejected_page(res, 422).await;
    let form = form_html(&page, "attach");
    assert!(form.contains("起草说明（全文版）") && form.contains("超过20MB"), "{form}");

    // No title: refused too, the file not kept.
    let res = upload(&app, &staff, id, "explanation", "  ", "说明.pdf", PDF).await;
    assert!(form_html(&rejected_page(res, 422).await, "attach").contains("请填写附件标题"));
    assert_eq!(stored_files(&app), 0, "nothing refused reaches the disk");

    // At most 20 on one consultation.
    for n in 0..20 {
        assert_eq!(upload(&app, &staff, id, "other", &format!("材料{n}"), "m.pdf", PDF).await.status(), 303);
    }
    let res = upload(&app, &staff, id, "other", "第二十一份材料", "m.pdf", PDF).await;
    let page = rejected_page(res, 422).await;
    assert!(page.contains("最多20个附件"), "{page}");
    assert_eq!(stored_files(&app), 20);
}

#[tokio::test]
async fn a_reader_is_safe_from_a_hostile_file_name_and_title_on_the_page_and_in_the_download() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let id = draft(&app, &staff).await;
    let title = "说明\"><script>alert(1)</script>\u{202E}fdp.exe\r\nX-Injected: 1";
    let name = "报告<script>alert(2)<b>\u{202E}gpj.pdf";
    let res = upload(&app, &staff, id, "explanation", title, name, PDF).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    publish(&app, &staff, id).await;

    let page = app.get(&staff, &format!("/staff/consultations/{id}/files")).await.text().await.unwrap();
    let public = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    for p in [&page, &public] {
        assert!(!p.contains("<script>alert"), "no markup from a title or a file name runs");
        assert!(!p.contains('\u{202E}'), "no direction override reaches the page");
    }
    assert!(public.contains("alert(1)"), "the title is shown, as text: {public}");
    assert!(page.contains("alert(2)") && page.contains("gpj.pdf"), "the agency sees the name it uploaded: {page}");

    let link = file_links(&public, id).remove(0);
    let res = app.get(&app.client(), &link).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("x-injected").is_none(), "no header injected");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    let plain = disposition.split("; filename*=").next().unwrap();
    assert_eq!(plain.matches('"').count(), 2, "the quoted name holds no quote of its own: {disposition}");
    assert!(!disposition.contains(['<', '>', '\r', '\n', '\u{202E}']), "{disposition}");
    assert!(disposition.ends_with(".pdf"), "saved with the sniffed kind's extension: {disposition}");
}

#[tokio::test]
async fn an_agency_whose_file_cannot_be_written_is_told_to_try_again_and_nothing_half_made_stays() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let id = draft(&app, &staff).await;
    // The attachments folder replaced by a plain file: no write under it can succeed.
    let folder = app.dir.path().join("attachments");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::write(&folder, b"not a folder").unwrap();
    let res = upload(&app, &staff, id, "explanation", "起草说明", "说明.pdf", PDF).await;
    assert_eq!(res.status(), 503);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_files").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0, "no row for a file that was not written");
    let preview = app.get(&staff, &format!("/consultations/{id}")).await.text().await.unwrap();
    assert!(file_links(&preview, id).is_empty());
}

#[tokio::test]
async fn the_server_refuses_an_upload_announced_over_its_limit_before_reading_it() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通运输局").await;
    let id = draft(&app, &staff).await;
    // Sent by hand: a client still sending a large body when the refusal comes may see the
    // connection close. 60 MB is past the route's limit (twice the file limit and the fields).
    let mut raw = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /staff/consultations/{id}/files HTTP/1.1\r\nHost: x\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 62914560\r\n\r\n"
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let wait = std::time::Duration::from_secs(10);
    let n = tokio::time::timeout(wait, raw.read(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_citizen_whose_upload_is_too_large_to_read_gets_the_form_back_saying_the_limits() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    // A browser's post of a complaint with far too large a file: refused before it is read, and
    // answered with the form and the limits at the attachments, not a line of text.
    let mut raw = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let head = "POST /cases/new/complaint HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 524288000\r\n\r\n";
    raw.write_all(head.as_bytes()).await.unwrap();
    let (mut answer, mut chunk) = (Vec::new(), vec![0u8; 64 * 1024]);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !String::from_utf8_lossy(&answer).contains("</html>") && std::time::Instant::now() < until {
        match tokio::time::timeout(std::time::Duration::from_secs(1), raw.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("text/html"), "a page, not a line of text: {answer}");
    assert!(answer.contains("每个文件不超过") && answer.contains("<form"), "the form, saying the limits");
    assert!(!answer.contains("其余内容已保留"), "nothing was read, so nothing is said to be kept");
}
