//! Single-use, short-lived codes mailed to a citizen: to set a new password after forgetting it, or
//! to prove an e-mail address. Only a code's SHA-256 is stored; issuing one voids the account's
//! earlier codes of the same purpose, and taking one spends it in the caller's transaction.
use super::store::{one_time_password, sha256_hex};
use crate::error::AppResult;
use sqlx::AnyConnection;

/// How long a mailed code works: long enough to open the mail, short enough to go stale.
pub const CODE_SECONDS: i64 = 30 * 60;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Set a new password.
    Reset,
    /// Prove the address it was mailed to.
    Email,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Email => "email",
        }
    }
}

/// A code as typed or pasted: 16 letters and digits that cannot be confused (about 92 bits), in
/// groups of four.
fn new_code() -> String {
    let raw = one_time_password();
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// What someone typed, as issued: spaces dropped (a pasted code may carry them).
fn normalise(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Issue a fresh code for `user` (earlier ones of this purpose stop working); returns the code,
/// which only the mail carries.
pub async fn issue(conn: &mut AnyConnection, user: i64, purpose: Purpose, email: Option<&str>) -> AppResult<String> {
    let code = new_code();
    let now = crate::clock::now();
    sqlx::query("DELETE FROM account_codes WHERE user_id = $1 AND purpose = $2")
        .bind(user)
        .bind(purpose.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO account_codes (code_hash, user_id, purpose, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(sha256_hex(&code))
    .bind(user)
    .bind(purpose.as_str())
    .bind(email)
    .bind(now)
    .bind(now + CODE_SECONDS)
    .execute(&mut *conn)
    .await?;
    Ok(code)
}

/// Spend a live code of `purpose` (for `user` when given): its account and address, or `None` for
/// a wrong, spent or expired code, all alike.
pub async fn take(
    conn: &mut AnyConnection,
    code: &str,
    purpose: Purpose,
    user: Option<i64>,
) -> AppResult<Option<(i64, Option<String>)>> {
    let code = normalise(code);
    if code.is_empty() || code.chars().count() > 64 {
        return Ok(None);
    }
    let hash = sha256_hex(&code);
    let now = crate::clock::now();
    let found: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT user_id, email FROM account_codes
         WHERE code_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(&hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((owner, email)) = found.filter(|(owner, _)| user.is_none_or(|u| u == *owner)) else {
        return Ok(None);
    };
    // Spent here, so two requests with one code cannot both use it.
    let spent = sqlx::query("UPDATE account_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok((spent.rows_affected() == 1).then_some((owner, email)))
}

/// Forget codes that can no longer be used (maintenance job).
pub async fn prune(db: &sqlx::AnyPool) -> AppResult<u64> {
    let done = sqlx::query("DELETE FROM account_codes WHERE expires_at <= $1")
        .bind(crate::clock::now() - 24 * 3600)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::{new_code, normalise};

    #[test]
    fn a_code_is_four_groups_of_unambiguous_characters_and_survives_pasting() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        assert!(code.split('-').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric())));
        assert!(!code.chars().any(|c| "0O1l".contains(c)), "{code}");
        assert_eq!(normalise(&format!(" {code}\n")), code);
        assert_ne!(new_code(), code);
    }
}
