//! Accounts: citizens who register themselves, staff created by an administrator, and sessions.
#[cfg(feature = "ssr")]
pub mod lockout;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `next` when it is a path on this site, to follow after signing in; anything else (another
/// site, `//host`, `/\\host`, or characters a browser drops or rewrites, such as the tab in
/// `/%09/evil.example`) is refused, so the sign-in page cannot send anyone elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let plain = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let rest = next.strip_prefix('/')?;
    (plain && !rest.starts_with('/')).then_some(next)
}

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Citizen,
    Staff,
    PetitionOfficer,
    Admin,
}

impl Role {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Staff => "staff",
            Role::PetitionOfficer => "petition_officer",
            Role::Admin => "admin",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Citizen, Role::Staff, Role::PetitionOfficer, Role::Admin].into_iter().find(|r| r.as_str() == s)
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Citizen => "公众",
            Role::Staff => "起草单位工作人员",
            Role::PetitionOfficer => "信访工作人员",
            Role::Admin => "系统管理员",
        }
    }
}

/// The person making a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub agency_name: Option<String>,
    pub must_change_password: bool,
    /// Unread messages in the inbox.
    #[serde(default)]
    pub unread: i64,
}

impl CurrentUser {
    /// Early-return authorization: `user.require(Role::Staff)?`. Staff and administrators still on
    /// a one-time password may do nothing but change it.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role != role {
            Err(AppError::Forbidden)
        } else if self.must_change_password {
            Err(AppError::PasswordChangeRequired)
        } else {
            Ok(())
        }
    }

    /// The agency a staff member acts for; staff without one may do nothing.
    pub fn staff_agency(&self) -> Result<i64, AppError> {
        self.require(Role::Staff)?;
        self.agency_id.ok_or(AppError::Forbidden)
    }
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
