//! The message as it goes to the relay: plain ASCII addresses, headers and a UTF-8 body, encoded by
//! lettre (RFC 2047 words for a Chinese subject, base64 for the body, lines within 76 characters).
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Body, Mailbox, Message};
use std::time::{Duration, SystemTime};

/// A plain ASCII address with no room for command or header injection (no CR/LF, spaces, `<>`).
pub fn check_address(address: &str) -> Result<lettre::Address, &'static str> {
    let plain = address.len() <= 254
        && address
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '"' | '\\'))
        && matches!(address.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
    if !plain {
        return Err("not a plain ASCII e-mail address");
    }
    address.parse().map_err(|_| "not a valid e-mail address")
}

/// The whole message, ready for `DATA`: headers (with `Auto-Submitted: auto-generated`, RFC 3834,
/// so auto-responders stay quiet), then the body as base64 UTF-8 text with CRLF line ends.
pub fn build(
    from: &lettre::Address,
    to: &lettre::Address,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<Vec<u8>, String> {
    let domain = from.domain();
    let id = format!("<{:016x}.{now}@{domain}>", rand::random::<u64>());
    // Control characters (a CR/LF above all) never reach a header.
    let subject: String = subject.chars().filter(|c| !c.is_control()).collect();
    let sent_at = SystemTime::UNIX_EPOCH + Duration::from_secs(now.max(0).unsigned_abs());
    let body = Body::new_with_encoding(body.to_string(), ContentTransferEncoding::Base64)
        .map_err(|_| "the body cannot be encoded".to_string())?;
    let message = Message::builder()
        .from(Mailbox::new(None, from.clone()))
        .to(Mailbox::new(None, to.clone()))
        .subject(subject)
        .date(sent_at)
        .message_id(Some(id))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn decode(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }

    fn mail(subject: &str, body: &str) -> String {
        let from = check_address("canyu@example.gov.cn").unwrap();
        let to = check_address("a@b.cn").unwrap();
        String::from_utf8(build(&from, &to, subject, body, 1_790_000_000).unwrap()).unwrap()
    }

    /// The subject as a reader sees it: the header unfolded, each encoded-word decoded.
    fn subject_of(head: &str) -> String {
        let unfolded = head.replace("\r\n ", " ");
        let value = unfolded.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap();
        value
            .split(' ')
            .map(|w| {
                let inner = w.get(10..w.len() - 2).unwrap();
                assert!(w[..10].eq_ignore_ascii_case("=?utf-8?b?") && w.ends_with("?="), "{w}");
                // Each word is valid UTF-8 on its own: no character split between words.
                String::from_utf8(decode(inner)).unwrap()
            })
            .collect()
    }

    #[test]
    fn a_long_chinese_subject_is_folded_within_76_characters_and_decodes_back() {
        let subject = "您对《某市养犬管理条例（草案）》提出的意见已有答复，请查看起草单位的意见采纳情况说明";
        let msg = mail(subject, "正文");
        let (head, _) = msg.split_once("\r\n\r\n").unwrap();
        assert!(head.lines().all(|l| l.len() <= 76), "{head}");
        assert!(head.contains("Subject: =?") && head.contains("\r\n ="), "a long subject is folded: {head}");
        assert_eq!(subject_of(head), subject);
    }

    #[test]
    fn no_header_is_injected_through_the_subject() {
        let msg = mail("a\r\nBcc: x@y.cn", "正文");
        let (head, _) = msg.split_once("\r\n\r\n").unwrap();
        assert!(!head.lines().any(|l| l.starts_with("Bcc")), "{head}");
    }

    #[test]
    fn every_mail_says_it_was_sent_automatically() {
        let msg = mail("主题", "正文");
        let (head, _) = msg.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("\r\nAuto-Submitted: auto-generated\r\n"), "{head}");
        assert!(head.contains("\r\nTo: a@b.cn\r\n") && head.starts_with("From: canyu@example.gov.cn\r\n"), "{head}");
        assert!(head.contains("Message-ID: <") && head.contains("@example.gov.cn>"), "{head}");
        assert!(head.contains("Date: Mon, 21 Sep 2026 14:13:20 +0000"), "{head}");
    }

    #[test]
    fn the_body_is_base64_in_lines_of_76_and_decodes_to_crlf_text() {
        let body = "您好：\n\n".to_string()
            + &"意见已有答复。".repeat(40)
            + "\nhttps://canyu.example.gov.cn/consultations/7/report\n";
        let msg = mail("主题", &body);
        let (head, encoded) = msg.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Content-Transfer-Encoding: base64") && head.contains("MIME-Version: 1.0"), "{head}");
        assert!(msg.is_ascii(), "no 8BITMIME needed from the relay");
        let lines: Vec<&str> = encoded.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= 76));
        let text = String::from_utf8(decode(&lines.concat())).unwrap();
        assert_eq!(text, body.replace('\n', "\r\n"));
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
            assert!(check_address(bad).is_err(), "{bad:?}");
        }
    }
}
