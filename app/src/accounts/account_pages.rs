//! A citizen's own account page (name, e-mail address, password, deleting the account) and the
//! pages to get back in after forgetting the password. Plain forms; the server handles the posts.
use super::{get_account, get_mail_enabled, AccountInfo};
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/account`: one's own account.
#[component]
pub fn AccountPage() -> impl IntoView {
    let echo = use_echo();
    let info = Resource::new(|| (), |_| get_account());
    view! {
        <Title text="我的账号" />
        <h1>"我的账号"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match info.await {
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                        Ok(a) if !a.citizen => view! { <StaffAccount a echo /> }.into_any(),
                        Ok(a) => view! { <CitizenAccount a echo /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn StaffAccount(a: AccountInfo, echo: FormEcho) -> impl IntoView {
    view! {
        <FormMessage echo />
        <p>"登录账号：" {a.login}</p>
        <p>"姓名：" {a.display_name}</p>
        <p><a href="/account/password">"修改密码"</a></p>
        <p class="hint">"工作人员和管理员的账号由系统管理员开设和管理：姓名、停用和注销请联系系统管理员。"</p>
    }
}

#[component]
fn CitizenAccount(a: AccountInfo, echo: FormEcho) -> impl IntoView {
    let name = a.display_name.clone();
    view! {
        <FormMessage echo=echo.clone() />
        <section>
            <h2>"登录账号"</h2>
            <p>{a.login.clone()} <span class="hint">"（仅您本人可见，不会公开）"</span></p>
        </section>
        <section>
            <h2>"昵称"</h2>
            <PostForm name="name" action="/account/name" echo=echo.clone() class="stacked narrow" let:echo>
                <label for="display_name">"昵称"</label>
                <input id="display_name" name="display_name" required maxlength="30"
                    value=if echo.values.is_empty() { name.clone() } else { echo.value("display_name") } />
                <FieldMessage echo=echo.clone() name="display_name" />
                <button type="submit">"保存昵称"</button>
            </PostForm>
        </section>
        <EmailSection a=a.clone() echo=echo.clone() />
        <section>
            <h2>"密码"</h2>
            <p><a href="/account/password">"修改密码"</a> "（修改后，其他设备上的登录都会退出）"</p>
        </section>
        <DeleteSection echo />
    }
}

#[component]
fn EmailSection(a: AccountInfo, echo: FormEcho) -> impl IntoView {
    if a.login_is_email {
        return view! {
            <section>
                <h2>"电子邮箱"</h2>
                <p>"您用电子邮箱登录：找回密码的邮件和意见采纳情况的通知都发到登录邮箱。"</p>
            </section>
        }
        .into_any();
    }
    let current = match a.email.clone() {
        Some(e) => view! {
            <p>"已验证的邮箱：" {e} "。找回密码的邮件和意见采纳情况的通知发到这个邮箱。"</p>
            <PostForm name="email-remove" action="/account/email/remove" echo=echo.clone() class="inline" let:_echo>
                <button type="submit" class="link">"不再使用这个邮箱"</button>
            </PostForm>
        }
        .into_any(),
        None => view! {
            <p>"您用手机号码登录，还没有登记电子邮箱。本平台不发送短信：没有邮箱，忘记密码后无法在网上找回。"</p>
        }
        .into_any(),
    };
    let pending = a.pending_email.clone().map(|p| {
        view! {
            <PostForm name="email-confirm" action="/account/email/confirm" echo=echo.clone() class="stacked narrow" let:echo>
                <p>"验证码已发到 " {p} "（30分钟内有效）。输入验证码后，这个邮箱才会生效。"</p>
                <label for="email_code">"邮件中的验证码"</label>
                <input id="email_code" name="email_code" autocomplete="one-time-code" required />
                <FieldMessage echo=echo.clone() name="email_code" />
                <button type="submit">"验证邮箱"</button>
            </PostForm>
        }
    });
    let add = if a.mail_enabled {
        view! {
            <PostForm name="email" action="/account/email" echo=echo.clone() class="stacked narrow" let:echo>
                <label for="email">{if a.email.is_some() { "换一个邮箱" } else { "登记电子邮箱" }}</label>
                <input id="email" name="email" type="email" autocomplete="email" required value=echo.value("email") />
                <FieldMessage echo=echo.clone() name="email" />
                <p class="hint">"我们会向这个邮箱发送验证码；验证之前，它不会用于找回密码或通知。"</p>
                <button type="submit">"发送验证码"</button>
            </PostForm>
        }
        .into_any()
    } else {
        view! { <p class="hint">"本平台目前没有开通邮件发送，暂不能登记电子邮箱。"</p> }.into_any()
    };
    view! {
        <section>
            <h2>"电子邮箱"</h2>
            {current}
            {pending}
            {add}
        </section>
    }
    .into_any()
}

#[component]
fn DeleteSection(echo: FormEcho) -> impl IntoView {
    view! {
        <section>
            <h2>"注销账号"</h2>
            <p>"注销后："</p>
            <ul>
                <li>"已经公开的意见仍作为征求意见的公开记录保留，但不再与任何账号关联；未公开的意见也与账号解除关联。"</li>
                <li>"每条意见的回执仍可凭回执编号在“回执查询”中查看：请先在“我的意见”中记下回执编号，注销后任何持有编号的人都能查看。"</li>
                <li>"您提出的信访、投诉等事项仍由信访部门依法办理，此后只能凭受理编号和查询码查询。"</li>
                <li>"站内消息、登录状态、登记的邮箱和账号信息（手机号码或邮箱、昵称、真实姓名）都会删除，同一号码或邮箱可以重新注册。"</li>
                <li>"注销不能撤销。"</li>
            </ul>
            <PostForm name="delete" action="/account/delete" echo=echo.clone() class="stacked narrow" let:echo>
                <label for="delete-password">"输入密码以确认注销"</label>
                <input id="delete-password" name="password" type="password" autocomplete="current-password" required />
                <FieldMessage echo=echo.clone() name="password" />
                <button type="submit" class="danger">"注销账号"</button>
            </PostForm>
        </section>
    }
}

/// `/account/forgot`: ask for a reset code by e-mail. Everyone gets the same answer.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let echo = use_echo();
    let mail = Resource::new(|| (), |_| get_mail_enabled());
    view! {
        <Title text="找回密码" />
        <h1>"找回密码"</h1>
        <FormMessage echo=echo.clone() />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let enabled = mail.await.unwrap_or(false);
                    view! {
                        {if enabled {
                            view! {
                                <p>"用电子邮箱注册的账号，或在“我的账号”中验证过邮箱的账号，可以通过邮件找回密码。"</p>
                                <PostForm name="forgot" action="/account/forgot" echo=echo.clone() class="stacked narrow" let:echo>
                                    <label for="login">"注册时使用的手机号码或电子邮箱"</label>
                                    <input id="login" name="login" autocomplete="username" required value=echo.value("login") />
                                    <FieldMessage echo=echo.clone() name="login" />
                                    <button type="submit">"发送重置码"</button>
                                </PostForm>
                                <p>"已经收到重置码？" <a href="/account/reset">"设置新密码"</a></p>
                            }.into_any()
                        } else {
                            view! { <p>"本平台目前没有开通邮件发送，不能通过邮件找回密码。"</p> }.into_any()
                        }}
                        <PhoneOnly />
                    }
                })
            }}
        </Suspense>
    }
}

/// What a phone-only account's holder can do: the platform sends no text messages.
#[component]
fn PhoneOnly() -> impl IntoView {
    view! {
        <section>
            <h2>"只用手机号码注册、没有验证邮箱的账号"</h2>
            <p>"本平台不发送短信，也无法在网上核实您的身份，这样的账号不能在网上找回密码，系统管理员也看不到或代设市民账号的密码。您可以："</p>
            <ul>
                <li>"信访、投诉等事项：凭受理编号和查询码在" <a href="/cases/track">"办理进度查询"</a> "中查询，不需要登录。"</li>
                <li>"未登录时匿名提交的意见：凭回执编号在" <a href="/receipts">"回执查询"</a> "中查看。登录后提交的意见，只有原账号能查看回执；已经公开的意见在征求意见页面上仍然可以看到。"</li>
                <li>"用其他手机号码或电子邮箱重新注册，继续参与。"</li>
            </ul>
            <p class="hint">"想起密码后，建议在“我的账号”中验证一个电子邮箱，以后就能通过邮件找回。"</p>
        </section>
    }
}

/// `/account/reset`: set a new password with the mailed code (typed, never in the address).
#[component]
pub fn ResetPage() -> impl IntoView {
    let echo = use_echo();
    view! {
        <Title text="设置新密码" />
        <h1>"设置新密码"</h1>
        <p class="hint">"请输入邮件中的重置码（30分钟内有效，只能使用一次）和新密码。设置后，此前在所有设备上的登录都会退出。"</p>
        <FormMessage echo=echo.clone() />
        <PostForm name="reset" action="/account/reset" echo=echo.clone() class="stacked narrow" let:echo>
            <label for="reset_code">"重置码"</label>
            <input id="reset_code" name="reset_code" autocomplete="one-time-code" required />
            <FieldMessage echo=echo.clone() name="reset_code" />
            <label for="password">"新密码（至少8位）"</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" />
            <FieldMessage echo=echo.clone() name="password" />
            <button type="submit">"设置新密码并登录"</button>
        </PostForm>
        <p><a href="/account/forgot">"重新申请重置码"</a></p>
    }
}

/// `/account/deleted`: where the browser lands after deleting its account.
#[component]
pub fn DeletedPage() -> impl IntoView {
    view! {
        <Title text="账号已注销" />
        <h1>"您的账号已注销"</h1>
        <p>"账号信息、站内消息和登记的邮箱已经删除，此浏览器已退出登录。"</p>
        <p>"已公开的意见仍作为公开记录保留，不再与任何账号关联；意见回执可凭回执编号在" <a href="/receipts">"回执查询"</a> "中查看；信访、投诉等事项可凭受理编号和查询码" <a href="/cases/track">"查询办理进度"</a> "。"</p>
        <p><a href="/">"返回首页"</a></p>
    }
}
