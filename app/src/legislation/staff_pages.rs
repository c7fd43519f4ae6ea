//! The legal-affairs office's pages of legislative project proposals: the calls with the form to
//! open one (`/staff/legislation`), and one call's work: moderating, deciding, drawing up the plan
//! and publishing (`/staff/legislation/:id`).
use super::pages::{pager, window, PlanTable};
use super::{list_calls, manages_calls, work_on_call, CallWork, Disposition, PlanKind, ProposalStatus};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/staff/legislation`: the office opens a call; every call, to work on.
#[component]
pub fn StaffCallsPage() -> impl IntoView {
    let echo = use_echo();
    let found =
        Resource::new(|| (), |_| async move { Ok::<_, AppError>((manages_calls().await?, list_calls(None).await?)) });
    view! {
        <Title text="立法项目建议征集（办理）" />
        <h1>"立法项目建议征集（办理）"</h1>
        <FormMessage echo=echo.clone() />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match found.await {
                        Ok((false, _)) => view! {
                            <ErrorView err=AppError::Forbidden />
                            <p class="alert alert-info" role="note">"立法项目建议征集由法制机构办理（持有“法制机构工作”权限的工作人员）。"</p>
                        }.into_any(),
                        Ok((true, p)) => view! {
                            <ul>
                                {p.calls.into_iter().map(|c| view! {
                                    <li><a href=format!("/staff/legislation/{}", c.id)>{c.title.clone()}</a>" — "{window(&c)}</li>
                                }).collect_view()}
                            </ul>
                            <p><a href="/legislation">"全部征集"</a></p>
                            <NewCallForm echo />
                        }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn NewCallForm(echo: FormEcho) -> impl IntoView {
    view! {
        <h2>"发起征集"</h2>
        <PostForm name="new_call" action="/staff/legislation" echo class="stacked narrow" let:echo>
            <label for="title">"标题"</label>
            <input id="title" name="title" required maxlength="200" value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            <label for="plan_year">"计划年度"</label>
            <input id="plan_year" name="plan_year" inputmode="numeric" required value=echo.value("plan_year") />
            <FieldMessage echo=echo.clone() name="plan_year" />
            <label for="description">"征集说明（公开）"</label>
            <TextArea id="description" name="description" rows=5 required=true value=echo.value("description") />
            <FieldMessage echo=echo.clone() name="description" />
            <label for="opens_on">"开始日期"</label>
            <input id="opens_on" name="opens_on" type="date" required value=echo.value("opens_on") />
            <FieldMessage echo=echo.clone() name="opens_on" />
            <label for="closes_on">"截止日期"</label>
            <input id="closes_on" name="closes_on" type="date" required value=echo.value("closes_on") />
            <FieldMessage echo=echo.clone() name="closes_on" />
            <button type="submit">"发起征集"</button>
        </PostForm>
    }
}

/// `/staff/legislation/:id`: moderate, decide, draw up the plan and publish.
#[component]
pub fn CallWorkPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let page = query("page");
    let echo = use_echo();
    let work = Resource::new(
        move || (id(), crate::paging::from_query(page().as_deref())),
        |(id, page)| async move {
            match id {
                Some(id) => work_on_call(id, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match work.await {
                        Ok(w) => view! { <Work w echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Work(w: CallWork, echo: FormEcho) -> impl IntoView {
    let s = w.summary.clone();
    let id = s.id;
    let out = s.published_on.is_some();
    let plan = w.plan.clone();
    view! {
        <Title text=format!("办理：{}", s.title) />
        <p class="crumbs"><a href="/staff/legislation">"← 立法项目建议征集（办理）"</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="meta">{window(&s)}" · "<a href=format!("/legislation/{id}")>"公开页面"</a></p>
        <FormMessage echo=echo.clone() />
        <p>{format!("待审核{}条；已公开未作处理结果{}条；未予公开{}条（提出人在“我提出的建议”中看到理由）。", w.pending, w.undecided, w.rejected)}</p>
        <ol class="cards">
            {w.proposals.into_iter().map(|p| {
                let pid = p.id;
                let plan = plan.clone();
                view! {
                    <li class="card">
                        <h2>{p.subject.clone()}</h2>
                        <p class="meta">{format!("{} · {}提出 · {}", p.receipt, p.submitted_on, p.status.label())}</p>
                        <p class="prose"><strong>"必要性和要解决的问题："</strong>{p.problem.clone()}</p>
                        {(!p.approach.is_empty()).then(|| view! { <p class="prose"><strong>"主要制度设想："</strong>{p.approach.clone()}</p> })}
                        {p.disposition.map(|d| view! {
                            <p><strong>"处理结果："</strong>{d.label()}{p.disposition_reason.clone().map(|r| format!("：{r}"))}</p>
                        })}
                        {(!out && p.status == ProposalStatus::Pending).then(|| view! {
                            <PostForm name=format!("moderate_{pid}") action=format!("/staff/legislation/proposals/{pid}/moderate") echo=echo.clone() class="stacked narrow" let:echo>
                                <input type="hidden" name="call" value=id.to_string() />
                                <label for=format!("reason_{pid}")>"不予公开的理由（公开的不必填写）"</label>
                                <TextArea id=format!("reason_{pid}") name="reason" rows=2 value=echo.value("reason") />
                                <FieldMessage echo=echo.clone() name="reason" />
                                <button type="submit" name="decision" value="approve">"公开"</button>
                                " "
                                <button type="submit" name="decision" value="reject">"不予公开"</button>
                            </PostForm>
                        })}
                        {(!out && p.status == ProposalStatus::Approved).then(|| view! {
                            <PostForm name=format!("dispose_{pid}") action=format!("/staff/legislation/proposals/{pid}/disposition") echo=echo.clone() class="stacked narrow" let:echo>
                                <input type="hidden" name="call" value=id.to_string() />
                                <fieldset>
                                    <legend>"处理结果"</legend>
                                    {Disposition::ALL.into_iter().map(|d| view! {
                                        <label class="check">
                                            <input type="radio" name="disposition" value=d.as_str() checked=echo.value("disposition") == d.as_str() />
                                            {d.label()}
                                        </label>
                                    }).collect_view()}
                                </fieldset>
                                <FieldMessage echo=echo.clone() name="disposition" />
                                <label for=format!("item_{pid}")>"列入的计划项目"</label>
                                <select id=format!("item_{pid}") name="plan_item">
                                    <option value="">"（列入立法计划时选择）"</option>
                                    {plan.iter().map(|i| view! {
                                        <option value=i.id.to_string() selected=echo.value("plan_item") == i.id.to_string()>{i.title.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <FieldMessage echo=echo.clone() name="plan_item" />
                                <label for=format!("dreason_{pid}")>"理由（公开；调研论证、不予列入的须填写）"</label>
                                <TextArea id=format!("dreason_{pid}") name="reason" rows=2 value=echo.value("reason") />
                                <FieldMessage echo=echo.clone() name="reason" />
                                <button type="submit">"保存处理结果"</button>
                            </PostForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
        {pager(&format!("/staff/legislation/{id}"), w.page, w.pages)}
        <h2>"立法计划"</h2>
        <PlanTable plan=w.plan.clone() published=out />
        {(!out && !w.plan.is_empty()).then(|| view! {
            <ul class="plain">
                {w.plan.clone().into_iter().map(|i| {
                    let item = i.id;
                    let remove = format!("删除项目：{}", i.title);
                    view! {
                        <li>
                            <PostForm name=format!("remove_{item}") action=format!("/staff/legislation/items/{item}/remove") echo=echo.clone() class="inline" let:_echo>
                                <input type="hidden" name="call" value=id.to_string() />
                                <button type="submit" class="secondary">{remove}</button>
                            </PostForm>
                            <EditItem i=i.clone() call=id agencies=w.agencies.clone() echo=echo.clone() />
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {out.then(|| view! { <p>"立法计划已公布。起草单位开始起草后，可在"<a href=format!("/legislation/{id}")>"公开页面"</a>"关联征求意见。"</p> })}
        {(!out).then(|| view! {
            <PostForm name="plan_item" action=format!("/staff/legislation/{id}/items") echo=echo.clone() class="stacked narrow" let:echo>
                <h3>"增加计划项目"</h3>
                <label for="item_title">"项目名称"</label>
                <input id="item_title" name="title" required maxlength="200" value=echo.value("title") />
                <FieldMessage echo=echo.clone() name="title" />
                <label for="kind">"类别"</label>
                <select id="kind" name="kind">
                    {PlanKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=echo.value("kind") == k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <FieldMessage echo=echo.clone() name="kind" />
                <label for="agency">"起草单位"</label>
                <select id="agency" name="agency">
                    {w.agencies.iter().map(|(a, n)| view! { <option value=a.to_string() selected=echo.value("agency") == a.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <FieldMessage echo=echo.clone() name="agency" />
                <label for="note">"说明（公开，可不填）"</label>
                <TextArea id="note" name="note" rows=2 value=echo.value("note") />
                <FieldMessage echo=echo.clone() name="note" />
                <button type="submit">"增加项目"</button>
            </PostForm>
            <PostForm name="publish" action=format!("/staff/legislation/{id}/publish") echo=echo.clone() class="stacked narrow" let:echo>
                <h3>"公布征集结果和立法计划"</h3>
                <p>"征集截止、全部建议审核并作出处理结果后才能公布；公布后不能更改，每位提出人都会收到通知。"</p>
                <label for="outcome">"征集情况报告（公开）"</label>
                <TextArea id="outcome" name="outcome" rows=5 required=true value=echo.value("outcome") />
                <FieldMessage echo=echo.clone() name="outcome" />
                <button type="submit">"公布"</button>
            </PostForm>
            <EditCall s=s.clone() description=w.description.clone() echo=echo.clone() />
        })}
    }
}

/// Correcting a plan item before the plan is published (what was typed kept when refused).
#[component]
fn EditItem(i: super::PlanItem, call: i64, agencies: Vec<(i64, String)>, echo: FormEcho) -> impl IntoView {
    let item = i.id;
    let (name, action) = (format!("edit_item_{item}"), format!("/staff/legislation/items/{item}/edit"));
    let sent = echo.sent_by(&name, &action);
    let typed = |field: &str, stored: String| if sent { echo.value(field) } else { stored };
    let (title, kind, agency, note) = (
        typed("title", i.title.clone()),
        typed("kind", i.kind.as_str().to_string()),
        typed("agency", i.agency_id.to_string()),
        typed("note", i.note.clone()),
    );
    let ids = move |field: &str| format!("item_{item}_{field}");
    view! {
        <details open=sent>
            <summary>{format!("修改项目：{}", i.title)}</summary>
            <PostForm name=name.clone() action=action.clone() echo=echo.clone() class="stacked narrow" let:echo>
                <input type="hidden" name="call" value=call.to_string() />
                <label for=ids("title")>"项目名称"</label>
                <input id=ids("title") name="title" required maxlength="200" value=title.clone() />
                <FieldMessage echo=echo.clone() name="title" />
                <label for=ids("kind")>"类别"</label>
                <select id=ids("kind") name="kind">
                    {PlanKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <label for=ids("agency")>"起草单位"</label>
                <select id=ids("agency") name="agency">
                    {agencies.iter().map(|(a, n)| view! { <option value=a.to_string() selected=agency == a.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <FieldMessage echo=echo.clone() name="agency" />
                <label for=ids("note")>"说明（公开，可不填）"</label>
                <TextArea id=ids("note") name="note" rows=2 value=note.clone() />
                <FieldMessage echo=echo.clone() name="note" />
                <button type="submit">"保存修改"</button>
            </PostForm>
        </details>
    }
}

/// What the office typed into call `id`'s correction form when it was refused, else what is stored.
fn typed_or(echo: &FormEcho, id: i64, name: &str, stored: &str) -> String {
    if echo.sent_by("edit_call", &format!("/staff/legislation/{id}/edit")) {
        echo.value(name)
    } else {
        stored.to_string()
    }
}

/// Correcting the call before its outcome is out; withdrawing it before it opens.
#[component]
fn EditCall(s: super::CallSummary, description: String, echo: FormEcho) -> impl IntoView {
    let id = s.id;
    let (title, opens, closes) = (
        typed_or(&echo, id, "title", &s.title),
        typed_or(&echo, id, "opens_on", &s.opens_on),
        typed_or(&echo, id, "closes_on", &s.closes_on),
    );
    let description = typed_or(&echo, id, "description", &description);
    let sent = echo.sent_by("edit_call", &format!("/staff/legislation/{id}/edit"));
    view! {
        <details open=sent>
            <summary>"修改征集（标题、说明、日期）"</summary>
            <PostForm name="edit_call" action=format!("/staff/legislation/{id}/edit") echo=echo.clone() class="stacked narrow" let:echo>
                <p>"征集开始后不能修改开始日期，截止日期只能延后；结果公布后不能修改。每次修改和理由都在征集页面公开。"</p>
                <label for="call_title">"标题"</label>
                <input id="call_title" name="title" required maxlength="200" value=title.clone() />
                <FieldMessage echo=echo.clone() name="title" />
                <label for="call_description">"征集说明（公开）"</label>
                <TextArea id="call_description" name="description" rows=5 required=true value=description.clone() />
                <FieldMessage echo=echo.clone() name="description" />
                <label for="call_opens_on">"开始日期"</label>
                <input id="call_opens_on" name="opens_on" type="date" required value=opens.clone() />
                <FieldMessage echo=echo.clone() name="opens_on" />
                <label for="call_closes_on">"截止日期"</label>
                <input id="call_closes_on" name="closes_on" type="date" required value=closes.clone() />
                <FieldMessage echo=echo.clone() name="closes_on" />
                <label for="call_reason">"修改理由（与修改内容一并在征集页面公开）"</label>
                <input id="call_reason" name="reason" required maxlength="500" value=echo.value("reason") />
                <FieldMessage echo=echo.clone() name="reason" />
                <button type="submit">"保存修改"</button>
            </PostForm>
            {s.upcoming.then(|| view! {
                <PostForm name="withdraw_call" action=format!("/staff/legislation/{id}/withdraw") echo=echo.clone() class="inline" let:_echo>
                    <p>"尚未开始的征集可以撤回（撤回后不再公开）。"</p>
                    <button type="submit" class="danger">"撤回本次征集"</button>
                </PostForm>
            })}
        </details>
    }
}
