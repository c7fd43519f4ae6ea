//! How secrets in the configuration are shown by `Debug`: never, only whether one is set.

/// `"<redacted>"` for a set secret, `""` for an unset one (so a missing key still shows).
pub fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() {
        ""
    } else {
        "<redacted>"
    }
}

/// A connection URL with the password in its user part and any `password=` parameter replaced.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    // The last `@` ends the user part, even when the password holds `@`, `/` or `?`.
    let (user, place) = match rest.rsplit_once('@') {
        Some((userinfo, place)) => match userinfo.split_once(':') {
            Some((name, _)) => (format!("{name}:<redacted>@"), place),
            None => (format!("{userinfo}@"), place),
        },
        None => (String::new(), rest),
    };
    let place = match place.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword") => {
                        format!("{k}=<redacted>")
                    }
                    _ => p.to_string(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => place.to_string(),
    };
    format!("{scheme}://{user}{place}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_keeps_everything_but_its_password() {
        assert_eq!(
            redacted_url("postgres://canyu:p@ss/w0rd@db.example:5432/canyu"),
            "postgres://canyu:<redacted>@db.example:5432/canyu"
        );
        assert_eq!(redacted_url("postgres://canyu@db/canyu"), "postgres://canyu@db/canyu");
        assert_eq!(
            redacted_url("postgres://db/canyu?user=canyu&password=hunter2&sslmode=require"),
            "postgres://db/canyu?user=canyu&password=<redacted>&sslmode=require"
        );
        assert_eq!(redacted_url("sqlite://data/canyu.db"), "sqlite://data/canyu.db");
        assert_eq!(redacted(""), "");
        assert_eq!(redacted("x"), "<redacted>");
    }
}
