//! `/staff/consultations/:id/correct`: the agency rewrites its unpublished draft, or corrects the
//! wording of a published one with a public note (see `correct` for what a correction may change).
use super::pages::route_id;
use super::{consultation_source, Status};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// The typed value if the form came back, else the stored one.
fn typed_or(echo: &FormEcho, name: &str, stored: &str) -> String {
    if echo.sent_by("correct", "") {
        echo.value(name)
    } else {
        stored.to_string()
    }
}

#[component]
pub fn CorrectionPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let data = Resource::new(id, |id| async move { consultation_source(id.ok_or(AppError::NotFound)?).await });
    view! {
        <Title text="更正草案" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let (s, cid) = match (data.await, id()) {
                        (Ok(s), Some(cid)) => (s, cid),
                        (Err(e), _) => return view! { <ErrorView err=e /> }.into_any(),
                        (_, None) => return view! { <ErrorView err=AppError::NotFound /> }.into_any(),
                    };
                    let draft = s.status == Status::Draft;
                    let live = draft || matches!(s.status, Status::Open | Status::Upcoming);
                    let back = if draft { format!("/consultations/{cid}") } else { format!("/staff/consultations/{cid}/window") };
                    view! {
                        <p class="crumbs"><a href=back>{if draft { "← 草稿预览" } else { "← 征求意见期与撤回" }}</a></p>
                        <h1>{if draft { "修改草稿" } else { "更正已发布的草案" }}</h1>
                        <FormMessage echo=echo.clone() />
                        {(!live).then(|| view! {
                            <p>"征求意见期已经结束或已撤回，草案不能再更正。"</p>
                        })}
                        {(live && !draft).then(|| view! {
                            <p class="hint">
                                "已发布的草案只能更正文字（错字、漏字、表述），不能增加、删除或调整条文；已收到的意见仍归属原条文。"
                                "更正说明和每处改动将在草案页面公开，不另行通知已提出意见的人。如需较大修改，请撤回后重新发布。"
                            </p>
                        })}
                        {(live && draft).then(|| view! {
                            <p class="hint">"草稿尚未发布，修改后重新识别章、节、条，不留更正记录。"</p>
                        })}
                        {live.then(|| view! {
                            <PostForm name="correct" action=format!("/staff/consultations/{cid}/correct") echo=echo.clone() class="stacked" let:echo>
                                <input type="hidden" name="seen" value=s.version.clone() />
                                <label for="title">"标题"</label>
                                <input id="title" name="title" required maxlength="200" value=typed_or(&echo, "title", &s.title) />
                                <FieldMessage echo=echo.clone() name="title" />
                                <label for="explanation">"起草说明"</label>
                                <TextArea id="explanation" name="explanation" rows=6 value=typed_or(&echo, "explanation", &s.explanation) />
                                <FieldMessage echo=echo.clone() name="explanation" />
                                <label for="full_text">"草案全文"</label>
                                <TextArea id="full_text" name="full_text" rows=20 required=true value=typed_or(&echo, "full_text", &s.full_text) />
                                <FieldMessage echo=echo.clone() name="full_text" />
                                {(!draft).then(|| view! {
                                    <label for="note">"更正说明（公开，500字以内）"</label>
                                    <TextArea id="note" name="note" rows=2 required=true value=echo.value("note") />
                                    <FieldMessage echo=echo.clone() name="note" />
                                })}
                                <button type="submit">{if draft { "保存草稿" } else { "发布更正" }}</button>
                            </PostForm>
                        })}
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}
