//! Powers an administrator grants staff accounts beyond their role: the two special channels of
//! cases, seeing who filed a case, and the legal-affairs office's work (filing review, the legislative
//! plan). Stored by
//! name in `user_grants`; an unknown name there is an error.
use serde::{Deserialize, Serialize};

/// A power beyond a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Handles litigation-related (涉法涉诉) cases.
    LegalChannel,
    /// Handles reports against officials (纪检监察).
    DisciplineChannel,
    /// Sees who filed a case, for a stated reason.
    RevealIdentity,
    /// The government's legal-affairs office's work: reviewing the normative documents other bodies
    /// file for review (备案审查) and the annual legislative plan.
    LegalAffairs,
}

impl Grant {
    pub const ALL: [Grant; 4] =
        [Grant::LegalChannel, Grant::DisciplineChannel, Grant::RevealIdentity, Grant::LegalAffairs];

    /// The name stored in `user_grants`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Grant::LegalChannel => "legal_channel",
            Grant::DisciplineChannel => "discipline_channel",
            Grant::RevealIdentity => "reveal_identity",
            Grant::LegalAffairs => "legal_affairs",
        }
    }

    /// Its name for people.
    pub const fn label(self) -> &'static str {
        match self {
            Grant::LegalChannel => "办理涉法涉诉件",
            Grant::DisciplineChannel => "办理纪检监察件",
            Grant::RevealIdentity => "查看提出人身份",
            Grant::LegalAffairs => "法制机构工作（备案审查、立法计划）",
        }
    }

    pub fn parse(s: &str) -> Option<Grant> {
        Grant::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The powers an administrator can grant staff accounts, with their names for people.
pub const GRANTS: [(&str, &str); 4] = [
    (Grant::LegalChannel.as_str(), Grant::LegalChannel.label()),
    (Grant::DisciplineChannel.as_str(), Grant::DisciplineChannel.label()),
    (Grant::RevealIdentity.as_str(), Grant::RevealIdentity.label()),
    (Grant::LegalAffairs.as_str(), Grant::LegalAffairs.label()),
];

/// The name for people of a power in [`GRANTS`], if it is one.
pub fn grant_label(grant: &str) -> Option<&'static str> {
    Grant::parse(grant).map(Grant::label)
}

/// The powers one user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    pub fn has(&self, grant: Grant) -> bool {
        self.0.contains(&grant)
    }
}

/// The powers an administrator granted a user.
#[cfg(feature = "ssr")]
pub async fn of_user(db: impl sqlx::AnyExecutor<'_>, user: i64) -> crate::error::AppResult<Grants> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT grant_name FROM user_grants WHERE user_id = $1").bind(user).fetch_all(db).await?;
    let grants = names.iter().map(|n| crate::error::AppError::stored(Grant::parse(n), "grant", n));
    Ok(Grants(grants.collect::<Result<_, _>>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_power_has_its_stored_name_and_a_name_for_people() {
        for g in Grant::ALL {
            assert_eq!(Grant::parse(g.as_str()), Some(g));
            assert_eq!(grant_label(g.as_str()), Some(g.label()));
        }
        assert_eq!(grant_label("admin"), None);
        assert_eq!(GRANTS[2], ("reveal_identity", "查看提出人身份"));
    }
}
