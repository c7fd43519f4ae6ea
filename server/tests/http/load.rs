//! Pages keep answering under load: no render is left hanging (leptos#4773; see `page_routes::page_routes`).
use crate::harness::TestApp;

/// A thousand page loads one after another, beside the rest of the suite, each answered.
/// While each test server worked the route list out again, about one run in four left one of these
/// without an answer.
#[tokio::test]
async fn every_page_load_is_answered() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let ended_session = format!("canyu_sid={}", "ab".repeat(32));
    for i in 0..1000 {
        let res = c
            .get(app.url("/me"))
            .header("cookie", &ended_session)
            .send()
            .await
            .unwrap_or_else(|e| panic!("page load {i} was not answered: {e}"));
        assert_eq!(res.status(), 401, "a page for signed-in citizens asks a stranger to sign in");
    }
}
