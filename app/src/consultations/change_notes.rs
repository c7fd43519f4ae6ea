//! What a draft's page says of the changes made to it after publication: extensions, a withdrawal,
//! and corrections with what each changed.
use super::{Change, Corrected};
use crate::clock::format_long_date;
use leptos::prelude::*;

/// Each change, oldest first, with its public reason.
#[component]
pub fn ChangeNotes(id: i64, changes: Vec<Change>) -> impl IntoView {
    changes
        .into_iter()
        .map(|c| {
            let text = match (c.kind.as_str(), c.to_closes_at) {
                ("extended", Some(to)) => {
                    format!(
                        "{}：征求意见期延长至{}。理由：{}",
                        format_long_date(c.at),
                        format_long_date(to - 1),
                        c.note
                    )
                }
                ("corrected", _) => format!("{}：起草单位更正了草案。更正说明：{}", format_long_date(c.at), c.note),
                _ => format!("{}：起草单位撤回本次征求意见。理由：{}", format_long_date(c.at), c.note),
            };
            let parts = (!c.corrected.is_empty())
                .then(|| view! { <CorrectedParts page=format!("/consultations/{id}") parts=c.corrected /> });
            view! { <div class="alert alert-warn change" role="note"><p>{text}</p>{parts}</div> }
        })
        .collect_view()
        .into_any()
}

/// What a correction changed, part by part, removed text struck through and added text marked; an
/// article's name links to it on `page`.
#[component]
pub fn CorrectedParts(page: String, parts: Vec<Corrected>) -> impl IntoView {
    view! {
        <details class="corrected">
            <summary>{format!("更正内容（{}处）", parts.len())}</summary>
            {parts.into_iter().map(|c| {
                let name = match &c.anchor {
                    Some(a) => view! { <a href=format!("{page}#{a}")>{c.part.clone()}</a> }.into_any(),
                    None => view! { <span>{c.part.clone()}</span> }.into_any(),
                };
                view! {
                    <div class="corrected-part">
                        <h3>{name}</h3>
                        {crate::ui::diff_pieces(c.pieces)}
                    </div>
                }
            }).collect_view()}
        </details>
    }
    .into_any()
}
