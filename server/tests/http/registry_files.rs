//! A registered document's files (its annexes, 政策解读, other material): its issuing body adds
//! them; they are public at once, listed on the document's page and in the API, downloaded as
//! inert downloads, and never removed: a corrected file is added beside, shown with its day.
use crate::consultation_files::{links_under, stored_files, upload_to, PDF};
use crate::harness::*;
use crate::registry::{api_doc, coded_agency, listed_until, registered, TEXT};

fn staff_page(id: i64) -> String {
    format!("/staff/documents/{id}/files")
}

#[tokio::test]
async fn the_public_reads_a_documents_annex_and_policy_interpretation_from_its_page_and_the_api() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let page = app.get(&staff, &format!("/documents/{id}")).await.text().await.unwrap();
    assert!(page.contains(&staff_page(id)), "the issuing body's staff are shown where to add files");
    let public = app.client();
    let page = app.get(&public, &format!("/documents/{id}")).await.text().await.unwrap();
    assert!(!page.contains(&staff_page(id)), "the public is not");

    let res = upload_to(&app, &staff, &staff_page(id), "annex", "附件1：停放区域目录", "附件1.pdf", PDF).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let res = upload_to(&app, &staff, &staff_page(id), "interpretation", "《办法》政策解读", "解读.pdf", PDF).await;
    assert_eq!(res.status(), 303);

    let page = app.get(&public, &format!("/documents/{id}")).await.text().await.unwrap();
    let links = links_under(&page, &format!("/documents/{id}/files/"));
    assert_eq!(links.len(), 2, "{page}");
    assert!(page.contains("附件1：停放区域目录") && page.contains("政策解读") && page.contains("PDF文档"), "{page}");
    let res = app.get(&public, &links[0]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;"), "always a download: {disposition}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF, "exactly what was published");

    let doc = api_doc(&app, id).await;
    let listed = doc["attachments"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{doc}");
    assert_eq!((listed[0]["kind"].as_str(), listed[0]["url"].as_str()), (Some("annex"), Some(links[0].as_str())));
    assert_eq!(listed[1]["kind"].as_str(), Some("interpretation"));
    assert_eq!(listed[0]["added_after_publication"].as_bool(), Some(false), "added with the registration");
    assert!(listed[0].get("uploaded_as").is_none(), "the uploaded file's own name is the agency's");
    // The agency's page lists the names they were uploaded under.
    let own = app.get(&staff, &staff_page(id)).await.text().await.unwrap();
    assert!(own.contains("附件1.pdf"), "{own}");
    // Words only in an attachment's title find the document in the registry and the search.
    let found = listed_until(&app, "停放区域目录", 1).await;
    assert_eq!(found["documents"][0]["id"], id);
    let page = app.get(&public, &format!("/search?q={}", app::ui::encode_query("停放区域目录"))).await;
    assert!(page.text().await.unwrap().contains(&format!("/documents/{id}")), "found in the platform's search");
}

#[tokio::test]
async fn a_published_documents_file_stays_on_record_and_a_correction_is_added_beside_it_with_its_day() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    assert_eq!(upload_to(&app, &staff, &staff_page(id), "annex", "附件1", "a.pdf", PDF).await.status(), 303);
    let page = app.get(&staff, &staff_page(id)).await.text().await.unwrap();
    assert!(!page.contains("/remove"), "no removal is offered: {page}");
    let link = links_under(&page, &format!("/documents/{id}/files/")).remove(0);
    let file = link.rsplit('/').next().unwrap();
    let res = app.post_form(&staff, &format!("/staff/documents/{id}/files/{file}/remove"), &[]).await;
    assert!(!res.status().is_success() && !res.status().is_redirection(), "{}", res.status());
    assert_eq!(app.get(&app.client(), &link).await.status(), 200, "still downloadable");

    // A file cut short on disk is refused, never handed out as if whole.
    let on_disk = app.dir.path().join("attachments").join(&file[..2]).join(file);
    let whole = std::fs::read(&on_disk).unwrap();
    std::fs::write(&on_disk, &whole[..whole.len() / 2]).unwrap();
    assert_eq!(app.get(&app.client(), &link).await.status(), 503, "a short file is not served");
    std::fs::write(&on_disk, &whole).unwrap();
    assert_eq!(app.get(&app.client(), &link).await.status(), 200);

    // Days later, a corrected annex: listed beside the first, as added after publication.
    sqlx::query("UPDATE normative_documents SET registered_at = registered_at - 3 * 86400 WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    let res = upload_to(&app, &staff, &staff_page(id), "annex", "附件1（更正）", "a2.pdf", PDF).await;
    assert_eq!(res.status(), 303);
    let page = app.get(&app.client(), &format!("/documents/{id}")).await.text().await.unwrap();
    assert!(page.contains("附件1（更正）") && page.contains("发布后于"), "{page}");
    assert_eq!(links_under(&page, &format!("/documents/{id}/files/")).len(), 2);
}

#[tokio::test]
async fn nobody_but_the_issuing_body_adds_a_file_to_a_document_and_nothing_they_send_is_written() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (other, _) = app.staff("市交通运输局").await;
    let citizen = app.citizen("13900007002").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    for c in [&other, &citizen] {
        let res = upload_to(&app, c, &staff_page(id), "annex", "冒名附件", "x.pdf", PDF).await;
        assert!([403, 404].contains(&res.status().as_u16()), "{}", res.status());
        let status = app.get(c, &staff_page(id)).await.status().as_u16();
        assert!([403, 404].contains(&status), "{status}");
    }
    let res = upload_to(&app, &app.client(), &staff_page(id), "annex", "冒名附件", "x.pdf", PDF).await;
    assert!([401, 303].contains(&res.status().as_u16()), "{}", res.status());
    // A document that does not exist: not found, for its own agency too.
    let res = upload_to(&app, &staff, &staff_page(id + 1000), "annex", "附件", "x.pdf", PDF).await;
    assert_eq!(res.status(), 404);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_files").fetch_one(&app.db).await.unwrap();
    assert_eq!((n, stored_files(&app)), (0, 0), "nothing attached, nothing written");
    // A file id that is not one: not found, and never a path.
    for bad in ["..%2F..%2Fcanyu.db", "0123456789abcdef0123456789abcdeg", "x"] {
        assert_eq!(app.get(&app.client(), &format!("/documents/{id}/files/{bad}")).await.status(), 404, "{bad}");
    }
    // A browser following a dead link lands on the document's page, told so; an API client gets
    // its typed error.
    let dead = format!("/documents/{id}/files/{}", "0".repeat(32));
    let res = app.get(&app.client(), &dead).await;
    assert_eq!(res.status(), 404);
    let page = res.text().await.unwrap();
    assert!(page.contains("未找到该附件") && page.contains("某市共享单车停放管理办法"), "{page}");
    let res = app.client().get(app.url(&dead)).header("accept", "application/json").send().await.unwrap();
    assert_eq!(res.status(), 404);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "not_found", "{err}");
}

#[tokio::test]
async fn staff_whose_document_file_is_refused_get_the_form_back_with_their_title_and_a_reason() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let res =
        upload_to(&app, &staff, &staff_page(id), "annex", "附件2：收费标准", "附件2.pdf", b"<svg onload=alert(1)>")
            .await;
    let page = rejected_page(res, 422).await;
    let form = form_html(&page, "attach");
    assert!(form.contains("附件2：收费标准") && form.contains("不是PDF"), "{form}");
    // A kind a document's files do not have (a consultation's 对照表): refused, not guessed.
    let res = upload_to(&app, &staff, &staff_page(id), "comparison", "对照表", "c.pdf", PDF).await;
    let page = rejected_page(res, 422).await;
    assert!(form_html(&page, "attach").contains("请选择附件类别"), "{page}");
    assert_eq!(stored_files(&app), 0, "nothing refused reaches the disk");
}

#[tokio::test]
async fn a_reader_is_safe_from_a_hostile_title_and_file_name_on_a_documents_page_and_download() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let title = "解读\"><img src=x onerror=alert(1)>\u{202E}fdp.exe\r\nX-Injected: 1";
    let name = "附件<script>alert(2)</script>\u{202E}gpj.pdf";
    let res = upload_to(&app, &staff, &staff_page(id), "interpretation", title, name, PDF).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let public = app.get(&app.client(), &format!("/documents/{id}")).await.text().await.unwrap();
    let own = app.get(&staff, &staff_page(id)).await.text().await.unwrap();
    for p in [&public, &own] {
        assert!(!p.contains("<img src=x") && !p.contains("<script>alert"), "no markup runs");
        assert!(!p.contains('\u{202E}'), "no direction override reaches the page");
    }
    assert!(public.contains("onerror=alert(1)"), "the title is shown as text: {public}");
    let api = api_doc(&app, id).await;
    assert!(api["attachments"][0]["title"].as_str().unwrap().contains("<img src=x"), "JSON carries exact text");
    let link = links_under(&public, &format!("/documents/{id}/files/")).remove(0);
    let res = app.get(&app.client(), &link).await;
    assert!(res.headers().get("x-injected").is_none(), "no header injected");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(!disposition.contains(['<', '>', '\r', '\n', '\u{202E}']), "{disposition}");
}

#[tokio::test]
async fn a_title_with_slashes_is_saved_whole_and_a_title_of_invisible_characters_is_no_title() {
    let app = TestApp::spawn().await;
    let (staff, _) = coded_agency(&app, "市城市管理局", "长城管规").await;
    let (id, _) = registered(&app, &staff, "某市共享单车停放管理办法", TEXT).await;
    let res = upload_to(&app, &staff, &staff_page(id), "annex", "\u{200B}\u{200B}\u{FEFF}", "a.pdf", PDF).await;
    let page = rejected_page(res, 422).await;
    assert!(form_html(&page, "attach").contains("请填写附件标题"), "{page}");
    let res = upload_to(&app, &staff, &staff_page(id), "annex", "附件1/2：2025/2026年度收费标准", "a.pdf", PDF).await;
    assert_eq!(res.status(), 303);
    let link = api_doc(&app, id).await["attachments"][0]["url"].as_str().unwrap().to_string();
    let res = app.get(&app.client(), &link).await;
    assert_eq!(res.headers()["content-length"], PDF.len().to_string().as_str(), "its length said before it streams");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    let name = urlencoding_decode(disposition.split("UTF-8''").nth(1).unwrap());
    assert_eq!(name, "附件1_2：2025_2026年度收费标准.pdf", "the whole title, no part taken for a folder");
}

/// A `filename*` value read back (percent-encoded UTF-8).
fn urlencoding_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
