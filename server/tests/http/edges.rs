//! Trust at the edges: hostile text stays text, bounded inputs, no open redirects, the API's error
//! shape for every refusal, security headers, and connections that cannot be held hostage.
use crate::harness::*;
use serde_json::{json, Value};
use server::config::{Config, Http};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TITLE_ATTACK: &str = "噪音扰民</title><img src=x onerror=alert(document.domain)>";
const TEXTAREA_ATTACK: &str = "理由</textarea><img src=x onerror=alert(1)>&lt;script&gt;";

/// Publish a consultation with a chosen title and explanation; returns the response.
async fn publish_titled(
    app: &TestApp,
    staff: &reqwest::Client,
    title: &str,
    explanation: &str,
    closes: &str,
) -> reqwest::Response {
    let today = app::clock::start_of_day(app::clock::today());
    let opens = app::clock::format_date(today);
    let closes = if closes.is_empty() { app::clock::format_date(today + 40 * 86_400) } else { closes.to_string() };
    app.post_form(
        staff,
        "/staff/consultations/new",
        &[
            ("kind", "regulation"),
            ("title", title),
            ("explanation", explanation),
            ("full_text", DRAFT),
            ("opens_on", &opens),
            ("closes_on", &closes),
            ("short_window_reason", ""),
        ],
    )
    .await
}

#[tokio::test]
async fn a_visitor_is_not_attacked_by_a_consultation_title_and_staff_get_their_typed_text_back_exactly() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市生态环境局").await;
    // Rejected (no closing date): every text area comes back with exactly what was typed, inert.
    let res = publish_titled(&app, &staff, TITLE_ATTACK, TEXTAREA_ATTACK, "not a date").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(!page.contains("</textarea><img"), "a text area was closed by typed text");
    assert!(page.contains("理由&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;&amp;lt;script&amp;gt;"), "{page}");

    let res = publish_titled(&app, &staff, TITLE_ATTACK, TEXTAREA_ATTACK, "").await;
    assert_eq!(res.status(), 303);
    let id = location_id(&res);
    let page = app.get(&app.client(), &format!("/consultations/{id}")).await.text().await.unwrap();
    let title = page.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap();
    assert_eq!(title, "噪音扰民&lt;/title&gt;&lt;img src=x onerror=alert(document.domain)&gt; - 公众参与平台");
    assert!(!page.contains("<img src=x"), "markup typed into a title reached the page");
}

#[tokio::test]
async fn a_page_number_out_of_range_gets_a_clear_refusal_and_the_server_stays_up() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for path in ["/api/v1/search?q=x&page=214748364", "/api/v1/search?q=x&page=0", "/api/v1/search?q=x&page=1001"] {
        let res = app.get(&c, path).await;
        assert_eq!(res.status(), 422, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(body["error"]["fields"][0]["field"], "page");
    }
    let res = app.get(&c, "/api/v1/search?q=x&page=99999999999").await;
    assert_eq!(res.status(), 422, "beyond any page number: the same refusal");
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "invalid_input");
    for path in ["/search?q=x&page=80000000", "/search?q=x&page=abc"] {
        let res = app.get(&c, path).await;
        assert_eq!(res.status(), 422, "{path}");
        assert!(res.text().await.unwrap().contains("页码须为1到1000之间的整数"));
    }
    assert_eq!(app.get(&c, "/search?q=x&page=3").await.status(), 200);
    let (staff, _) = app.staff("市司法局").await;
    let id = app.open_consultation(&staff).await;
    let res = app.get(&c, &format!("/api/v1/consultations/{id}/report?page=0")).await;
    assert_eq!(res.status(), 422);
    let res = app.get(&staff, &format!("/staff/consultations/{id}?page=4294967295")).await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.get(&c, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn signing_in_never_sends_the_browser_to_another_site() {
    let app = TestApp::spawn().await;
    app.citizen("13900007070").await;
    for next in ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/\n/evil.example"] {
        let c = app.client();
        let res = app
            .post_form(&c, "/login", &[("login", "13900007070"), ("password", "correct horse"), ("next", next)])
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/", "next={next:?}");
    }
    let c = app.client();
    let res = app
        .post_form(&c, "/login", &[("login", "13900007070"), ("password", "correct horse"), ("next", "/me?x=1")])
        .await;
    assert_eq!(location(&res), "/me?x=1");
}

#[tokio::test]
async fn an_api_client_gets_the_error_envelope_for_every_refusal() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市水务局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.client();
    let url = app.url(&format!("/api/v1/consultations/{id}/comments"));
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (c.post(&url).header("content-type", "application/json").body("{not json"), 400, "bad_request"),
        (c.post(&url).header("content-type", "text/plain").body("{}"), 415, "unsupported_media_type"),
        (c.post(&url).json(&json!({"article": "a1"})), 422, "invalid_input"),
        (c.delete(&url), 405, "method_not_allowed"),
        (c.get(app.url("/api/v1/no-such-thing")), 404, "not_found"),
        (c.get(app.url("/api/v1/consultations/abc")), 400, "bad_request"),
    ];
    for (req, status, code) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), status, "{code}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code);
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Too large: refused from the announced length, before the body is read. (Sent by hand: a
    // client still sending a large body when the refusal comes may see the connection close.)
    let mut raw = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/v1/consultations/{id}/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\n\r\n"
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), raw.read(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"payload_too_large\""), "{answer}");
    // A server function's refusal has its own status, not 500.
    let res = c.post(app.url("/api/my_comments")).form(&[("", "")]).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn pages_only_run_their_own_scripts_and_a_signed_in_page_is_not_kept_by_any_cache() {
    let app = TestApp::spawn().await;
    let res = app.get(&app.client(), "/").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap().to_string();
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    let again = app.get(&app.client(), "/").await;
    assert!(!again.headers()["content-security-policy"].to_str().unwrap().contains(&nonce), "a fresh nonce each time");
    let api = app.get(&app.client(), "/api/v1/consultations").await;
    assert!(api.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));

    let citizen = app.citizen("13900008080").await;
    let res = app.get(&citizen, "/me").await;
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_reporter_sending_an_oversized_field_gets_a_short_refusal_with_the_rest_kept() {
    let app = TestApp::spawn().await;
    let form = reqwest::multipart::Form::new()
        .text("matter", "路灯不亮")
        .text("facts", "长".repeat(1_000_000))
        .text("name", "")
        .text("anonymous", "on");
    let res = app.client().post(app.url("/cases/new/complaint")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.len() < 200_000, "the refused 3 MB field came back ({} bytes)", page.len());
    assert!(page.contains("内容过长") && page.contains("路灯不亮"));
}

/// A server whose connection limits are small enough to reach in a test.
async fn spawn_tight(http: Http) -> TestApp {
    let cfg = Config { limits: relaxed(), search_interval_ms: 50, http, ..Config::default() };
    TestApp::spawn_in(tempfile::tempdir().unwrap(), cfg).await
}

/// Read until the server closes the connection (or `limit` passes); true if it closed.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let until = Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(until.into(), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_slow_or_idle_client_cannot_hold_a_connection_open() {
    let app = spawn_tight(Http { header_timeout_secs: 1, request_timeout_secs: 1, ..Http::default() }).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Slow-loris: headers trickle in and never finish.
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let trickle = async {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow.write_all(b"X-a: b\r\n").await.is_err() {
                break;
            }
        }
    };
    let started = Instant::now();
    trickle.await;
    assert!(closed_within(&mut slow, Duration::from_secs(3)).await, "slow headers were never cut off");
    assert!(started.elapsed() < Duration::from_secs(8));
    // Idle: a connection that says nothing is closed.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(4)).await, "an idle connection stayed open");
    // Slow body: headers promise 100 bytes, 10 come; the request ends with 408.
    let mut body = TcpStream::connect(&addr).await.unwrap();
    body.write_all(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlogin=abcd").await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), body.read_to_end(&mut answer)).await;
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&answer));
}

#[tokio::test]
async fn a_crowd_of_idle_connections_does_not_lock_out_new_visitors() {
    let app = spawn_tight(Http { max_connections: 8, header_timeout_secs: 1, ..Http::default() }).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Far more idle connections than the cap (and than one address may hold).
    let mut idle = Vec::new();
    for _ in 0..40 {
        if let Ok(s) = TcpStream::connect(&addr).await {
            idle.push(s);
        }
    }
    let c = app.client();
    let started = Instant::now();
    let res = app.get(&c, "/healthz").await;
    assert_eq!(res.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(10), "a new visitor waited {:?}", started.elapsed());
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let app = spawn_tight(Http { max_connections_per_address: 3, header_timeout_secs: 30, ..Http::default() }).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fourth = TcpStream::connect(&addr).await.unwrap();
    assert!(closed_within(&mut fourth, Duration::from_secs(3)).await, "a fourth connection from one address was kept");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.get(&app.client(), "/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_trickling_filing_gives_its_upload_slot_back_long_before_the_deadline() {
    // One upload slot, a five-minute deadline, and a floor of 64 KB/s.
    let http = Http {
        concurrent_uploads: 1,
        min_upload_bytes_per_sec: 64 * 1024,
        upload_timeout_secs: 300,
        ..Http::default()
    };
    let app = spawn_tight(http).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let boundary = "XtrickleX";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"matter\"\r\n\r\n路灯不亮\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"attachments\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /cases/new/complaint HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n{head}"
    );
    slow.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (mut reader, mut writer) = slow.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..600 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if writer.write_all(&[0u8; 512]).await.is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), reader.read_to_end(&mut answer)).await;
    trickle.abort();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 422"), "{}", &answer[..answer.len().min(300)]);
    assert!(answer.contains("网络过慢"), "the filer is told why");
    assert!(started.elapsed() < Duration::from_secs(60), "the trickle held its slot for {:?}", started.elapsed());
    // The slot is free again: the next filing is received, not turned away with 503.
    let form = reqwest::multipart::Form::new().text("matter", "井盖缺失").text("anonymous", "on");
    let res = app.client().post(app.url("/cases/new/complaint")).multipart(form).send().await.unwrap();
    assert_ne!(res.status(), 503);
}

#[tokio::test]
async fn an_api_client_asking_for_a_page_beyond_any_number_gets_the_usual_422() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/search?q=x&page=99999999999",
        "/api/v1/search?q=x&page=-1",
        "/api/v1/search?q=x&page=abc",
        "/api/v1/consultations/1/comments?page=99999999999",
        "/api/v1/consultations/1/comments?after=-1",
        "/api/v1/consultations/1/comments?before=99999999999999999999",
        "/api/v1/consultations/1/report?page=4294967296",
    ] {
        let res = app.get(&app.client(), path).await;
        assert!(matches!(res.status().as_u16(), 404 | 422), "{path}: {}", res.status());
        if res.status() == 422 {
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"]["code"], "invalid_input", "{path}");
        }
    }
    let res = app.get(&app.client(), "/api/v1/search?q=x&page=99999999999").await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_reader_never_sees_a_comment_reversed_or_cut_by_invisible_characters_typed_into_any_field() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市公安局").await;
    let id = app.open_consultation(&staff).await;
    let c = app.citizen("13900005151").await;
    // Through the page's form: a right-to-left override, NUL, escape and a carriage return.
    let res = comment(&app, &c, id, "a1", "同意\u{202E}第三条\u{202C}的规定\u{0}，\u{1b}建议\r\n细化。").await;
    assert_eq!(res.status(), 303);
    // Through the JSON API, in the body and any other string.
    let res = c
        .post(app.url(&format!("/api/v1/consultations/{id}/comments")))
        .json(&serde_json::json!({"article": "a2", "body": "反对\u{2067}隔离\u{2069}条款\u{0}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM comments ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(bodies, ["同意第三条的规定，建议\n细化。", "反对隔离条款"]);
    // A filing's multipart text fields too (anonymous complaint, so no account is needed).
    let form = reqwest::multipart::Form::new()
        .text("matter", "井盖\u{202E}缺失")
        .text("facts", "路口井盖缺失\u{0}，夜间危险。")
        .text("anonymous", "1");
    let res = app.client().post(app.url("/cases/new/complaint")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let (matter, facts): (String, String) =
        sqlx::query_as("SELECT matter, facts FROM cases").fetch_one(&app.db).await.unwrap();
    assert_eq!((matter.as_str(), facts.as_str()), ("井盖缺失", "路口井盖缺失，夜间危险。"));
}

#[tokio::test]
async fn someone_reopening_a_forms_address_is_sent_to_the_page_the_form_is_on() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff("市水务局").await;
    let id = app.open_consultation(&staff).await;
    // The address a refused post was answered at, opened again later (a GET): not an empty 405.
    for (opened, page) in [
        (format!("/staff/consultations/{id}/moderate"), format!("/staff/consultations/{id}")),
        (format!("/staff/consultations/{id}/files/1/remove"), format!("/staff/consultations/{id}/files")),
        ("/staff/documents/7/status".to_string(), "/documents/7".to_string()),
        ("/staff/legislation/items/3/edit".to_string(), "/staff/legislation".to_string()),
        ("/admin/staff/disable".to_string(), "/admin".to_string()),
        ("/logout".to_string(), "/".to_string()),
    ] {
        let res = app.get(&staff, &opened).await;
        assert_eq!(res.status(), 303, "{opened}");
        assert_eq!(location(&res), page, "{opened}");
    }
    // Other methods, and the API, still say the method is not allowed.
    let res = staff.delete(app.url(&format!("/staff/consultations/{id}/moderate"))).send().await.unwrap();
    assert_eq!(res.status(), 405);
    let res = app.get(&staff, "/api/v1/legislation/proposals/receipt").await;
    assert_eq!(res.status(), 405);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}
