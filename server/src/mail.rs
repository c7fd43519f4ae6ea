//! E-mail: the outbox written with the data it reports on, sent to an SMTP relay by a background job.
//!
//! The client speaks plain SMTP (RFC 5321) without AUTH or STARTTLS: point `smtp.relay` at the
//! organisation's own relay (e.g. Postfix on localhost), which does TLS and authentication onward,
//! so no credentials ever cross the wire in clear. Delivery is at least once: a mail is leased
//! before it is sent, so two nodes never send it together, and a node that stops mid-send leaves
//! it to be sent again once the lease runs out.
use crate::config::Smtp;
use sqlx::AnyPool;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Longest wait for the relay at each step of a conversation.
const STEP: Duration = Duration::from_secs(30);
/// Most mails sent in one run.
const BATCH: i64 = 100;
/// How long a mail being sent is kept from other nodes (longer than a conversation can take).
const LEASE: i64 = 600;
/// After this many failed attempts a mail is given up on.
pub const MAX_ATTEMPTS: i64 = 10;
/// `next_attempt_at` of a mail given up on: it keeps `sent_at` NULL and its `last_error`.
pub const NEVER: i64 = i64::MAX;

/// Why the relay did not take a mail.
#[derive(Debug)]
pub struct Failure {
    /// A 5xx reply or an address that can never be sent to: retrying cannot help.
    pub permanent: bool,
    /// Where the conversation stopped (`connect`, `RCPT`, …); safe to log.
    pub stage: &'static str,
    /// What the relay said (may name the recipient: stored with the mail, never logged).
    pub detail: String,
}

impl Failure {
    fn retry(stage: &'static str, detail: impl ToString) -> Failure {
        Failure { permanent: false, stage, detail: detail.to_string() }
    }
}

/// A plain ASCII address with no room for command or header injection (no CR/LF, spaces, `<>`).
pub fn check_address(address: &str) -> Result<(), Failure> {
    let plain = address.len() <= 254
        && address
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '"' | '\\'))
        && matches!(address.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
    if plain {
        Ok(())
    } else {
        Err(Failure { permanent: true, stage: "address", detail: "not a plain ASCII e-mail address".into() })
    }
}

/// Send the outbox's due mails, oldest first, at most `BATCH` per run; returns how many were sent.
/// A failed mail is tried again after 2^attempts minutes (at most 6 hours), and given up on after
/// `MAX_ATTEMPTS`, or at once when the relay refuses its recipient or content (5xx): it keeps
/// `sent_at` NULL and its `last_error`, and `next_attempt_at` becomes `NEVER`. A failure that may
/// be the relay's ends the run: the other mails wait for the next turn, not for every time-out.
pub async fn deliver_due(db: &AnyPool, smtp: &Smtp) -> usize {
    let now = app::clock::now();
    let due: Vec<(i64, String, String, String, i64)> = match sqlx::query_as(
        "SELECT id, recipient, subject, body, attempts FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db)
    .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the mail outbox");
            return 0;
        }
    };
    let mut sent = 0;
    for (id, to, subject, body, attempts) in due {
        match lease(db, id).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, outbox_id = id, "could not lease a mail");
                break;
            }
        }
        let outcome = send(smtp, &to, &subject, &body).await;
        let recorded = match &outcome {
            Ok(()) => mark_sent(db, id).await,
            Err(failure) => mark_failed(db, id, attempts + 1, failure).await,
        };
        if let Err(e) = recorded {
            tracing::warn!(error = %e, outbox_id = id, "could not record a mail's delivery");
        }
        match outcome {
            Ok(()) => sent += 1,
            Err(f) if !f.permanent => break,
            Err(_) => {}
        }
    }
    if sent > 0 {
        tracing::info!(sent, "mail handed to the relay");
    }
    sent
}

/// Keep a due mail from other nodes while this one sends it; false if another node has it.
async fn lease(db: &AnyPool, id: i64) -> Result<bool, sqlx::Error> {
    let now = app::clock::now();
    let done = sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3",
    )
    .bind(now + LEASE)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn mark_sent(db: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mail_outbox SET sent_at = $1 WHERE id = $2")
        .bind(app::clock::now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

async fn mark_failed(db: &AnyPool, id: i64, attempts: i64, failure: &Failure) -> Result<(), sqlx::Error> {
    let give_up = failure.permanent || attempts >= MAX_ATTEMPTS;
    let next = if give_up { NEVER } else { app::clock::now() + backoff(attempts) };
    let error: String = format!("{}: {}", failure.stage, failure.detail).chars().take(500).collect();
    sqlx::query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
        .bind(error)
        .bind(next)
        .bind(id)
        .execute(db)
        .await?;
    tracing::warn!(outbox_id = id, attempts, stage = failure.stage, gave_up = give_up, "mail not delivered");
    Ok(())
}

/// Seconds to wait after the `attempts`-th failure: 2^attempts minutes, at most 6 hours.
fn backoff(attempts: i64) -> i64 {
    (60_i64 << attempts.clamp(0, 9)).min(6 * 3600)
}

/// One mail, one conversation with the relay.
pub async fn send(smtp: &Smtp, to: &str, subject: &str, body: &str) -> Result<(), Failure> {
    check_address(to)?;
    check_address(&smtp.from)?;
    let stream = tokio::time::timeout(STEP, TcpStream::connect(&smtp.relay))
        .await
        .map_err(|_| Failure::retry("connect", "timed out"))?
        .map_err(|e| Failure::retry("connect", e))?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    reply(&mut read, "greeting", &[220]).await?;
    let message = message(&smtp.from, to, subject, body, app::clock::now());
    let steps: [(&'static str, String, &[u16]); 5] = [
        ("EHLO", format!("EHLO {}\r\n", smtp.helo), &[250]),
        ("MAIL", format!("MAIL FROM:<{}>\r\n", smtp.from), &[250]),
        ("RCPT", format!("RCPT TO:<{to}>\r\n"), &[250, 251]),
        ("DATA", "DATA\r\n".into(), &[354]),
        ("message", dot_stuff(&message) + ".\r\n", &[250]),
    ];
    for (stage, line, expected) in steps {
        tokio::time::timeout(STEP, write.write_all(line.as_bytes()))
            .await
            .map_err(|_| Failure::retry(stage, "timed out"))?
            .map_err(|e| Failure::retry(stage, e))?;
        // A refusal of the recipient or of the message is final; a refusal of the session or of the
        // sender is the relay's set-up, to be fixed there, so the mail is kept for a retry.
        reply(&mut read, stage, expected)
            .await
            .map_err(|f| Failure { permanent: f.permanent && matches!(stage, "RCPT" | "message"), ..f })?;
    }
    // The relay has the mail; a failed goodbye must not send it twice.
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        write.write_all(b"QUIT\r\n").await?;
        reply(&mut read, "QUIT", &[221]).await.map_err(|f| std::io::Error::other(f.detail))
    })
    .await;
    Ok(())
}

/// Read one reply, continuation lines (`250-…`) included; anything but `expected` is a failure,
/// permanent for 5xx (RFC 5321 §4.2.1).
async fn reply<R: tokio::io::AsyncBufRead + Unpin>(
    read: &mut R,
    stage: &'static str,
    expected: &[u16],
) -> Result<(), Failure> {
    let mut text = String::new();
    for _ in 0..100 {
        let mut line = Vec::new();
        let n = tokio::time::timeout(STEP, (&mut *read).take(2048).read_until(b'\n', &mut line))
            .await
            .map_err(|_| Failure::retry(stage, "timed out"))?
            .map_err(|e| Failure::retry(stage, e))?;
        if n == 0 {
            return Err(Failure::retry(stage, "connection closed"));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end();
        let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
        let Some(code) = code.filter(|c| (200..600).contains(c)) else {
            return Err(Failure::retry(stage, format!("not an SMTP reply: {line}")));
        };
        text.push_str(line);
        if line.as_bytes().get(3) == Some(&b'-') {
            text.push(' ');
            continue;
        }
        return match code {
            c if expected.contains(&c) => Ok(()),
            500..=599 => Err(Failure { permanent: true, stage, detail: text }),
            _ => Err(Failure::retry(stage, text)),
        };
    }
    Err(Failure::retry(stage, "reply too long"))
}

/// The message: headers, then the body as base64 UTF-8 text in lines of 76.
fn message(from: &str, to: &str, subject: &str, body: &str, now: i64) -> String {
    let domain = from.rsplit_once('@').map_or("localhost", |(_, d)| d);
    let id = format!("{:016x}.{now}@{domain}", rand::random::<u64>());
    let mut out = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        encode_subject(subject),
        date(now),
    );
    // Text is sent in canonical form: CRLF line ends, then base64.
    let canonical = body.replace("\r\n", "\n").replace('\n', "\r\n");
    for line in base64(canonical.as_bytes()).as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push_str("\r\n");
    }
    out
}

/// A header value as RFC 2047 encoded-words (UTF-8, base64), each whole characters and at most 72
/// long, folded onto continuation lines.
fn encode_subject(subject: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in subject.chars().filter(|c| !c.is_control()) {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// "Thu, 24 Nov 2026 08:30:05 +0800": RFC 5322's date, in Beijing time like the rest of the site.
fn date(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let local = ts + 8 * 3600;
    let secs = local.rem_euclid(86_400);
    let weekday = DAYS[(local.div_euclid(86_400) + 4).rem_euclid(7) as usize];
    let (year, month, day) =
        app::clock::parse_date(&app::clock::format_date(ts)).map_or((1970, 1, 1), |d| (d.year, d.month, d.day));
    let month = MONTHS[(month as usize).clamp(1, 12) - 1];
    let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
    format!("{weekday}, {day:02} {month} {year:04} {time} +0800")
}

/// A line that starts with a dot gets another (RFC 5321 §4.5.2), so no line ends the data early.
fn dot_stuff(data: &str) -> String {
    let mut out = String::with_capacity(data.len() + 8);
    for line in data.split_inclusive('\n') {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    out
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            let c = if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i)) as usize & 63] } else { b'=' };
            out.push(char::from(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Vec<u8> {
        let value = |c: u8| ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        for quad in s.trim_end_matches('=').as_bytes().chunks(4) {
            let n = quad.iter().enumerate().fold(0, |n, (i, c)| n | value(*c) << (18 - 6 * i));
            out.extend_from_slice(&n.to_be_bytes()[1..quad.len()]);
        }
        out
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        let vectors =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded), plain.as_bytes());
        }
    }

    #[test]
    fn a_chinese_subject_becomes_whole_character_encoded_words_that_decode_back() {
        let subject = "您对《某市养犬管理条例（草案）》提出的意见已有答复，请查看起草单位的意见采纳情况说明";
        let encoded = encode_subject(subject);
        let mut decoded = String::new();
        for word in encoded.split("\r\n ") {
            assert!(word.len() <= 75, "{word}");
            let inner = word.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")).unwrap();
            // Each word is valid UTF-8 on its own: no character split between words.
            decoded.push_str(&String::from_utf8(decode(inner)).unwrap());
        }
        assert!(encoded.contains("\r\n "), "a long subject is folded");
        assert_eq!(decoded, subject);
        assert!(!encode_subject("a\r\nBcc: x@y.cn").contains('\n'), "no header injection through the subject");
    }

    #[test]
    fn the_body_is_base64_in_lines_of_76_and_decodes_to_crlf_text() {
        let body = "您好：\n\n".to_string()
            + &"意见已有答复。".repeat(40)
            + "\nhttps://canyu.example.gov.cn/consultations/7/report\n";
        let msg = message("canyu@example.gov.cn", "a@b.cn", "主题", &body, 1_790_000_000);
        let (head, encoded) = msg.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Content-Transfer-Encoding: base64") && head.contains("MIME-Version: 1.0"));
        assert!(head.contains("Message-ID: <") && head.contains("@example.gov.cn>"));
        let lines: Vec<&str> = encoded.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= 76));
        let text = String::from_utf8(decode(&lines.concat())).unwrap();
        assert_eq!(text, body.replace('\n', "\r\n"));
    }

    #[test]
    fn dates_are_rfc_5322_in_beijing_time() {
        // 2026-11-24 00:30:05 UTC is a Tuesday, 08:30:05 in Beijing.
        assert_eq!(date(1_795_480_205), "Tue, 24 Nov 2026 08:30:05 +0800");
    }

    #[test]
    fn retries_back_off_from_two_minutes_to_six_hours() {
        assert_eq!(backoff(1), 120);
        assert_eq!(backoff(4), 960);
        assert_eq!(backoff(9), 6 * 3600);
        assert_eq!(backoff(40), 6 * 3600);
    }

    /// A relay that greets, then answers each command with the next canned reply.
    async fn scripted(replies: &'static [&'static str]) -> Smtp {
        use tokio::io::AsyncBufReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 relay.test\r\n").await;
            for reply in replies {
                if !matches!(lines.next_line().await, Ok(Some(_))) || write.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
        Smtp { relay, from: "canyu@example.gov.cn".into(), helo: "canyu.test".into() }
    }

    #[tokio::test]
    async fn a_refused_recipient_is_final_but_a_refused_sender_is_retried() {
        let smtp = scripted(&["250-relay.test\r\n250 8BITMIME\r\n", "250 Ok\r\n", "550 5.1.1 no such user\r\n"]).await;
        let f = send(&smtp, "a@b.cn", "主题", "正文").await.unwrap_err();
        assert!(f.permanent && f.stage == "RCPT" && f.detail.contains("no such user"), "{f:?}");

        let smtp = scripted(&["250 relay.test\r\n", "553 5.7.1 sender rejected\r\n"]).await;
        let f = send(&smtp, "a@b.cn", "主题", "正文").await.unwrap_err();
        assert!(!f.permanent && f.stage == "MAIL", "{f:?}");

        let smtp =
            scripted(&["250 relay.test\r\n", "250 Ok\r\n", "250 Ok\r\n", "354 go on\r\n", "250 queued\r\n"]).await;
        assert!(send(&smtp, "a@b.cn", "主题", "正文").await.is_ok(), "QUIT unanswered is still a success");
    }

    #[test]
    fn lines_starting_with_a_dot_are_stuffed() {
        assert_eq!(dot_stuff(".\r\nab\r\n..c\r\n"), "..\r\nab\r\n...c\r\n");
        assert_eq!(dot_stuff("a.b\r\n"), "a.b\r\n");
    }

    #[test]
    fn addresses_that_could_inject_commands_or_headers_are_refused() {
        assert!(check_address("zhang.san@example.cn").is_ok());
        for bad in [
            "a@b.cn\r\nRCPT TO:<c@d.cn>",
            "a@b.cn>",
            "<a@b.cn",
            "a b@c.cn",
            "a@b.cn\n",
            "张三@例子.cn",
            "ab.cn",
            "",
            "@b.cn",
        ] {
            let e = check_address(bad).unwrap_err();
            assert!(e.permanent, "{bad:?}");
        }
    }
}
