//! One mail, one conversation with the relay (RFC 5321) through lettre's tokio SMTP client:
//! STARTTLS and AUTH as configured, then `MAIL`, `RCPT` and `DATA` step by step, so a refusal is
//! known by where it happened.
use super::message;
use super::settings::{Smtp, StartTls};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use std::future::Future;
use std::time::Duration;

/// Longest wait for the relay at each step of a conversation.
const STEP: Duration = Duration::from_secs(30);

/// Why the relay did not take a mail.
#[derive(Debug)]
pub struct Failure {
    /// A 5xx reply or an address that can never be sent to: retrying cannot help.
    pub permanent: bool,
    /// Where the conversation stopped (`connect`, `STARTTLS`, `AUTH`, `MAIL`, `RCPT`, `DATA`,
    /// `message`); safe to log.
    pub stage: &'static str,
    /// What the relay said (may name the recipient: stored with the mail, never logged).
    pub detail: String,
}

impl Failure {
    fn retry(stage: &'static str, detail: impl ToString) -> Failure {
        Failure { permanent: false, stage, detail: detail.to_string() }
    }

    fn address(detail: &str) -> Failure {
        Failure { permanent: true, stage: "address", detail: detail.into() }
    }
}

/// Run one step within `STEP`. A 5xx refusal of the recipient or of the message is final; any
/// other refusal (of the session, TLS, AUTH or the sender) is the relay's set-up, to be fixed
/// there, so the mail is kept for a retry.
async fn step<T>(
    stage: &'static str,
    work: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(STEP, work).await {
        Err(_) => Err(Failure::retry(stage, "timed out")),
        Ok(Err(e)) => {
            let permanent = e.is_permanent() && matches!(stage, "RCPT" | "message");
            Err(Failure { permanent, stage, detail: e.to_string() })
        }
        Ok(Ok(value)) => Ok(value),
    }
}

/// Send one mail to the relay.
pub async fn send(smtp: &Smtp, to: &str, subject: &str, body: &str) -> Result<(), Failure> {
    let to = message::check_address(to).map_err(Failure::address)?;
    let from = message::check_address(&smtp.from).map_err(Failure::address)?;
    let data = message::build(&from, &to, subject, body, app::clock::now()).map_err(|e| Failure {
        permanent: true,
        stage: "message",
        detail: e,
    })?;
    let hello = ClientId::Domain(smtp.helo.clone());
    let connect = AsyncSmtpConnection::connect_tokio1(smtp.relay.as_str(), Some(STEP), &hello, None, None);
    let mut conn = step("connect", connect).await?;
    secure(&mut conn, smtp, &hello).await?;
    if !smtp.username.is_empty() {
        let credentials = Credentials::new(smtp.username.clone(), smtp.password.clone());
        step("AUTH", conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials)).await?;
    }
    step("MAIL", conn.command(Mail::new(Some(from), vec![]))).await?;
    step("RCPT", conn.command(Rcpt::new(to, vec![]))).await?;
    step("DATA", conn.command(Data)).await?;
    step("message", conn.message(&data)).await?;
    // The relay has the mail; a failed goodbye must not send it twice.
    let _ = tokio::time::timeout(Duration::from_secs(5), conn.quit()).await;
    Ok(())
}

/// Move the conversation onto TLS as `smtp.starttls` asks; the certificate must name the relay's
/// host and chain to a root the system trusts.
async fn secure(conn: &mut AsyncSmtpConnection, smtp: &Smtp, hello: &ClientId) -> Result<(), Failure> {
    let offered = conn.can_starttls();
    match smtp.starttls {
        StartTls::None => return Ok(()),
        StartTls::Opportunistic if !offered => return Ok(()),
        StartTls::Required if !offered => {
            return Err(Failure::retry("STARTTLS", "the relay does not offer STARTTLS, and smtp.starttls is required"))
        }
        _ => {}
    }
    let tls =
        TlsParameters::builder(smtp.host().to_string()).build_rustls().map_err(|e| Failure::retry("STARTTLS", e))?;
    step("STARTTLS", conn.starttls(tls, hello)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// A relay that greets, then answers each command with the next canned reply; returns its
    /// settings and the commands it received.
    async fn scripted(replies: &'static [&'static str]) -> (Smtp, tokio::sync::mpsc::UnboundedReceiver<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = listener.local_addr().unwrap().to_string();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 relay.test\r\n").await;
            for reply in replies {
                let Ok(Some(line)) = lines.next_line().await else { return };
                let _ = tx.send(line);
                if write.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
        (Smtp { relay, from: "canyu@example.gov.cn".into(), helo: "canyu.test".into(), ..Smtp::default() }, rx)
    }

    #[tokio::test]
    async fn a_refused_recipient_is_final_but_a_refused_sender_is_retried() {
        let (smtp, _) =
            scripted(&["250-relay.test\r\n250 8BITMIME\r\n", "250 Ok\r\n", "550 5.1.1 no such user\r\n"]).await;
        let f = send(&smtp, "a@b.cn", "主题", "正文").await.unwrap_err();
        assert!(f.permanent && f.stage == "RCPT" && f.detail.contains("no such user"), "{f:?}");

        let (smtp, _) = scripted(&["250 relay.test\r\n", "553 5.7.1 sender rejected\r\n"]).await;
        let f = send(&smtp, "a@b.cn", "主题", "正文").await.unwrap_err();
        assert!(!f.permanent && f.stage == "MAIL", "{f:?}");

        let (smtp, _) =
            scripted(&["250 relay.test\r\n", "250 Ok\r\n", "250 Ok\r\n", "354 go on\r\n", "250 queued\r\n"]).await;
        assert!(send(&smtp, "a@b.cn", "主题", "正文").await.is_ok(), "QUIT unanswered is still a success");
    }

    #[tokio::test]
    async fn a_bad_address_is_final_and_never_reaches_the_relay() {
        let (smtp, mut seen) = scripted(&[]).await;
        let f = send(&smtp, "a@b.cn\r\nRCPT TO:<c@d.cn>", "主题", "正文").await.unwrap_err();
        assert!(f.permanent && f.stage == "address", "{f:?}");
        assert!(seen.try_recv().is_err());
    }

    #[tokio::test]
    async fn the_relay_gets_the_account_name_and_password_when_auth_is_set() {
        let (mut smtp, mut seen) = scripted(&[
            "250-relay.test\r\n250 AUTH PLAIN LOGIN\r\n",
            "235 2.7.0 Authentication successful\r\n",
            "250 Ok\r\n",
            "250 Ok\r\n",
            "354 go on\r\n",
            "250 queued\r\n",
        ])
        .await;
        (smtp.username, smtp.password) = ("canyu".into(), "s3cret-pw".into());
        send(&smtp, "a@b.cn", "主题", "正文").await.unwrap();
        let _ehlo = seen.recv().await.unwrap();
        let auth = seen.recv().await.unwrap();
        use base64::Engine;
        let token = auth.strip_prefix("AUTH PLAIN ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(token).unwrap();
        assert_eq!(decoded, b"\0canyu\0s3cret-pw");
        assert_eq!(seen.recv().await.unwrap(), "MAIL FROM:<canyu@example.gov.cn>");
    }

    #[tokio::test]
    async fn with_starttls_required_a_relay_that_does_not_offer_it_gets_nothing_and_the_mail_waits() {
        let (mut smtp, mut seen) = scripted(&["250-relay.test\r\n250 8BITMIME\r\n", "221 Bye\r\n"]).await;
        smtp.starttls = StartTls::Required;
        let f = send(&smtp, "a@b.cn", "主题", "正文").await.unwrap_err();
        assert!(!f.permanent && f.stage == "STARTTLS", "{f:?}");
        assert!(seen.recv().await.unwrap().starts_with("EHLO canyu.test"));
        assert!(!matches!(seen.try_recv(), Ok(l) if l.starts_with("MAIL")), "no envelope sent in clear");
    }

    #[tokio::test]
    async fn with_starttls_opportunistic_a_relay_that_does_not_offer_it_still_gets_the_mail() {
        let (mut smtp, _) =
            scripted(&["250 relay.test\r\n", "250 Ok\r\n", "250 Ok\r\n", "354 go on\r\n", "250 queued\r\n"]).await;
        smtp.starttls = StartTls::Opportunistic;
        assert!(send(&smtp, "a@b.cn", "主题", "正文").await.is_ok());
    }
}
