//! Form posts of password recovery: asking for a reset code by e-mail, and setting a new password
//! with it. Asking always gets the same answer, so nobody learns whether an account exists.
use super::accounts::sign_in;
use super::common::Page;
use crate::extract::{FormPost, Limits};
use crate::guard::Action;
use app::accounts::{recovery, store as accounts};
use app::admin::staff::Mail;
use app::error::AppError;
use axum::response::Response;
use serde::Deserialize;

/// The one answer to every request for a reset code.
const ASKED: &str =
    "如果这个账号用电子邮箱注册，或验证过电子邮箱，重置码已经发到该邮箱（30分钟内有效，只能使用一次）。\
                     几分钟内没有收到，请检查垃圾邮件；只用手机号码注册的账号，请看本页下方的说明。";

/// Fields of the request for a reset code.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Forgot {
    login: String,
}

/// POST /account/forgot: limited per address and per login (the limit applies alike to logins
/// that exist and those that do not).
pub async fn forgot(page: Page, limits: Limits, mut form: FormPost<Forgot>) -> Response {
    let result = async {
        let f = form.input()?;
        let login = accounts::normalise_login(&f.login)
            .ok_or_else(|| AppError::field("login", "请填写正确的手机号码或电子邮箱"))?;
        limits.check(Action::RecoveryMail, Some(format!("reset:{login}")))?;
        let mail = Mail { enabled: page.st.mail_enabled, public_url: &page.st.public_url };
        recovery::request_reset(&page.st.db, mail, &login).await?;
        Ok(page.saying("/account/forgot", ASKED.to_string()).await)
    }
    .await;
    page.settle(result, "/account/forgot", form.fields).await
}

/// Fields of setting a new password with a reset code.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Reset {
    reset_code: String,
    password: String,
}

/// POST /account/reset: rate limited like a sign-in (a code is a credential); the holder is signed
/// in afresh, every other session of the account having ended.
pub async fn reset(page: Page, limits: Limits, mut form: FormPost<Reset>) -> Response {
    let result = async {
        limits.check(Action::Login, None)?;
        let f = form.input()?;
        let id = recovery::reset(&page.st.db, &f.reset_code, &f.password).await?;
        tracing::info!(user = id, "password set with a mailed reset code");
        sign_in(&page, id, "/account").await
    }
    .await;
    page.settle(result, "/account/reset", form.fields).await
}
