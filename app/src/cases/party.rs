//! Who filed a case, as sealed apart from it (a leaf: the notifier and the reveal both read it).

/// The filer's identity and contact details, sealed apart from the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = CaseIdentity))]
pub struct Identity {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub user_id: Option<i64>,
}
