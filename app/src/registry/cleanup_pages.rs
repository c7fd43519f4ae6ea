//! Clean-up pages: the published clean-ups (`/cleanups`), one clean-up's list of decisions
//! (`/cleanups/:id`), and the agency's form deciding on its binding documents.
use super::cleanup::{Candidate, CleanupDetail, Decision};
use super::{cleanup_candidates, get_cleanup, list_cleanups};
use crate::clock::format_long_date;
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/cleanups`: every published clean-up, newest first.
#[component]
pub fn CleanupsPage() -> impl IntoView {
    let page = query("page");
    let found = Resource::new(move || crate::paging::from_query(page().as_deref()), list_cleanups);
    view! {
        <Title text="规范性文件清理结果" />
        <p class="crumbs"><a href="/documents">"← 规范性文件库"</a></p>
        <h1>"规范性文件清理结果"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(p) if p.cleanups.is_empty() => view! { <p>"尚未发布清理结果。"</p> }.into_any(),
                    Ok(p) => {
                        let pager = (p.pages > 1).then(|| crate::ui::pager(
                            (p.page > 1).then(|| format!("/cleanups?page={}", p.page - 1)),
                            Some(format!("第{}页，共{}页", p.page, p.pages)),
                            (p.page < p.pages).then(|| format!("/cleanups?page={}", p.page + 1)),
                            "",
                        ));
                        view! {
                            <ul class="cards">
                                {p.cleanups.into_iter().map(|c| view! {
                                    <li class="card">
                                        <h2><a href=format!("/cleanups/{}", c.id)>{c.title}</a></h2>
                                        <p class="meta">{c.agency_name}" · "{format_long_date(c.published_at)}"发布 · "{c.documents}"件"</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {pager}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/cleanups/:id`: one clean-up's decisions, as published.
#[component]
pub fn CleanupPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_cleanup(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <CleanupView d /> }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CleanupView(d: CleanupDetail) -> impl IntoView {
    let s = d.summary;
    view! {
        <Title text=s.title.clone() />
        <p class="crumbs"><a href="/cleanups">"← 清理结果"</a></p>
        <h1>{s.title}</h1>
        <p class="meta">{s.agency_name}" · "{format_long_date(s.published_at)}"发布 · 共"{s.documents}"件"</p>
        <table>
            <thead><tr><th scope="col">"文件"</th><th scope="col">"清理结论"</th><th scope="col">"理由"</th></tr></thead>
            <tbody>
                {d.items.into_iter().map(|i| view! {
                    <tr>
                        <td><a href=format!("/documents/{}", i.document.id)>{format!("{}《{}》", i.document.number, i.document.title)}</a></td>
                        <td>{i.decision.label()}</td>
                        <td>{i.reason}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/staff/documents/cleanup`: the agency decides on its documents under clean-up and publishes.
#[component]
pub fn StaffCleanupPage() -> impl IntoView {
    let echo = use_echo();
    let docs = Resource::new(|| (), |_| cleanup_candidates());
    view! {
        <Title text="发布清理结果" />
        <h1>"发布清理结果"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match docs.await {
                        Ok(d) if d.is_empty() => view! {
                            <p>"本单位没有现行有效的规范性文件，无须清理。"</p>
                        }.into_any(),
                        Ok(d) => view! { <CleanupForm docs=d echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CleanupForm(docs: Vec<Candidate>, echo: FormEcho) -> impl IntoView {
    view! {
        <p>"本单位现行有效的文件逐件列出（已列为“拟清理”的在前）。对本次清理的文件作出结论并说明理由；不作结论的文件不列入本次清理结果。发布后结论立即生效并向社会公布：继续有效的保持（或恢复）有效，废止、宣布失效的立即变更状态，需修改的列为“拟清理”，在修改文件登记后变更。"</p>
        <PostForm name="cleanup" action="/staff/documents/cleanup" echo class="stacked" let:echo>
            <label for="title">"标题"</label>
            <input id="title" name="title" required maxlength="200" value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            {docs.into_iter().map(|c| {
                let (d, status) = (c.document, c.status);
                let (decision, reason) = (format!("decision_{}", d.id), format!("reason_{}", d.id));
                let chosen = echo.value(&decision);
                view! {
                    <fieldset>
                        <legend>
                            <a href=format!("/documents/{}", d.id)>{format!("{}《{}》", d.number, d.title)}</a>
                            " "<span class="meta">{format!("（{}）", status.label())}</span>
                        </legend>
                        <label for=decision.clone()>"清理结论"</label>
                        <select id=decision.clone() name=decision.clone()>
                            <option value="">"本次不作结论"</option>
                            {Decision::ALL.into_iter().map(|k| view! {
                                <option value=k.as_str() selected=chosen == k.as_str()>{k.label()}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" role="alert">{echo.error(&decision)}</p>
                        <label for=reason.clone()>"理由（公开）"</label>
                        <TextArea id=reason.clone() name=reason.clone() rows=2 value=echo.value(&reason) />
                        <p class="field-error" role="alert">{echo.error(&reason)}</p>
                    </fieldset>
                }
            }).collect_view()}
            <button type="submit">"发布清理结果"</button>
        </PostForm>
    }
}
