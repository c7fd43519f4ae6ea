//! `/staff/documents/:id/files`: the issuing body adds files to a registered document (its
//! annexes, 政策解读, other material). They are public at once and never removed; a mistaken file
//! is corrected by adding the corrected one beside it, shown with the day it was added.
use super::{own_document, FILES};
use crate::attachments::pages::ManageFiles;
use crate::error::AppError;
use crate::forms::use_echo;
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DocumentFilesPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let echo = use_echo();
    let data = Resource::new(id, |id| async move { own_document(id.ok_or(AppError::NotFound)?).await });
    view! {
        <Title text="文件附件" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(d) => {
                            let id = d.summary.id;
                            let back = (format!("/documents/{id}"), format!("{} {}", d.summary.title, d.summary.number));
                            view! { <ManageFiles shelf=&FILES id back attachments=d.attachments removable=false withdrawn=false echo /> }.into_any()
                        }
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
