//! What the operator tells the mailer: the relay, the sender, TLS and AUTH. Deserialised by the
//! configuration, checked here, used by `smtp`.
use serde::Deserialize;

/// Whether the conversation with the relay is moved onto TLS (`STARTTLS`, RFC 3207) before the
/// sender, the recipient or a password is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartTls {
    /// Plain SMTP: for a relay on this host or on a network the organisation trusts.
    #[default]
    None,
    /// TLS when the relay offers it, plain text otherwise (protects against listeners, not against
    /// a relay impersonated by someone who can strip the offer).
    Opportunistic,
    /// TLS or no mail: a relay that does not offer it, or whose certificate does not verify against
    /// the system's trusted roots, is a failure to retry.
    Required,
}

impl std::str::FromStr for StartTls {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "none" => Ok(StartTls::None),
            "opportunistic" => Ok(StartTls::Opportunistic),
            "required" => Ok(StartTls::Required),
            _ => Err(()),
        }
    }
}

/// The SMTP relay that delivers e-mail. By default plain SMTP without AUTH, to a relay on this
/// host (e.g. Postfix) that does TLS and authentication onward.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    /// `host:port` of the relay; empty turns e-mail off.
    pub relay: String,
    /// Sender address; required when `relay` is set.
    pub from: String,
    /// The name this server gives in `EHLO`.
    pub helo: String,
    /// `none`, `opportunistic` or `required`.
    pub starttls: StartTls,
    /// Account for SMTP AUTH (PLAIN or LOGIN); empty: no AUTH.
    pub username: String,
    /// Password for `username`; never shown by `Debug` or in logs.
    pub password: String,
}

impl Default for Smtp {
    fn default() -> Self {
        Smtp {
            relay: String::new(),
            from: String::new(),
            helo: "localhost".into(),
            starttls: StartTls::None,
            username: String::new(),
            password: String::new(),
        }
    }
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured so that a new field cannot be added without deciding how it is shown.
        let Smtp { relay, from, helo, starttls, username, password } = self;
        f.debug_struct("Smtp")
            .field("relay", relay)
            .field("from", from)
            .field("helo", helo)
            .field("starttls", starttls)
            .field("username", username)
            .field("password", &crate::secret::redacted(password))
            .finish()
    }
}

impl Smtp {
    /// Whether e-mail is on (a relay is configured).
    pub fn enabled(&self) -> bool {
        !self.relay.is_empty()
    }

    /// The relay's host name or address (for the certificate check and the loopback test).
    pub fn host(&self) -> &str {
        let host = self.relay.rsplit_once(':').map_or(self.relay.as_str(), |(host, _)| host);
        host.trim_start_matches('[').trim_end_matches(']')
    }

    /// Refuse settings that could only fail later, at the first e-mail: the setting's name and why.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !self.enabled() {
            return Ok(());
        }
        let port = self.relay.rsplit_once(':').map(|(host, port)| (host, port.parse::<u16>()));
        if !matches!(port, Some((host, Ok(_))) if !host.is_empty()) {
            return Err(("smtp.relay", "expected host:port, e.g. 127.0.0.1:25"));
        }
        if self.from.is_empty() {
            return Err(("smtp.from", "the sender address is required when smtp.relay is set"));
        }
        if super::message::check_address(&self.from).is_err() {
            return Err(("smtp.from", "expected a plain ASCII address such as canyu@example.gov.cn"));
        }
        if self.helo.is_empty() || !self.helo.chars().all(|c| c.is_ascii_graphic()) {
            return Err(("smtp.helo", "expected a host name"));
        }
        if self.username.is_empty() != self.password.is_empty() {
            return Err(("smtp.username", "smtp.username and smtp.password are set together or not at all"));
        }
        // PLAIN and LOGIN send the password as base64: in clear unless the connection is encrypted.
        if !self.username.is_empty() && self.starttls != StartTls::Required && !self.is_loopback() {
            return Err((
                "smtp.starttls",
                "AUTH to a relay on another host needs starttls = \"required\" (the password would cross the network in clear)",
            ));
        }
        Ok(())
    }

    /// Whether the relay is on this host, where a conversation in clear never leaves the machine.
    fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(relay: &str) -> Smtp {
        Smtp { relay: relay.into(), from: "canyu@example.gov.cn".into(), ..Smtp::default() }
    }

    #[test]
    fn a_password_never_shows_in_debug() {
        let smtp = Smtp { username: "canyu".into(), password: "s3cret-pw".into(), ..relay("127.0.0.1:25") };
        let shown = format!("{smtp:?}");
        assert!(!shown.contains("s3cret-pw") && shown.contains("canyu") && shown.contains("127.0.0.1:25"), "{shown}");
    }

    #[test]
    fn auth_in_clear_is_allowed_only_to_a_relay_on_this_host() {
        let auth = |r: &str, starttls| Smtp { username: "u".into(), password: "p".into(), starttls, ..relay(r) };
        assert!(auth("127.0.0.1:25", StartTls::None).validate().is_ok());
        assert!(auth("[::1]:25", StartTls::None).validate().is_ok());
        assert!(auth("localhost:587", StartTls::Opportunistic).validate().is_ok());
        assert_eq!(auth("mail.example.gov.cn:587", StartTls::Opportunistic).validate().unwrap_err().0, "smtp.starttls");
        assert!(auth("mail.example.gov.cn:587", StartTls::Required).validate().is_ok());
        let half = Smtp { username: "u".into(), ..relay("127.0.0.1:25") };
        assert_eq!(half.validate().unwrap_err().0, "smtp.username");
    }

    #[test]
    fn the_relay_host_is_read_without_port_or_brackets() {
        assert_eq!(relay("mail.example.gov.cn:587").host(), "mail.example.gov.cn");
        assert_eq!(relay("[::1]:25").host(), "::1");
    }
}
