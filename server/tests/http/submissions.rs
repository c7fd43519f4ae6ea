//! Comments arriving together share commits: each submitter still gets the receipt of their own
//! stored comment, and only for a stored one.
use crate::harness::*;
use serde_json::{json, Value};

#[tokio::test]
async fn many_people_commenting_at_the_same_moment_each_get_the_receipt_of_their_own_comment() {
    let app = TestApp::spawn_with(relaxed()).await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    sqlx::query("UPDATE consultations SET allow_anonymous = 1 WHERE id = $1").bind(id).execute(&app.db).await.unwrap();
    let url = app.url(&format!("/api/v1/consultations/{id}/comments"));
    // Sixteen browsers at once (one address's share of connections), each sending a dozen.
    let sent = (0..16).map(|browser| {
        let (c, url) = (app.client(), url.clone());
        tokio::spawn(async move {
            let mut mine = Vec::new();
            for n in 0..12 {
                let body = format!("第{browser}-{n}位市民的意见：路口应增设信号灯");
                let res = c.post(&url).json(&json!({ "body": body, "article": "a3" })).send().await.unwrap();
                assert_eq!(res.status(), 201);
                let own: Value = res.json().await.unwrap();
                mine.push((body, own["receipt"].as_str().unwrap().to_string()));
            }
            mine
        })
    });
    let mut receipts = Vec::new();
    for s in sent.collect::<Vec<_>>() {
        receipts.extend(s.await.unwrap());
    }
    for (body, receipt) in &receipts {
        let stored: String = sqlx::query_scalar("SELECT body FROM comments WHERE receipt = $1")
            .bind(receipt)
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(&stored, body, "a receipt names the submitter's own comment");
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 192);
    let mut unique: Vec<&String> = receipts.iter().map(|(_, r)| r).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 192, "every receipt is its own");
}
