//! The pages of legislative project proposals: the calls (`/legislation`), one call with its
//! proposal form, published proposals and, once out, the outcome and the plan (`/legislation/:id`),
//! and the legal-affairs office's pages (`/staff/legislation`, `/staff/legislation/:id`).
use super::{
    get_call, list_calls, manages_calls, viewer_of_call, work_on_call, CallDetail, CallSummary, CallViewer, CallWork,
    Disposition, PlanItem, PlanKind, ProposalStatus,
};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

fn window(s: &CallSummary) -> String {
    let state = match (&s.published_on, s.open, s.upcoming) {
        (Some(on), _, _) => format!("结果已于{on}公布"),
        (None, true, _) => "征集中".to_string(),
        (None, false, true) => format!("尚未开始，{}起征集", s.opens_on),
        (None, false, false) => "征集已截止，结果待公布".to_string(),
    };
    format!("{}年度 · 征集期{}至{} · {state} · 公开建议{}条", s.plan_year, s.opens_on, s.closes_on, s.proposals)
}

fn pager(base: &str, page: u32, pages: u32) -> Option<impl IntoView> {
    (pages > 1).then(|| {
        crate::ui::pager(
            (page > 1).then(|| format!("{base}?page={}", page - 1)),
            Some(format!("第{page}页，共{pages}页")),
            (page < pages).then(|| format!("{base}?page={}", page + 1)),
            "",
        )
    })
}

/// `/legislation`: every call, newest first.
#[component]
pub fn CallsPage() -> impl IntoView {
    let page = query("page");
    let found = Resource::new(move || crate::paging::from_query(page().as_deref()), list_calls);
    view! {
        <Title text="立法项目建议征集" />
        <h1>"立法项目建议征集"</h1>
        <p>"编制年度立法计划前，向社会公开征集立法项目建议。征集结束后公布每条建议的处理结果和立法计划。"</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(p) if p.calls.is_empty() => view! { <p>"尚无征集。"</p> }.into_any(),
                    Ok(p) => view! {
                        <ul class="cards">
                            {p.calls.into_iter().map(|c| view! {
                                <li class="card">
                                    <h2><a href=format!("/legislation/{}", c.id)>{c.title.clone()}</a></h2>
                                    <p class="meta">{window(&c)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                        {pager("/legislation", p.page, p.pages)}
                    }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/legislation/:id`: a call, its form, its published proposals, and the outcome with the plan.
#[component]
pub fn CallPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let page = query("page");
    let echo = use_echo();
    let detail = Resource::new(
        move || (id(), crate::paging::from_query(page().as_deref())),
        |(id, page)| async move {
            match id {
                Some(id) => Ok((get_call(id, page).await?, viewer_of_call(id).await?)),
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok((d, v)) => view! { <CallView d v echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CallView(d: CallDetail, v: CallViewer, echo: FormEcho) -> impl IntoView {
    let s = d.summary.clone();
    let id = s.id;
    let items = d.plan.clone();
    let item_title = move |i: Option<i64>| {
        i.and_then(|i| items.iter().find(|p| p.id == i))
            .map(|p| format!("（计划项目：{}）", p.title))
            .unwrap_or_default()
    };
    let action = format!("/legislation/{id}/proposals");
    let may_propose = s.open && v.citizen;
    // A proposal sent to a call that no longer takes one (closed meanwhile, or the session ended):
    // what was typed is shown to be kept, with the reason above it.
    let unsent = (!may_propose && echo.sent_by("proposal", &action)).then(|| {
        let text = ["subject", "problem", "approach"].map(|f| echo.value(f)).join("\n\n");
        view! {
            <section aria-labelledby="unsent-title">
                <h2 id="unsent-title"><label for="unsent">"你填写的内容（未提交）"</label></h2>
                <TextArea id="unsent" name="" rows=6 readonly=true value=text />
            </section>
        }
    });
    // Only after a proposal of the viewer's own (the link alone proves nothing).
    let sent = (query("sent")().is_some() && !v.own.is_empty()).then(|| view! {
        <p class="alert alert-success" role="status">"已收到你的建议。审核后公开，结果公布时会通知你；回执号见“我提出的建议”。"</p>
    });
    let linkable = v.linkable.clone();
    view! {
        <Title text=s.title.clone() />
        <p class="crumbs"><a href="/legislation">"← 立法项目建议征集"</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="meta">{window(&s)}</p>
        <FormMessage echo=echo.clone() />
        {sent}
        {unsent}
        {v.manages.then(|| view! { <p><a href=format!("/staff/legislation/{id}")>"办理本次征集"</a></p> })}
        <p class="prose">{d.description.clone()}</p>
        {d.outcome.clone().map(|o| view! {
            <section aria-labelledby="outcome-title">
                <h2 id="outcome-title">"征集情况和立法计划"</h2>
                <p class="prose">{o}</p>
                <PlanTable plan=d.plan.clone() linkable=linkable.iter().map(|l| l.0).collect() echo=echo.clone() call=id />
                {(!linkable.is_empty()).then(|| view! { <LinkForm id items=linkable.clone() echo=echo.clone() /> })}
            </section>
        })}
        <Own v=v.clone() />
        {may_propose.then(|| view! { <ProposalForm id echo=echo.clone() /> })}
        {(s.open && !v.citizen && !v.manages).then(|| view! {
            <p class="alert alert-info" role="note">
                <a href=format!("/login?next=/legislation/{id}")>"登录"</a>"后即可提出立法项目建议。"
            </p>
        })}
        <section aria-labelledby="proposals-title">
            <h2 id="proposals-title">{format!("公开的建议（{}条）", s.proposals)}</h2>
            {d.proposals.is_empty().then(|| view! { <p>"尚无公开的建议。"</p> })}
            <ol class="cards">
                {d.proposals.into_iter().map(|p| {
                    let outcome = p.disposition.map(|dsp| format!(
                        "{}{}{}",
                        dsp.label(),
                        item_title(p.plan_item),
                        p.disposition_reason.clone().map(|r| format!("：{r}")).unwrap_or_default(),
                    ));
                    view! {
                        <li class="card">
                            <h3>{p.subject}</h3>
                            <p class="meta">{p.submitted_on}"提出"</p>
                            <p class="prose"><strong>"必要性和要解决的问题："</strong>{p.problem}</p>
                            {(!p.approach.is_empty()).then(|| view! {
                                <p class="prose"><strong>"主要制度设想："</strong>{p.approach.clone()}</p>
                            })}
                            {outcome.map(|o| view! { <p><strong>"处理结果："</strong>{o}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {pager(&format!("/legislation/{id}"), d.page, d.pages)}
        </section>
    }
}

#[component]
fn Own(v: CallViewer) -> impl IntoView {
    (!v.own.is_empty()).then(|| {
        view! {
            <section aria-labelledby="own-title">
                <h2 id="own-title">"我提出的建议"</h2>
                <ul>
                    {v.own.into_iter().map(|p| {
                        let status = match (p.status, p.disposition) {
                            (_, Some(d)) => format!(
                                "处理结果：{}{}",
                                d.label(),
                                p.disposition_reason.clone().map(|r| format!("：{r}")).unwrap_or_default()
                            ),
                            (ProposalStatus::Rejected, _) => format!(
                                "未予公开：{}",
                                p.moderation_reason.clone().unwrap_or_default()
                            ),
                            (s, None) => s.label().to_string(),
                        };
                        view! { <li>{format!("{}（回执号 {}，{}提出）— {status}", p.subject, p.receipt, p.submitted_on)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn ProposalForm(id: i64, echo: FormEcho) -> impl IntoView {
    view! {
        <section aria-labelledby="propose-title">
            <h2 id="propose-title">"提出立法项目建议"</h2>
            <p>"建议经审核后公开，公开时不显示提出人。提交后会给出回执号。"</p>
            <PostForm name="proposal" action=format!("/legislation/{id}/proposals") echo class="stacked" let:echo>
                <label for="subject">"建议项目名称"</label>
                <input id="subject" name="subject" required maxlength="200" value=echo.value("subject") />
                <FieldMessage echo=echo.clone() name="subject" />
                <label for="problem">"立法的必要性和要解决的问题"</label>
                <TextArea id="problem" name="problem" rows=5 required=true value=echo.value("problem") />
                <FieldMessage echo=echo.clone() name="problem" />
                <label for="approach">"主要制度设想（可不填）"</label>
                <TextArea id="approach" name="approach" rows=4 value=echo.value("approach") />
                <FieldMessage echo=echo.clone() name="approach" />
                <button type="submit">"提交建议"</button>
            </PostForm>
        </section>
    }
}

/// The drafting body (or the office) links a consultation on the item's draft.
#[component]
fn LinkForm(id: i64, items: Vec<(i64, String)>, echo: FormEcho) -> impl IntoView {
    view! {
        <PostForm name="link" action="/staff/legislation/link" echo class="stacked narrow" let:echo>
            <h3>"关联起草中的征求意见"</h3>
            <input type="hidden" name="call" value=id.to_string() />
            <label for="link_item">"计划项目"</label>
            <select id="link_item" name="item">
                {items.into_iter().map(|(i, t)| view! { <option value=i.to_string() selected=echo.value("item") == i.to_string()>{t}</option> }).collect_view()}
            </select>
            <label for="consultation">"征求意见编号（征求意见页面地址中的数字）"</label>
            <input id="consultation" name="consultation" inputmode="numeric" required value=echo.value("consultation") />
            <FieldMessage echo=echo.clone() name="consultation" />
            <button type="submit">"关联"</button>
        </PostForm>
    }
}

/// The plan; `linkable`: items whose links the viewer may undo (with `echo` for those forms).
#[component]
fn PlanTable(
    plan: Vec<PlanItem>,
    #[prop(optional)] linkable: Vec<i64>,
    #[prop(optional)] echo: Option<FormEcho>,
    /// The call, for the page an undo's error is shown on.
    #[prop(optional)]
    call: i64,
) -> impl IntoView {
    if plan.is_empty() {
        return view! { <p>"立法计划尚无项目。"</p> }.into_any();
    }
    view! {
        <table>
            <thead><tr><th scope="col">"项目"</th><th scope="col">"类别"</th><th scope="col">"起草单位"</th><th scope="col">"征求意见"</th></tr></thead>
            <tbody>
                {plan.into_iter().map(|i| view! {
                    <tr>
                        <td>{i.title}{(!i.note.is_empty()).then(|| view! { <br /><small>{i.note.clone()}</small> })}</td>
                        <td>{i.kind.label()}</td>
                        <td>{i.agency_name}</td>
                        <td>
                            {if i.consultations.is_empty() { view! { "尚未起草" }.into_any() } else {
                                let item = i.id;
                                let undo = linkable.contains(&item).then(|| echo.clone()).flatten();
                                i.consultations.into_iter().map(|c| {
                                    let undo = undo.clone().map(|echo| view! {
                                        <PostForm name=format!("unlink_{item}_{}", c.consultation_id) action="/staff/legislation/unlink" echo class="inline" let:_echo>
                                            <input type="hidden" name="call" value=call.to_string() />
                                            <input type="hidden" name="item" value=item.to_string() />
                                            <input type="hidden" name="consultation" value=c.consultation_id.to_string() />
                                            <button type="submit" class="secondary">"取消关联"</button>
                                        </PostForm>
                                    });
                                    view! {
                                        <a href=format!("/consultations/{}", c.consultation_id)>{c.title}</a>" "{undo}
                                    }
                                }).collect_view().into_any()
                            }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

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
        <PlanTable plan=w.plan.clone() />
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
        })}
    }
}
