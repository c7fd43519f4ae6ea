//! A consultation's attachments (起草说明, 对照表, other material): what they are, how the public
//! sees them listed on the draft's page, and the agency's page to add and remove them. The files
//! are the agency's public documents, published as uploaded (see the README); the kind of each
//! file is read from its bytes by the same sniffer as case attachments.
use super::{Detail, Status};
use crate::clock::{format_datetime, format_long_date};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Largest single file an agency attaches.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Most files on one consultation.
pub const MAX_FILES: usize = 20;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// What an attachment is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 起草说明
    Explanation,
    /// 对照表 (old and new text side by side)
    Comparison,
    /// 其他材料
    Other,
}

impl AttachmentKind {
    /// All kinds, in the order the form lists them.
    pub const ALL: [AttachmentKind; 3] =
        [AttachmentKind::Explanation, AttachmentKind::Comparison, AttachmentKind::Other];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Explanation => "explanation",
            AttachmentKind::Comparison => "comparison",
            AttachmentKind::Other => "other",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<AttachmentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Explanation => "起草说明",
            AttachmentKind::Comparison => "对照表",
            AttachmentKind::Other => "其他材料",
        }
    }
}

/// One attached file, as the public sees it listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// The file's handle (random); its download is at `url`.
    pub id: String,
    pub kind: AttachmentKind,
    pub title: String,
    /// What the file is, as read from its bytes ("PDF文档").
    pub file_type: String,
    /// The file's extension ("pdf").
    pub extension: String,
    pub size: i64,
    /// When it was attached (UTC seconds).
    pub added_at: i64,
    /// Attached after the consultation was published: shown as added then.
    pub added_after_publication: bool,
    /// Where it is downloaded: `/consultations/{id}/files/{file}`.
    pub url: String,
    /// The name the file was uploaded under (made safe): for its agency's staff only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_as: Option<String>,
}

/// A size as people read it: "1.2 MB", "35 KB".
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

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
    let id = super::pages::route_id();
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
