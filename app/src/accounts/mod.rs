//! Accounts: citizens who register themselves, staff created by an administrator, and sessions.
#[cfg(feature = "ssr")]
pub mod lockout;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod user;

use crate::error::AppError;
use leptos::prelude::*;
pub use user::{CurrentUser, Role};

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
