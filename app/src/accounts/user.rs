//! Who is asking: the signed-in person and what their role lets them do. Every store takes one of
//! these for each action, so the check lives in the domain, not only in a handler.
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
