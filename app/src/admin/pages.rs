//! The administrator's page: agencies, staff accounts, powers (with proposals waiting for a second
//! administrator) and the administration log.
use super::{admin_grants, admin_log, admin_overview, admin_reveals, admin_unattended};
use crate::forms::{use_echo, FieldMessage, FormMessage, PostForm};
use crate::ui::{query, ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// Agencies, staff, and the forms to create them.
#[component]
pub fn AdminPage() -> impl IntoView {
    let log_page = query("log");
    let reveal_page = query("reveals");
    let data = Resource::new(
        move || (log_page(), reveal_page()),
        |(log_page, reveal_page)| async move {
            let page = crate::paging::from_query(log_page.as_deref()).unwrap_or(1);
            let reveal_page = crate::paging::from_query(reveal_page.as_deref()).unwrap_or(1);
            let reveals = admin_reveals(reveal_page).await?;
            let unattended = admin_unattended().await?;
            Ok::<_, crate::error::AppError>((
                admin_overview().await?,
                admin_grants().await?,
                admin_log(page).await?,
                page,
                (reveals, reveal_page),
                unattended,
            ))
        },
    );
    let echo = use_echo();
    view! {
        <Title text="系统管理" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let ((agencies, staff), (granted, proposals, me), (log, log_total), log_page, ((reveals, reveal_total), reveal_page), unattended) = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorView err=e /> }.into_any(),
                    };
                    let options = agencies.clone();
                    let parents = agencies.clone();
                    let coded = agencies.clone();
                    view! {
                        <h1>"系统管理"</h1>
                        <super::holidays::CalendarWarning keeper=true />
                        {(!unattended.is_empty()).then(|| view! {
                            <section class="alert alert-error unattended" aria-labelledby="unattended-title">
                                <h2 id="unattended-title">"无人可以办理的案件"</h2>
                                <p>"以下案件的下一步没有任何账号能够办理，期限仍在计算。请为不属于相关单位的工作人员授予权限，或创建账号。"</p>
                                <ul>
                                    {unattended.into_iter().map(|u| view! {
                                        <li>{format!("{}：{}件", u.why, u.count)} " " <span class="numbers">{u.numbers.join("、")}</span></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                        <p class="meta"><a href="/admin/calendar">"节假日安排"</a></p>
                        <FormMessage echo=echo.clone() />
                        <h2>"单位"</h2>
                        <ul>{agencies.into_iter().map(|a| view! {
                            <li>{a.name} "（" {a.staff} "名工作人员" {a.document_code.map(|c| format!("，发文字号代字：{c}"))} "）"</li>
                        }).collect_view()}</ul>
                        <PostForm name="agency" action="/admin/agencies" echo=echo.clone() class="stacked narrow" let:echo>
                            <label for="name">"新增单位名称"</label>
                            <input id="name" name="name" value=echo.value("name") />
                            <FieldMessage echo=echo.clone() name="name" />
                            <button type="submit">"新增单位"</button>
                        </PostForm>
                        <PostForm name="parent" action="/admin/agencies/parent" echo=echo.clone() class="stacked narrow" let:echo>
                            <label for="parent-agency">"单位"</label>
                            <select id="parent-agency" name="agency_id">
                                {parents.clone().into_iter().map(|a| {
                                    let id = a.id.to_string();
                                    view! { <option selected=echo.value("agency_id") == id value=id>{a.name}</option> }
                                }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="agency_id" />
                            <label for="parent_id">"上级单位（复查、复核其信访处理意见）"</label>
                            <select id="parent_id" name="parent_id">
                                <option value="">"（无，由信访部门复查）"</option>
                                {parents.into_iter().map(|a| {
                                    let id = a.id.to_string();
                                    view! { <option selected=echo.value("parent_id") == id value=id>{a.name}</option> }
                                }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="parent_id" />
                            <button type="submit">"设置上级单位"</button>
                        </PostForm>
                        <PostForm name="code" action="/admin/agencies/code" echo=echo.clone() class="stacked narrow" let:echo>
                            <label for="code-agency">"单位"</label>
                            <select id="code-agency" name="agency_id">
                                {coded.into_iter().map(|a| {
                                    let id = a.id.to_string();
                                    view! { <option selected=echo.value("agency_id") == id value=id>{a.name}</option> }
                                }).collect_view()}
                            </select>
                            <label for="code">"发文字号代字（规范性文件按此统一编号，例如 长政发）"</label>
                            <input id="code" name="code" maxlength="12" value=echo.value("code") />
                            <FieldMessage echo=echo.clone() name="code" />
                            <button type="submit">"设置代字"</button>
                        </PostForm>
                        <h2>"工作人员账号"</h2>
                        <ul class="staff">{staff.into_iter().map(|s| view! {
                            <li class=if s.disabled { "disabled" } else { "" }>
                                {s.display_name} " · " {s.role.label()} " · " {s.agency_name} " · "
                                {if s.disabled { "已停用" } else if s.set_up { "已由本人设置密码" } else { "尚未设置密码" }}
                                <PostForm name=format!("setup-code-{}", s.id) action="/admin/staff/setup-code" echo=echo.clone() class="inline" let:_echo>
                                    <input type="hidden" name="user_id" value=s.id.to_string() />
                                    <button type="submit" class="link">"重新签发设置码"</button>
                                </PostForm>
                                <PostForm name=format!("reset-{}", s.id) action="/admin/staff/reset-password" echo=echo.clone() class="inline" let:_echo>
                                    <input type="hidden" name="user_id" value=s.id.to_string() />
                                    <button type="submit" class="link">"重置密码（原密码作废）"</button>
                                </PostForm>
                                {if s.disabled {
                                    view! {
                                        <PostForm name=format!("enable-{}", s.id) action="/admin/staff/enable" echo=echo.clone() class="inline" let:_echo>
                                            <input type="hidden" name="user_id" value=s.id.to_string() />
                                            <button type="submit" class="link">"恢复账号"</button>
                                        </PostForm>
                                    }.into_any()
                                } else {
                                    let reason_id = format!("disable-reason-{}", s.id);
                                    view! {
                                        <details class="inline-action">
                                            <summary>"停用账号"</summary>
                                            <PostForm name=format!("disable-{}", s.id) action="/admin/staff/disable" echo=echo.clone() class="stacked narrow" let:echo>
                                                <input type="hidden" name="user_id" value=s.id.to_string() />
                                                <label for=reason_id.clone()>"停用理由（记入操作记录）"</label>
                                                <input id=reason_id name="reason" maxlength="500" value=echo.value("reason") />
                                                <FieldMessage echo=echo.clone() name="reason" />
                                                <button type="submit">"停用（不能再登录，已登录的会话立即结束）"</button>
                                            </PostForm>
                                        </details>
                                    }.into_any()
                                }}
                            </li>
                        }).collect_view()}</ul>
                        <PostForm name="staff" action="/admin/staff" echo=echo.clone() class="stacked narrow" let:echo>
                            <label for="login">"手机号码或电子邮箱"</label>
                            <input id="login" name="login" value=echo.value("login") />
                            <FieldMessage echo=echo.clone() name="login" />
                            <label for="display_name">"姓名"</label>
                            <input id="display_name" name="display_name" value=echo.value("display_name") />
                            <FieldMessage echo=echo.clone() name="display_name" />
                            <label for="role">"角色"</label>
                            <select id="role" name="role">
                                <option value="staff">"起草单位工作人员"</option>
                                <option value="petition_officer" selected=echo.value("role") == "petition_officer">"信访工作人员"</option>
                            </select>
                            <FieldMessage echo=echo.clone() name="role" />
                            <label for="agency_id">"所属单位"</label>
                            <select id="agency_id" name="agency_id">
                                {options.into_iter().map(|a| {
                                    let id = a.id.to_string();
                                    view! { <option selected=echo.value("agency_id") == id value=id>{a.name}</option> }
                                }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="agency_id" />
                            <button type="submit">"创建账号（签发一次性设置码）"</button>
                        </PostForm>
                        <p class="hint">"管理员不设置、也看不到工作人员的密码：账号由本人用一次性设置码（72小时内有效）在“设置账号密码”页设置密码。登录名为电子邮箱且已配置邮件时，设置码直接发到本人邮箱；否则只向您显示一次，请当面交给本人。"</p>
                        <h2>"专项权限"</h2>
                        <p class="hint">"涉法涉诉件、纪检监察件只有被授权的人员可见；查看信访投诉提出人的身份须另行授权，每次查看都有记录。查看提出人身份、办理纪检监察件两项权限须由一名管理员提出、另一名管理员批准后生效。"</p>
                        {(!proposals.is_empty()).then(|| view! {
                            <h3>"等待批准的授权"</h3>
                            <ul class="proposals">
                                {proposals.into_iter().map(|p| {
                                    let label = crate::cases::grant_label(&p.grant).unwrap_or("");
                                    let own = p.proposed_by == Some(me);
                                    let id = p.id.to_string();
                                    view! {
                                        <li>
                                            {format!("{}（{}）：{} · 由{}于{}提出，{}前有效", p.display_name, p.login, label, p.proposer, crate::clock::format_long_date(p.proposed_at), crate::clock::format_long_date(p.expires_at))}
                                            {(!own).then(|| view! {
                                                <PostForm name=format!("approve-{}", p.id) action="/admin/grants/approve" echo=echo.clone() class="inline" clone:id let:_echo>
                                                    <input type="hidden" name="proposal" value=id.clone() />
                                                    <button type="submit" class="link">"批准"</button>
                                                </PostForm>
                                            })}
                                            <PostForm name=format!("refuse-{}", p.id) action="/admin/grants/refuse" echo=echo.clone() class="inline" clone:id let:_echo>
                                                <input type="hidden" name="proposal" value=id.clone() />
                                                <button type="submit" class="link">{if own { "撤回" } else { "拒绝" }}</button>
                                            </PostForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        {(!granted.is_empty()).then(|| view! {
                            <ul class="grants">
                                {granted.into_iter().map(|g| {
                                    let label = crate::cases::grant_label(&g.grant).unwrap_or("");
                                    view! {
                                        <li>
                                            {format!("{}（{}）：{} · {}起", g.display_name, g.login, label, crate::clock::format_long_date(g.granted_at))}
                                            <PostForm name=format!("revoke-{}-{}", g.login, g.grant) action="/admin/grants/revoke" echo=echo.clone() class="inline" let:_echo>
                                                <input type="hidden" name="login" value=g.login.clone() />
                                                <input type="hidden" name="grant" value=g.grant.clone() />
                                                <button type="submit" class="link">"撤销"</button>
                                            </PostForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        <PostForm name="grant" action="/admin/grants" echo=echo.clone() class="stacked narrow" let:echo>
                            <label for="grant-login">"工作人员账号（手机号码或电子邮箱）"</label>
                            <input id="grant-login" name="login" value=echo.value("login") />
                            <FieldMessage echo=echo.clone() name="login" />
                            <label for="grant">"权限"</label>
                            <select id="grant" name="grant">
                                {crate::cases::GRANTS.into_iter().map(|(k, l)| view! { <option value=k selected=echo.value("grant") == k>{l}</option> }).collect_view()}
                            </select>
                            <FieldMessage echo=echo.clone() name="grant" />
                            <button type="submit">"授权（须另一名管理员批准的，提出申请）"</button>
                        </PostForm>
                        <h2 id="reveals">"查看提出人身份记录"</h2>
                        <p class="hint">"经授权的工作人员每次查看信访、举报提出人的身份，都记录查看人、案件和理由。这里只列记录，不显示身份本身。"</p>
                        {reveals.is_empty().then(|| view! { <p>"暂无查看记录。"</p> })}
                        {(!reveals.is_empty()).then(|| view! {
                            <div class="table-scroll">
                                <table class="log reveals">
                                    <thead><tr><th>"时间"</th><th>"查看人"</th><th>"所属单位"</th><th>"案件编号"</th><th>"理由"</th></tr></thead>
                                    <tbody>
                                        {reveals.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{crate::clock::format_datetime(r.at)}</td>
                                                <td>{r.staff}</td>
                                                <td>{r.agency}</td>
                                                <td>{r.case_number}</td>
                                                <td>{r.reason}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        {
                            let pages = ((reveal_total + super::REVEAL_PAGE - 1) / super::REVEAL_PAGE).max(1) as u32;
                            (pages > 1).then(|| view! {
                                <nav class="pager" aria-label="查看记录分页">
                                    {(reveal_page > 1).then(|| view! { <a href=format!("/admin?reveals={}#reveals", reveal_page - 1) rel="prev">"较新"</a> })}
                                    <span>{format!("第{}页，共{}页", reveal_page, pages)}</span>
                                    {(reveal_page < pages).then(|| view! { <a href=format!("/admin?reveals={}#reveals", reveal_page + 1) rel="next">"较早"</a> })}
                                </nav>
                            })
                        }
                        <h2 id="log">"操作记录"</h2>
                        <p class="hint">"管理员和运维人员的每项操作都记入防篡改记录（与案件记录同样以密钥做哈希链），运维人员可在服务器上运行校验命令（canyu verify-record）核对记录是否完整、未被改动。"</p>
                        <table class="log">
                            <thead><tr><th>"时间"</th><th>"操作人"</th><th>"操作"</th><th>"对象"</th><th>"内容"</th></tr></thead>
                            <tbody>
                                {log.into_iter().map(|l| view! {
                                    <tr>
                                        <td>{crate::clock::format_datetime(l.at)}</td>
                                        <td>{l.actor.unwrap_or_else(|| "命令行（运维人员）".into())}</td>
                                        <td>{l.action}</td>
                                        <td>{l.target.unwrap_or_default()}</td>
                                        <td>{l.detail}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {
                            let pages = ((log_total + super::LOG_PAGE - 1) / super::LOG_PAGE).max(1) as u32;
                            (pages > 1).then(|| view! {
                                <nav class="pager" aria-label="操作记录分页">
                                    {(log_page > 1).then(|| view! { <a href=format!("/admin?log={}#log", log_page - 1) rel="prev">"较新"</a> })}
                                    <span>{format!("第{}页，共{}页", log_page, pages)}</span>
                                    {(log_page < pages).then(|| view! { <a href=format!("/admin?log={}#log", log_page + 1) rel="next">"较早"</a> })}
                                </nav>
                            })
                        }
                    }.into_any()
                })
            }}
        </Suspense>
    }
}
