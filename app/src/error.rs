//! The one error type shared by pages, server functions, form handlers and the JSON API.
use serde::{Deserialize, Serialize};

/// A problem with one form field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: &str) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// Everything that can go wrong, with a Chinese message for people and a code for machines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("请先登录")]
    Unauthorized,
    #[error("没有权限执行此操作")]
    Forbidden,
    #[error("请先修改初始密码")]
    PasswordChangeRequired,
    #[error("未找到相关内容")]
    NotFound,
    #[error("{}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<FieldError>),
    #[error("意见征集尚未开始，暂不能提交意见")]
    NotOpenYet,
    #[error("意见征集已经结束，不能再提交意见")]
    Closed,
    #[error("账号或密码错误")]
    BadCredentials,
    #[error("{0}")]
    Conflict(String),
    #[error("操作过于频繁，请{0}秒后再试")]
    RateLimited(u64),
    #[error("登录失败次数过多，该账号已暂时锁定，请{}分钟后再试", .0.div_ceil(60))]
    LockedOut(u64),
    #[error("请求来源不被允许")]
    CrossOrigin,
    #[error("请求格式不正确")]
    BadRequest,
    #[error("不支持此请求方法")]
    MethodNotAllowed,
    #[error("提交的内容过大")]
    TooLarge,
    #[error("不支持此内容类型")]
    UnsupportedMediaType,
    #[error("服务暂时不可用，本次提交未被保存，请稍后再试")]
    Unavailable,
    #[error("服务器内部错误，请稍后再试")]
    Internal,
}

impl AppError {
    /// A value read from the database that no variant names (a corrupt or foreign row): an error,
    /// logged with what it was, never a quiet default that would give a wrong answer.
    pub fn stored<T>(parsed: Option<T>, what: &'static str, raw: &str) -> Result<T, AppError> {
        parsed.ok_or_else(|| {
            #[cfg(feature = "ssr")]
            tracing::error!(what, value = raw, "unknown value stored in the database");
            #[cfg(not(feature = "ssr"))]
            let _ = (what, raw);
            AppError::Internal
        })
    }

    /// A validation error on one field.
    pub fn field(field: &str, message: &str) -> Self {
        AppError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// Machine-readable code used in the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid_input",
            AppError::NotOpenYet => "window_not_open",
            AppError::Closed => "window_closed",
            AppError::BadCredentials => "bad_credentials",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::LockedOut(_) => "account_locked",
            AppError::CrossOrigin => "cross_origin",
            AppError::BadRequest => "bad_request",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::TooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
        }
    }

    /// Seconds to wait before trying again (`Retry-After`), for errors that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited(secs) | AppError::LockedOut(secs) => Some(*secs),
            _ => None,
        }
    }

    /// HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::CrossOrigin | AppError::PasswordChangeRequired => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::NotOpenYet | AppError::Closed | AppError::Conflict(_) => 409,
            AppError::BadCredentials => 401,
            AppError::RateLimited(_) | AppError::LockedOut(_) => 429,
            AppError::BadRequest => 400,
            AppError::MethodNotAllowed => 405,
            AppError::TooLarge => 413,
            AppError::UnsupportedMediaType => 415,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    /// The error a bare HTTP status stands for, for responses made by the framework rather than by
    /// us (a malformed body, a wrong method, a missing route).
    pub fn from_status(status: u16) -> AppError {
        match status {
            400 => AppError::BadRequest,
            401 => AppError::Unauthorized,
            403 => AppError::Forbidden,
            404 => AppError::NotFound,
            405 => AppError::MethodNotAllowed,
            413 => AppError::TooLarge,
            415 => AppError::UnsupportedMediaType,
            422 => AppError::Invalid(vec![]),
            429 => AppError::RateLimited(1),
            503 => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }

    /// Field-level messages; errors that are not about one field go under "form".
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(list) => list.clone(),
            other => vec![FieldError { field: "form".into(), message: other.to_string() }],
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(e: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match e {
            // Arguments that do not parse are the caller's fault, not ours.
            E::Args(_) | E::Deserialization(_) | E::MissingArg(_) | E::Request(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // Logged here, where it is turned into the generic error; the text never reaches a user.
        tracing::error!(error = %e, "database error");
        if storage_fault(&e) {
            AppError::Unavailable
        } else {
            AppError::Internal
        }
    }
}

/// Whether a database error means the storage cannot take writes (or be reached) right now, as
/// opposed to a fault in the request: a full disk, an I/O error, a database that is gone. The
/// client is told nothing was saved (503), and the health check reports it until writes work again.
#[cfg(feature = "ssr")]
pub fn storage_fault(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            // SQLite primary result codes (the low byte of extended ones): BUSY 5 and LOCKED 6
            // (still locked after the busy timeout), READONLY 8, IOERR 10, CORRUPT 11, FULL 13,
            // CANTOPEN 14, NOLFS 22. PostgreSQL: class 53 (insufficient resources: disk full, out
            // of memory, too many connections), 58 (system I/O error).
            let sqlite = code.parse::<i64>().ok().map(|c| c & 0xff);
            matches!(sqlite, Some(5 | 6 | 8 | 10 | 11 | 13 | 14 | 22))
                || code.starts_with("53")
                || code.starts_with("58")
        }
        _ => false,
    }
}

/// Result alias used throughout.
pub type AppResult<T> = Result<T, AppError>;
