//! Public pages asked for again within a second are answered from a copy of the last render, so a
//! crowd reading one draft costs one render a second. A reader of a copy must still get a nonce no
//! one else got, and whoever changes something through the server, and everyone after, must see
//! the change at once.
use crate::harness::*;
use server::config::{Config, Http};

/// A server whose copies live a minute, so that every page read twice in a test is read from one.
async fn with_copies() -> TestApp {
    let http = Http { public_page_copy_ms: 60_000, ..Http::default() };
    let cfg = Config { limits: relaxed(), search_interval_ms: 50, http, ..Config::default() };
    TestApp::spawn_in(tempfile::tempdir().expect("temp dir"), cfg).await
}

fn nonce(res: &reqwest::Response) -> String {
    let policy = res.headers()["content-security-policy"].to_str().unwrap();
    policy.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce").to_string()
}

#[tokio::test]
async fn a_public_page_read_again_comes_from_its_copy_with_a_fresh_nonce() {
    let app = with_copies().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let path = format!("/consultations/{c}");
    let first = app.get(&app.client(), &path).await;
    let (n1, tag1) = (nonce(&first), first.headers()["etag"].clone());
    let page1 = first.text().await.unwrap();
    let title: String =
        sqlx::query_scalar("SELECT title FROM consultations WHERE id = $1").bind(c).fetch_one(&app.db).await.unwrap();
    assert!(page1.contains(&title));

    // Changed behind the server's back: the next reader is answered from the copy.
    sqlx::query("UPDATE consultations SET title = '改过的标题' WHERE id = $1").bind(c).execute(&app.db).await.unwrap();
    let second = app.get(&app.client(), &path).await;
    let (n2, tag2) = (nonce(&second), second.headers()["etag"].clone());
    let page2 = second.text().await.unwrap();
    assert!(page2.contains(&title) && !page2.contains("改过的标题"), "answered from the copy");
    assert_ne!(n1, n2, "a nonce is never sent twice");
    assert!(page2.contains(&format!("nonce=\"{n2}\"")), "the page's scripts carry the new nonce");
    assert!(!page2.contains(&n1), "and none carries the old one");
    assert_eq!(page1.replace(&n1, "N"), page2.replace(&n2, "N"), "otherwise the same page");
    assert_eq!(tag1, tag2);
    let again = app.client().get(app.url(&path)).header("if-none-match", tag2).send().await.unwrap();
    assert_eq!(again.status(), 304, "a copy answers conditional requests too");

    // A signed-in reader's page is never a copy, nor is another address or query.
    let citizen = app.citizen("13900008001").await;
    assert!(app.get(&citizen, &path).await.text().await.unwrap().contains("改过的标题"), "rendered for them");
    let other = app.get(&app.client(), &format!("{path}?from=list")).await.text().await.unwrap();
    assert!(other.contains("改过的标题"), "another query is another page");
}

#[tokio::test]
async fn a_change_made_through_the_server_shows_at_once_to_readers_of_copies() {
    let app = with_copies().await;
    let (staff, _) = app.staff("城市管理局").await;
    let c = app.open_consultation(&staff).await;
    let path = format!("/consultations/{c}/comments?article=a1");
    let before = app.get(&app.client(), &path).await.text().await.unwrap();
    assert!(!before.contains("建议人行道每隔百米设置座椅"));
    assert_eq!(app.get(&app.client(), &path).await.status(), 200, "the page is now a copy");

    let citizen = app.citizen("13900008002").await;
    assert_eq!(comment(&app, &citizen, c, "a1", "建议人行道每隔百米设置座椅。").await.status(), 303);
    let id: i64 = sqlx::query_scalar("SELECT id FROM comments WHERE consultation_id = $1")
        .bind(c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let res = app.post_form(&staff, &format!("/staff/comments/{id}/moderate"), &[("decision", "approve")]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let after = app.get(&app.client(), &path).await.text().await.unwrap();
    assert!(after.contains("建议人行道每隔百米设置座椅"), "the approval dropped the copy");
}
