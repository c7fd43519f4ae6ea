//! Who is told of a case's steps: the filer (in 消息, by the e-mail they left, on the progress
//! page), the staff who owe the next step, and nobody else; deadlines three days away told once.
use crate::harness::*;
use app::accounts::Role;
use reqwest::Client;
use serde_json::{json, Value};
use server::config::Config;
use server::mail::Smtp;

/// Mail on (to a relay nobody answers, tried only hourly: the outbox keeps what was queued).
fn with_mail() -> Config {
    Config {
        limits: relaxed(),
        search_interval_ms: 50,
        mail_interval_ms: 3_600_000,
        public_url: "https://canyu.example.gov.cn/".into(),
        smtp: Smtp {
            relay: "127.0.0.1:9".into(),
            from: "canyu@example.gov.cn".into(),
            helo: "canyu.test".into(),
            ..Smtp::default()
        },
        ..Config::default()
    }
}

async fn file(app: &TestApp, c: &Client, body: Value) -> (String, String, i64) {
    let res = c.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201, "filing refused");
    let filed: Value = res.json().await.unwrap();
    let number = filed["number"].as_str().unwrap().to_string();
    let id =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(&number).fetch_one(&app.db).await.unwrap();
    (number, filed["query_code"].as_str().unwrap().to_string(), id)
}

async fn ok(app: &TestApp, staff: &Client, id: i64, body: Value) {
    let res = staff.post(app.url(&format!("/api/v1/staff/cases/{id}/actions"))).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200, "{body}: {}", res.text().await.unwrap());
}

async fn progress(app: &TestApp, number: &str, code: &str) -> Value {
    let lookup = json!({"number": number, "code": code});
    let res = app.client().post(app.url("/api/v1/cases/progress")).json(&lookup).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The titles and links of an account's messages, oldest first.
async fn messages(app: &TestApp, login: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT n.title, n.link FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.login = $1 ORDER BY n.id",
    )
    .bind(login)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Every message and every queued mail, as one text (what anyone could ever be told).
async fn everything_told(app: &TestApp) -> String {
    let notes: Vec<(String, String)> =
        sqlx::query_as("SELECT title, link FROM notifications").fetch_all(&app.db).await.unwrap();
    let mails: Vec<(String, String, String)> =
        sqlx::query_as("SELECT recipient, subject, body FROM mail_outbox").fetch_all(&app.db).await.unwrap();
    format!("{notes:?}{mails:?}")
}

/// The login `TestApp::account` gives the account of an agency.
fn login_of(agency: i64) -> String {
    format!("staff{agency}@gov.example")
}

#[tokio::test]
async fn a_filer_with_an_account_and_an_email_hears_of_acceptance_extension_with_its_reason_and_the_decision() {
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), with_mail()).await;
    let (officer, office) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市住建局").await;
    let (_other, other_unit) = app.staff("市教育局").await;
    let citizen = app.citizen("13900007001").await;
    let bystander = app.citizen("13900007002").await;
    let (number, code, id) = file(
        &app,
        &citizen,
        json!({"kind": "petition", "petition_kind": "claim", "matter": "小区电梯长期停运",
               "facts": "小区电梯停运半年，物业不修。", "request": "请督促维修。",
               "name": "赵六", "phone": "13900007001", "email": "zhao.liu@example.cn"}),
    )
    .await;
    // The office hears of the new filing by number and kind, not by what it says.
    let told = messages(&app, &login_of(office)).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].0.contains(&number) && told[0].0.contains("信访事项·申诉求决"), "{told:?}");
    assert!(!told[0].0.contains("电梯"), "{told:?}");

    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;
    let told = messages(&app, &login_of(unit_id)).await;
    assert!(told
        .iter()
        .any(|(t, l)| t.starts_with("转送本单位") && t.contains(&number) && l == &format!("/staff/cases/{id}")));
    ok(&app, &unit, id, json!({"action": "accept"})).await;
    ok(&app, &unit, id, json!({"action": "extend", "days": 30, "reason": "需要委托第三方检测电梯安全"})).await;
    let decision = json!({"action": "decide", "decision": "support", "text": "已责令物业十日内修复。", "basis": "《特种设备安全法》"});
    ok(&app, &unit, id, decision).await;

    // 消息: each step, titled by number and what happened, linking to 我的信访 (never the code).
    let mine = messages(&app, "13900007001").await;
    let titles: Vec<&str> = mine.iter().map(|m| m.0.as_str()).collect();
    for step in ["已转送办理单位", "已受理", "办理期限延长", "已出具处理意见"] {
        assert!(titles.contains(&format!("{number}：{step}").as_str()), "{step}: {titles:?}");
    }
    assert!(mine.iter().all(|(_, link)| link == "/me/cases"), "{mine:?}");
    let inbox = app.get(&citizen, "/inbox").await.text().await.unwrap();
    assert!(inbox.contains(&format!("{number}：办理期限延长")), "the account's 消息 page lists it");

    // E-mail to the address left: plain Chinese text, the extension's reason, the review window.
    let p = progress(&app, &number, &code).await;
    let until = p["review_until"].as_str().expect("the last day to ask for a review").to_string();
    let mails: Vec<(String, String, String)> =
        sqlx::query_as("SELECT recipient, subject, body FROM mail_outbox ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(mails.len(), 4, "{mails:?}");
    assert!(mails.iter().all(|m| m.0 == "zhao.liu@example.cn" && m.1.contains(&number)), "{mails:?}");
    assert!(mails.iter().all(|m| !m.2.contains(&code) && !m.2.contains('<') && !m.2.contains("赵六")), "{mails:?}");
    assert!(mails.iter().all(|m| m.2.contains("https://canyu.example.gov.cn/me/cases")), "{mails:?}");
    assert!(mails[2].1.contains("办理期限延长") && mails[2].2.contains("需要委托第三方检测电梯安全"), "{:?}", mails[2]);
    assert!(mails[3].2.contains("已责令物业十日内修复") && mails[3].2.contains("30日内"), "{:?}", mails[3]);
    assert!(mails[3].2.contains(&format!("即{}前申请复查", app::clock::long_iso(&until))), "{until}: {:?}", mails[3]);

    // The progress page says the same, the extension's reason included.
    let texts = p["steps"].to_string();
    assert!(texts.contains("延长30日") && texts.contains("需要委托第三方检测电梯安全"), "{texts}");
    let page =
        app.post_form(&app.client(), "/cases/track", &[("look", "1"), ("number", &number), ("code", &code)]).await;
    let page = page.text().await.unwrap();
    assert!(page.contains("申请复查期限") && page.contains(&app::clock::long_iso(&until)), "the page shows until when");

    // Nobody else heard of it: not another citizen, not another unit.
    assert!(messages(&app, "13900007002").await.is_empty());
    assert!(messages(&app, &login_of(other_unit)).await.is_empty());
    drop(bystander);

    // The review and its decision reach the filer too; after the re-review there is no next round.
    for (stage, next) in [("review", "复核"), ("rereview", "")] {
        let body = json!({"code": code, "reason": "物业仍未修复"});
        let res =
            app.client().post(app.url(&format!("/api/v1/cases/{number}/review"))).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200, "{stage}");
        let decided =
            json!({"action": "decide_review", "decision": "support", "text": "维持。", "basis": "《信访工作条例》"});
        ok(&app, &officer, id, decided).await;
        let last: (String, String) = sqlx::query_as("SELECT subject, body FROM mail_outbox ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
        match next {
            "" => assert!(last.1.contains("复核意见为最终意见"), "{last:?}"),
            n => assert!(last.1.contains(&format!("申请{n}")), "{last:?}"),
        }
    }
    let titles: Vec<String> = messages(&app, "13900007001").await.into_iter().map(|m| m.0).collect();
    for step in ["已收到复查申请", "已出具复查意见", "已收到复核申请", "已出具复核意见"] {
        assert!(titles.contains(&format!("{number}：{step}")), "{step}: {titles:?}");
    }
}

#[tokio::test]
async fn an_anonymous_reporter_is_told_only_on_the_progress_page_and_nobody_else_learns_who_they_are() {
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), with_mail()).await;
    let (officer, office) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (_reported, reported_id) = app.staff("某区生态环境局").await;
    let (unit, unit_id) = app.staff("市生态环境局").await;
    // Signed in, yet filing anonymously: the case is not tied to the account, so it hears nothing.
    let reporter = app.citizen("13900007101").await;
    let (number, code, id) = file(
        &app,
        &reporter,
        json!({"kind": "complaint", "matter": "违规为污染企业办理环评", "facts": "该局明知企业超标排放仍批准环评。",
               "concerned_agency_id": reported_id, "anonymous": true}),
    )
    .await;
    ok(&app, &officer, id, json!({"action": "transfer", "unit": unit_id})).await;
    ok(&app, &unit, id, json!({"action": "accept"})).await;
    ok(&app, &unit, id, json!({"action": "extend", "days": 15, "reason": "需要现场核查"})).await;
    ok(
        &app,
        &unit,
        id,
        json!({"action": "decide", "decision": "support", "text": "经查属实。", "basis": "《环境影响评价法》"}),
    )
    .await;

    assert!(messages(&app, "13900007101").await.is_empty(), "the anonymous report is not tied to the account");
    let mails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(&app.db).await.unwrap();
    assert_eq!(mails, 0, "no address was left");
    assert!(messages(&app, &login_of(reported_id)).await.is_empty(), "the unit reported on hears nothing");
    let told = everything_told(&app).await;
    for secret in ["违规", "环评", "污染", "超标", &code] {
        assert!(!told.contains(secret), "{secret} in {told}");
    }
    assert!(messages(&app, &login_of(office)).await.iter().any(|m| m.0.contains(&number) && m.0.contains("投诉举报")));
    assert!(messages(&app, &login_of(unit_id)).await.iter().any(|m| m.0.contains(&number)));
    let p = progress(&app, &number, &code).await;
    let steps = p["steps"].to_string();
    assert!(steps.contains("需要现场核查") && steps.contains("经查属实"), "the progress page tells them: {steps}");
    assert!(p["review_until"].is_null(), "a complaint has no review round to offer: {p}");

    // A report about the petition office goes to the discipline channel: its holders elsewhere are
    // told, and nobody of the office (its officers, or a discipline holder there) is.
    let (_, commission) = app.account("市纪委监委", Role::Staff, &["discipline_channel"]).await;
    let insider = "insider@gov.example";
    let key = app.key();
    let admin_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE login = 'root-admin'").fetch_one(&app.db).await.unwrap();
    let admin = app::accounts::CurrentUser {
        must_change_password: false,
        ..app::accounts::store::user(&app.db, admin_id).await.unwrap()
    };
    let mail = app::admin::staff::Mail { enabled: false, public_url: "" };
    app::admin::staff::create(&app.db, &key, mail, &admin, insider, "内部人员", Role::Staff, office).await.unwrap();
    app.grant(insider, "discipline_channel").await;
    let before = messages(&app, &login_of(office)).await.len();
    let (about_office, _, _) = file(
        &app,
        &app.client(),
        json!({"kind": "complaint", "matter": "信访局推诿不办", "facts": "多次来访均被推诿。",
               "concerned_agency_id": office, "anonymous": true}),
    )
    .await;
    assert!(messages(&app, &login_of(commission)).await.iter().any(|m| m.0.contains(&about_office)));
    assert_eq!(messages(&app, &login_of(office)).await.len(), before, "the office's officer is not told");
    assert!(messages(&app, insider).await.is_empty(), "nor anyone of the office holding the power");
}

#[tokio::test]
async fn a_unit_hears_of_work_routed_to_it_and_of_a_deadline_three_days_away_once() {
    let app = TestApp::spawn().await;
    // The server's own turn of the job, taken now: the rest of the turns are this test's.
    server::jobs::deadline_reminders(&app.db).await;
    let (officer, office) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (unit, unit_id) = app.staff("市城管局").await;
    let (_, other_unit) = app.staff("市水务局").await;
    let citizen = app.citizen("13900007201").await;
    let claim = |matter: &str| {
        json!({"kind": "petition", "petition_kind": "claim", "matter": matter, "facts": "占道经营。",
               "request": "请处理。", "name": "钱七", "phone": "13900007201"})
    };
    let (number, _, id) = file(&app, &citizen, claim("夜市占道")).await;
    ok(&app, &officer, id, json!({"action": "assign", "unit": unit_id, "due_on": app::clock::format_date(app::clock::now() + 20 * 86_400), "note": ""})).await;
    ok(&app, &unit, id, json!({"action": "accept"})).await;
    let routed = messages(&app, &login_of(unit_id)).await;
    assert_eq!(routed.len(), 1, "{routed:?}");
    assert!(routed[0].0.starts_with("交办本单位") && routed[0].0.contains(&number), "{routed:?}");

    let today = app::clock::today();
    let set_due = |days: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query("UPDATE cases SET due_on = $1 WHERE id = $2")
                .bind(today.add_days(days).to_string())
                .bind(id)
                .execute(&db)
                .await
                .unwrap();
        }
    };
    let reminders = |login: String| {
        let app = &app;
        async move {
            messages(app, &login).await.into_iter().filter(|m| m.0.starts_with("期限将至")).collect::<Vec<_>>()
        }
    };
    set_due(4).await;
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 0, "four days away: not yet");
    set_due(3).await;
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 1);
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 0, "told once");
    let told = reminders(login_of(unit_id)).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].0.contains(&number) && told[0].0.contains(&today.add_days(3).to_string()), "{told:?}");
    assert_eq!(told[0].1, format!("/staff/cases/{id}"));
    assert!(reminders(login_of(other_unit)).await.is_empty());
    assert!(reminders(login_of(office)).await.is_empty(), "the unit owes this step, not the office");
    // A new deadline (here: moved nearer) is told again.
    set_due(1).await;
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 1);
    assert_eq!(reminders(login_of(unit_id)).await.len(), 2);

    // A case waiting to be registered: the petition office is told.
    let (waiting, _, waiting_id) = file(&app, &citizen, claim("河道垃圾无人清理")).await;
    sqlx::query("UPDATE cases SET due_on = $1 WHERE id = $2")
        .bind(today.add_days(2).to_string())
        .bind(waiting_id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 1);
    let told = reminders(login_of(office)).await;
    assert!(told.len() == 1 && told[0].0.contains(&waiting), "{told:?}");
    assert_eq!(reminders(login_of(unit_id)).await.len(), 2, "the unit is not told of the office's work");

    // Once decided, the date is the filer's (the period to ask for a review): staff owe nothing.
    let decided = json!({"action": "decide", "decision": "support", "text": "已清理。", "basis": "《城市市容和环境卫生管理条例》",
                         "report": "已清理占道摊点。"});
    ok(&app, &unit, id, decided).await;
    set_due(2).await;
    assert_eq!(app::cases::store::remind_deadlines(&app.db, today).await.unwrap(), 0, "a decided case is not told");
    assert_eq!(reminders(login_of(unit_id)).await.len(), 2);
}
