//! Attachments on their owner's public page (a list of downloads), and the agency's part: the
//! list with the names files were uploaded under, removal while unpublished, the form to add one.
use super::{human_size, Attachment, Shelf, MAX_FILES, MAX_FILE_BYTES, MAX_TITLE_CHARS};
use crate::clock::{format_datetime, format_long_date};
use crate::forms::{FieldMessage, FormEcho, FormMessage, PostForm};
use leptos::prelude::*;

/// The line describing an attachment: kind, title, type, size, date added.
fn described(a: &Attachment) -> String {
    let added = if a.added_after_publication {
        format!("发布后于{}补充", format_long_date(a.added_at))
    } else {
        format!("{}添加", format_long_date(a.added_at))
    };
    format!("（{}，{}，{}）", a.file_type, human_size(a.size), added)
}

/// The attachments on their owner's page, each a download link.
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

/// The agency's list of an owner's files (with the names they were uploaded under), the way to
/// remove them while the owner is unpublished, and the form to add one. `back`: the owner's page
/// and its title.
#[component]
pub fn ManageFiles(
    shelf: &'static Shelf,
    id: i64,
    back: (String, String),
    attachments: Vec<Attachment>,
    removable: bool,
    withdrawn: bool,
    echo: FormEcho,
) -> impl IntoView {
    let full = attachments.len() >= MAX_FILES;
    view! {
        <p class="crumbs"><a href=back.0>"← "{back.1}</a></p>
        <h1>"附件"</h1>
        <FormMessage echo=echo.clone() />
        <ul class="attachments">
            {attachments.into_iter().map(|a| {
                let remove = format!("{}/{}/remove", shelf.staff_page(id), a.id);
                view! {
                    <li>
                        <span class="kind">{a.kind.label()}</span>" "
                        <a href=a.url.clone() download="">{a.title.clone()}</a>
                        <span class="meta">{described(&a)}{format!(" {}", format_datetime(a.added_at))}</span>
                        {a.uploaded_as.clone().map(|n| view! { <span class="meta uploaded-as">" 上传文件："{n}</span> })}
                        {removable.then(|| view! {
                            <PostForm name=format!("remove-{}", a.id) action=remove echo=echo.clone() class="inline" let:_echo>
                                <button type="submit" class="secondary">"删除"</button>
                            </PostForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!removable).then(|| view! {
            <p class="hint">{shelf.kept}</p>
        })}
        {(!withdrawn && !full).then(|| view! { <AddForm shelf id echo /> })}
        {full.then(|| view! { <p class="hint">{format!("{}最多{MAX_FILES}个附件。", shelf.each)}</p> })}
    }
    .into_any()
}

#[component]
fn AddForm(shelf: &'static Shelf, id: i64, echo: FormEcho) -> impl IntoView {
    view! {
        <h2>"添加附件"</h2>
        <p class="hint">{format!(
            "可上传PDF、Word、Excel文档或图片，每个不超过{}MB。文件按上传原样公开，文档属性（如作者、单位）不作处理，请上传前检查；照片中的拍摄位置等信息会被去除。",
            MAX_FILE_BYTES >> 20
        )}</p>
        <PostForm name="attach" action=shelf.staff_page(id) echo multipart=true class="stacked narrow" let:echo>
            <label for="attachment-kind">"类别"</label>
            <select id="attachment-kind" name="kind">
                {shelf.kinds.iter().map(|&k| {
                    let chosen = echo.value("kind") == k.as_str();
                    view! { <option value=k.as_str() selected=chosen>{k.label()}</option> }
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="kind" />
            <label for="attachment-title">"标题（公开）"</label>
            <input id="attachment-title" name="title" required maxlength=MAX_TITLE_CHARS.to_string() value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            <label for="attachment-file">"文件"</label>
            <input id="attachment-file" name="file" type="file" required accept=crate::cases::ACCEPTED_FILES />
            <FieldMessage echo=echo.clone() name="file" />
            <button type="submit">"上传"</button>
        </PostForm>
    }
    .into_any()
}
