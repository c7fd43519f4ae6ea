//! A document's text as its page shows it: parsed into articles like a draft, each article with a
//! stable anchor (`#a12` for 第十二条) so that one article can be cited, and the 编/章/节 headings
//! where they begin. Text with no articles (a decision's numbered points) is shown line by line.
use crate::consultations::structure::{parse_draft, BlockKind};
use leptos::prelude::*;

/// `text` parsed into articles; `anchored`: give each article its anchor (the current text only,
/// so that an address like `/documents/7#a3` names one place on the page).
#[component]
pub fn DocumentText(text: String, anchored: bool) -> impl IntoView {
    let parsed = parse_draft(&text);
    if !parsed.blocks.iter().any(|b| b.kind == BlockKind::Article) {
        return view! {
            <div class="full-text">{text.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
        }
        .into_any();
    }
    let mut open: [Option<String>; 3] = [None, None, None];
    let blocks = parsed
        .blocks
        .into_iter()
        .map(|b| {
            // A heading is shown where it begins (the same chapter over several articles once).
            let headings: Vec<String> = [b.part.clone(), b.chapter.clone(), b.section.clone()]
                .into_iter()
                .enumerate()
                .filter_map(|(level, h)| {
                    let changed = h.is_some() && open[level] != h;
                    open[level] = h.clone();
                    if changed {
                        h
                    } else {
                        None
                    }
                })
                .collect();
            let mut lines = b.body.lines().map(str::to_string);
            let first = lines.next().unwrap_or_default();
            let rest: Vec<String> = lines.collect();
            let article = b.kind == BlockKind::Article;
            let id = (anchored && article).then(|| b.anchor.clone());
            let href = format!("#{}", b.anchor);
            view! {
                {headings.into_iter().map(|h| view! { <p class="heading"><strong>{h}</strong></p> }).collect_view()}
                <div class="article" id=id>
                    <p>
                        {article.then(|| view! {
                            {if anchored {
                                view! { <a class="article-label" href=href>{b.label.clone()}</a> }.into_any()
                            } else {
                                view! { <strong>{b.label.clone()}</strong> }.into_any()
                            }}
                            "　"
                        })}
                        {first}
                    </p>
                    {rest.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                </div>
            }
        })
        .collect_view();
    view! { <div class="full-text">{blocks}</div> }.into_any()
}
