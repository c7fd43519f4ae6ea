//! Form posts of a citizen's own account page: the display name, the e-mail address (proven by a
//! mailed code), and deleting the account.
use super::common::{see_other, Page};
use crate::extract::{FormPost, Limits, Refusal, SignedIn};
use crate::guard::Action;
use crate::session::session_cookie;
use app::accounts::{deletion, profile};
use app::admin::staff::Mail;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;

/// Fields of the name change.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Name {
    display_name: String,
}

/// POST /account/name
pub async fn rename(page: Page, user: Result<SignedIn, Refusal>, mut form: FormPost<Name>) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        let f = form.input()?;
        profile::rename(&page.st.db, &user, &f.display_name).await?;
        Ok(see_other("/account"))
    }
    .await;
    page.settle(result, "/account", form.fields).await
}

/// Fields of a new e-mail address.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Email {
    email: String,
}

/// POST /account/email: mail a code to the address (limited like a reset request: it sends mail).
pub async fn request_email(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<Email>,
) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        limits.check(Action::RecoveryMail, Some(format!("user-{}", user.id)))?;
        let f = form.input()?;
        let mail = Mail { enabled: page.st.mail_enabled, public_url: &page.st.public_url };
        profile::request_email(&page.st.db, mail, &user, &f.email).await?;
        Ok(see_other("/account"))
    }
    .await;
    page.settle(result, "/account", form.fields).await
}

/// Fields of the e-mail confirmation.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EmailCode {
    email_code: String,
}

/// POST /account/email/confirm: rate limited like a sign-in (the code is guessed otherwise).
pub async fn confirm_email(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<EmailCode>,
) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        limits.check(Action::Login, Some(format!("user-{}", user.id)))?;
        let f = form.input()?;
        profile::confirm_email(&page.st.db, &user, &f.email_code).await?;
        Ok(see_other("/account"))
    }
    .await;
    page.settle(result, "/account", form.fields).await
}

/// POST /account/email/remove
pub async fn remove_email(page: Page, user: Result<SignedIn, Refusal>) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        profile::remove_email(&page.st.db, &user).await?;
        Ok(see_other("/account"))
    }
    .await;
    page.settle(result, "/account", Default::default()).await
}

/// Fields of deleting the account.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Delete {
    password: String,
}

/// POST /account/delete: with the password (a sign-in attempt in all but name, so limited as
/// one); the browser is signed out and sent to a page saying what became of what it left.
pub async fn delete(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<Delete>,
) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        limits.check(Action::Login, Some(format!("user-{}", user.id)))?;
        let f = form.input()?;
        deletion::delete(&page.st.db, &page.st.cases.key, &user, &f.password).await?;
        tracing::info!(user = user.id, "citizen deleted their account");
        let mut res = see_other("/account/deleted");
        res.headers_mut().insert(header::SET_COOKIE, session_cookie(&page.st, "", 0));
        Ok(res)
    }
    .await;
    page.settle(result, "/account", form.fields).await
}
