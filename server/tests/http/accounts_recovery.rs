//! Getting back into an account after forgetting the password, by a code mailed to the account's
//! address; what a phone-only account's holder is told; and consent to the privacy notice.
use crate::harness::*;
use crate::mail::{decode, mail_config, next_mail, relay, Received};
use server::config::Config;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A server that mails through a relay of the test's, and the relay's inbox.
async fn with_mail(cfg: impl FnOnce(Config) -> Config) -> (TestApp, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let inbox = relay(listener);
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg(mail_config(&address))).await;
    (app, inbox)
}

/// Ask for a reset code for `login` from a fresh browser; returns the page answered.
async fn ask(app: &TestApp, login: &str) -> (u16, String) {
    let res = app.post_form(&app.client(), "/account/forgot", &[("login", login)]).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The code in the next mail, which must go to `to`; the mail's link carries no code.
async fn mailed_code(inbox: &mut mpsc::UnboundedReceiver<Received>, to: &str, label: &str) -> String {
    let mail = next_mail(inbox).await;
    assert_eq!(mail.to, [format!("<{to}>")]);
    let (_, body) = decode(&mail.data);
    let code: String = body.rsplit(label).next().expect("the code in the mail").chars().take(19).collect();
    assert!(body.contains("https://canyu.example.gov.cn/account"), "{body}");
    assert!(!body.contains(&format!("/{code}")) && !body.contains(&format!("={code}")), "never in a link");
    code
}

/// The page without what differs on every render (the script nonce, wherever it appears).
fn without_nonce(page: &str) -> String {
    let nonce = page.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default();
    if nonce.is_empty() {
        page.to_string()
    } else {
        page.replace(nonce, "")
    }
}

#[tokio::test]
async fn a_citizen_who_forgot_the_password_gets_back_in_by_e_mail_and_the_old_sessions_end() {
    let (app, mut inbox) = with_mail(|c| c).await;
    let elsewhere = app.citizen("li.si@example.cn").await;
    assert_eq!(app.get(&elsewhere, "/account").await.status(), 200);
    let login_page = app.get(&app.client(), "/login").await.text().await.unwrap();
    assert!(login_page.contains("href=\"/account/forgot\""), "the sign-in page leads to recovery");

    let (status, page) = ask(&app, "Li.Si@Example.cn").await;
    assert_eq!(status, 200);
    assert!(page.contains("重置码已经发到该邮箱"), "{page}");
    let code = mailed_code(&mut inbox, "li.si@example.cn", "重置码：").await;
    let stored: String = sqlx::query_scalar("SELECT code_hash FROM account_codes").fetch_one(&app.db).await.unwrap();
    assert!(!stored.contains(&code), "only the code's hash is kept");

    let c = app.client();
    let res = app.post_form(&c, "/account/reset", &[("reset_code", &code), ("password", "a brand new secret")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account");
    let account = app.get(&c, "/account").await.text().await.unwrap();
    assert!(account.contains("li.si@example.cn"), "signed in to the account");
    assert_eq!(app.get(&elsewhere, "/account").await.status(), 401, "the session elsewhere ended");
    let old =
        app.post_form(&app.client(), "/login", &[("login", "li.si@example.cn"), ("password", "correct horse")]).await;
    assert_ne!(old.status(), 303, "the old password no longer works");
    let new = app
        .post_form(&app.client(), "/login", &[("login", "li.si@example.cn"), ("password", "a brand new secret")])
        .await;
    assert_eq!(new.status(), 303);
}

#[tokio::test]
async fn asking_for_a_reset_tells_nobody_whether_an_account_exists() {
    let (app, mut inbox) = with_mail(|c| c).await;
    app.citizen("wang.wu@example.cn").await;
    app.citizen("13900001234").await;
    let mut answers = Vec::new();
    for login in ["wang.wu@example.cn", "nobody@example.cn", "13900001234", "13900009876"] {
        let (status, page) = ask(&app, login).await;
        assert_eq!(status, 200);
        assert!(!page.contains(login), "the login is not even echoed");
        answers.push(without_nonce(&page));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "the same page whoever asks");
    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.to, ["<wang.wu@example.cn>"], "one mail, to the account with an address");
    let queued: Vec<String> = sqlx::query_scalar("SELECT recipient FROM mail_outbox").fetch_all(&app.db).await.unwrap();
    assert_eq!(queued, ["wang.wu@example.cn"]);
}

#[tokio::test]
async fn asking_again_and_again_is_refused_for_a_while_whether_or_not_the_account_exists() {
    let limits = server::config::Limits { recovery_mails_per_hour: 2, ..relaxed() };
    let (app, _inbox) = with_mail(|c| Config { limits, ..c }).await;
    app.citizen("zhao@example.cn").await;
    assert_eq!(ask(&app, "zhao@example.cn").await.0, 200);
    assert_eq!(ask(&app, "zhao@example.cn").await.0, 200);
    let res = app.post_form(&app.client(), "/account/forgot", &[("login", "zhao@example.cn")]).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(ask(&app, "nobody@example.cn").await.0, 429, "the address is limited too");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(&app.db).await.unwrap();
    assert_eq!(queued, 2);
}

#[tokio::test]
async fn a_reset_link_works_once_and_expires() {
    let (app, mut inbox) = with_mail(|c| c).await;
    app.citizen("sun@example.cn").await;
    let reset = |code: String, pw: &'static str| {
        let app = &app;
        async move { app.post_form(&app.client(), "/account/reset", &[("reset_code", &code), ("password", pw)]).await }
    };
    ask(&app, "sun@example.cn").await;
    let first = mailed_code(&mut inbox, "sun@example.cn", "重置码：").await;
    ask(&app, "sun@example.cn").await;
    let second = mailed_code(&mut inbox, "sun@example.cn", "重置码：").await;
    let page = rejected_page(reset(first, "password-one").await, 422).await;
    assert!(page.contains("重置码不正确，或已过期、已使用"), "a newer code voids the older");
    assert_eq!(reset(second.clone(), "password-two").await.status(), 303);
    let page = rejected_page(reset(second, "password-three").await, 422).await;
    assert!(page.contains("重置码不正确") && !page.contains("password-three"), "once only, nothing echoed");

    ask(&app, "sun@example.cn").await;
    let stale = mailed_code(&mut inbox, "sun@example.cn", "重置码：").await;
    sqlx::query("UPDATE account_codes SET expires_at = $1").bind(app::clock::now() - 1).execute(&app.db).await.unwrap();
    assert_eq!(reset(stale, "password-four").await.status(), 422, "thirty minutes, then no more");
    let signed_in =
        app.post_form(&app.client(), "/login", &[("login", "sun@example.cn"), ("password", "password-two")]).await;
    assert_eq!(signed_in.status(), 303, "the password set once stands");
}

#[tokio::test]
async fn a_phone_only_citizen_is_told_what_to_do() {
    let (app, _inbox) = with_mail(|c| c).await;
    app.citizen("13900004321").await;
    let page = app.get(&app.client(), "/account/forgot").await.text().await.unwrap();
    assert!(page.contains("本平台不发送短信") && page.contains("只用手机号码注册"), "{page}");
    assert!(page.contains("href=\"/cases/track\"") && page.contains("href=\"/receipts\""));
    let (status, answer) = ask(&app, "13900004321").await;
    assert_eq!(status, 200);
    assert!(answer.contains("本平台不发送短信"), "the answer says it again");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(&app.db).await.unwrap();
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn a_phone_citizen_proves_an_e_mail_address_before_it_counts_and_can_then_recover() {
    let (app, mut inbox) = with_mail(|c| c).await;
    let c = app.citizen("13900005678").await;
    let res = app.post_form(&c, "/account/email", &[("email", "Zhou@Example.cn")]).await;
    assert_eq!(res.status(), 303);
    let code = mailed_code(&mut inbox, "zhou@example.cn", "验证码：").await;
    let page = app.get(&c, "/account").await.text().await.unwrap();
    assert!(page.contains("验证码已发到 <!>zhou@example.cn") && !page.contains("已验证的邮箱"), "{page}");
    ask(&app, "13900005678").await;
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(&app.db).await.unwrap();
    assert_eq!(queued, 1, "an unproven address gets no reset code");

    let wrong = app.post_form(&c, "/account/email/confirm", &[("email_code", "AAAA-BBBB-CCCC-DDDD")]).await;
    assert!(rejected_page(wrong, 422).await.contains("验证码不正确"));
    let other = app.citizen("13900005679").await;
    let stolen = app.post_form(&other, "/account/email/confirm", &[("email_code", &code)]).await;
    assert_eq!(stolen.status(), 422, "another account cannot use the code");
    assert_eq!(app.post_form(&c, "/account/email/confirm", &[("email_code", &code)]).await.status(), 303);
    assert!(app.get(&c, "/account").await.text().await.unwrap().contains("已验证的邮箱：<!>zhou@example.cn"));

    ask(&app, "13900005678").await;
    let reset = mailed_code(&mut inbox, "zhou@example.cn", "重置码：").await;
    let res =
        app.post_form(&app.client(), "/account/reset", &[("reset_code", &reset), ("password", "new-password")]).await;
    assert_eq!(res.status(), 303, "the proven address brings the phone account back");
}

#[tokio::test]
async fn registration_needs_consent_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let form = app.get(&app.client(), "/register").await.text().await.unwrap();
    assert!(form.contains("href=\"/privacy\"") && form.contains("name=\"consent\""), "{form}");
    let notice = app.get(&app.client(), "/privacy").await;
    assert_eq!(notice.status(), 200);
    let notice = notice.text().await.unwrap();
    for part in ["我们收集什么", "哪些会公开", "哪些不会公开", "保存多久", "如何删除"] {
        assert!(notice.contains(part), "{part}");
    }
    assert!(app.get(&app.client(), "/").await.text().await.unwrap().contains("href=\"/privacy\""), "in the footer");

    let typed =
        [("login", "13900007777"), ("password", "secret-pass-9"), ("display_name", "小李"), ("real_name", "李某")];
    let page = rejected_page(app.post_form(&app.client(), "/register", &typed).await, 422).await;
    assert!(page.contains("请阅读隐私说明，勾选同意后再注册"));
    assert!(
        page.contains("value=\"13900007777\"") && page.contains("value=\"小李\"") && page.contains("value=\"李某\"")
    );
    assert!(!page.contains("secret-pass-9"), "passwords are never echoed");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&app.db).await.unwrap();
    assert_eq!(users, 0);

    let c = app.client();
    let agreed: Vec<(&str, &str)> = typed.iter().copied().chain([("consent", "1")]).collect();
    assert_eq!(app.post_form(&c, "/register", &agreed).await.status(), 303);
    let at: Option<i64> = sqlx::query_scalar("SELECT privacy_consent_at FROM users WHERE login = '13900007777'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(at.is_some_and(|t| (t - app::clock::now()).abs() < 60), "the time of consent is kept");
    let home = app.get(&c, "/").await.text().await.unwrap();
    assert!(home.contains("href=\"/account\""), "the header leads to the account page");
}
