//! The holiday calendar as the administrator keeps it on the web: a year at a time, deadlines
//! still running counted again (and the case record saying so), and a warning while a year is
//! missing.
use crate::harness::*;
use app::accounts::Role;
use app::cases::deadlines::DayKind;
use serde_json::{json, Value};

async fn file_claim(app: &TestApp) -> (String, String) {
    let citizen = app.citizen("13900007001").await;
    let body = json!({
        "kind": "petition", "petition_kind": "claim", "matter": "小区路灯损坏",
        "facts": "小区门口路灯损坏已一个月，夜间出行不便。", "request": "请尽快修复。",
        "name": "赵六", "phone": "13900007001"
    });
    let res = citizen.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    (v["number"].as_str().unwrap().to_string(), v["query_code"].as_str().unwrap().to_string())
}

async fn due_of(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar("SELECT due_on FROM cases WHERE number = $1").bind(number).fetch_one(&app.db).await.unwrap()
}

/// The year's calendar as the form would show it, with `extra` lines added.
async fn year_text_with(app: &TestApp, year: i64, extra: &str) -> String {
    let days = app::cases::store::year_days(&app.db, year).await.unwrap();
    format!("{}{extra}\n", app::cases::holidays::year_text(&days))
}

#[tokio::test]
async fn a_holiday_the_administrator_adds_moves_running_deadlines_and_the_filer_is_told_why() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let (number, code) = file_claim(&app).await;
    let due = app::clock::parse_date(&due_of(&app, &number).await).unwrap();
    let admin = app.admin_client().await;

    // A holiday on the registration deadline itself (the State Council moving a day off onto it).
    let text = year_text_with(&app, due.year, &format!("{due} 放假 临时调整")).await;
    let res = app.post_form(&admin, "/admin/calendar", &[("year", &due.year.to_string()), ("days", &text)]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("已保存{}年节假日安排", due.year)), "{page}");
    assert!(page.contains("1件仍在期限内的案件已按新安排重新计算期限"), "{page}");
    assert!(page.contains(&app::clock::long_date(due)) && page.contains("临时调整"), "the day is listed: {page}");

    // The deadline moved to the next working day, and the filer's progress says so and why.
    let moved = due_of(&app, &number).await;
    let cal = app::cases::store::calendar(&app.db).await.unwrap();
    assert_eq!(moved, cal.working_day_on_or_after(due.next_day()).to_string());
    let p: Value = app
        .client()
        .post(app.url("/api/v1/cases/progress"))
        .json(&json!({"number": number, "code": code}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["due_on"], moved.as_str());
    let told = p["steps"].as_array().unwrap().iter().any(|s| {
        s["text"]
            == format!("因节假日安排调整，期限由{}改为{}", app::clock::long_date(due), app::clock::long_iso(&moved))
    });
    assert!(told, "{p}");
    // The petition office sees the same in the case record, and the record still verifies.
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(&number).fetch_one(&app.db).await.unwrap();
    let staff_page = app.get(&officer, &format!("/staff/cases/{id}")).await.text().await.unwrap();
    assert!(staff_page.contains("因节假日安排调整"), "{staff_page}");
    // The administration log records who changed the calendar.
    let log = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(log.contains("修改节假日安排"), "{log}");

    // Taken away again, the deadline goes back.
    let text = year_text_with(&app, due.year, "").await.replace(&format!("{due} 放假 临时调整\n"), "");
    let res = app.post_form(&admin, "/admin/calendar", &[("year", &due.year.to_string()), ("days", &text)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(due_of(&app, &number).await, due.to_string());
}

#[tokio::test]
async fn a_mistyped_calendar_changes_nothing_and_the_administrator_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let admin = app.admin_client().await;
    let before = app::cases::store::year_days(&app.db, 2026).await.unwrap();
    let typed = "2026-01-01 放假 元旦\n2026-13-01 放假 <script>alert(1)</script>\n2026-10-08 上班 国庆";
    let res = app.post_form(&admin, "/admin/calendar", &[("year", "2026"), ("days", typed)]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("第2行：“2026-13-01”不是YYYY-MM-DD格式的日期"), "{page}");
    assert!(page.contains("第3行：2026年10月8日本来就是工作日"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert(1)"),
        "kept, inert"
    );
    assert_eq!(app::cases::store::year_days(&app.db, 2026).await.unwrap(), before, "nothing changed");
    // Nobody but an administrator keeps the calendar.
    let res = app.post_form(&officer, "/admin/calendar", &[("year", "2026"), ("days", "")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app::cases::store::year_days(&app.db, 2026).await.unwrap(), before, "nothing changed");
    // A year out of range is refused before anything is read.
    let res = app.post_form(&admin, "/admin/calendar", &[("year", "20277"), ("days", "")]).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_administrator_and_the_petition_office_are_warned_until_next_years_calendar_is_in() {
    let app = TestApp::spawn().await;
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let citizen = app.citizen("13900007002").await;
    let admin = app.admin_client().await;
    let this = app::clock::today().year;
    let missing = app::cases::store::missing_years(&app.db).await.unwrap();
    // The shipped calendar holds 2026 only: next year is missing until the State Council publishes it.
    assert!(missing.contains(&(this + 1)), "{missing:?}");
    let warning = format!("尚未录入{}年", missing[0]);
    assert!(app.get(&admin, "/admin").await.text().await.unwrap().contains(&warning));
    assert!(app.get(&officer, "/petition").await.text().await.unwrap().contains(&warning));
    assert!(!app.get(&citizen, "/").await.text().await.unwrap().contains("尚未录入"));
    // The calendar page opens on the first missing year.
    let page = app.get(&admin, "/admin/calendar").await.text().await.unwrap();
    assert!(page.contains(&format!("保存{}年节假日安排", missing[0])), "{page}");

    for year in &missing {
        let days = format!("{year}-01-01 放假 元旦\n");
        let res = app.post_form(&admin, "/admin/calendar", &[("year", &year.to_string()), ("days", &days)]).await;
        assert_eq!(res.status(), 200);
        let kept = app::cases::store::year_days(&app.db, *year).await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].kind, DayKind::Holiday);
    }
    assert!(!app.get(&admin, "/admin").await.text().await.unwrap().contains("尚未录入"));
    assert!(!app.get(&officer, "/petition").await.text().await.unwrap().contains("尚未录入"));
}
