//! The search page: a plain GET form, facet links, highlighted snippets, paging.
use super::{kind_label, run_search, FacetCount, Hit, SearchParams, SearchResults};
use crate::clock::format_date;
use crate::error::AppError;
use crate::ui::{encode_query, ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn params_from_query() -> SearchParams {
    let q = use_query_map();
    let q = q.read_untracked();
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
    SearchParams {
        q: get("q").unwrap_or_default(),
        kind: get("kind"),
        agency: get("agency").and_then(|v| v.parse().ok()),
        consultation: get("consultation").and_then(|v| v.parse().ok()),
        article: get("article"),
        status: get("status"),
        from: get("from"),
        to: get("to"),
        sort: get("sort"),
        page: crate::paging::from_query(get("page").as_deref()),
    }
}

/// `/search?…` for these parameters.
fn href(p: &SearchParams) -> String {
    let mut parts = vec![format!("q={}", encode_query(&p.q))];
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{k}={}", encode_query(&v)));
        }
    };
    add("kind", p.kind.clone());
    add("agency", p.agency.map(|a| a.to_string()));
    add("consultation", p.consultation.map(|c| c.to_string()));
    add("article", p.article.clone());
    add("status", p.status.clone());
    add("from", p.from.clone());
    add("to", p.to.clone());
    add("sort", p.sort.clone());
    add("page", p.page.filter(|n| *n > 1).map(|n| n.to_string()));
    format!("/search?{}", parts.join("&"))
}

/// Search everything the viewer may see.
#[component]
pub fn SearchPage() -> impl IntoView {
    let params = params_from_query();
    let p = params.clone();
    let results = Resource::new(move || p.clone(), run_search);
    view! {
        <Title text="搜索" />
        <h1>"搜索"</h1>
        <Suspense fallback=Loading>
            {move || {
                let params = params.clone();
                Suspend::new(async move {
                    match results.await {
                        Ok(results) => view! { <LiveSearch params results /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The search form and results. Without JavaScript it is a GET form; once the island hydrates,
/// results follow the words as they are typed.
#[island]
fn LiveSearch(params: SearchParams, results: SearchResults) -> impl IntoView {
    let by_date = params.sort.as_deref() == Some("date");
    let shown = RwSignal::new((params.clone(), Ok::<_, AppError>(results)));
    let latest = StoredValue::new(0u64);
    let base = params.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let p = SearchParams { q: event_target_value(&ev), page: None, ..base.clone() };
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let r = run_search(p.clone()).await;
            // Answers can arrive out of order; only the newest question's answer is shown.
            if latest.get_value() == ticket {
                shown.set((p, r));
            }
        });
    };
    view! {
        <form method="get" action="/search" class="search-form" role="search">
            <input name="q" type="search" aria-label="搜索词" autocomplete="off"
                placeholder="如：电动自行车 充电、长政发〔2026〕12号" value=params.q.clone() on:input=on_input />
            {params.kind.clone().map(|k| view! { <input type="hidden" name="kind" value=k /> })}
            <select name="sort" aria-label="排序">
                <option value="relevance" selected=!by_date>"按相关度"</option>
                <option value="date" selected=by_date>"按时间"</option>
            </select>
            <label class="inline-date">"从" <input type="date" name="from" value=params.from.clone().unwrap_or_default() /></label>
            <label class="inline-date">"至" <input type="date" name="to" value=params.to.clone().unwrap_or_default() /></label>
            <button type="submit">"搜索"</button>
        </form>
        {move || {
            let (params, results) = shown.get();
            match results {
                Ok(r) => view! { <Results r params /> }.into_any(),
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
            }
        }}
    }
}

#[component]
fn Results(r: SearchResults, params: SearchParams) -> impl IntoView {
    let pages = r.total.div_ceil(r.per_page as usize).max(1) as u32;
    let (prev, next) = (
        (r.page > 1).then(|| href(&SearchParams { page: Some(r.page - 1), ..params.clone() })),
        (r.page < pages).then(|| href(&SearchParams { page: Some(r.page + 1), ..params.clone() })),
    );
    let links = |items: &[FacetCount], with: &dyn Fn(&FacetCount) -> SearchParams| -> Vec<(String, String)> {
        items.iter().map(|f| (href(&with(f)), format!("{}（{}）", f.label, f.count))).collect()
    };
    let kinds = links(&r.kinds, &|f| SearchParams { kind: Some(f.value.clone()), page: None, ..params.clone() });
    let agencies = links(&r.agencies, &|f| SearchParams { agency: f.value.parse().ok(), page: None, ..params.clone() });
    view! {
        <p class="meta" id="result-count">"共找到 " {r.total} " 条结果"</p>
        <div class="facets">
            <FacetList title="类型" items=kinds />
            <FacetList title="单位" items=agencies />
        </div>
        <ol class="hits">{r.hits.into_iter().map(|h| view! { <HitView h /> }).collect_view()}</ol>
        <nav class="pager" aria-label="分页">
            {prev.map(|u| view! { <a href=u rel="prev">"上一页"</a> })}
            <span>{format!("第{}页 / 共{}页", r.page, pages)}</span>
            {next.map(|u| view! { <a href=u rel="next">"下一页"</a> })}
        </nav>
    }
}

#[component]
fn FacetList(title: &'static str, items: Vec<(String, String)>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <div class="facet">
                <strong>{title}</strong>
                {items.into_iter().map(|(href, text)| view! { <a href=href>{text}</a> }).collect_view()}
            </div>
        }
    })
}

#[component]
fn HitView(h: Hit) -> impl IntoView {
    let status = h.status.as_deref().and_then(crate::comments::status::CommentStatus::parse).map(|s| s.label());
    view! {
        <li class="hit">
            <p class="meta">
                <span class="kind">{kind_label(&h.kind)}</span>
                " · " {format_date(h.created_at)}
                {status.map(|s| view! { " · " <span class="status">{s}</span> })}
            </p>
            <a class="hit-title" href=h.url>{h.title}</a>
            <p class="snippet">
                {h.snippet.into_iter().map(|s| if s.hit {
                    view! { <mark>{s.text}</mark> }.into_any()
                } else {
                    s.text.into_any()
                }).collect_view()}
            </p>
        </li>
    }
}
