//! A consultation's attachments over plain forms: its agency's staff upload one (multipart, within
//! its own body limit and deadline) or remove one from a draft; anyone who may see the
//! consultation downloads them, always as a download.
use super::common::{see_other, Page};
use super::upload::{read_multipart, Caps};
use crate::extract::{typed, FormPost, Limits, Refusal, StaffWork, Viewer};
use app::consultations::attachments::MAX_FILE_BYTES;
use app::consultations::attachments_store::{self as store, NewAttachment, FILE_FIELD};
use app::error::AppError;
use axum::extract::{Multipart, Path};
use axum::response::Response;
use std::collections::HashMap;

/// One file per upload, of at most 20 MB.
pub const UPLOAD: Caps = Caps { file: MAX_FILE_BYTES, total: MAX_FILE_BYTES, field: FILE_FIELD };

fn page_of(id: i64) -> String {
    format!("/staff/consultations/{id}/files")
}

/// POST /staff/consultations/{id}/files: attach a file. The rate limit and the agency are checked
/// before the body is read; a refusal comes back on the form with the kind and title kept.
pub async fn attach(
    page: Page,
    user: Result<StaffWork, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let mut fields = HashMap::new();
    let result = async {
        let StaffWork(user) = user?;
        store::may_attach(&page.st.db, &user, id).await?;
        if page.st.disk_low() {
            tracing::error!("consultation attachment refused: the data folder is below its free-space floor");
            return Err(AppError::Unavailable);
        }
        let _slot = limits.limiters.upload_slot(limits.ip)?;
        let files = read_multipart(form, &mut fields, limits.limiters.min_upload_rate, UPLOAD).await?;
        if files.len() > 1 {
            return Err(AppError::field(FILE_FIELD, "每次上传一个文件"));
        }
        let input = typed::<NewAttachment>(&fields)?;
        store::attach(&page.st.db, &page.st.cases.attachments, &user, id, &input, files.first()).await?;
        Ok::<_, AppError>(see_other(&page_of(id)))
    }
    .await;
    page.settle(result, &page_of(id), fields).await
}

/// POST /staff/consultations/{id}/files/{file}/remove: remove a draft's attachment.
pub async fn remove(
    page: Page,
    user: Result<StaffWork, Refusal>,
    Path((id, file)): Path<(i64, String)>,
    mut form: FormPost<HashMap<String, String>>,
) -> Response {
    let result = async {
        let StaffWork(user) = user?;
        form.input()?;
        store::remove(&page.st.db, &page.st.cases.attachments, &user, id, &file).await?;
        Ok::<_, AppError>(see_other(&page_of(id)))
    }
    .await;
    page.settle(result, &page_of(id), form.fields).await
}

/// GET /consultations/{id}/files/{file}: an attachment, for whoever may see the consultation (a
/// draft's only for its agency's staff); always a download under its public title.
pub async fn download(page: Page, viewer: Result<Viewer, Refusal>, Path((id, file)): Path<(i64, String)>) -> Response {
    let result = async {
        let Viewer(viewer) = viewer?;
        store::download(&page.st.db, &page.st.cases.attachments, viewer.as_ref(), id, &file).await
    }
    .await;
    match result {
        Ok((kind, title, bytes)) => crate::respond::download(kind, &title, bytes),
        Err(e) => crate::respond::error_response(&page.headers, e),
    }
}
