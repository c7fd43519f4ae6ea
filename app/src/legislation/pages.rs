//! The public pages of legislative project proposals: the calls (`/legislation`) and one call with
//! its proposal form, published proposals and, once out, the outcome and the plan, where the
//! drafting body links its drafts (`/legislation/:id`). The office's pages are in `staff_pages`.
use super::{get_call, list_calls, viewer_of_call, CallDetail, CallSummary, CallViewer, PlanItem, ProposalStatus};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

pub(super) fn window(s: &CallSummary) -> String {
    let state = match (&s.published_on, s.open, s.upcoming) {
        (Some(on), _, _) => format!("结果已于{on}公布"),
        (None, true, _) => "征集中".to_string(),
        (None, false, true) => format!("尚未开始，{}起征集", s.opens_on),
        (None, false, false) => "征集已截止，结果待公布".to_string(),
    };
    format!("{}年度 · 征集期{}至{} · {state} · 公开建议{}条", s.plan_year, s.opens_on, s.closes_on, s.proposals)
}

pub(super) fn pager(base: &str, page: u32, pages: u32) -> Option<impl IntoView> {
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
    let (page, proposal) = (query("page"), query("proposal"));
    let echo = use_echo();
    let detail = Resource::new(
        move || (id(), crate::paging::from_query(page().as_deref()), proposal().and_then(|p| p.parse::<i64>().ok())),
        |(id, page, proposal)| async move {
            match id {
                Some(id) => Ok((get_call(id, page, proposal).await?, viewer_of_call(id).await?)),
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
        {d.corrections.clone().into_iter().map(|c| view! {
            <div class="alert alert-warn change" role="note">
                <p>{format!("{}：立法项目建议征集单位修改了本次征集。理由：{}", crate::clock::parse_date(&c.on).map_or(c.on.clone(), crate::clock::long_date), c.reason)}</p>
                <crate::consultations::change_notes::CorrectedParts page=format!("/legislation/{id}") parts=c.parts />
            </div>
        }).collect_view()}
        <p class="prose">{d.description.clone()}</p>
        {d.outcome.clone().map(|o| view! {
            <section aria-labelledby="outcome-title">
                <h2 id="outcome-title">"征集情况和立法计划"</h2>
                <p class="prose">{o}</p>
                <PlanTable plan=d.plan.clone() published=true linkable=linkable.iter().map(|l| l.0).collect() echo=echo.clone() call=id />
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
                        <li class="card" id=format!("p{}", p.id)>
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
pub(super) fn PlanTable(
    plan: Vec<PlanItem>,
    /// Whether the plan is published: only then has each item a page to link to.
    published: bool,
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
                    <tr id=format!("item{}", i.id)>
                        <td>
                            {if published {
                                view! { <a href=format!("/legislation/items/{}", i.id)>{i.title}</a> }.into_any()
                            } else {
                                view! { <span>{i.title}</span> }.into_any()
                            }}
                            {(!i.note.is_empty()).then(|| view! { <br /><small>{i.note.clone()}</small> })}</td>
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
