//! Accounts: citizens who register themselves, staff created by an administrator, and sessions;
//! a citizen's own account page, password recovery by e-mail, and deleting an account.
pub mod account_pages;
#[cfg(feature = "ssr")]
pub mod deletion;
#[cfg(feature = "ssr")]
pub mod lockout;
#[cfg(feature = "ssr")]
pub mod onetime;
pub mod pages;
pub mod privacy;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod store;
pub mod user;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use user::{CurrentUser, Role};

/// What the account page shows of one's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub login: String,
    pub login_is_email: bool,
    pub display_name: String,
    /// The proven e-mail address of a phone-login account.
    pub email: Option<String>,
    /// An address a code was mailed to and not yet confirmed.
    pub pending_email: Option<String>,
    /// Citizens manage their accounts here; staff accounts are the administrator's.
    pub citizen: bool,
    /// Whether this platform sends mail (an address can be proven only by mail).
    pub mail_enabled: bool,
}

/// The signed-in user's own account.
#[server(endpoint = "my_account")]
pub async fn get_account() -> Result<AccountInfo, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    profile::info(&st.db, &user, st.mail_enabled).await
}

/// Whether this platform sends mail (without it, recovery by e-mail is not offered).
#[server(endpoint = "mail_enabled")]
pub async fn get_mail_enabled() -> Result<bool, AppError> {
    Ok(crate::state::state()?.mail_enabled)
}

/// `next` when it is a path on this site, to follow after signing in; anything else (another
/// site, `//host`, `/\\host`, or characters a browser drops or rewrites, such as the tab in
/// `/%09/evil.example`) is refused, so the sign-in page cannot send anyone elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let plain = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let rest = next.strip_prefix('/')?;
    (plain && !rest.starts_with('/')).then_some(next)
}

/// The signed-in user, if any.
#[server(endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<CurrentUser>, AppError> {
    crate::state::viewer().await
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn sign_in_only_returns_to_pages_of_this_site() {
        for ok in ["/", "/consultations/3/comment?article=a12", "/cases/new/petition#form"] {
            assert_eq!(local_path(ok), Some(ok));
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "javascript:alert(1)",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
