//! E-mail over HTTP: publishing a report mails the commenters who signed up with an e-mail
//! address, through a real (if small) SMTP relay written here; retried while the relay is down.
use crate::harness::*;
use reqwest::Client;
use server::config::Config;
use server::mail::Smtp;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// One message the relay accepted: the envelope and the data as sent (dot-stuffing undone).
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    pub(crate) data: String,
}

/// A relay that accepts every message and hands it to the test.
pub(crate) fn relay(listener: TcpListener) -> mpsc::UnboundedReceiver<Received> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = session(stream, tx).await;
            });
        }
    });
    rx
}

/// The server side of one SMTP conversation (RFC 5321), multi-line EHLO reply included.
async fn session(stream: TcpStream, tx: mpsc::UnboundedSender<Received>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 relay.test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let reply: &[u8] = if line.starts_with("EHLO ") {
            b"250-relay.test\r\n250-8BITMIME\r\n250 SIZE 10240000\r\n"
        } else if let Some(address) = line.strip_prefix("MAIL FROM:") {
            from = address.to_string();
            b"250 2.1.0 Ok\r\n"
        } else if let Some(address) = line.strip_prefix("RCPT TO:") {
            to.push(address.to_string());
            b"250 2.1.5 Ok\r\n"
        } else if line == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            let _ = tx.send(Received { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data });
            b"250 2.0.0 Ok: queued\r\n"
        } else if line == "QUIT" {
            return write.write_all(b"221 2.0.0 Bye\r\n").await;
        } else {
            b"502 5.5.2 Error: command not recognized\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digits: Vec<u32> = s.bytes().filter_map(|c| ALPHABET.iter().position(|a| *a == c)).map(|v| v as u32).collect();
    let mut out = Vec::new();
    for quad in digits.chunks(4) {
        let n = quad.iter().enumerate().fold(0, |n, (i, v)| n | v << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..quad.len()]);
    }
    out
}

/// The decoded subject and body of a message (UTF-8 encoded-words, base64 body).
pub(crate) fn decode(data: &str) -> (String, String) {
    let (head, body) = data.split_once("\r\n\r\n").expect("headers, blank line, body");
    let unfolded = head.replace("\r\n ", " ");
    let subject = unfolded.lines().find_map(|l| l.strip_prefix("Subject: ")).expect("a subject");
    let subject = subject
        .split(' ')
        // RFC 2047: the charset and encoding names are case-insensitive (lettre writes `utf-8?b`).
        .map(|w| {
            let word = w.get(..10).filter(|p| p.eq_ignore_ascii_case("=?UTF-8?B?")).map(|_| &w[10..]);
            word.and_then(|w| w.strip_suffix("?=")).expect("an encoded-word")
        })
        .map(|w| String::from_utf8(base64_decode(w)).expect("whole characters in each word"))
        .collect();
    (subject, String::from_utf8(base64_decode(body)).expect("UTF-8 body"))
}

pub(crate) fn mail_config(relay: &str) -> Config {
    Config {
        limits: relaxed(),
        search_interval_ms: 50,
        mail_interval_ms: 100,
        public_url: "https://canyu.example.gov.cn/".into(),
        smtp: Smtp {
            relay: relay.into(),
            from: "canyu@example.gov.cn".into(),
            helo: "canyu.test".into(),
            ..Smtp::default()
        },
        ..Config::default()
    }
}

/// A consultation with comments from a citizen signed up by e-mail (two) and one by mobile number,
/// its window closed (the test's stand-in for waiting thirty days).
async fn commented(app: &TestApp) -> (Client, i64) {
    let (staff, _) = app.staff("市场监督管理局").await;
    let c = app.open_consultation(&staff).await;
    let by_mail = app.citizen("Zhang.San@Example.cn").await;
    let by_phone = app.citizen("13900005555").await;
    assert_eq!(comment(app, &by_mail, c, "a1", "建议写明保障公共安全。").await.status(), 303);
    assert_eq!(comment(app, &by_mail, c, "a3", "登记应可网上办理。").await.status(), 303);
    assert_eq!(comment(app, &by_phone, c, "a2", "应包括农村地区。").await.status(), 303);
    sqlx::query("UPDATE consultations SET opens_at = opens_at - 3456000, closes_at = $1 WHERE id = $2")
        .bind(app::clock::now() - 60)
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    (staff, c)
}

/// Publish the report, leaving the (unmoderated) comments unanswered with a reason.
async fn publish_report(app: &TestApp, staff: &Client, c: i64) {
    let form = [("summary", "共收到意见3条。"), ("unanswered_reason", "意见仍在研究<b>。</b>"), ("action", "publish")];
    let res = app.post_form(staff, &format!("/staff/consultations/{c}/report"), &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
}

/// The outbox: (recipient, attempts, sent, last error).
async fn outbox(app: &TestApp) -> Vec<(String, i64, bool, Option<String>)> {
    let rows: Vec<(String, i64, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT recipient, attempts, sent_at, last_error FROM mail_outbox ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter().map(|(to, attempts, sent, error)| (to, attempts, sent.is_some(), error)).collect()
}

/// Wait (up to 20 s) until the outbox satisfies `done`.
async fn until_outbox(app: &TestApp, done: impl Fn(&[(String, i64, bool, Option<String>)]) -> bool) {
    for _ in 0..200 {
        if done(&outbox(app).await) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("outbox never got there: {:?}", outbox(app).await);
}

pub(crate) async fn next_mail(inbox: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(20), inbox.recv()).await.expect("a mail within 20 s").expect("relay runs")
}

#[tokio::test]
async fn publishing_the_report_mails_the_commenter_who_signed_up_by_e_mail() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut inbox = relay(listener);
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), mail_config(&address)).await;
    let (staff, c) = commented(&app).await;
    publish_report(&app, &staff, c).await;

    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.from, "<canyu@example.gov.cn>");
    assert_eq!(mail.to, ["<zhang.san@example.cn>"], "one mail, to the e-mail login only");
    assert!(mail.data.contains("\r\nTo: zhang.san@example.cn\r\n") && mail.data.contains("\r\nMessage-ID: <"));
    assert!(mail.data.contains("\r\nAuto-Submitted: auto-generated\r\n"), "auto-responders stay quiet");
    let (subject, body) = decode(&mail.data);
    // Both comments were left unanswered (unmoderated): the mail says so, never "已有答复", and
    // carries the agency's reason as plain text.
    assert_eq!(subject, "《某市养犬管理条例（草案）》的意见采纳情况说明已发布：您的意见未逐条答复");
    assert!(mail.data.contains("Content-Type: text/plain"), "text, never HTML");
    assert!(body.contains("未对您的意见逐条答复") && !body.contains("已有答复"), "{body}");
    assert!(body.contains("起草单位说明的原因：\r\n意见仍在研究<b>。</b>\r\n"), "{body}");
    assert!(body.contains(&format!("https://canyu.example.gov.cn/consultations/{c}/report\r\n")), "{body}");
    until_outbox(&app, |rows| rows.iter().all(|r| r.2)).await;
    assert_eq!(outbox(&app).await.len(), 1, "two comments, one mail");
    assert!(tokio::time::timeout(Duration::from_millis(500), inbox.recv()).await.is_err(), "and only once");
    // The inbox message is there as before.
    let link = format!("/consultations/{c}/report");
    let notified: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE link = $1")
        .bind(&link)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(notified, 2);
}

#[tokio::test]
async fn while_the_relay_is_down_the_mail_waits_and_is_sent_when_it_is_back() {
    // A bound port with nobody listening yet: connections are refused until `listen`.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap().to_string();
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), mail_config(&address)).await;
    let (staff, c) = commented(&app).await;
    publish_report(&app, &staff, c).await;
    assert_eq!(app.get(&app.client(), &format!("/consultations/{c}/report")).await.status(), 200);

    until_outbox(&app, |rows| rows.iter().any(|r| r.1 >= 1)).await;
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1);
    let (to, _, sent, error) = &rows[0];
    assert_eq!(to, "zhang.san@example.cn");
    assert!(!sent && error.as_deref().is_some_and(|e| e.starts_with("connect")), "{rows:?}");
    let due: i64 = sqlx::query_scalar("SELECT next_attempt_at FROM mail_outbox").fetch_one(&app.db).await.unwrap();
    assert!(due > app::clock::now() + 60, "backs off for minutes, not seconds");

    // The relay comes back; the back-off is over (the test's stand-in for waiting two minutes).
    let mut inbox = relay(socket.listen(16).unwrap());
    sqlx::query("UPDATE mail_outbox SET next_attempt_at = 0").execute(&app.db).await.unwrap();
    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.to, ["<zhang.san@example.cn>"]);
    until_outbox(&app, |rows| rows.iter().all(|r| r.2)).await;
}

#[tokio::test]
async fn without_a_relay_nothing_is_queued() {
    let app = TestApp::spawn().await;
    let (staff, c) = commented(&app).await;
    publish_report(&app, &staff, c).await;
    assert!(outbox(&app).await.is_empty());
    let notified: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications").fetch_one(&app.db).await.unwrap();
    assert_eq!(notified, 2, "the inbox messages still go out");
}

#[tokio::test]
async fn a_new_staff_member_gets_the_setup_code_by_mail_and_the_administrator_never_sees_it() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut inbox = relay(listener);
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), mail_config(&address)).await;
    app.account("市信访局", app::accounts::Role::PetitionOfficer, &[]).await;
    let admin = app.admin_client().await;
    let form = [("login", "new.staff@gov.example"), ("display_name", "孙工"), ("role", "staff"), ("agency_id", "1")];
    let page = app.post_form(&admin, "/admin/staff", &form).await.text().await.unwrap();
    assert!(
        page.contains("已通过邮件直接发给本人") && !page.contains("一次性设置码："),
        "the administrator is shown no code"
    );
    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.to, ["<new.staff@gov.example>"]);
    let (_, body) = decode(&mail.data);
    let code: String = body.split("设置码：").nth(1).expect("the code in the mail").chars().take(19).collect();
    assert!(body.contains("https://canyu.example.gov.cn/account/setup"), "{body}");
    until_outbox(&app, |rows| rows.iter().all(|r| r.2)).await;
    let kept: Vec<String> = sqlx::query_scalar("SELECT body FROM mail_outbox").fetch_all(&app.db).await.unwrap();
    assert!(kept.iter().all(|b| !b.contains(&code)), "a sent mail's text (and its code) is not kept");
    let setup = [("login", "new.staff@gov.example"), ("setup_code", code.as_str()), ("password", "sun-password-1")];
    let res = app.post_form(&app.client(), "/account/setup", &setup).await;
    assert_eq!(res.status(), 303, "the mailed code sets the password");
}

#[tokio::test]
async fn a_phone_citizen_with_a_proven_address_is_mailed_the_report_there() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut inbox = relay(listener);
    let app = TestApp::spawn_in(tempfile::tempdir().unwrap(), mail_config(&address)).await;
    let (staff, _) = app.staff("市场监督管理局").await;
    let c = app.open_consultation(&staff).await;
    let by_phone = app.citizen("13900006666").await;
    assert_eq!(comment(&app, &by_phone, c, "a2", "应包括农村地区。").await.status(), 303);
    // Proven on the account page (`accounts_recovery` covers the code); an unproven one is never here.
    sqlx::query("UPDATE users SET email = 'qian@example.cn' WHERE login = '13900006666'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE consultations SET opens_at = opens_at - 3456000, closes_at = $1 WHERE id = $2")
        .bind(app::clock::now() - 60)
        .bind(c)
        .execute(&app.db)
        .await
        .unwrap();
    publish_report(&app, &staff, c).await;
    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.to, ["<qian@example.cn>"]);
}
