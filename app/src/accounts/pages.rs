//! Account pages: register, sign in, change password. Plain forms; the server handles the posts.
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage};
use crate::ui::{viewer_resource, ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: only local paths are accepted.
fn next_param() -> String {
    let q = use_query_map();
    let next = q.read_untracked().get("next").unwrap_or_default();
    super::local_path(&next).map(str::to_string).unwrap_or_default()
}

/// Citizen self-registration.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let echo = use_echo();
    let next = if echo.values.is_empty() { next_param() } else { echo.value("next") };
    view! {
        <Title text="注册" />
        <h1>"注册账号"</h1>
        <FormMessage echo=echo.clone() />
        <form method="post" action="/register" class="stacked narrow">
            <input type="hidden" name="next" value=next />
            <label for="login">"手机号码或电子邮箱"</label>
            <input id="login" name="login" autocomplete="username" required value=echo.value("login") />
            <FieldMessage echo=echo.clone() name="login" />
            <label for="password">"密码（至少8位）"</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" />
            <FieldMessage echo=echo.clone() name="password" />
            <label for="display_name">"昵称"</label>
            <input id="display_name" name="display_name" required maxlength="30" value=echo.value("display_name") />
            <FieldMessage echo=echo.clone() name="display_name" />
            <label for="real_name">"真实姓名（选填，不会公开）"</label>
            <input id="real_name" name="real_name" maxlength="30" value=echo.value("real_name") />
            <FieldMessage echo=echo.clone() name="real_name" />
            <p class="hint">"注册前请阅读" <a href="/privacy" target="_blank" rel="noopener">"隐私说明（新窗口）"</a> "：意见经审核后公开（不显示昵称和账号）；手机号码、邮箱和真实姓名不会公开；可以随时注销账号。"</p>
            <label class="check">
                <input id="consent" type="checkbox" name="consent" value="1" required checked=echo.checked("consent") />
                "我已阅读并同意隐私说明"
            </label>
            <FieldMessage echo=echo.clone() name="consent" />
            <button type="submit">"注册"</button>
        </form>
        <p>"已有账号？" <a href="/login">"登录"</a></p>
    }
}

/// Sign in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let echo = use_echo();
    let next = if echo.values.is_empty() { next_param() } else { echo.value("next") };
    let register = if next.is_empty() {
        "/register".to_string()
    } else {
        format!("/register?next={}", crate::ui::encode_query(&next))
    };
    view! {
        <Title text="登录" />
        <h1>"登录"</h1>
        <LoginForm echo next />
        <p>"还没有账号？" <a href=register>"注册"</a></p>
    }
}

#[component]
fn LoginForm(echo: FormEcho, next: String) -> impl IntoView {
    view! {
        <FormMessage echo=echo.clone() />
        <form method="post" action="/login" class="stacked narrow">
            <input type="hidden" name="next" value=next />
            <label for="login">"手机号码或电子邮箱"</label>
            <input id="login" name="login" autocomplete="username" required value=echo.value("login") />
            <label for="password">"密码"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
            <button type="submit">"登录"</button>
        </form>
        <p><a href="/account/forgot">"忘记密码？"</a></p>
    }
}

/// Change one's password (required after a one-time password).
#[component]
pub fn PasswordPage() -> impl IntoView {
    let echo = use_echo();
    let user = viewer_resource();
    view! {
        <Title text="修改密码" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match user.await.ok().flatten() {
                        None => view! { <ErrorView err=crate::error::AppError::Unauthorized /> }.into_any(),
                        Some(u) => view! {
                            <h1>"修改密码"</h1>
                            {u.must_change_password.then(|| view! {
                                <div class="alert alert-warn">"您正在使用一次性初始密码，请先设置新密码。"</div>
                            })}
                            <FormMessage echo=echo.clone() />
                            <form method="post" action="/account/password" class="stacked narrow">
                                <label for="current">"当前密码"</label>
                                <input id="current" name="current" type="password" autocomplete="current-password" required />
                                <FieldMessage echo=echo.clone() name="current" />
                                <label for="new">"新密码（至少8位）"</label>
                                <input id="new" name="new" type="password" autocomplete="new-password" required minlength="8" />
                                <FieldMessage echo=echo.clone() name="new" />
                                <button type="submit">"保存"</button>
                            </form>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A new staff account's holder sets their first password with the setup code they were given
/// (by e-mail, or in person from the administrator).
#[component]
pub fn SetupPage() -> impl IntoView {
    let echo = use_echo();
    view! {
        <Title text="设置账号密码" />
        <h1>"设置账号密码"</h1>
        <p class="hint">"工作人员账号由本人设置密码：请输入账号、收到的设置码（72小时内有效，只能使用一次）和新密码。如果设置码已被使用而您并未使用过，请立即告知本单位和系统管理员。"</p>
        <FormMessage echo=echo.clone() />
        <form method="post" action="/account/setup" class="stacked narrow">
            <label for="login">"手机号码或电子邮箱"</label>
            <input id="login" name="login" autocomplete="username" value=echo.value("login") required />
            <label for="setup_code">"设置码"</label>
            <input id="setup_code" name="setup_code" autocomplete="one-time-code" required />
            <FieldMessage echo=echo.clone() name="setup_code" />
            <label for="password">"新密码（至少8位）"</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" />
            <FieldMessage echo=echo.clone() name="password" />
            <button type="submit">"设置密码并登录"</button>
        </form>
    }
}
