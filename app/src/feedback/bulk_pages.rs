//! The review queue's forms that act on many comments at once: one answer, or one moderation
//! decision, for the ticked comments, the whole selection, or a near-duplicate group.
use super::{Disposition, QueueFilter};
use crate::forms::{FieldMessage, FormEcho};
use crate::ui::TextArea;
use leptos::prelude::*;

/// Which bulk form a re-rendered page's messages belong to.
fn bulk_echo(echo: &FormEcho, which: &str) -> (bool, Option<Disposition>, String) {
    let mine = echo.value("bulk") == which;
    let chosen = if mine { Disposition::parse(&echo.value("disposition")) } else { None };
    (mine, chosen, if mine { echo.value("reason") } else { String::new() })
}

/// Hidden fields carrying a filter through a form.
#[allow(non_snake_case)]
fn FilterFields(filter: &QueueFilter) -> impl IntoView {
    filter.pairs().into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()
}

/// One answer for every ticked comment (the checkboxes belong to this form through `form="bulk"`).
#[component]
pub fn TickedForm(cid: i64, filter: QueueFilter, echo: FormEcho) -> impl IntoView {
    let (mine, chosen, reason) = bulk_echo(&echo, "ticked");
    view! {
        <details class="bulk" open=mine>
            <summary>"答复勾选的意见"</summary>
            <form id="bulk" method="post" action=format!("/staff/consultations/{cid}/dispose") class="dispose">
                <input type="hidden" name="scope" value="ticked" />
                {FilterFields(&filter)}
                <DispositionFields select_id="bulk-disposition".into() reason_id="bulk-reason".into() chosen reason />
                {mine.then(|| view! {
                    <FieldMessage echo=echo.clone() name="ids" />
                    <FieldMessage echo=echo.clone() name="reason" />
                })}
                <button type="submit">"答复所选意见"</button>
            </form>
        </details>
    }
}

/// One answer for every published comment the current filter selects, on every page.
#[component]
pub fn SelectionForm(cid: i64, filter: QueueFilter, answerable: u64, echo: FormEcho) -> impl IntoView {
    let (mine, chosen, reason) = bulk_echo(&echo, "selection");
    view! {
        <details class="bulk" open=mine>
            <summary>{format!("统一答复当前筛选出的全部{answerable}条已公开意见")}</summary>
            <form method="post" action=format!("/staff/consultations/{cid}/dispose") class="dispose">
                <input type="hidden" name="scope" value="selection" />
                <input type="hidden" name="expected" value=answerable.to_string() />
                {FilterFields(&filter)}
                <DispositionFields select_id="selection-disposition".into() reason_id="selection-reason".into() chosen reason />
                {mine.then(|| view! {
                    <FieldMessage echo=echo.clone() name="expected" />
                    <FieldMessage echo=echo.clone() name="reason" />
                })}
                <button type="submit">{format!("答复这{answerable}条意见")}</button>
            </form>
        </details>
    }
}

/// One answer for every published member of a near-duplicate group.
#[component]
pub fn GroupForm(cid: i64, group: i64, published: u64, echo: FormEcho) -> impl IntoView {
    let which = format!("group-{group}");
    let (mine, chosen, reason) = bulk_echo(&echo, &which);
    let filter = QueueFilter { group: Some(group), ..Default::default() };
    view! {
        <details class="bulk" open=mine>
            <summary>{format!("统一答复这组{published}条已公开的相似意见")}</summary>
            <form method="post" action=format!("/staff/consultations/{cid}/dispose") class="dispose">
                <input type="hidden" name="scope" value=which />
                <input type="hidden" name="expected" value=published.to_string() />
                {FilterFields(&filter)}
                <DispositionFields select_id=format!("group-disposition-{group}") reason_id=format!("group-reason-{group}") chosen reason />
                {mine.then(|| view! {
                    <FieldMessage echo=echo.clone() name="expected" />
                    <FieldMessage echo=echo.clone() name="reason" />
                })}
                <button type="submit">"答复整组意见"</button>
            </form>
        </details>
    }
}

/// The disposition choice and its reason, shared by every answer form.
#[component]
pub fn DispositionFields(
    select_id: String,
    reason_id: String,
    chosen: Option<Disposition>,
    reason: String,
) -> impl IntoView {
    view! {
        <label for=select_id.clone()>"采纳情况"</label>
        <select id=select_id name="disposition">
            {Disposition::ALL.into_iter().map(|d| view! {
                <option value=d.as_str() selected=chosen == Some(d)>{d.label()}</option>
            }).collect_view()}
        </select>
        <label for=reason_id.clone()>"理由（采纳的可不填）"</label>
        <TextArea id=reason_id name="reason" rows=2 value=reason />
    }
}

/// The reason and the two decisions a moderation form offers.
#[component]
fn DecisionFields(
    reason_id: String,
    reason: String,
    echo: FormEcho,
    mine: bool,
    approve: String,
    reject: String,
) -> impl IntoView {
    view! {
        <label for=reason_id.clone()>"不予公开的理由（通过的可不填）"</label>
        <input id=reason_id name="reason" maxlength="500" value=reason />
        {mine.then(|| view! {
            <FieldMessage echo=echo.clone() name="ids" />
            <FieldMessage echo=echo.clone() name="expected" />
            <FieldMessage echo=echo.clone() name="reason" />
        })}
        <button type="submit" name="decision" value="approve">{approve}</button>
        <button type="submit" name="decision" value="reject" class="secondary">{reject}</button>
    }
}

/// One moderation decision for every ticked pending comment (checkboxes with `form="bulk-moderate"`).
#[component]
pub fn ModerationTickedForm(cid: i64, filter: QueueFilter, echo: FormEcho) -> impl IntoView {
    let (mine, _, reason) = bulk_echo(&echo, "moderate-ticked");
    view! {
        <details class="bulk" open=mine>
            <summary>"审核勾选的意见"</summary>
            <form id="bulk-moderate" method="post" action=format!("/staff/consultations/{cid}/moderate") class="moderate">
                <input type="hidden" name="scope" value="ticked" />
                {FilterFields(&filter)}
                <DecisionFields reason_id="bulk-moderate-reason".into() reason echo=echo.clone() mine
                    approve="通过并公开所选意见".into() reject="所选意见不予公开".into() />
            </form>
        </details>
    }
}

/// One moderation decision for every pending comment the current filter selects, on every page.
#[component]
pub fn ModerationSelectionForm(cid: i64, filter: QueueFilter, pending: u64, echo: FormEcho) -> impl IntoView {
    let (mine, _, reason) = bulk_echo(&echo, "moderate-selection");
    view! {
        <details class="bulk" open=mine>
            <summary>{format!("统一审核当前筛选出的全部{pending}条待审核意见")}</summary>
            <form method="post" action=format!("/staff/consultations/{cid}/moderate") class="moderate">
                <input type="hidden" name="scope" value="selection" />
                <input type="hidden" name="expected" value=pending.to_string() />
                {FilterFields(&filter)}
                <DecisionFields reason_id="selection-moderate-reason".into() reason echo=echo.clone() mine
                    approve=format!("这{pending}条全部通过并公开") reject=format!("这{pending}条全部不予公开") />
            </form>
        </details>
    }
}

/// One moderation decision for every pending member of a near-duplicate group (a campaign).
#[component]
pub fn GroupModerationForm(cid: i64, group: i64, pending: u64, echo: FormEcho) -> impl IntoView {
    let which = format!("moderate-group-{group}");
    let (mine, _, reason) = bulk_echo(&echo, &which);
    let filter = QueueFilter { group: Some(group), ..Default::default() };
    view! {
        <details class="bulk" open=mine>
            <summary>{format!("统一审核这组{pending}条待审核的相似意见")}</summary>
            <form method="post" action=format!("/staff/consultations/{cid}/moderate") class="moderate">
                <input type="hidden" name="scope" value=format!("group-{group}") />
                <input type="hidden" name="expected" value=pending.to_string() />
                {FilterFields(&filter)}
                <DecisionFields reason_id=format!("group-moderate-reason-{group}") reason echo=echo.clone() mine
                    approve="整组通过并公开".into() reject="整组不予公开".into() />
            </form>
        </details>
    }
}
