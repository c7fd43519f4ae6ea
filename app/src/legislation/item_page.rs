//! `/legislation/items/:id`: one item of a published legislative plan, with where it came from
//! (its call, the proposals included in it) and where it went (the consultations on its draft, the
//! documents registered from them): the chain proposal → plan → draft → document in one place.
use super::{get_plan_item, PlanItemDetail};
use crate::error::AppError;
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PlanItemPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_plan_item(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <PlanItemView d /> }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlanItemView(d: PlanItemDetail) -> impl IntoView {
    let i = d.item;
    view! {
        <Title text=format!("{}（{}年度立法计划）", i.title, d.plan_year) />
        <p class="crumbs"><a href=format!("/legislation/{}#item{}", d.call_id, i.id)>{format!("← {}", d.call_title)}</a></p>
        <h1>{i.title.clone()}</h1>
        <dl class="facts">
            <dt>"立法计划"</dt><dd>{format!("{}年度", d.plan_year)}</dd>
            <dt>"类别"</dt><dd>{i.kind.label()}</dd>
            <dt>"起草单位"</dt><dd>{i.agency_name.clone()}</dd>
        </dl>
        {(!i.note.is_empty()).then(|| view! { <p class="prose">{i.note.clone()}</p> })}
        <section aria-labelledby="drafts-title">
            <h2 id="drafts-title">"起草和征求意见"</h2>
            {if i.consultations.is_empty() {
                view! { <p>"尚未起草。"</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {i.consultations.into_iter().map(|c| view! {
                            <li><a href=format!("/consultations/{}", c.consultation_id)>{c.title}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!d.documents.is_empty()).then(|| view! {
            <section aria-labelledby="documents-title">
                <h2 id="documents-title">"据此制定的规范性文件"</h2>
                <ul>
                    {d.documents.into_iter().map(|doc| view! {
                        <li>
                            <a href=format!("/documents/{}", doc.id)>{format!("{}《{}》", doc.number, doc.title)}</a>
                            {(!doc.binding).then_some("（已不再有效）")}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section aria-labelledby="origin-title">
            <h2 id="origin-title">{format!("列入本项目的公众建议（{}条）", d.proposals.len())}</h2>
            {d.proposals.is_empty().then(|| view! { <p>"本项目不是根据公众建议列入的。"</p> })}
            <ol class="cards">
                {d.proposals.into_iter().map(|p| view! {
                    <li class="card">
                        <h3>{p.subject}</h3>
                        <p class="meta">{p.submitted_on}"提出"</p>
                        <p class="prose"><strong>"必要性和要解决的问题："</strong>{p.problem}</p>
                        {(!p.approach.is_empty()).then(|| view! {
                            <p class="prose"><strong>"主要制度设想："</strong>{p.approach.clone()}</p>
                        })}
                        {p.disposition_reason.map(|r| view! { <p><strong>"处理意见："</strong>{r}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
