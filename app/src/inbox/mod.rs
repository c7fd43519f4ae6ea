//! A signed-in citizen's inbox: messages such as "the answers to your comments are published".
#[cfg(feature = "ssr")]
pub mod store;

use crate::clock::format_datetime;
use crate::error::AppError;
use crate::ui::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// The signed-in user's messages, newest first.
#[server(endpoint = "inbox")]
pub async fn inbox() -> Result<Vec<Notification>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    store::list(&st.db, &user).await
}

/// The inbox page (`/inbox`).
#[component]
pub fn InboxPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| inbox());
    view! {
        <Title text="消息" />
        <h1>"消息"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p>"暂无消息。"</p> }.into_any(),
                    Ok(items) => {
                        let unread = items.iter().any(|n| !n.read);
                        view! {
                            {unread.then(|| view! {
                                <form method="post" action="/inbox/read" class="inline">
                                    <button type="submit" class="secondary">"全部标为已读"</button>
                                </form>
                            })}
                            <ul class="cards inbox">
                                {items.into_iter().map(|n| view! {
                                    <li class=if n.read { "card" } else { "card unread" }>
                                        <p class="meta">{format_datetime(n.created_at)} {(!n.read).then_some(" · 未读")}</p>
                                        <p><a href=n.link>{n.title}</a></p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
