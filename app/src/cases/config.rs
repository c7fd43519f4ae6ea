//! What the case store needs besides the database.
use super::deadlines::Periods;
use super::seal::CaseKey;
use std::path::PathBuf;

/// What the case store needs besides the database: the key that seals identities and keys the
/// record, the deadline of each step, where attachments are kept, and whether filers are mailed.
#[derive(Debug, Clone)]
pub struct CaseConfig {
    pub key: CaseKey,
    pub periods: Periods,
    pub attachments: PathBuf,
    /// The public address mail links point under, when e-mail is sent (an SMTP relay is
    /// configured); None: filers are told in 消息 and on the progress page only.
    pub mail_url: Option<String>,
}
