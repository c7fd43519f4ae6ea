//! Account storage: password hashing, registration, login and database-backed sessions.
use super::user::{CurrentUser, Role};
use crate::error::{AppError, AppResult, FieldError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::seq::SliceRandom;
use sqlx::AnyPool;

/// Sessions last 14 days.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;

fn hasher() -> Argon2<'static> {
    // OWASP minimum for argon2id: 19 MiB memory, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash a password off the async executor.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AppError::Internal)
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Check a password off the async executor; a missing hash still costs one verification.
async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        // Unknown accounts verify against a throwaway hash so "no such user" costs as much as "wrong password".
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            hasher().hash_password(random_hex(16).as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
        });
        let stored_or_dummy = stored.clone().unwrap_or_else(|| dummy.clone());
        let ok = PasswordHash::new(&stored_or_dummy)
            .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

pub use crate::codes::{random_hex, sha256_hex, to_hex};

/// Normalise a login: a mainland mobile number or an e-mail address.
pub fn normalise_login(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let digits = s.strip_prefix("+86").unwrap_or(&s).to_string();
    if digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(digits);
    }
    let (local, domain) = s.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(char::is_whitespace);
    valid.then_some(s)
}

/// What a citizen fills in to register.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub login: String,
    pub password: String,
    pub display_name: String,
    pub real_name: String,
    /// The privacy notice was agreed to (the box ticked).
    pub consent: bool,
}

fn check_password(password: &str, errors: &mut Vec<FieldError>) {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        errors.push(FieldError { field: "password".into(), message: "密码长度应为8至128位".into() });
    }
}

fn validate(r: &Registration) -> AppResult<(String, String, Option<String>)> {
    let mut errors = Vec::new();
    let login = normalise_login(&r.login);
    if login.is_none() {
        errors.push(FieldError {
            field: "login".into(), message: "请填写正确的手机号码或电子邮箱".into()
        });
    }
    check_password(&r.password, &mut errors);
    let name = r.display_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 30 {
        errors.push(FieldError { field: "display_name".into(), message: "昵称应为1至30个字".into() });
    }
    let real = r.real_name.trim().to_string();
    if real.chars().count() > 30 {
        errors.push(FieldError { field: "real_name".into(), message: "姓名不能超过30个字".into() });
    }
    if !r.consent {
        errors.push(FieldError {
            field: "consent".into(), message: "请阅读隐私说明，勾选同意后再注册".into()
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok((login.unwrap_or_default(), name, (!real.is_empty()).then_some(real)))
}

/// Register a citizen account, with the time its holder agreed to the privacy notice.
pub async fn register(db: &AnyPool, r: Registration) -> AppResult<i64> {
    let (login, name, real) = validate(&r)?;
    let hash = hash_password(r.password).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let id = insert_user(&mut *tx, &login, &hash, &name, real.as_deref(), Role::Citizen, None, false).await?;
    sqlx::query("UPDATE users SET privacy_consent_at = $1 WHERE id = $2")
        .bind(crate::clock::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Insert an account; a login already taken is a field error.
#[expect(clippy::too_many_arguments, reason = "one row, one call")]
pub(crate) async fn insert_user(
    db: impl sqlx::AnyExecutor<'_>,
    login: &str,
    hash: &str,
    name: &str,
    real: Option<&str>,
    role: Role,
    agency: Option<i64>,
    must_change: bool,
) -> AppResult<i64> {
    let res = sqlx::query_scalar(
        "INSERT INTO users (login, password_hash, display_name, real_name, role, agency_id, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(login)
    .bind(hash)
    .bind(name)
    .bind(real)
    .bind(role.as_str())
    .bind(agency)
    .bind(i64::from(must_change))
    .bind(crate::clock::now())
    .fetch_one(db)
    .await;
    match res {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Invalid(vec![FieldError {
            field: "login".into(),
            message: "该手机号码或电子邮箱已注册".into(),
        }])),
        Err(e) => Err(e.into()),
    }
}

/// A readable one-time password (no 0/O/1/l confusion).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Each character drawn uniformly (a byte modulo 55 would favour the first letters).
    let mut rng = rand::rngs::OsRng;
    (0..16).map(|_| char::from(*ALPHABET.choose(&mut rng).unwrap_or(&b'a'))).collect()
}

/// On first start: create the administrator if there is none, returning its one-time password.
pub async fn ensure_admin(db: &AnyPool, login: &str) -> AppResult<Option<String>> {
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = 'admin' LIMIT 1").fetch_optional(db).await?;
    if existing.is_some() {
        return Ok(None);
    }
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    insert_user(db, login, &hash, "系统管理员", None, Role::Admin, None, true).await?;
    Ok(Some(password))
}

/// Reset (or create) an administrator with a fresh one-time password.
pub async fn reset_admin(db: &AnyPool, login: &str) -> AppResult<String> {
    let login = normalise_login(login).unwrap_or_else(|| login.trim().to_string());
    // A reset is how an administrator gets back in, so it also lifts a lockout.
    super::lockout::clear(db, &login).await?;
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    let updated = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 1 WHERE login = $2 AND role = 'admin'",
    )
    .bind(&hash)
    .bind(&login)
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        insert_user(db, &login, &hash, "系统管理员", None, Role::Admin, None, true).await?;
    }
    Ok(password)
}

/// Check credentials; one uniform error whether the account exists or not.
pub async fn authenticate(db: &AnyPool, login: &str, password: &str) -> AppResult<i64> {
    let login = normalise_login(login).unwrap_or_else(|| login.trim().to_string());
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, password_hash, disabled_at FROM users WHERE login = $1")
            .bind(&login)
            .fetch_optional(db)
            .await?;
    let (id, hash, disabled) = match row {
        Some((id, h, d)) => (Some(id), Some(h), d.is_some()),
        None => (None, None, false),
    };
    if verify_password(password.to_string(), hash).await {
        // Said only to whoever knows the password: a stopped account is not otherwise told apart.
        if disabled {
            return Err(AppError::field("login", "该账号已被系统管理员停用，请联系系统管理员"));
        }
        id.ok_or(AppError::BadCredentials)
    } else {
        Err(AppError::BadCredentials)
    }
}

/// Change one's own password (clears the one-time flag) and end every session of the account, this
/// one included: whoever else knew the old password (or the one-time password the administrator
/// saw) is signed out. The caller starts a fresh session.
pub async fn change_password(db: &AnyPool, user: &CurrentUser, current: &str, new: &str) -> AppResult<()> {
    let row: (String,) = sqlx::query_as("SELECT login FROM users WHERE id = $1").bind(user.id).fetch_one(db).await?;
    authenticate(db, &row.0, current).await.map_err(|_| AppError::field("current", "当前密码不正确"))?;
    if new == current {
        return Err(AppError::field("new", "新密码不能与当前密码相同"));
    }
    let mut errors = Vec::new();
    check_password(new, &mut errors);
    if !errors.is_empty() {
        errors[0].field = "new".into();
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(new.to_string()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Start a session; returns the secret cookie value (only its hash is stored).
pub async fn start_session(db: &AnyPool, user_id: i64) -> AppResult<String> {
    let token = random_hex(32);
    let now = crate::clock::now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_SECONDS)
        .execute(db)
        .await?;
    Ok(token)
}

/// End a session for good.
pub async fn end_session(db: &AnyPool, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(token)).execute(db).await?;
    Ok(())
}

/// The user behind a session cookie, if the session is live.
pub async fn session_user(db: &AnyPool, token: &str) -> AppResult<Option<CurrentUser>> {
    let row: Option<(i64, String, String, Option<i64>, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.role, u.agency_id, a.name, u.must_change_password,
                (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL)
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN agencies a ON a.id = u.agency_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
    )
    .bind(sha256_hex(token))
    .bind(crate::clock::now())
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|(id, display_name, role, agency_id, agency_name, must_change, unread)| {
        let role = Role::parse(&role)?;
        Some(CurrentUser {
            id,
            display_name,
            role,
            agency_id,
            agency_name,
            must_change_password: must_change != 0,
            unread,
        })
    }))
}

/// One account as a `CurrentUser`.
pub async fn user(db: &AnyPool, id: i64) -> AppResult<CurrentUser> {
    let row: Option<(i64, String, String, Option<i64>, Option<String>, i64)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.role, u.agency_id, a.name, u.must_change_password
         FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let (id, display_name, role, agency_id, agency_name, must_change) = row.ok_or(AppError::NotFound)?;
    let role = Role::parse(&role).ok_or(AppError::Internal)?;
    Ok(CurrentUser {
        id,
        display_name,
        role,
        agency_id,
        agency_name,
        must_change_password: must_change != 0,
        unread: 0,
    })
}

/// Remove sessions past their expiry.
pub async fn delete_expired_sessions(db: &AnyPool) -> AppResult<u64> {
    let res = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(crate::clock::now()).execute(db).await?;
    Ok(res.rows_affected())
}
