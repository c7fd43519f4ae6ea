//! A citizen's own account page: the name, and deleting the account, with what stays public.
use crate::harness::*;

#[tokio::test]
async fn a_citizen_changes_the_display_name_on_the_account_page() {
    let app = TestApp::spawn().await;
    let c = app.citizen("13900003333").await;
    let page = app.get(&c, "/account").await.text().await.unwrap();
    assert!(page.contains("13900003333") && page.contains("注销账号"), "{page}");
    assert_eq!(app.post_form(&c, "/account/name", &[("display_name", "新昵称<b>")]).await.status(), 303);
    let page = app.get(&c, "/account").await.text().await.unwrap();
    assert!(page.contains("新昵称&lt;b&gt;") && !page.contains("新昵称<b>"), "escaped");
    let empty = app.post_form(&c, "/account/name", &[("display_name", " ")]).await;
    assert!(rejected_page(empty, 422).await.contains("昵称应为1至30个字"));
    assert_eq!(app.get(&app.client(), "/account").await.status(), 401, "signed out: sign in first");
}

#[tokio::test]
async fn a_citizen_deletes_the_account_and_their_published_comments_stay_unlinked() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市住建局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900004444").await;
    let other_browser = app.client();
    let res = app.post_form(&other_browser, "/login", &[("login", "13900004444"), ("password", "correct horse")]).await;
    assert_eq!(res.status(), 303);
    let res = comment(&app, &c, id, "a1", "第一条应写明立法目的。").await;
    let receipt = receipt_of(&res);
    let cid: i64 = sqlx::query_scalar("SELECT id FROM comments").fetch_one(&app.db).await.unwrap();
    let res = app.post_form(&staff, &format!("/staff/comments/{cid}/moderate"), &[("decision", "approve")]).await;
    assert_eq!(res.status(), 303);
    let page = app.get(&c, "/account").await.text().await.unwrap();
    assert!(
        page.contains("仍作为征求意见的公开记录保留") && page.contains("凭受理编号和查询码查询"),
        "explained first"
    );

    let wrong = app.post_form(&c, "/account/delete", &[("password", "not my password")]).await;
    let page = rejected_page(wrong, 422).await;
    assert!(page.contains("密码不正确") && !page.contains("not my password"));
    let res = app.post_form(&c, "/account/delete", &[("password", "correct horse")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account/deleted");
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("Max-Age=0"), "signed out: {cookie}");
    assert!(app.get(&c, "/account/deleted").await.text().await.unwrap().contains("您的账号已注销"));

    let author: Option<i64> = sqlx::query_scalar("SELECT author_id FROM comments").fetch_one(&app.db).await.unwrap();
    assert_eq!(author, None, "the comment is no longer linked to any account");
    let (login, name, real): (String, String, Option<String>) =
        sqlx::query_as("SELECT login, display_name, real_name FROM users WHERE role = 'citizen'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!login.contains("13900004444") && name == "已注销用户" && real.is_none(), "{login} {name}");
    let sessions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.role = 'citizen'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(sessions, 0);
    assert_eq!(app.get(&other_browser, "/account").await.status(), 401, "every browser is signed out");

    let public =
        app.get(&app.client(), &format!("/consultations/{id}/comments?article=a1")).await.text().await.unwrap();
    assert!(public.contains("第一条应写明立法目的。"), "still part of the public record");
    let found = app.post_form(&app.client(), "/receipts", &[("no", &receipt)]).await.text().await.unwrap();
    assert!(found.contains("第一条应写明立法目的。"), "the receipt opens by its number");
    let again =
        app.post_form(&app.client(), "/login", &[("login", "13900004444"), ("password", "correct horse")]).await;
    assert_ne!(again.status(), 303, "the account is gone");
    app.citizen("13900004444").await;
}

#[tokio::test]
async fn staff_cannot_delete_their_account_themselves() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市交通局").await;
    let page = app.get(&staff, "/account").await.text().await.unwrap();
    assert!(page.contains("由系统管理员开设和管理") && !page.contains("/account/delete"), "{page}");
    let res = app.post_form(&staff, "/account/delete", &[("password", "staff-password")]).await;
    assert!(rejected_page(res, 422).await.contains("请联系系统管理员"));
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'staff' AND deleted_at IS NULL")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(live, 1);
}
