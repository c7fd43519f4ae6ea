//! The search page: a plain GET form, facet links, highlighted snippets, paging.
use super::{hint, kind_label, run_search, FacetCount, Hit, SearchHint, SearchParams, SearchResults};
use crate::clock::format_long_date;
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

/// The address the live search shows for what is typed: the page the form would submit to, so it
/// can be shared and bookmarked, except that a receipt or case number (private) is left out.
pub(crate) fn live_address(base: &SearchParams, typed: &str) -> String {
    let q = if hint::may_be_private(typed) { String::new() } else { typed.to_string() };
    href(&SearchParams { q, page: None, ..base.clone() })
}

/// Replace the address bar's entry (not a new one per keystroke: Back leaves the search).
fn show_address(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
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
                        Ok(results) => view! { <LiveSearch params results=Ok(results) /> }.into_any(),
                        // Words that cannot be searched (too long): the form again, with them and why.
                        Err(e @ AppError::Invalid(_)) => {
                            crate::ui::answer_status(&e);
                            view! { <LiveSearch params results=Err(e) /> }.into_any()
                        }
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
fn LiveSearch(params: SearchParams, results: Result<SearchResults, AppError>) -> impl IntoView {
    let by_date = params.sort.as_deref() == Some("date");
    let shown = RwSignal::new((params.clone(), results));
    let latest = StoredValue::new(0u64);
    let base = params.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let address = live_address(&base, &typed);
        let p = SearchParams { q: typed, page: None, ..base.clone() };
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let r = run_search(p.clone()).await;
            // Answers can arrive out of order; only the newest question's answer is shown.
            if latest.get_value() == ticket {
                if r.is_ok() {
                    show_address(&address);
                }
                shown.set((p, r));
            }
        });
    };
    // Filters chosen by link ride along with the words, with or without JavaScript.
    let hidden = [
        ("kind", params.kind.clone()),
        ("agency", params.agency.map(|a| a.to_string())),
        ("consultation", params.consultation.map(|c| c.to_string())),
        ("article", params.article.clone()),
        ("status", params.status.clone()),
    ];
    view! {
        <form method="get" action="/search" class="search-form" role="search">
            <input name="q" type="search" aria-label="搜索词" autocomplete="off" maxlength="200"
                placeholder="如：电动自行车 充电、长政发〔2026〕12号" value=params.q.clone() on:input=on_input />
            {hidden.into_iter().filter_map(|(name, v)| v.map(|value| view! { <input type="hidden" name=name value=value /> })).collect_view()}
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

/// One value of a facet as a link: its text with the count, and whether it is the one chosen.
struct FacetLink {
    href: String,
    text: String,
    current: bool,
}

#[component]
fn Results(r: SearchResults, params: SearchParams) -> impl IntoView {
    if let Some(h) = r.hint {
        return view! { <HintView h /> }.into_any();
    }
    let pages = r.total.div_ceil(r.per_page as usize).max(1) as u32;
    let (prev, next) = (
        (r.page > 1).then(|| href(&SearchParams { page: Some(r.page - 1), ..params.clone() })),
        (r.page < pages).then(|| href(&SearchParams { page: Some(r.page + 1), ..params.clone() })),
    );
    let kinds = facet_links(&r.kinds, params.kind.clone(), &|v| SearchParams { kind: v, page: None, ..params.clone() });
    let agencies = facet_links(&r.agencies, params.agency.map(|a| a.to_string()), &|v| SearchParams {
        agency: v.and_then(|a| a.parse().ok()),
        page: None,
        ..params.clone()
    });
    view! {
        <p class="meta" id="result-count">"共找到 " {r.total} " 条结果"</p>
        <div class="facets">
            <FacetList title="类型" id="facet-kind" items=kinds />
            <FacetList title="单位" id="facet-agency" items=agencies />
        </div>
        <ol class="hits">{r.hits.into_iter().map(|h| view! { <HitView h /> }).collect_view()}</ol>
        {crate::ui::pager(prev, Some(format!("第{}页 / 共{}页", r.page, pages)), next, "")}
    }
    .into_any()
}

/// A facet's values as links narrowing the search, each reading "意见（4）"; once one is chosen,
/// a first link "不限" widens it again.
fn facet_links(
    items: &[FacetCount],
    chosen: Option<String>,
    with: &dyn Fn(Option<String>) -> SearchParams,
) -> Vec<FacetLink> {
    let widen = chosen.as_ref().map(|_| FacetLink { href: href(&with(None)), text: "不限".into(), current: false });
    let values = items.iter().map(|f| FacetLink {
        href: href(&with(Some(f.value.clone()))),
        text: format!("{}（{}）", f.label, f.count),
        current: chosen.as_deref() == Some(f.value.as_str()),
    });
    widen.into_iter().chain(values).collect()
}

/// A labelled list, so that each value is its own item to a screen reader, with a visible " · "
/// between values (hidden from screen readers) so that they never run together as text.
#[component]
fn FacetList(title: &'static str, id: &'static str, items: Vec<FacetLink>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <div class="facet">
                <span class="facet-title" id=id>{title} "："</span>
                <ul aria-labelledby=id>
                    {items.into_iter().enumerate().map(|(i, f)| view! {
                        <li>
                            {(i > 0).then(|| view! { <span class="sep" aria-hidden="true">" · "</span> })}
                            <a href=f.href aria-current=f.current.then_some("true")>{f.text}</a>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// Where a receipt or case number is looked up, in place of results; the link is only the page.
#[component]
fn HintView(h: SearchHint) -> impl IntoView {
    let (before, after) = match h.message.split_once(&h.link_text) {
        Some((b, a)) => (b.to_string(), a.to_string()),
        None => (format!("{}：", h.message), String::new()),
    };
    view! {
        <div class="alert alert-info search-hint" role="status">
            <p>{before}<a href=h.href>{h.link_text}</a>{after}"。"</p>
            <p class="meta">"搜索只查找公开的内容，不查找回执编号和案件编号。"</p>
        </div>
    }
}

#[component]
fn HitView(h: Hit) -> impl IntoView {
    let status = h.status.as_deref().and_then(crate::comments::status::CommentStatus::parse).map(|s| s.label());
    view! {
        <li class="hit">
            <p class="meta">
                <span class="kind">{kind_label(&h.kind)}</span>
                " · " {format_long_date(h.created_at)}
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Vec<(String, String)> {
        let query = url.strip_prefix("/search?").expect("a search address");
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned()))
            .collect()
    }

    #[test]
    fn the_live_address_is_what_the_form_would_submit_for_the_words_typed() {
        let base = SearchParams {
            q: "旧词".into(),
            kind: Some("comment".into()),
            agency: Some(3),
            sort: Some("date".into()),
            from: Some("2026-01-01".into()),
            page: Some(4),
            ..SearchParams::default()
        };
        let url = live_address(&base, "电动车 a&b=c#d");
        let pairs = parse(&url);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("q"), Some("电动车 a&b=c#d"), "{url}");
        assert_eq!(
            (get("kind"), get("agency"), get("sort"), get("from")),
            (Some("comment"), Some("3"), Some("date"), Some("2026-01-01"))
        );
        assert_eq!(get("page"), None, "new words start at the first page");
        assert!(!url.contains('#') && !url.contains(' '), "{url}");
    }

    #[test]
    fn the_live_address_never_holds_a_receipt_or_case_number_even_half_typed() {
        let base = SearchParams::default();
        for typed in ["YJ-2026-K7M2-X9QD-3PWE", "yj2026k7", "XF-2026-000007", "停车 ts-2026"] {
            let url = live_address(&base, typed);
            assert_eq!(url, "/search?q=", "{typed:?}");
        }
        for typed in ["YJ-2026-K7M2-X9QD-3PWE", "XF-2026-000007"] {
            assert!(hint::recognise(typed).is_some() && hint::may_be_private(typed), "what is recognised is kept out");
        }
    }

    #[test]
    fn a_chosen_facet_is_marked_and_can_be_widened_again() {
        let counts = [
            FacetCount { value: "comment".into(), label: "意见".into(), count: 4 },
            FacetCount { value: "article".into(), label: "条文".into(), count: 1 },
        ];
        let base = SearchParams { q: "停车".into(), ..SearchParams::default() };
        let with = |v: Option<String>| SearchParams { kind: v, ..base.clone() };
        let open = facet_links(&counts, None, &with);
        assert_eq!(open.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["意见（4）", "条文（1）"]);
        let chosen = facet_links(&counts, Some("comment".into()), &with);
        assert_eq!((chosen[0].text.as_str(), chosen[0].href.as_str()), ("不限", "/search?q=%E5%81%9C%E8%BD%A6"));
        assert!(chosen[1].current && !chosen[2].current);
    }
}
