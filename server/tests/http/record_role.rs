//! On PostgreSQL, the application's own role (server/sql/postgres-app-role.sql) serves as usual but
//! cannot rewrite, remove or empty the case record, nor drop its guards.
use crate::harness::*;

#[tokio::test]
async fn on_postgresql_the_application_role_cannot_rewrite_or_remove_the_record() {
    let Ok(server_url) = std::env::var("CANYU_TEST_POSTGRES") else {
        return; // SQLite has no roles: there the triggers guard the record (cases::the_record_*)
    };
    // The owner migrates and records a case.
    let owner = TestApp::spawn().await;
    let complaint =
        serde_json::json!({"kind": "complaint", "matter": "噪音", "facts": "夜间施工。", "anonymous": true});
    let res = owner.client().post(owner.url("/api/v1/cases")).json(&complaint).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let role = format!("canyu_app_{}_{}", std::process::id(), app::clock::now());
    let script = include_str!("../../sql/postgres-app-role.sql").replace("canyu_app", &role);
    // Run as the README says, and again as after an upgrade: the second run changes nothing.
    for _ in 0..2 {
        sqlx::raw_sql(&script).execute(&owner.db).await.unwrap_or_else(|e| panic!("{script}: {e}"));
    }
    let host = server_url.split_once('@').map(|(_, h)| h).unwrap();
    let db_name = owner.database_url.rsplit('/').next().unwrap();
    let app_url = format!("postgres://{role}:change-me@{host}/{db_name}");
    // The application, as that role, serves and records as usual…
    let cfg = server::config::Config { limits: relaxed(), ..Default::default() };
    let node = TestApp::spawn_node(tempfile::tempdir().unwrap(), cfg, app_url.clone()).await;
    let res = node.client().post(node.url("/api/v1/cases")).json(&complaint).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // …but cannot touch the record.
    let pool = server::db::connect(&app_url).await.unwrap();
    for attack in [
        "UPDATE case_events SET detail = '{}'",
        "DELETE FROM case_events",
        "TRUNCATE case_events",
        "DROP TRIGGER case_events_no_update ON case_events",
        "ALTER TABLE case_events DISABLE TRIGGER ALL",
        "UPDATE admin_events SET detail = '{}'",
        "DELETE FROM admin_events",
        "TRUNCATE admin_events",
        "DROP TRIGGER admin_events_no_delete ON admin_events",
    ] {
        let err = sqlx::query(attack).execute(&pool).await.expect_err(attack).to_string();
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{attack}: {err}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM case_events").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}
