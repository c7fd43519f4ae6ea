//! Attachments over plain forms, for every shelf (a consultation's, a registered document's): the
//! owner's agency's staff upload one (multipart, within its own body limit and deadline) or remove
//! one while the owner is unpublished; anyone who may see the owner downloads them, always as a
//! download. Each route names its shelf and calls in here.
use super::common::{see_other, Page};
use super::upload::{read_multipart, Caps};
use crate::extract::{typed, FormPost, Limits, Refusal, StaffWork, Viewer};
use app::attachments::store::{NewAttachment, FILE_FIELD};
use app::attachments::{Shelf, MAX_FILE_BYTES};
use app::error::AppError;
use app::forms::FormEcho;
use axum::extract::{Multipart, Path};
use axum::response::Response;
use std::collections::HashMap;

/// One file per upload, of at most 20 MB.
pub const UPLOAD: Caps = Caps { file: MAX_FILE_BYTES, total: MAX_FILE_BYTES, field: FILE_FIELD };

/// Attach a file to `shelf`'s owner `id`. The rate limit and the agency are checked before the
/// body is read; a refusal comes back on the form with the kind and title kept.
async fn attach(
    shelf: &'static Shelf,
    page: Page,
    user: Result<StaffWork, Refusal>,
    limits: Limits,
    id: i64,
    form: Multipart,
) -> Response {
    let mut fields = HashMap::new();
    let result = async {
        let StaffWork(user) = user?;
        shelf.may_attach(&page.st.db, &user, id).await?;
        if page.st.disk_low() {
            tracing::error!(owner = shelf.what, "attachment refused: the data folder is below its free-space floor");
            return Err(AppError::Unavailable);
        }
        let _slot = limits.limiters.upload_slot(limits.ip)?;
        let files = read_multipart(form, &mut fields, limits.limiters.min_upload_rate, UPLOAD).await?;
        if files.len() > 1 {
            return Err(AppError::field(FILE_FIELD, "每次上传一个文件"));
        }
        let input = typed::<NewAttachment>(&fields)?;
        shelf.attach(&page.st.db, &page.st.cases.attachments, &user, id, &input, files.first()).await?;
        Ok::<_, AppError>(see_other(&shelf.staff_page(id)))
    }
    .await;
    page.settle(result, &shelf.staff_page(id), fields).await
}

/// Remove an attachment of `shelf`'s owner `id` while it is unpublished.
async fn remove(
    shelf: &'static Shelf,
    page: Page,
    user: Result<StaffWork, Refusal>,
    id: i64,
    file: String,
    mut form: FormPost<HashMap<String, String>>,
) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        form.input()?;
        shelf.remove(&page.st.db, &page.st.cases.attachments, &user, id, &file).await?;
        Ok::<_, AppError>(see_other(&shelf.staff_page(id)))
    }
    .await;
    page.settle(result, &shelf.staff_page(id), form.fields).await
}

/// An attachment of `shelf`'s owner `id`, for whoever may see the owner (an unpublished one's only
/// for its agency's staff); always a download under its public title.
async fn download(
    shelf: &'static Shelf,
    page: Page,
    viewer: Result<Viewer, Refusal>,
    id: i64,
    file: String,
) -> Response {
    let result = async {
        let Viewer(viewer) = viewer?;
        shelf.download(&page.st.db, &page.st.cases.attachments, viewer.as_ref(), id, &file).await
    }
    .await;
    answer_download(&page, &format!("{}/{id}", shelf.base), result).await
}

/// The answer to a download: the file, streamed; or, to a browser following a link that leads to
/// no file (or to one that cannot be read now), the owner's page (`owner`) saying so, at the
/// error's status; to an API client its typed error.
pub async fn answer_download(
    page: &Page,
    owner: &str,
    result: Result<(app::cases::files::FileKind, String, app::cases::storage::Opened), AppError>,
) -> Response {
    let err = match result {
        Ok((kind, name, opened)) => return crate::respond::download(kind, &name, opened),
        Err(e) => e,
    };
    let message = match err {
        _ if crate::respond::wants_json(&page.headers) => None,
        AppError::NotFound => Some("未找到该附件：链接可能有误，请从页面上的附件列表下载。"),
        AppError::Unavailable => Some("附件暂时无法读取，请稍后再试。"),
        _ => None,
    };
    match message {
        Some(message) => {
            let echo = FormEcho {
                errors: vec![app::error::FieldError::new(FILE_FIELD, message)],
                form: Some("download".into()),
                ..Default::default()
            };
            page.rerender(owner, echo, crate::respond::status(&err)).await
        }
        None => crate::respond::error_response(&page.headers, err),
    }
}

/// POST /staff/consultations/{id}/files
pub async fn attach_to_consultation(
    page: Page,
    user: Result<StaffWork, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    attach(&app::consultations::FILES, page, user, limits, id, form).await
}

/// POST /staff/documents/{id}/files
pub async fn attach_to_document(
    page: Page,
    user: Result<StaffWork, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    attach(&app::registry::FILES, page, user, limits, id, form).await
}

/// POST /staff/consultations/{id}/files/{file}/remove (a draft's only; a document's never)
pub async fn remove_from_consultation(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path((id, file)): Path<(i64, String)>,
    form: FormPost<HashMap<String, String>>,
) -> Response {
    remove(&app::consultations::FILES, page, user, id, file, form).await
}

/// GET /consultations/{id}/files/{file}
pub async fn consultation_file(
    page: Page,
    viewer: Result<Viewer, Refusal>,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    download(&app::consultations::FILES, page, viewer, id, file).await
}

/// GET /documents/{id}/files/{file}
pub async fn document_file(
    page: Page,
    viewer: Result<Viewer, Refusal>,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    download(&app::registry::FILES, page, viewer, id, file).await
}
