//! The administrator's page: agencies and staff accounts.
use super::{admin_grants, admin_overview};
use crate::forms::{use_echo, FieldMessage, FormMessage};
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// Agencies, staff, and the forms to create them.
#[component]
pub fn AdminPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async { Ok::<_, crate::error::AppError>((admin_overview().await?, admin_grants().await?)) },
    );
    let echo = use_echo();
    view! {
        <Title text="系统管理" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let ((agencies, staff), granted) = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorView err=e /> }.into_any(),
                    };
                    let options = agencies.clone();
                    let parents = agencies.clone();
                    view! {
                        <h1>"系统管理"</h1>
                        <FormMessage echo=echo.clone() />
                        <h2>"单位"</h2>
                        <ul>{agencies.into_iter().map(|a| view! { <li>{a.name} "（" {a.staff} "名工作人员）"</li> }).collect_view()}</ul>
                        <form method="post" action="/admin/agencies" class="stacked narrow">
                            <label for="name">"新增单位名称"</label>
                            <input id="name" name="name" value=echo.value("name") />
                            <FieldMessage echo=echo.clone() name="name" />
                            <button type="submit">"新增单位"</button>
                        </form>
                        <form method="post" action="/admin/agencies/parent" class="stacked narrow">
                            <label for="parent-agency">"单位"</label>
                            <select id="parent-agency" name="agency_id">
                                {parents.clone().into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                            </select>
                            <label for="parent_id">"上级单位（复查、复核其信访处理意见）"</label>
                            <select id="parent_id" name="parent_id">
                                <option value="">"（无，由信访部门复查）"</option>
                                {parents.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="parent_id" />
                            <button type="submit">"设置上级单位"</button>
                        </form>
                        <h2>"工作人员账号"</h2>
                        <ul>{staff.into_iter().map(|s| view! { <li>{s.display_name} " · " {s.role.label()} " · " {s.agency_name}</li> }).collect_view()}</ul>
                        <form method="post" action="/admin/staff" class="stacked narrow">
                            <label for="login">"手机号码或电子邮箱"</label>
                            <input id="login" name="login" value=echo.value("login") />
                            <FieldMessage echo=echo.clone() name="login" />
                            <label for="display_name">"姓名"</label>
                            <input id="display_name" name="display_name" value=echo.value("display_name") />
                            <FieldMessage echo=echo.clone() name="display_name" />
                            <label for="role">"角色"</label>
                            <select id="role" name="role">
                                <option value="staff">"起草单位工作人员"</option>
                                <option value="petition_officer">"信访工作人员"</option>
                            </select>
                            <FieldMessage echo=echo.clone() name="role" />
                            <label for="agency_id">"所属单位"</label>
                            <select id="agency_id" name="agency_id">
                                {options.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="agency_id" />
                            <button type="submit">"创建账号（生成一次性密码）"</button>
                        </form>
                        <h2>"专项权限"</h2>
                        <p class="hint">"涉法涉诉件、纪检监察件只有被授权的人员可见；查看信访投诉提出人的身份须另行授权，每次查看都有记录。"</p>
                        {(!granted.is_empty()).then(|| view! {
                            <ul class="grants">
                                {granted.into_iter().map(|g| {
                                    let label = crate::cases::GRANTS.iter().find(|x| x.0 == g.grant).map(|x| x.1).unwrap_or("");
                                    view! {
                                        <li>
                                            {format!("{}（{}）：{} · {}起", g.display_name, g.login, label, crate::clock::format_date(g.granted_at))}
                                            <form method="post" action="/admin/grants/revoke" class="inline">
                                                <input type="hidden" name="login" value=g.login.clone() />
                                                <input type="hidden" name="grant" value=g.grant.clone() />
                                                <button type="submit" class="link">"撤销"</button>
                                            </form>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        <form method="post" action="/admin/grants" class="stacked narrow">
                            <label for="grant-login">"工作人员账号（手机号码或电子邮箱）"</label>
                            <input id="grant-login" name="login" value=echo.value("grant_login") />
                            <FieldMessage echo=echo.clone() name="login" />
                            <label for="grant">"权限"</label>
                            <select id="grant" name="grant">
                                {crate::cases::GRANTS.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="grant" />
                            <button type="submit">"授权"</button>
                        </form>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}
