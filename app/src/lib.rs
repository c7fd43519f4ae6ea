//! The Leptos application: pages and components, plus (with `ssr`) the domain they call into.
#![recursion_limit = "256"]
// `unwrap` only in tests: a failure in the running service is an error with a message, never a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod accounts;
pub mod admin;
pub mod attachments;
pub mod cases;
#[cfg(feature = "ssr")]
pub mod changes;
pub mod clock;
#[cfg(feature = "ssr")]
pub mod codes;
pub mod comments;
pub mod consultations;
#[cfg(feature = "ssr")]
pub mod db;
pub mod deadlines;
pub mod error;
pub mod feedback;
pub mod forms;
pub mod grants;
pub mod inbox;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod legislation;
#[cfg(feature = "ssr")]
pub mod near_duplicates;
pub mod numbers;
#[cfg(feature = "ssr")]
pub mod outbox;
pub mod paging;
pub mod registry;
pub mod search;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(all(test, feature = "ssr"))]
mod test_rng;
pub mod text;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the application (server side only renders this).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // `canyu.css`, or `canyu.<hash>.css` when the site was built with fingerprinted names
                // (the server's `leptos_options`); the scripts likewise.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Routes and the page frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="description" content="政府立法和重大行政决策公开征求意见、意见采纳情况反馈" />
        // Every page's title passes through here. leptos_meta 0.8 writes the title into `<head>`
        // unescaped, so it is escaped here (titles are only rendered on the server: pages are islands).
        <Title formatter=|t: String| ui::escape_text(&if t.is_empty() { "公众参与平台".to_string() } else { format!("{t} - 公众参与平台") }) />
        <Router>
            <ui::Header />
            <main id="main">
                <Routes fallback=|| view! { <ui::ErrorView err=error::AppError::NotFound /> }>
                    <Route path=path!("/") view=consultations::pages::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/consultations/:id") view=consultations::pages::ConsultationPage ssr=SsrMode::Async />
                    <Route path=path!("/consultations/:id/comments") view=comments::pages::PublicCommentsPage ssr=SsrMode::Async />
                    <Route path=path!("/consultations/:id/comment") view=comments::pages::CommentFormPage ssr=SsrMode::Async />
                    <Route path=path!("/consultations/:id/report") view=feedback::report_pages::ReportPage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=search::pages::SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/receipts") view=comments::pages::ReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=comments::pages::MyCommentsPage ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view=inbox::InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=accounts::pages::RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=accounts::pages::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view=accounts::pages::PasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/account/setup") view=accounts::pages::SetupPage />
                    <Route path=path!("/account") view=accounts::account_pages::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/forgot") view=accounts::account_pages::ForgotPage ssr=SsrMode::Async />
                    <Route path=path!("/account/reset") view=accounts::account_pages::ResetPage />
                    <Route path=path!("/account/deleted") view=accounts::account_pages::DeletedPage />
                    <Route path=path!("/privacy") view=accounts::privacy::PrivacyPage />
                    <Route path=path!("/staff") view=consultations::pages::StaffHomePage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/new") view=consultations::pages::NewConsultationPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/:id") view=feedback::pages::ReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/:id/report") view=feedback::report_pages::ReportEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/:id/window") view=consultations::pages::WindowPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/:id/correct") view=consultations::correct_page::CorrectionPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/consultations/:id/files") view=consultations::attachment_pages::AttachmentsPage ssr=SsrMode::Async />
                    <Route path=path!("/documents") view=registry::pages::RegistryPage ssr=SsrMode::Async />
                    <Route path=path!("/documents/:id") view=registry::pages::DocumentPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/documents/new") view=registry::pages::RegisterDocumentPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/documents/:id/files") view=registry::file_pages::DocumentFilesPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/documents/cleanup") view=registry::cleanup_pages::StaffCleanupPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/filings") view=registry::filing_pages::FilingQueuePage ssr=SsrMode::Async />
                    <Route path=path!("/cleanups") view=registry::cleanup_pages::CleanupsPage ssr=SsrMode::Async />
                    <Route path=path!("/legislation") view=legislation::pages::CallsPage ssr=SsrMode::Async />
                    <Route path=path!("/legislation/:id") view=legislation::pages::CallPage ssr=SsrMode::Async />
                    <Route path=path!("/legislation/items/:id") view=legislation::item_page::PlanItemPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/legislation") view=legislation::staff_pages::StaffCallsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/legislation/:id") view=legislation::staff_pages::CallWorkPage ssr=SsrMode::Async />
                    <Route path=path!("/cleanups/:id") view=registry::cleanup_pages::CleanupPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=admin::pages::AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendar") view=admin::holidays::CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/cases/new") view=cases::pages::NewCasePage ssr=SsrMode::Async />
                    <Route path=path!("/cases/new/:kind") view=cases::pages::FileCasePage ssr=SsrMode::Async />
                    <Route path=path!("/cases/track") view=cases::pages::TrackPage ssr=SsrMode::Async />
                    <Route path=path!("/petition") view=cases::pages::PetitionOfficePage ssr=SsrMode::Async />
                    <Route path=path!("/cases/stats") view=cases::pages::StatsPage ssr=SsrMode::Async />
                    <Route path=path!("/me/cases") view=cases::pages::MyCasesPage ssr=SsrMode::Async />
                    <Route path=path!("/petition/legal") view=|| view! { <cases::pages::CaseQueuePage queue="legal" title="涉法涉诉件" /> } ssr=SsrMode::Async />
                    <Route path=path!("/petition/discipline") view=|| view! { <cases::pages::CaseQueuePage queue="discipline" title="纪检监察件" /> } ssr=SsrMode::Async />
                    <Route path=path!("/staff/cases") view=|| view! { <cases::pages::CaseQueuePage queue="unit" title="本单位来件" /> } ssr=SsrMode::Async />
                    <Route path=path!("/staff/cases/:id") view=cases::pages::StaffCasePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"公众参与平台 · 开源软件 · 提交的意见经审核后公开，个人信息不予公开 · " <a href="/privacy">"隐私说明"</a></p>
            </footer>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (which Leptos puts
/// on its hydration scripts) and what they load, styles and images from this site, no plugins,
/// no framing, forms only to this site. Injected markup, should any get through, cannot run.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::nonce::use_nonce;
    let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&policy) {
        res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
    }
}

/// Browser entry point. Pages are server-rendered HTML that works without JavaScript; only the
/// interactive islands (`#[island]`) ship to the browser and are hydrated here.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A marker for browser tests (and curious people): the enhancements are live.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
