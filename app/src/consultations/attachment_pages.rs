//! The attachments on a consultation's page (its public list), and the agency's page to add them
//! and to remove them while the consultation is a draft.
use super::attachments::{human_size, Attachment, AttachmentKind, MAX_FILES, MAX_FILE_BYTES, MAX_TITLE_CHARS};
use super::{Detail, Status};
use crate::clock::{format_datetime, format_long_date};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The line describing an attachment: kind, title, type, size, date added.
fn described(a: &Attachment) -> String {
    let added = if a.added_after_publication {
        format!("{}发布后补充", format_long_date(a.added_at))
    } else {
        format!("{}添加", format_long_date(a.added_at))
    };
    format!("（{}，{}，{}）", a.file_type, human_size(a.size), added)
}

/// The attachments on a draft's page, each a download link.
#[component]
pub fn AttachmentList(attachments: Vec<Attachment>) -> impl IntoView {
    (!attachments.is_empty()).then(|| {
        view! {
            <section class="attachments" aria-labelledby="attachments-title">
                <h2 id="attachments-title">"附件"</h2>
                <ul>
                    {attachments.into_iter().map(|a| view! {
                        <li>
                            <span class="kind">{a.kind.label()}</span>" "
                            <a href=a.url.clone() download="">{a.title.clone()}</a>
                            <span class="meta">{described(&a)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// One consultation of the signed-in staff member's own agency (draft or published).
#[server(endpoint = "own_consultation")]
pub async fn own_consultation(id: i64) -> Result<Detail, AppError> {
    let user = crate::state::require_viewer().await?;
    let agency = user.staff_agency()?;
    let st = crate::state::state()?;
    let d = super::store::detail_for(&st.db, id, Some(&user)).await?;
    if d.agency_id != agency {
        return Err(AppError::NotFound);
    }
    Ok(d)
}

/// `/staff/consultations/:id/files`: the agency adds attachments to its consultation (a draft or
/// published) and removes them while it is a draft.
#[component]
pub fn AttachmentsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let echo = use_echo();
    let data = Resource::new(id, |id| async move { own_consultation(id.ok_or(AppError::NotFound)?).await });
    view! {
        <Title text="附件" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Manage d echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Manage(d: Detail, echo: FormEcho) -> impl IntoView {
    let cid = d.summary.id;
    let draft = d.summary.status == Status::Draft;
    let withdrawn = d.summary.status == Status::Withdrawn;
    let full = d.attachments.len() >= MAX_FILES;
    view! {
        <p class="crumbs"><a href=format!("/consultations/{cid}")>"← "{d.summary.title.clone()}</a></p>
        <h1>"附件"</h1>
        <FormMessage echo=echo.clone() />
        <ul class="attachments">
            {d.attachments.into_iter().map(|a| {
                let remove = format!("/staff/consultations/{cid}/files/{}/remove", a.id);
                view! {
                    <li>
                        <span class="kind">{a.kind.label()}</span>" "
                        <a href=a.url.clone() download="">{a.title.clone()}</a>
                        <span class="meta">{described(&a)}{format!(" {}", format_datetime(a.added_at))}</span>
                        {a.uploaded_as.clone().map(|n| view! { <span class="meta uploaded-as">" 上传文件："{n}</span> })}
                        {draft.then(|| view! {
                            <PostForm name=format!("remove-{}", a.id) action=remove echo=echo.clone() class="inline" let:_echo>
                                <button type="submit" class="secondary">"删除"</button>
                            </PostForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!draft).then(|| view! {
            <p class="hint">"本征求意见已发布：已公开的附件不能删除。此后添加的附件将注明“发布后补充”及日期。"</p>
        })}
        {(!withdrawn && !full).then(|| view! { <AddForm cid echo /> })}
        {full.then(|| view! { <p class="hint">{format!("每项征求意见最多{MAX_FILES}个附件。")}</p> })}
    }
    .into_any()
}

#[component]
fn AddForm(cid: i64, echo: FormEcho) -> impl IntoView {
    view! {
        <h2>"添加附件"</h2>
        <p class="hint">{format!(
            "可上传PDF、Word、Excel文档或图片，每个不超过{}MB。文件按上传原样公开，文档属性（如作者、单位）不作处理，请上传前检查；照片中的拍摄位置等信息会被去除。",
            MAX_FILE_BYTES >> 20
        )}</p>
        <PostForm name="attach" action=format!("/staff/consultations/{cid}/files") echo multipart=true class="stacked narrow" let:echo>
            <label for="attachment-kind">"类别"</label>
            <select id="attachment-kind" name="kind">
                {AttachmentKind::ALL.into_iter().map(|k| {
                    let chosen = echo.value("kind") == k.as_str();
                    view! { <option value=k.as_str() selected=chosen>{k.label()}</option> }
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="kind" />
            <label for="attachment-title">"标题（公开）"</label>
            <input id="attachment-title" name="title" required maxlength=MAX_TITLE_CHARS.to_string() value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            <label for="attachment-file">"文件"</label>
            <input id="attachment-file" name="file" type="file" required accept=".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.png,.jpg,.jpeg" />
            <FieldMessage echo=echo.clone() name="file" />
            <button type="submit">"上传"</button>
        </PostForm>
    }
    .into_any()
}
