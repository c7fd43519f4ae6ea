//! Form posts of accounts: registering, signing in and out, changing the password, and a staff
//! account's first password with its setup code.
use super::common::{see_other, Page};
use crate::extract::{FormPost, Limits, Refusal, SignedIn};
use crate::guard::Action;
use crate::session::{check_credentials, session_cookie};
use app::accounts::{local_path, store as accounts, CurrentUser, Role};
use app::admin::staff;
use app::error::AppError;
use app::state::session_token;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;

/// Start a fresh session (ending any old one: the id rotates at every sign-in).
pub(crate) async fn sign_in(page: &Page, user_id: i64, to: &str) -> Result<Response, AppError> {
    if let Some(old) = session_token(&page.headers) {
        accounts::end_session(&page.st.db, &old).await?;
    }
    let token = accounts::start_session(&page.st.db, user_id).await?;
    let mut res = see_other(to);
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&page.st, &token, accounts::SESSION_SECONDS));
    Ok(res)
}

/// Where a user goes after signing in, unless the sign-in asked for a page.
fn home_for(user: &CurrentUser) -> &'static str {
    if user.must_change_password {
        return "/account/password";
    }
    match user.role {
        Role::Staff => "/staff",
        Role::PetitionOfficer => "/petition",
        Role::Admin => "/admin",
        _ => "/",
    }
}

/// Fields of the registration form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewAccount {
    login: String,
    password: String,
    display_name: String,
    real_name: String,
    consent: String,
    next: String,
}

/// POST /register
pub async fn register(page: Page, limits: Limits, mut form: FormPost<NewAccount>) -> Response {
    let result = async {
        limits.check(Action::Register, None)?;
        let f = form.input()?;
        let reg = accounts::Registration {
            login: f.login,
            password: f.password,
            display_name: f.display_name,
            real_name: f.real_name,
            consent: !f.consent.is_empty(),
        };
        let id = accounts::register(&page.st.db, reg).await?;
        tracing::info!(user = id, "citizen registered");
        sign_in(&page, id, local_path(&f.next).unwrap_or("/")).await
    }
    .await;
    page.settle(result, "/register", form.fields).await
}

/// Fields of the sign-in form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    login: String,
    password: String,
    next: String,
}

/// POST /login
pub async fn login(page: Page, limits: Limits, mut form: FormPost<SignInForm>) -> Response {
    let result = async {
        let f = form.input()?;
        let user = check_credentials(&page.st, &limits.limiters, limits.ip, &f.login, &f.password).await?;
        let to = local_path(&f.next).filter(|_| !user.must_change_password).unwrap_or_else(|| home_for(&user));
        tracing::info!(user = user.id, "signed in");
        sign_in(&page, user.id, to).await
    }
    .await;
    page.settle(result, "/login", form.fields).await
}

/// POST /logout: the session row is deleted, so the cookie is worthless even if kept.
pub async fn logout(page: Page) -> Response {
    if let Some(t) = session_token(&page.headers) {
        if let Err(e) = accounts::end_session(&page.st.db, &t).await {
            return crate::respond::error_response(&page.headers, e);
        }
    }
    let mut res = see_other("/");
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&page.st, "", 0));
    res
}

/// Fields of the password change.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewPassword {
    current: String,
    new: String,
}

/// POST /account/password
pub async fn change_password(
    page: Page,
    user: Result<SignedIn, Refusal>,
    limits: Limits,
    mut form: FormPost<NewPassword>,
) -> Response {
    let result = async {
        let SignedIn(user) = user?;
        // Checking the current password is a sign-in attempt in all but name.
        limits.check(Action::Login, Some(format!("user-{}", user.id)))?;
        let f = form.input()?;
        staff::change_password(&page.st.db, &page.st.cases.key, &user, &f.current, &f.new).await?;
        let user = CurrentUser { must_change_password: false, ..user };
        // Every session ended with the change; this browser gets a fresh one.
        sign_in(&page, user.id, home_for(&user)).await
    }
    .await;
    page.settle(result, "/account/password", form.fields).await
}

/// Fields of a staff account's setup.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Setup {
    login: String,
    setup_code: String,
    password: String,
}

/// POST /account/setup: the holder of a new staff account sets its password with the setup code,
/// and is signed in. Rate limited like a sign-in (a code is a credential).
pub async fn setup_account(page: Page, limits: Limits, mut form: FormPost<Setup>) -> Response {
    let result = async {
        limits.check(Action::Login, None)?;
        let f = form.input()?;
        let id = staff::redeem(&page.st.db, &page.st.cases.key, &f.login, &f.setup_code, &f.password).await?;
        let user = accounts::user(&page.st.db, id).await?;
        tracing::info!(user = id, "staff account set up");
        sign_in(&page, id, home_for(&user)).await
    }
    .await;
    page.settle(result, "/account/setup", form.fields).await
}
