//! The administrator's hold on staff accounts: stopping one (and allowing it again), resetting its
//! password, and seeing who looked up a filer's identity and why.
use crate::cases::verify_record;
use crate::harness::{form_html, rejected_page, TestApp};
use app::accounts::Role;
use serde_json::{json, Value};

async fn id_of_login(app: &TestApp, login: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(&app.db).await.unwrap()
}

async fn sign_in(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post_form(&app.client(), "/login", &[("login", login), ("password", password)]).await
}

#[tokio::test]
async fn a_stopped_staff_account_is_signed_out_at_once_and_cannot_sign_in_until_allowed_again() {
    let app = TestApp::spawn().await;
    let (staff, agency) = app.staff("市城管局").await;
    let login = format!("staff{agency}@gov.example");
    let id = id_of_login(&app, &login).await;
    let admin = app.admin_client().await;
    assert_eq!(staff.get(app.url("/api/v1/staff/cases?queue=unit")).send().await.unwrap().status(), 200);

    // No reason: told at that account's own form, nothing changed.
    let res = app
        .post_form(
            &admin,
            "/admin/staff/disable",
            &[("_form", &format!("disable-{id}")), ("user_id", &id.to_string()), ("reason", " ")],
        )
        .await;
    let page = rejected_page(res, 422).await;
    assert!(form_html(&page, &format!("disable-{id}")).contains("请说明停用理由"), "{page}");
    assert_eq!(staff.get(app.url("/api/v1/staff/cases?queue=unit")).send().await.unwrap().status(), 200);

    let res =
        app.post_form(&admin, "/admin/staff/disable", &[("user_id", &id.to_string()), ("reason", "调离本单位")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("已停用该账号"));
    // The session it had is over, and its password no longer signs in (said only to whoever knows it).
    assert_eq!(staff.get(app.url("/api/v1/staff/cases?queue=unit")).send().await.unwrap().status(), 401);
    let refused = sign_in(&app, &login, "staff-password").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("该账号已被系统管理员停用"));
    let wrong = sign_in(&app, &login, "not the password").await.text().await.unwrap();
    assert!(!wrong.contains("停用"), "a wrong password learns nothing of the account");
    let page = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(page.contains("已停用") && page.contains("停用工作人员账号") && page.contains("调离本单位"), "{page}");

    let res = app.post_form(&admin, "/admin/staff/enable", &[("user_id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(sign_in(&app, &login, "staff-password").await.status(), 303);
    // An administrator cannot be stopped this way, nor stop themself.
    let admin_id = id_of_login(&app, "root-admin").await;
    let res =
        app.post_form(&admin, "/admin/staff/disable", &[("user_id", &admin_id.to_string()), ("reason", "试试")]).await;
    assert_eq!(res.status(), 409);
    assert!(verify_record(&app, None).0, "the record still verifies");
}

#[tokio::test]
async fn a_reset_password_stops_working_at_once_and_the_holder_sets_a_new_one_with_the_setup_code() {
    let app = TestApp::spawn().await;
    let (staff, agency) = app.staff("市交通运输局").await;
    let login = format!("staff{agency}@gov.example");
    let id = id_of_login(&app, &login).await;
    let admin = app.admin_client().await;
    let res = app.post_form(&admin, "/admin/staff/reset-password", &[("user_id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("原密码已作废"), "{page}");
    let code =
        page.split("一次性设置码：").nth(1).and_then(|r| r.split('（').next()).expect("the setup code").to_string();
    assert_eq!(staff.get(app.url("/api/v1/staff/cases?queue=unit")).send().await.unwrap().status(), 401);
    assert_ne!(sign_in(&app, &login, "staff-password").await.status(), 303, "the old password is void");
    let c = app.client();
    let form = [("login", login.as_str()), ("setup_code", code.as_str()), ("password", "a-new-password")];
    assert_eq!(app.post_form(&c, "/account/setup", &form).await.status(), 303);
    assert_eq!(sign_in(&app, &login, "a-new-password").await.status(), 303);
    assert!(app.get(&admin, "/admin").await.text().await.unwrap().contains("重置工作人员密码"));
    assert!(verify_record(&app, None).0, "the record still verifies");
}

#[tokio::test]
async fn the_administrator_sees_who_looked_up_a_filer_and_why_but_never_who_the_filer_is() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &["reveal_identity"]).await;
    let citizen = app.citizen("13912345678").await;
    let filed: Value = citizen
        .post(app.url("/api/v1/cases"))
        .json(&json!({"kind": "petition", "petition_kind": "accusation", "matter": "某所长违规收费",
                      "facts": "某所长多次违规收取费用。", "request": "请查处。",
                      "name": "举报人乙", "phone": "13912345678"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let number = filed["number"].as_str().unwrap();
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(number).fetch_one(&app.db).await.unwrap();
    let res = officer
        .post(app.url(&format!("/api/v1/staff/cases/{id}/actions")))
        .json(&json!({"action": "reveal", "reason": "需当面核实线索<b>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let admin = app.admin_client().await;
    let page = app.get(&admin, "/admin").await.text().await.unwrap();
    let log = &page[page.find("id=\"reveals\"").expect("the reveal log")..page.find("id=\"log\"").unwrap()];
    assert!(log.contains(number) && log.contains("需当面核实线索&lt;b&gt;") && log.contains("市信访局"), "{log}");
    assert!(!page.contains("举报人乙") && !page.contains("13912345678"), "the identity itself is never shown here");
}

#[tokio::test]
async fn a_complaint_about_the_petition_office_reaches_someone_who_can_act_and_the_administrator_sees_any_case_nobody_can(
) {
    let app = TestApp::spawn().await;
    let (officer, office) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let filed: Value = app
        .client()
        .post(app.url("/api/v1/cases"))
        .json(
            &json!({"kind": "complaint", "matter": "信访局工作人员推诿", "facts": "多次来访，信访局工作人员拒不登记。",
                      "concerned_agency_id": office, "anonymous": true}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let number = filed["number"].as_str().unwrap().to_string();
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM cases WHERE number = $1").bind(&number).fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "discipline", "not left with the office it is about");
    let ordinary: Vec<Value> =
        officer.get(app.url("/api/v1/staff/cases?queue=ordinary")).send().await.unwrap().json().await.unwrap();
    assert!(ordinary.iter().all(|c| c["number"] != number.as_str()));

    // Nobody holds the discipline power: the administrator is told, with the case's number.
    let admin = app.admin_client().await;
    let page = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(page.contains("无人可以办理的案件") && page.contains(&number), "{page}");
    // A discipline officer of the office itself never sees it: still nobody.
    let (_, _) = app.account("市信访局督查室", Role::Staff, &[]).await;
    let officer_login: String =
        sqlx::query_scalar("SELECT login FROM users WHERE role = 'petition_officer'").fetch_one(&app.db).await.unwrap();
    app.grant(&officer_login, "discipline_channel").await;
    let admin = app.admin_client().await;
    assert!(app.get(&admin, "/admin").await.text().await.unwrap().contains(&number), "the office is screened");
    // Someone outside it with the power: the list is clear, and that person has the case.
    let (discipline, _) = app.account("市纪委监委派驻纪检监察组", Role::Staff, &["discipline_channel"]).await;
    let admin = app.admin_client().await;
    assert!(!app.get(&admin, "/admin").await.text().await.unwrap().contains("无人可以办理的案件"));
    let queue: Vec<Value> =
        discipline.get(app.url("/api/v1/staff/cases?queue=discipline")).send().await.unwrap().json().await.unwrap();
    assert!(queue.iter().any(|c| c["number"] == number.as_str()), "{queue:?}");
}
