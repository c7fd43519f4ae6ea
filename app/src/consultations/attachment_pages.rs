//! The agency's page to add attachments to its consultation and to remove them while it is a
//! draft (the list and the form: `crate::attachments::pages`).
use super::{Detail, Status, FILES};
use crate::attachments::pages::ManageFiles;
use crate::error::AppError;
use crate::forms::use_echo;
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
                        Ok(d) => {
                            let id = d.summary.id;
                            let back = (format!("/consultations/{id}"), d.summary.title.clone());
                            let removable = d.summary.status == Status::Draft;
                            let withdrawn = d.summary.status == Status::Withdrawn;
                            view! { <ManageFiles shelf=&FILES id back attachments=d.attachments removable withdrawn echo /> }.into_any()
                        }
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
