//! The staff case pages: the petition office's dashboard and queues, a unit's queue, and one case
//! with the forms for what the policy lets this viewer do.
use super::calls::*;
use crate::cases::{CaseStatus, CaseSummary, Decision, StaffCase};
use crate::clock::{format_datetime, format_long_date};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The petition office's page: the dashboard, then the ordinary queue.
#[component]
pub fn PetitionOfficePage() -> impl IntoView {
    let board = Resource::new(|| (), |_| case_dashboard());
    view! {
        <Title text="信访工作台" />
        <h1>"信访工作台"</h1>
        <crate::admin::holidays::CalendarWarning />
        <p class="meta"><a href="/petition/legal">"涉法涉诉件"</a> " · " <a href="/petition/discipline">"纪检监察件"</a>
            " · " <a href="/cases/stats">"公开统计"</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match board.await {
                    Ok((loads, urgent)) => view! {
                        <h2>"各单位办理情况"</h2>
                        {loads.is_empty().then(|| view! { <p>"暂无在办件。"</p> })}
                        {(!loads.is_empty()).then(|| view! {
                            <div class="table-scroll">
                                <table class="tally">
                                    <thead><tr><th scope="col">"单位"</th><th scope="col">"在办"</th><th scope="col">"超期"</th>
                                        <th scope="col">"3日内到期"</th><th scope="col">"督办中"</th><th scope="col">"不满意"</th></tr></thead>
                                    <tbody>
                                        {loads.into_iter().map(|l| {
                                            let class = if l.overdue > 0 { "overdue" } else { "" };
                                            view! {
                                            <tr class=class>
                                                <th scope="row">{l.unit}</th><td>{l.open}</td><td>{l.overdue}</td>
                                                <td>{l.due_soon}</td><td>{l.supervised}</td><td>{l.low_ratings}</td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        {(!urgent.is_empty()).then(|| view! {
                            <h2>"超期和即将到期的件"</h2>
                            <CaseTable items=urgent />
                        })}
                    }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
        <h2>"来件"</h2>
        <CaseQueuePage queue="ordinary" title="" />
    }
}

/// A staff queue page: `/petition` (ordinary), `/petition/legal`, `/petition/discipline`, `/staff/cases` (unit).
#[component]
pub fn CaseQueuePage(queue: &'static str, title: &'static str) -> impl IntoView {
    let q = crate::ui::query("q");
    let page = crate::ui::query("page");
    let list = Resource::new(
        move || (q(), page()),
        move |(q, page)| async move {
            let page = crate::paging::check(crate::paging::from_query(page.as_deref()))?;
            case_queue(queue.to_string(), q, Some(page)).await.map(|items| (page, items))
        },
    );
    view! {
        {(!title.is_empty()).then(|| view! { <Title text=title /> <h1>{title}</h1> })}
        <form method="get" class="inline-form" role="search">
            <label for="case-q">"搜索编号、事项或内容"</label>
            <input id="case-q" name="q" type="search" value=q().unwrap_or_default() />
            <button type="submit">"搜索"</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok((1, items)) if items.is_empty() => {
                        let none = if q().is_some_and(|q| !q.trim().is_empty()) { "没有找到相符的来件。" } else { "暂无来件。" };
                        view! { <p>{none}</p> }.into_any()
                    }
                    Ok((page, items)) => {
                        let more = items.len() as i64 >= crate::cases::QUEUE_PAGE;
                        let q = q().unwrap_or_default();
                        let link = move |p: u32| {
                            let query = if q.is_empty() { String::new() } else { format!("q={}&", crate::ui::encode_query(&q)) };
                            format!("?{query}page={p}")
                        };
                        let pager = (page > 1 || more).then(|| crate::ui::pager(
                            (page > 1).then(|| link(page - 1)),
                            Some(format!("第{page}页")),
                            more.then(|| link(page + 1)),
                            "",
                        ));
                        view! { <CaseTable items /> {pager} }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn clock_text(c: &CaseSummary) -> (String, &'static str) {
    match c.days_left {
        Some(d) if d < 0 => (format!("已超期{}日", -d), "overdue"),
        Some(d) if d <= 3 => (format!("剩{d}日"), "soon"),
        Some(d) => (format!("剩{d}日"), ""),
        None => (String::new(), ""),
    }
}

#[component]
fn CaseTable(items: Vec<CaseSummary>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="cases">
                <thead><tr><th>"编号"</th><th>"事项"</th><th>"状态"</th><th>"办理单位"</th><th>"期限"</th><th>"提示"</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|c| {
                        let (left, class) = clock_text(&c);
                        let mut flags = Vec::new();
                        if c.supervised { flags.push("督办".to_string()); }
                        if let Some(n) = &c.repeats { flags.push(format!("重复件（{n}）")); }
                        if c.satisfaction.is_some_and(|s| s <= 2) { flags.push(format!("不满意（{}分）", c.satisfaction.unwrap_or(0))); }
                        view! {
                            <tr class=class>
                                <td data-label="编号" class="number"><a href=format!("/staff/cases/{}", c.id)>{c.number.clone()}</a></td>
                                <td data-label="事项">{c.matter.clone()}</td>
                                <td data-label="状态">{c.status.label_at(c.stage)}</td>
                                <td data-label="办理单位">{c.unit.clone().unwrap_or_default()}</td>
                                <td data-label="期限">{c.due_on.clone().unwrap_or_default()} " " {left}</td>
                                <td data-label="提示">{flags.join("、")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One case for staff, with the forms for what the viewer may do.
#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let echo = use_echo();
    let data = Resource::new(id, |id| async move {
        let id = id.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>((load_staff_case(id).await?, case_units().await?))
    });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((c, units)) => view! { <StaffCaseView c units echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn StaffCaseView(c: StaffCase, units: Vec<(i64, String)>, echo: FormEcho) -> impl IntoView {
    let s = c.summary.clone();
    let action = format!("/staff/cases/{}/actions", s.id);
    let (left, _) = clock_text(&s);
    let unit_options = move || {
        units.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()
    };
    view! {
        <Title text=format!("{} {}", s.number, s.matter) />
        <h1>{format!("{} · {}", s.number, s.matter)}</h1>
        <FormMessage echo=echo.clone() />
        <dl class="case-facts">
            <dt>"类型"</dt><dd>{s.kind.label()} {s.petition_kind.map(|k| format!("（{}）", k.label()))}</dd>
            <dt>"状态"</dt><dd id="case-status">{s.status.label_at(s.stage)}</dd>
            <dt>"期限"</dt><dd>{s.due_on.clone().unwrap_or_default()} " " {left}</dd>
            {s.unit.clone().map(|u| view! { <dt>"办理单位"</dt><dd>{u}</dd> })}
            {c.concerned.clone().map(|u| view! { <dt>"涉及单位"</dt><dd>{u}</dd> })}
            {c.document.clone().map(|d| view! {
                <dt>"规范性文件"</dt>
                <dd>{match c.document_id {
                    Some(id) => view! { <a href=format!("/documents/{id}")>{d}</a> }.into_any(),
                    None => d.into_any(),
                }}</dd>
            })}
            {s.repeats.clone().map(|n| view! { <dt>"重复件"</dt><dd class="warn">{format!("同一人同一事项的{n}仍在办理中")}</dd> })}
            <dt>"提出人"</dt><dd>{if c.anonymous { "匿名" } else { "实名（身份信息加密保存）" }}</dd>
            <dt>"事实和理由"</dt><dd class="body">{c.facts.clone()}</dd>
            {(!c.request.is_empty()).then(|| view! { <dt>"请求"</dt><dd class="body">{c.request.clone()}</dd> })}
        </dl>
        {(!c.attachments.is_empty()).then(|| view! {
            <h2>"附件"</h2>
            <ul>
                {c.attachments.iter().map(|a| view! {
                    <li><a href=format!("/staff/cases/{}/files/{}", s.id, a.id) download="">{a.name.clone()}</a>
                        {format!("（{}KB）", (a.size + 1023) / 1024)}</li>
                }).collect_view()}
            </ul>
        })}
        {(c.may_triage && s.is_report()).then(|| view! {
            <h2>"被举报单位"</h2>
            <p class="hint">"举报件须确定被举报单位后才能转送或交办；不会转交被举报单位及其上下级单位，相关人员也看不到本件。"</p>
            <PostForm name=staff_form("concerns") action=action.clone() echo=echo.clone() class="stacked" clone:unit_options let:echo>
                <label for="concerned-unit">"被举报单位"</label>
                <select id="concerned-unit" name="unit">{unit_options()}</select>
                <FieldMessage echo=echo.clone() name="concerned_agency_id" />
                <button type="submit" name="action" value="concerns" class="secondary">"确定被举报单位"</button>
            </PostForm>
        })}
        {c.may_triage.then(|| view! {
            <h2>"登记分流"</h2>
            <PostForm name=staff_form("transfer") action=action.clone() echo=echo.clone() class="stacked" clone:unit_options let:echo>
                <label for="unit">"责任单位"</label>
                <select id="unit" name="unit">{unit_options()}</select>
                <FieldMessage echo=echo.clone() name="unit" />
                <label for="due_on">"交办的办结期限（交办时填写）"</label>
                <input id="due_on" name="due_on" type="date" value=echo.value("due_on") />
                <FieldMessage echo=echo.clone() name="due_on" />
                <label for="note">"转办意见"</label>
                <input id="note" name="note" value=echo.value("note") />
                <FieldMessage echo=echo.clone() name="note" />
                <button type="submit" name="action" value="transfer">"转送"</button>
                <button type="submit" name="action" value="assign" class="secondary">"交办"</button>
            </PostForm>
            <PostForm name=staff_form("not_accept") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                <label for="reason">"不予受理的理由"</label>
                <TextArea id="reason" name="reason" rows=2 value=echo.value("reason") />
                <FieldMessage echo=echo.clone() name="reason" />
                <label for="channel">"告知应当通过的途径"</label>
                <input id="channel" name="channel" value=echo.value("channel") />
                <FieldMessage echo=echo.clone() name="channel" />
                <button type="submit" name="action" value="not_accept" class="secondary">"不予受理"</button>
            </PostForm>
            <PostForm name=staff_form("legal") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                <label for="body">"涉法涉诉：导入法律程序（受理机关）"</label>
                <select id="body" name="body">
                    {crate::cases::LEGAL_BODIES.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                </select>
                <FieldMessage echo=echo.clone() name="body" />
                <button type="submit" name="action" value="legal" class="secondary">"导入法律程序"</button>
                <button type="submit" name="action" value="discipline" class="secondary">"转纪检监察机关"</button>
            </PostForm>
        })}
        {c.may_handle.then(|| {
            let routed = s.status == CaseStatus::Routed;
            let assigned = c.routing.as_deref() == Some("assign");
            view! {
                <h2>"办理"</h2>
                {routed.then(|| view! {
                    <PostForm name=staff_form("object") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                        <button type="submit" name="action" value="accept">"受理"</button>
                        <label for="object-reason">"不属于本单位职责的，5个工作日内提出异议：理由"</label>
                        <TextArea id="object-reason" name="reason" rows=2 value=echo.value("reason") />
                        <FieldMessage echo=echo.clone() name="reason" />
                        <button type="submit" name="action" value="object" class="secondary">"提出异议"</button>
                    </PostForm>
                })}
                {(!routed).then(|| view! {
                    <PostForm name=staff_form("extend") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                        <label for="days">"延长办理期限（天，最多30日，只能延长一次）"</label>
                        <input id="days" name="days" type="number" min="1" max="30" value=echo.value("days") />
                        <FieldMessage echo=echo.clone() name="days" />
                        <label for="extend-reason">"延期理由（将告知提出人）"</label>
                        <input id="extend-reason" name="reason" value=echo.value("reason") />
                        <FieldMessage echo=echo.clone() name="reason" />
                        <button type="submit" name="action" value="extend" class="secondary">"延期"</button>
                    </PostForm>
                    <DecisionForm action=action.clone() value="decide" echo=echo.clone() report=assigned public=c.document_id.is_some() />
                })}
            }
        })}
        {c.may_decide_review.then(|| view! {
            <h2>{format!("{}决定", s.stage.label())}</h2>
            <DecisionForm action=action.clone() value="decide_review" echo=echo.clone() report=false public=false />
        })}
        {c.may_terminate.then(|| view! {
            <PostForm name=staff_form("terminate") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                <label for="terminate-reason">"依法终结的理由（法律程序已经穷尽）"</label>
                <TextArea id="terminate-reason" name="reason" rows=2 value=echo.value("reason") />
                <FieldMessage echo=echo.clone() name="reason" />
                <button type="submit" name="action" value="terminate">"依法终结"</button>
            </PostForm>
        })}
        {c.may_supervise.then(|| view! {
            <PostForm name=staff_form("supervise") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                <label for="supervise-note">"督办意见"</label>
                <input id="supervise-note" name="note" value=echo.value("note") />
                <FieldMessage echo=echo.clone() name="note" />
                <button type="submit" name="action" value="supervise" class="secondary">"督办"</button>
            </PostForm>
        })}
        {c.may_answer_supervision.then(|| view! {
            <PostForm name=staff_form("answer_supervision") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                <label for="answer-note">"回复督办"</label>
                <input id="answer-note" name="note" value=echo.value("note") />
                <FieldMessage echo=echo.clone() name="note" />
                <button type="submit" name="action" value="answer_supervision">"回复"</button>
            </PostForm>
        })}
        {c.may_reveal.then(|| {
            // A refused look stays open, so its reason is seen without opening it again.
            let open = echo.sent_by(staff_form("reveal"), &action);
            view! {
                <details open=open>
                    <summary>"查看提出人身份（将被记录）"</summary>
                    <PostForm name=staff_form("reveal") action=action.clone() echo=echo.clone() class="stacked" let:echo>
                        <label for="reveal-reason">"查看理由"</label>
                        <input id="reveal-reason" name="reason" value=echo.value("reason") />
                        <FieldMessage echo=echo.clone() name="reason" />
                        <button type="submit" name="action" value="reveal" class="secondary">"查看"</button>
                    </PostForm>
                </details>
            }
        })}
        <h2>"全过程记录"</h2>
        <ol class="steps">
            {c.steps.into_iter().map(|st| view! {
                <li>
                    <span class="meta">{format!("#{} {} {}", st.seq, format_datetime(st.at), st.actor.unwrap_or_else(|| "提出人".into()))}</span>
                    " " {st.text} {(!st.public).then_some("（内部）")}
                </li>
            }).collect_view()}
        </ol>
        <p class="meta">{format!("收到于{}", format_long_date(s.received_at))}</p>
    }
    .into_any()
}

/// The form of a staff action (`action`) on the case page: the forms' names, so the page and the
/// server agree which form a rejected action is shown in. Buttons of one form share its name.
pub fn staff_form(action: &str) -> &'static str {
    match action {
        "route" | "transfer" | "assign" => "transfer",
        "not_accept" => "not_accept",
        "legal" | "discipline" => "legal",
        "concerns" => "concerns",
        "accept" | "object" => "object",
        "extend" => "extend",
        "decide" => "decide",
        "decide_review" => "decide_review",
        "terminate" => "terminate",
        "supervise" => "supervise",
        "answer_supervision" => "answer_supervision",
        "reveal" => "reveal",
        // No form on the page: the page itself shows the error.
        _ => "unknown",
    }
}

#[component]
fn DecisionForm(action: String, value: &'static str, echo: FormEcho, report: bool, public: bool) -> impl IntoView {
    view! {
        <PostForm name=staff_form(value) action echo class="stacked" let:echo>
            <label for="decision">"处理意见"</label>
            <select id="decision" name="decision">
                {Decision::ALL.into_iter().map(|d| {
                    let selected = echo.value("decision") == d.as_str();
                    view! { <option value=d.as_str() selected=selected>{d.label()}</option> }
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="decision" />
            <label for="text">"处理意见书正文"</label>
            <TextArea id="text" name="text" rows=5 value=echo.value("text") />
            <FieldMessage echo=echo.clone() name="text" />
            <label for="basis">"法律、政策依据"</label>
            <input id="basis" name="basis" value=echo.value("basis") />
            <FieldMessage echo=echo.clone() name="basis" />
            {public.then(|| view! {
                <label for="public_answer">"公开答复（将在文件页面公布，不得含申请人的姓名、联系方式等任何信息）"</label>
                <TextArea id="public_answer" name="public_answer" rows=4 value=echo.value("public_answer") />
                <FieldMessage echo=echo.clone() name="public_answer" />
            })}
            {report.then(|| view! {
                <label for="report">"办结报告（交办件须向信访部门报送）"</label>
                <TextArea id="report" name="report" rows=4 value=echo.value("report") />
                <FieldMessage echo=echo.clone() name="report" />
            })}
            <button type="submit" name="action" value=value>"出具处理意见"</button>
        </PostForm>
    }
}
