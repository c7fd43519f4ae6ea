//! The administration under four eyes and on the record: the powers that expose filers take two
//! administrators, and who did what cannot be rewritten unnoticed.
use crate::cases::verify_record;
use crate::harness::{form_html, rejected_page, TestApp};
use app::accounts::Role;

async fn holds(app: &TestApp, login: &str, grant: &str) -> bool {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_grants g JOIN users u ON u.id = g.user_id WHERE u.login = $1 AND g.grant_name = $2",
    )
    .bind(login)
    .bind(grant)
    .fetch_one(&app.db)
    .await
    .unwrap();
    n == 1
}

async fn officer_login(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT login FROM users WHERE role = 'petition_officer'").fetch_one(&app.db).await.unwrap()
}

async fn open_proposal(app: &TestApp) -> String {
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM grant_proposals WHERE outcome IS NULL")
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.to_string()
}

#[tokio::test]
async fn filers_are_protected_by_two_administrators_before_anyone_may_reveal_them() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let login = officer_login(&app).await;
    let first = app.admin_client().await;
    let second = app.admin_as("second-admin").await;

    let res = app.post_form(&first, "/admin/grants", &[("login", &login), ("grant", "reveal_identity")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("须由另一名管理员批准"));
    assert!(!holds(&app, &login, "reveal_identity").await, "a proposal grants nothing");
    let proposal = open_proposal(&app).await;

    let res = app.post_form(&first, "/admin/grants/approve", &[("proposal", &proposal)]).await;
    assert_eq!(res.status(), 422, "the proposer cannot approve it");
    assert!(res.text().await.unwrap().contains("不能批准自己提出的授权申请"));
    assert!(!holds(&app, &login, "reveal_identity").await);
    let page = app.get(&first, "/admin").await.text().await.unwrap();
    assert!(page.contains("等待批准的授权") && page.contains("撤回"), "the proposer sees it waiting");

    let page = app.get(&second, "/admin").await.text().await.unwrap();
    assert!(page.contains("等待批准的授权") && page.contains("批准"));
    let res = app.post_form(&second, "/admin/grants/approve", &[("proposal", &proposal)]).await;
    assert_eq!(res.status(), 303);
    assert!(holds(&app, &login, "reveal_identity").await, "another administrator's approval grants it");
    let res = app.post_form(&second, "/admin/grants/approve", &[("proposal", &proposal)]).await;
    assert_eq!(res.status(), 409, "a proposal is decided once");

    // The discipline channel too; refused by the second, so never held.
    app.post_form(&first, "/admin/grants", &[("login", &login), ("grant", "discipline_channel")]).await;
    let proposal = open_proposal(&app).await;
    assert_eq!(app.post_form(&second, "/admin/grants/refuse", &[("proposal", &proposal)]).await.status(), 303);
    assert!(!holds(&app, &login, "discipline_channel").await);
    assert_eq!(app.post_form(&first, "/admin/grants/approve", &[("proposal", &proposal)]).await.status(), 409);

    // A proposal past its week is dead.
    app.post_form(&first, "/admin/grants", &[("login", &login), ("grant", "discipline_channel")]).await;
    let proposal = open_proposal(&app).await;
    sqlx::query("UPDATE grant_proposals SET expires_at = 0").execute(&app.db).await.unwrap();
    assert_eq!(app.post_form(&second, "/admin/grants/approve", &[("proposal", &proposal)]).await.status(), 409);
    assert!(!holds(&app, &login, "discipline_channel").await);

    // The legal channel takes one administrator.
    let res = app.post_form(&first, "/admin/grants", &[("login", &login), ("grant", "legal_channel")]).await;
    assert_eq!(res.status(), 200);
    assert!(holds(&app, &login, "legal_channel").await);

    let log = app.get(&second, "/admin").await.text().await.unwrap();
    for step in ["提出授权", "批准授权", "拒绝授权", "授权"] {
        assert!(log.contains(step), "the administration log shows {step}");
    }
    assert!(log.contains("（second-admin）") && log.contains("（root-admin）"), "and who did each");
    assert!(verify_record(&app, None).0, "{}", verify_record(&app, None).1);
}

#[tokio::test]
async fn an_officer_cannot_approve_powers_and_the_operator_only_proposes_them() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let login = officer_login(&app).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_canyu"))
        .args(["grant", &login, "reveal_identity"])
        .env("CANYU_DATA_DIR", app.dir.path())
        .env("CANYU_DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("须由一名管理员"));
    assert!(!holds(&app, &login, "reveal_identity").await, "the command line alone grants nothing that takes two");
    let proposal = open_proposal(&app).await;
    let res = app.post_form(&officer, "/admin/grants/approve", &[("proposal", &proposal)]).await;
    assert_eq!(res.status(), 403);
    assert!(!holds(&app, &login, "reveal_identity").await);
    let admin = app.admin_client().await;
    assert_eq!(app.post_form(&admin, "/admin/grants/approve", &[("proposal", &proposal)]).await.status(), 303);
    assert!(holds(&app, &login, "reveal_identity").await);
}

/// Someone with the database but not the key: the administration record's guards dropped, then
/// `sql` run.
async fn tamper(app: &TestApp, sql: &[&str]) {
    crate::cases::tamper_with(app, "admin_events", sql).await
}

#[tokio::test]
async fn a_power_written_straight_into_the_database_fails_the_record_check() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["legal_channel"]).await;
    assert!(verify_record(&app, None).0, "{}", verify_record(&app, None).1);
    let res = sqlx::query("UPDATE admin_events SET detail = '{}' WHERE seq = 1").execute(&app.db).await;
    assert!(res.is_err(), "the administration record is append-only");
    let officer: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'petition_officer'").fetch_one(&app.db).await.unwrap();
    sqlx::query("INSERT INTO user_grants (user_id, grant_name, granted_at) VALUES ($1, 'reveal_identity', 0)")
        .bind(officer)
        .execute(&app.db)
        .await
        .unwrap();
    let (passed, said) = verify_record(&app, None);
    assert!(!passed, "a reveal power nobody approved passes the check");
    assert!(said.contains("管理操作记录") && said.contains("user_grants"), "{said}");
}

#[tokio::test]
async fn the_administration_record_cut_short_or_rewritten_is_caught() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["legal_channel", "reveal_identity"]).await;
    let checkpoint = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_canyu"))
            .arg("record-checkpoint")
            .env("CANYU_DATA_DIR", app.dir.path())
            .env("CANYU_DATABASE_URL", &app.database_url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(checkpoint.split(':').count(), 6, "the checkpoint covers both records: {checkpoint}");
    assert!(verify_record(&app, Some(&checkpoint)).0);

    // Who approved the reveal power, rewritten.
    tamper(&app, &["UPDATE admin_events SET actor_id = NULL WHERE action = 'grant_approved'"]).await;
    let (passed, said) = verify_record(&app, None);
    assert!(!passed && said.contains("管理操作记录"), "{said}");
    let fresh = TestApp::spawn().await;
    fresh.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let checkpoint = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_canyu"))
            .arg("record-checkpoint")
            .env("CANYU_DATA_DIR", fresh.dir.path())
            .env("CANYU_DATABASE_URL", &fresh.database_url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    // The approval cut off the end, the power taken away with it, and the head set back.
    let (head,): (i64,) = sqlx::query_as("SELECT seq FROM admin_chain").fetch_one(&fresh.db).await.unwrap();
    let keep = head - 1;
    tamper(
        &fresh,
        &[
            &format!("DELETE FROM admin_events WHERE seq > {keep}"),
            "DELETE FROM user_grants",
            &format!("UPDATE admin_chain SET seq = {keep}, hash = (SELECT hash FROM admin_events WHERE seq = {keep})"),
        ],
    )
    .await;
    let (passed, said) = verify_record(&fresh, Some(&checkpoint));
    assert!(!passed, "truncation passes with the checkpoint");
    assert!(said.contains("管理操作记录"), "{said}");
}

#[tokio::test]
async fn one_administrator_cannot_take_over_a_holder_of_the_reveal_power_with_a_fresh_setup_code() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["reveal_identity", "legal_channel"]).await;
    let login = officer_login(&app).await;
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(&login).fetch_one(&app.db).await.unwrap();
    let admin = app.admin_client().await;
    let res = app.post_form(&admin, "/admin/staff/setup-code", &[("user_id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("已收回") && page.contains("查看提出人身份"), "the administrator is told the power went");
    assert!(!holds(&app, &login, "reveal_identity").await, "a code the administrator saw carries no reveal power");
    assert!(holds(&app, &login, "legal_channel").await, "powers of one administrator stay");
    let log = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(log.contains("重新签发设置码"), "the record says why it went");
    assert!(verify_record(&app, None).0, "{}", verify_record(&app, None).1);
}

/// Run SQL on the database as someone with write access but not the key would.
async fn write(app: &TestApp, sql: &str) {
    sqlx::query(sql).execute(&app.db).await.unwrap();
}

#[tokio::test]
async fn an_administrator_or_a_holders_password_written_into_the_database_fails_the_record_check() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let _admin = app.admin_client().await; // changes its password through the page: noted
    assert!(verify_record(&app, None).0, "{}", verify_record(&app, None).1);
    // A second administrator nobody made.
    write(
        &app,
        "INSERT INTO users (login, password_hash, display_name, role, must_change_password, created_at)
         SELECT 'ghost-admin', password_hash, '系统管理员', 'admin', 0, created_at FROM users WHERE login = 'root-admin'",
    )
    .await;
    let (passed, said) = verify_record(&app, None);
    assert!(!passed && said.contains("管理操作记录"), "{said}");
    write(&app, "DELETE FROM users WHERE login = 'ghost-admin'").await;
    assert!(verify_record(&app, None).0);
    // The holder's password replaced.
    write(
        &app,
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'root-admin')
         WHERE role = 'petition_officer'",
    )
    .await;
    assert!(!verify_record(&app, None).0, "a holder's password changed in the database passes");
}

#[tokio::test]
async fn a_proposal_written_into_the_database_cannot_be_approved() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let officer: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'petition_officer'").fetch_one(&app.db).await.unwrap();
    let admin = app.admin_client().await;
    sqlx::query(
        "INSERT INTO grant_proposals (user_id, grant_name, proposed_by, proposed_at, expires_at)
         VALUES ($1, 'reveal_identity', NULL, 0, 99999999999)",
    )
    .bind(officer)
    .execute(&app.db)
    .await
    .unwrap();
    let proposal = open_proposal(&app).await;
    let res = app.post_form(&admin, "/admin/grants/approve", &[("proposal", &proposal)]).await;
    assert_eq!(res.status(), 409, "a proposal the record does not hold proposes nothing");
    let login = officer_login(&app).await;
    assert!(!holds(&app, &login, "reveal_identity").await);
}

#[tokio::test]
async fn checking_the_record_writes_nothing_and_does_not_restart_an_emptied_record() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["legal_channel"]).await;
    tamper(
        &app,
        &["DELETE FROM admin_events", &format!("UPDATE admin_chain SET seq = 0, hash = '{}'", app::ledger::GENESIS)],
    )
    .await;
    let (passed, said) = verify_record(&app, None);
    assert!(!passed, "an emptied record with powers held passes: {said}");
    let (passed, _) = verify_record(&app, None);
    assert!(!passed, "and the first check did not begin a new record that the second then accepts");
}

#[tokio::test]
async fn replacing_a_record_entry_is_refused_like_deleting_one() {
    let app = TestApp::spawn().await;
    app.account("市信访局", Role::PetitionOfficer, &["legal_channel"]).await;
    if app.database_url.starts_with("postgres") {
        return; // no INSERT OR REPLACE there; the role and the triggers guard it (record_role.rs)
    }
    for table in ["admin_events", "case_events"] {
        let res = sqlx::query(&format!("INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE seq = 1"))
            .execute(&app.db)
            .await;
        let seq_one: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE seq = 1"))
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert!(res.is_err() || seq_one == 0, "{table}: REPLACE slipped past the delete guard");
    }
}

/// The signed-in user behind a login, as the domain sees them.
async fn current_user(app: &TestApp, login: &str) -> app::accounts::CurrentUser {
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(&app.db).await.unwrap();
    app::accounts::store::user(&app.db, id).await.unwrap()
}

#[tokio::test]
async fn only_an_administrator_gives_decides_or_takes_back_a_power_however_the_domain_is_called() {
    use app::admin::powers::{self, Actor};
    use app::error::AppError;
    let app = TestApp::spawn().await;
    let (_, officer_agency) = app.account("市信访局", Role::PetitionOfficer, &["legal_channel"]).await;
    let (staff, staff_agency) = app.staff("某区住建局").await;
    let officer_login = format!("staff{officer_agency}@gov.example");
    let key = app.key();
    for actor_login in [format!("staff{staff_agency}@gov.example"), officer_login.clone()] {
        let actor = current_user(&app, &actor_login).await;
        let asked = powers::request(&app.db, &key, Actor::Admin(&actor), &officer_login, "discipline_channel").await;
        assert!(matches!(asked, Err(AppError::Forbidden)), "{actor_login} may not propose a power: {asked:?}");
        let taken = powers::revoke(&app.db, &key, Actor::Admin(&actor), &officer_login, "legal_channel").await;
        assert!(matches!(taken, Err(AppError::Forbidden)), "{actor_login} may not take one back: {taken:?}");
    }
    assert!(holds(&app, &officer_login, "legal_channel").await, "the power is still held");
    assert!(!holds(&app, &officer_login, "discipline_channel").await);

    // A proposal the operator made is not decided by a staff member either.
    powers::request(&app.db, &key, Actor::Operator, &officer_login, "reveal_identity").await.unwrap();
    let proposal: i64 = open_proposal(&app).await.parse().unwrap();
    let staff_user = current_user(&app, &format!("staff{staff_agency}@gov.example")).await;
    let decided = powers::decide(&app.db, &key, &staff_user, proposal, true).await;
    assert!(matches!(decided, Err(AppError::Forbidden)), "{decided:?}");
    assert!(!holds(&app, &officer_login, "reveal_identity").await);

    // Through the form, the same refusal.
    let res =
        app.post_form(&staff, "/admin/grants/revoke", &[("login", &officer_login), ("grant", "legal_channel")]).await;
    assert_eq!(res.status(), 403);
    assert!(holds(&app, &officer_login, "legal_channel").await);
}

#[tokio::test]
async fn an_administrator_whose_grant_names_no_such_account_sees_why_at_the_grant_form_and_not_at_the_new_account_form()
{
    let app = TestApp::spawn().await;
    let (_, agency) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let admin = app.admin_client().await;
    let page = app.get(&admin, "/admin").await.text().await.unwrap();
    for form in ["grant", "staff"] {
        assert!(form_html(&page, form).contains(r#"name="login""#), "both forms have a login field");
    }

    let form = [("_form", "grant"), ("login", "nobody@gov.example"), ("grant", "legal_channel")];
    let page = rejected_page(app.post_form(&admin, "/admin/grants", &form).await, 422).await;
    let (grant, staff) = (form_html(&page, "grant"), form_html(&page, "staff"));
    assert!(grant.contains("没有这个账号") && grant.contains("nobody@gov.example"), "{grant}");
    assert!(!staff.contains("没有这个账号") && !staff.contains("nobody@gov.example"), "{staff}");
    assert_eq!(page.matches("没有这个账号").count(), 1);

    let agency = agency.to_string();
    let form = [
        ("_form", "staff"),
        ("login", "not-a-login"),
        ("display_name", "张三"),
        ("role", "staff"),
        ("agency_id", &agency),
    ];
    let page = rejected_page(app.post_form(&admin, "/admin/staff", &form).await, 422).await;
    let (grant, staff) = (form_html(&page, "grant"), form_html(&page, "staff"));
    assert!(staff.contains("请填写正确的手机号码或电子邮箱") && staff.contains("not-a-login"), "{staff}");
    assert!(!grant.contains("请填写正确的手机号码或电子邮箱") && !grant.contains("not-a-login"), "{grant}");

    // A unit that does not exist, chosen in the superior-unit form: said there, not under the new
    // account's unit (both fields are called agency_id). Without the form's name, its path says.
    let page =
        rejected_page(app.post_form(&admin, "/admin/agencies/parent", &[("agency_id", "99999")]).await, 422).await;
    let (parent, staff) = (form_html(&page, "parent"), form_html(&page, "staff"));
    assert!(parent.contains("所选单位不存在"), "{parent}");
    assert!(!staff.contains("所选单位不存在"), "{staff}");
}
