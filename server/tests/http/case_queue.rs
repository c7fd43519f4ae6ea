//! The petition office's queue holds every case, a page at a time, the most urgent first.
use crate::harness::*;
use app::accounts::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn a_petition_officer_pages_through_more_cases_than_a_page_holds_and_none_is_left_out() {
    let app = TestApp::spawn_with(relaxed()).await;
    let citizen = app.citizen("13900006301").await;
    for i in 0..105 {
        let body = json!({
            "kind": "petition", "petition_kind": "claim", "matter": format!("第{i}件：路灯不亮"),
            "facts": "小区门口路灯坏了一个月。", "request": "请维修。", "name": "王五", "phone": "13900006301"
        });
        let res = citizen.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201);
    }
    // One case already overdue: wherever it was filed, it leads the queue.
    let overdue = app::clock::format_date(app::clock::now() - 2 * 86_400);
    sqlx::query("UPDATE cases SET due_on = $1 WHERE matter = '第50件：路灯不亮'")
        .bind(&overdue)
        .execute(&app.db)
        .await
        .unwrap();
    let (officer, _) = app.account("市信访局", Role::PetitionOfficer, &[]).await;
    let page = |n: u32| {
        let officer = officer.clone();
        let url = app.url(&format!("/api/v1/staff/cases?queue=ordinary&page={n}"));
        async move { officer.get(url).send().await.unwrap() }
    };
    let first: Vec<Value> = page(1).await.json().await.unwrap();
    let second: Vec<Value> = page(2).await.json().await.unwrap();
    assert_eq!((first.len(), second.len()), (100, 5));
    let mut numbers: Vec<&str> = first.iter().chain(&second).map(|c| c["number"].as_str().unwrap()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 105, "every case is on one page or the other, once");
    // Most urgent first, across the pages: the due dates never go back.
    let due: Vec<&str> = first.iter().chain(&second).map(|c| c["due_on"].as_str().unwrap()).collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");
    assert_eq!(first[0]["matter"], "第50件：路灯不亮", "the overdue case leads");
    assert!(first[0]["days_left"].as_i64().unwrap() < 0);
    assert_eq!(page(0).await.status(), 422, "page numbers are checked");
    assert_eq!(page(1001).await.status(), 422);
    // The page without JavaScript links to the next.
    let html = app.get(&officer, "/petition").await.text().await.unwrap();
    assert!(html.contains("?page=2") && html.contains("下一页"), "the queue page links on");
}
