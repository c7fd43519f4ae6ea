//! The JSON API and its OpenAPI description.
use crate::harness::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/consultations",
        "/api/v1/consultations/{id}",
        "/api/v1/consultations/{id}/comments",
        "/api/v1/search",
        "/api/v1/comments/receipt",
        "/api/v1/comments/{id}/disposition",
        "/api/v1/consultations/{id}/review/selection",
        "/api/v1/consultations/{id}/review/moderation",
        "/api/v1/consultations/{id}/review/answers",
        "/api/v1/consultations/{id}/report",
        "/api/v1/session",
        "/api/v1/cases",
        "/api/v1/cases/progress",
        "/api/v1/cases/{number}/rating",
        "/api/v1/cases/{number}/review",
        "/api/v1/staff/cases",
        "/api/v1/staff/cases/{id}",
        "/api/v1/staff/cases/{id}/actions",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} undocumented");
    }
}

#[tokio::test]
async fn every_method_the_api_router_answers_on_a_documented_path_is_documented_and_served() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let doc: Value = app.get(&c, "/api/v1/openapi.json").await.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 16, "the document lists {} paths", paths.len());
    for (path, ops) in paths {
        let url = app.url(&path.replace("{id}", "1").replace("{number}", "XF-2026-000001"));
        for method in ["get", "post", "put", "delete", "patch"] {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let status = c.request(m, &url).send().await.unwrap().status();
            let documented = ops.get(method).is_some();
            // axum answers 405 for a method no route of the path has: served ⇔ documented.
            assert_eq!(status != 405, documented, "{method} {path}: answered {status}, documented {documented}");
        }
    }
}

#[tokio::test]
async fn an_api_client_reads_a_consultation_signs_in_and_comments() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    app.citizen("api@example.com").await;
    let c = app.client();
    let list: Vec<Value> = app.get(&c, "/api/v1/consultations").await.json().await.unwrap();
    assert_eq!(list[0]["status"], "open");
    let detail: Value = app.get(&c, &format!("/api/v1/consultations/{id}")).await.json().await.unwrap();
    let anchors: Vec<&str> =
        detail["articles"].as_array().unwrap().iter().map(|a| a["anchor"].as_str().unwrap()).collect();
    assert_eq!(anchors, ["a1", "a2", "a3", "a3-1"]);
    let res = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"login": "api@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = c
        .post(app.url(&format!("/api/v1/consultations/{id}/comments")))
        .json(&json!({"article": "a2", "body": "通过接口提交"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let own: Value = res.json().await.unwrap();
    assert!(own["receipt"].as_str().unwrap().starts_with("YJ-"));
    assert_eq!(own["article_label"], "第二条");
}

#[tokio::test]
async fn api_errors_have_one_shape_with_a_code() {
    let app = TestApp::spawn().await;
    let res = app.get(&app.client(), "/api/v1/consultations/42").await;
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string() && body["error"]["fields"].is_array());
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900005050").await;
    let res = c
        .post(app.url(&format!("/api/v1/consultations/{id}/comments")))
        .json(&json!({"article": "a99", "body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(body["error"]["fields"][0]["field"], "article");
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let res = app.get(&app.client(), "/healthz").await;
    assert_eq!(res.status(), 200);
    app.db.close().await;
    assert_eq!(app.get(&app.client(), "/healthz").await.status(), 503);
}

#[tokio::test]
async fn the_openapi_document_lists_every_error_code_and_every_operation_can_refuse() {
    use app::error::AppError;
    let app = TestApp::spawn().await;
    let doc: Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    let codes = &doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"];
    for status in [400, 401, 403, 404, 405, 413, 415, 422, 429, 500, 503] {
        let code = AppError::from_status(status).code();
        assert!(codes.as_array().unwrap().iter().any(|c| c == code), "{code} undocumented");
    }
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert!(op["responses"].get("default").is_some(), "{method} {path} does not document its refusals");
        }
    }
}
