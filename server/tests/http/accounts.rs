//! Registration, sign-in, sessions and roles.
use crate::harness::*;

#[tokio::test]
async fn citizen_registers_and_is_signed_in_with_a_safe_cookie() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = app
        .post_form(
            &c,
            "/register",
            &[
                ("login", "13900001111"),
                ("password", "correct horse"),
                ("display_name", "小王"),
                ("real_name", "王某某"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let home = app.get(&c, "/").await.text().await.unwrap();
    assert!(home.contains("小王"), "the header greets the new user");
    assert!(!home.contains("王某某"), "the real name is never shown");
}

#[tokio::test]
async fn registration_with_a_taken_login_keeps_what_was_typed_except_the_password() {
    let app = TestApp::spawn().await;
    app.citizen("dup@example.com").await;
    let c = app.client();
    let res = app
        .post_form(
            &c,
            "/register",
            &[
                ("login", "dup@example.com"),
                ("password", "secret-pass-1"),
                ("display_name", "重名者"),
                ("real_name", ""),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("该手机号码或电子邮箱已注册"));
    assert!(page.contains("value=\"dup@example.com\"") && page.contains("value=\"重名者\""));
    assert!(!page.contains("secret-pass-1"), "passwords are never echoed");
}

#[tokio::test]
async fn invalid_registration_explains_each_field() {
    let app = TestApp::spawn().await;
    let res = app
        .post_form(&app.client(), "/register", &[("login", "not-a-phone"), ("password", "short"), ("display_name", "")])
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for msg in ["请填写正确的手机号码或电子邮箱", "密码长度应为8至128位", "昵称应为1至30个字"]
    {
        assert!(page.contains(msg), "missing {msg}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.citizen("13900002222").await;
    let wrong =
        app.post_form(&app.client(), "/login", &[("login", "13900002222"), ("password", "wrong password")]).await;
    let unknown =
        app.post_form(&app.client(), "/login", &[("login", "13900009999"), ("password", "wrong password")]).await;
    assert_eq!(wrong.status(), unknown.status());
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(a.contains("账号或密码错误") && b.contains("账号或密码错误"));
}

fn session_value(res: &reqwest::Response) -> String {
    let c = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    c.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = TestApp::spawn().await;
    let c = app.citizen("13900003333").await;
    let first = app.post_form(&c, "/login", &[("login", "13900003333"), ("password", "correct horse")]).await;
    assert_eq!(first.status(), 303);
    let old = session_value(&first);
    let second = app.post_form(&c, "/login", &[("login", "13900003333"), ("password", "correct horse")]).await;
    let new = session_value(&second);
    assert_ne!(old, new, "a new session id at every sign-in");
    // The old session was ended when the new one began.
    let stale = app.client().get(app.url("/me")).header("cookie", &old).send().await.unwrap();
    assert_eq!(stale.status(), 401);
    assert_eq!(app.get(&c, "/me").await.status(), 200);
    let out = app.post_form(&c, "/logout", &[]).await;
    assert_eq!(out.status(), 303);
    let replay = app.client().get(app.url("/me")).header("cookie", &new).send().await.unwrap();
    assert_eq!(replay.status(), 401, "a kept cookie is worthless after logout");
}

#[tokio::test]
async fn a_citizen_cannot_publish_or_administer() {
    let app = TestApp::spawn().await;
    let c = app.citizen("13900004444").await;
    assert_eq!(app.publish(&c, "regulation", 0, 30, "").await.status(), 403);
    assert_eq!(app.get(&c, "/admin").await.status(), 403);
    assert_eq!(app.post_form(&c, "/admin/agencies", &[("name", "假冒单位")]).await.status(), 403);
    let agencies: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM agencies").fetch_one(&app.db).await.unwrap();
    assert_eq!(agencies.0, 0);
}

#[tokio::test]
async fn a_new_staff_member_sets_their_own_first_password_with_a_setup_code_that_works_once() {
    let app = TestApp::spawn().await;
    let pw = app::accounts::store::reset_admin(&app.db, "admin").await.unwrap();
    let admin = app.client();
    let res = app.post_form(&admin, "/login", &[("login", "admin"), ("password", &pw)]).await;
    assert_eq!(location(&res), "/account/password", "a one-time password must be changed first");
    let res = app.post_form(&admin, "/account/password", &[("current", &pw), ("new", "admin-password-2")]).await;
    assert_eq!(location(&res), "/admin");
    assert_eq!(app.post_form(&admin, "/admin/agencies", &[("name", "市司法局")]).await.status(), 303);
    let res = app
        .post_form(
            &admin,
            "/admin/staff",
            &[("login", "staff@gov.example"), ("display_name", "赵工"), ("role", "staff"), ("agency_id", "1")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(!page.contains("初始密码"), "the administrator is given no password for the account");
    let start = page.find("一次性设置码：").expect("setup code shown once") + "一次性设置码：".len();
    let code: String = page[start..].chars().take(19).collect();
    assert_eq!(code.len(), 19, "{code}");

    let staff = app.client();
    let res = app.post_form(&staff, "/login", &[("login", "staff@gov.example"), ("password", &code)]).await;
    assert_eq!(res.status(), 401, "a setup code is not a password");
    let wrong =
        [("login", "staff@gov.example"), ("setup_code", "AAAA-BBBB-CCCC-DDDD"), ("password", "my own password")];
    let res = app.post_form(&staff, "/account/setup", &wrong).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("设置码已过期、已使用"));
    let other = [("login", "someone@gov.example"), ("setup_code", code.as_str()), ("password", "my own password")];
    assert_eq!(app.post_form(&staff, "/account/setup", &other).await.status(), 422, "the code is for one account");

    let right = [("login", "staff@gov.example"), ("setup_code", code.as_str()), ("password", "my own password")];
    let res = app.post_form(&staff, "/account/setup", &right).await;
    assert_eq!(location(&res), "/staff", "set up and signed in");
    assert_eq!(app.get(&staff, "/staff").await.status(), 200);
    let again = app.client();
    let res = app.post_form(&again, "/account/setup", &right).await;
    assert_eq!(res.status(), 422, "a code works once");
    let res = app.post_form(&again, "/login", &[("login", "staff@gov.example"), ("password", "my own password")]).await;
    assert_eq!(location(&res), "/staff");

    let log = app.get(&admin, "/admin").await.text().await.unwrap();
    for step in ["创建工作人员账号", "签发账号设置码", "凭设置码设置密码"] {
        assert!(log.contains(step), "the administration log shows {step}");
    }
}

#[tokio::test]
async fn a_setup_code_expires_and_a_fresh_one_replaces_it() {
    let app = TestApp::spawn().await;
    app.account("市信访局", app::accounts::Role::PetitionOfficer, &[]).await;
    let admin = app.admin_client().await;
    let res = app
        .post_form(
            &admin,
            "/admin/staff",
            &[("login", "13900007070"), ("display_name", "钱工"), ("role", "staff"), ("agency_id", "1")],
        )
        .await;
    let page = res.text().await.unwrap();
    let code = |page: &str| -> String {
        let start = page.find("一次性设置码：").expect("setup code shown") + "一次性设置码：".len();
        page[start..].chars().take(19).collect()
    };
    let first: &'static str = code(&page).leak();
    sqlx::query("UPDATE setup_codes SET expires_at = $1").bind(app::clock::now() - 1).execute(&app.db).await.unwrap();
    let form = |c: &'static str| [("login", "13900007070"), ("setup_code", c), ("password", "qian-password")];
    assert_eq!(app.post_form(&app.client(), "/account/setup", &form(first)).await.status(), 422, "expired");

    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE login = '13900007070'").fetch_one(&app.db).await.unwrap();
    let res = app.post_form(&admin, "/admin/staff/setup-code", &[("user_id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let second: &'static str = code(&res.text().await.unwrap()).leak();
    assert_ne!(first, second);
    let res = app.post_form(&app.client(), "/account/setup", &form(second)).await;
    assert_eq!(res.status(), 303, "the fresh code works");
}

#[tokio::test]
async fn staff_on_a_one_time_password_must_change_it_before_acting() {
    let app = TestApp::spawn().await;
    let pw = app::accounts::store::reset_admin(&app.db, "admin").await.unwrap();
    let admin = app.client();
    app.post_form(&admin, "/login", &[("login", "admin"), ("password", &pw)]).await;
    let res = app.post_form(&admin, "/admin/agencies", &[("name", "市司法局")]).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("请先修改初始密码"));
    app.post_form(&admin, "/account/password", &[("current", &pw), ("new", "admin-password-2")]).await;
    assert_eq!(app.post_form(&admin, "/admin/agencies", &[("name", "市司法局")]).await.status(), 303);
}

#[tokio::test]
async fn after_signing_in_the_citizen_returns_to_the_page_they_came_from_but_never_off_site() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = app
        .post_form(
            &c,
            "/register",
            &[
                ("login", "13900006060"),
                ("password", "correct horse"),
                ("display_name", "甲"),
                ("next", "/consultations/1/comment"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/consultations/1/comment");
    for (next, expected) in
        [("/me", "/me"), ("//evil.example/x", "/"), ("https://evil.example", "/"), ("/\\evil.example", "/")]
    {
        let res = app
            .post_form(
                &app.client(),
                "/login",
                &[("login", "13900006060"), ("password", "correct horse"), ("next", next)],
            )
            .await;
        assert_eq!(location(&res), expected, "next={next}");
    }
}

#[tokio::test]
async fn changing_a_password_signs_out_every_other_browser_and_refuses_the_same_password() {
    let app = TestApp::spawn().await;
    let here = app.citizen("13900006161").await;
    let elsewhere = app.client();
    let res = app.post_form(&elsewhere, "/login", &[("login", "13900006161"), ("password", "correct horse")]).await;
    assert_eq!(res.status(), 303);
    assert!(app.get(&elsewhere, "/").await.text().await.unwrap().contains("退出"), "signed in elsewhere");

    let res =
        app.post_form(&here, "/account/password", &[("current", "correct horse"), ("new", "correct horse")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("新密码不能与当前密码相同"));

    let res =
        app.post_form(&here, "/account/password", &[("current", "correct horse"), ("new", "battery staple")]).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers().get("set-cookie").is_some(), "this browser gets a fresh session");
    assert!(app.get(&here, "/").await.text().await.unwrap().contains("退出"), "still signed in here");
    assert!(!app.get(&elsewhere, "/").await.text().await.unwrap().contains("退出"), "signed out elsewhere");
}

#[tokio::test]
async fn an_officer_whose_account_is_not_yet_set_up_cannot_sign_in_or_use_a_granted_power() {
    let app = TestApp::spawn().await;
    app.account("市信访局", app::accounts::Role::PetitionOfficer, &[]).await;
    let admin = app.admin_client().await;
    let res = app
        .post_form(
            &admin,
            "/admin/staff",
            &[
                ("login", "new-officer@gov.example"),
                ("display_name", "新来的"),
                ("role", "petition_officer"),
                ("agency_id", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    app.grant("new-officer@gov.example", "legal_channel").await;
    let c = app.client();
    for guess in ["", "password", "12345678"] {
        let res = app.post_form(&c, "/login", &[("login", "new-officer@gov.example"), ("password", guess)]).await;
        assert_ne!(res.status(), 303, "no password opens an account its holder has not set up");
    }
    assert_eq!(app.get(&c, "/api/v1/staff/cases?queue=legal").await.status(), 401);
    assert_eq!(app.get(&c, "/petition/legal").await.status(), 401);
}

/// A server behind a (test) proxy, so each request can say which address it comes from.
async fn behind_proxy() -> TestApp {
    let cfg = server::config::Config { limits: relaxed(), trust_forwarded_for: true, ..Default::default() };
    TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await
}

async fn sign_in_from(app: &TestApp, address: &str, password: &str) -> reqwest::Response {
    app.client()
        .post(app.url("/login"))
        .header("x-forwarded-for", address)
        .form(&[("login", "13900004242"), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn someone_guessing_a_password_is_locked_out_but_cannot_lock_the_owner_out() {
    let app = behind_proxy().await;
    app.citizen("13900004242").await;
    assert_eq!(sign_in_from(&app, "198.51.100.7", "correct horse").await.status(), 303, "the owner's usual address");
    for _ in 0..app::accounts::lockout::MAX_FAILURES {
        assert_eq!(sign_in_from(&app, "203.0.113.66", "guess").await.status(), 401);
    }
    let res = sign_in_from(&app, "203.0.113.66", "correct horse").await;
    assert_eq!(res.status(), 429, "the guessing address is locked out, even with the right password");
    // The owner, anywhere else, signs in as usual.
    assert_eq!(sign_in_from(&app, "198.51.100.7", "correct horse").await.status(), 303);
    assert_eq!(sign_in_from(&app, "192.0.2.1", "correct horse").await.status(), 303);
    // Every address of one IPv6 subscriber (/64) counts as one.
    for i in 0..app::accounts::lockout::MAX_FAILURES {
        assert_eq!(sign_in_from(&app, &format!("2001:db8:7:7::{i:x}"), "guess").await.status(), 401);
    }
    assert_eq!(sign_in_from(&app, "2001:db8:7:7::ffff", "guess").await.status(), 429);
}

#[tokio::test]
async fn guessing_spread_over_many_addresses_locks_new_addresses_while_the_owner_still_gets_in() {
    let app = behind_proxy().await;
    app.citizen("13900004242").await;
    assert_eq!(sign_in_from(&app, "198.51.100.7", "correct horse").await.status(), 303);
    let spread = app::accounts::lockout::ACCOUNT_FAILURES;
    for i in 0..spread {
        let res = sign_in_from(&app, &format!("10.{}.{}.1", i / 200, i % 200), "guess").await;
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    let res = sign_in_from(&app, "10.250.0.1", "correct horse").await;
    assert_eq!(res.status(), 429, "an address new to the account is locked out");
    assert_eq!(sign_in_from(&app, "198.51.100.7", "correct horse").await.status(), 303, "the owner's address is not");
}

#[tokio::test]
async fn guesses_from_elsewhere_do_not_make_the_owners_sign_in_answer_too_many_attempts() {
    let limits = server::config::Limits { login_per_minute: 5, ..relaxed() };
    let cfg = server::config::Config { limits, trust_forwarded_for: true, ..Default::default() };
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await;
    app.citizen("13900004242").await;
    for i in 0..12 {
        let res = sign_in_from(&app, &format!("203.0.113.{i}"), "guess").await;
        assert!(matches!(res.status().as_u16(), 401 | 429), "{}", res.status());
    }
    assert_eq!(sign_in_from(&app, "198.51.100.7", "correct horse").await.status(), 303);
}
