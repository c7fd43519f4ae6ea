//! What the case store needs besides the database.
use super::deadlines::Periods;
use super::seal::CaseKey;
use std::path::PathBuf;

/// What the case store needs besides the database: the key that seals identities and keys the
/// record, the deadline of each step, and where attachments are kept.
#[derive(Debug, Clone)]
pub struct CaseConfig {
    pub key: CaseKey,
    pub periods: Periods,
    pub attachments: PathBuf,
}
