//! The app's page routes, for the router and for working out which page a form is on.
use leptos_axum::{generate_route_list, AxumRouteListing};
use std::sync::OnceLock;

/// The app's page routes, worked out once per process. Leptos works them out by rendering the app
/// with resource loading suppressed by a process-wide flag; a page render whose resource first
/// runs while that flag is up waits forever (leptos#4773). Once, before anything is served, no
/// render can meet it; tests start many servers in one process and share the list too.
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}
