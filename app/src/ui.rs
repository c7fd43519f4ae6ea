//! Shared page pieces: header with navigation, error pages with the right status, badges.
use crate::accounts::user::{CurrentUser, Role};
use crate::consultations::Status;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// A page's resource for the signed-in user (the server has it already; see `state::Viewer`).
pub fn viewer_resource() -> Resource<Result<Option<CurrentUser>, AppError>> {
    Resource::new(|| (), |_| crate::accounts::get_viewer())
}

/// Site header: name and navigation for the viewer's role. It reads the viewer the server looked
/// up before rendering, so it renders at once: a second `<Suspense>` beside the page's own could
/// leave a server response hanging (leptos#4851).
#[component]
pub fn Header() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let user = crate::state::known_viewer();
    #[cfg(not(feature = "ssr"))]
    let user: Option<CurrentUser> = None;
    let nav = match user {
        Some(u) => view! { <UserNav user=u /> }.into_any(),
        None => view! {
            <a href="/login">"登录"</a>
            <a href="/register">"注册"</a>
        }
        .into_any(),
    };
    view! {
        <header class="site-header">
            <a class="site-name" href="/">"公众参与平台"</a>
            <nav aria-label="主导航">
                <a href="/">"征求意见"</a>
                <a href="/documents">"文件库"</a>
                <a href="/legislation">"立法建议"</a>
                <a href="/search">"搜索"</a>
                <a href="/receipts">"回执查询"</a>
                <a href="/cases/new">"信访投诉"</a>
                {nav}
            </nav>
        </header>
    }
}

#[component]
fn UserNav(user: CurrentUser) -> impl IntoView {
    let role_link = match user.role {
        Role::Citizen => view! {
            <a href="/me">"我的意见"</a>
            <a href="/me/cases">"我的信访"</a>
            <a href="/inbox">{if user.unread > 0 { format!("消息（{}）", user.unread) } else { "消息".to_string() }}</a>
        }
        .into_any(),
        Role::Staff => view! {
            <a href="/staff">"工作台"</a>
            <a href="/staff/cases">"来件办理"</a>
            <a href="/inbox">{if user.unread > 0 { format!("消息（{}）", user.unread) } else { "消息".to_string() }}</a>
        }
        .into_any(),
        Role::Admin => view! { <a href="/admin">"系统管理"</a> }.into_any(),
        Role::PetitionOfficer => view! { <a href="/petition">"信访工作台"</a> }.into_any(),
    };
    view! {
        {role_link}
        <a href="/account">"我的账号"</a>
        <span class="who">{user.display_name}</span>
        <form method="post" action="/logout" class="inline">
            <button type="submit" class="link">"退出"</button>
        </form>
    }
}

/// On the server, answer the page being rendered with `err`'s HTTP status.
pub fn answer_status(err: &AppError) {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::from_u16(err.status()).unwrap_or_default());
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = err;
}

/// An error page; on the server it also sets the HTTP status.
#[component]
pub fn ErrorView(err: AppError) -> impl IntoView {
    answer_status(&err);
    // Signed out: signing in comes back here (the login page takes only a local path).
    let here = leptos_router::hooks::use_location();
    let (path, search) = (here.pathname.get_untracked(), here.search.get_untracked());
    let back = if search.is_empty() { path } else { format!("{path}?{search}") };
    let login = format!("/login?next={}", encode_query(&back));
    let hint = match err {
        AppError::Unauthorized => view! { <p><a href=login>"登录"</a>" 后继续。"</p> }.into_any(),
        AppError::PasswordChangeRequired => view! { <p><a href="/account/password">"修改密码"</a></p> }.into_any(),
        _ => view! { <p><a href="/">"返回首页"</a></p> }.into_any(),
    };
    let title = match err {
        AppError::NotFound => "页面不存在".to_string(),
        ref e => e.to_string(),
    };
    view! {
        <Title text=title.clone() />
        <section class="error-page">
            <h1>{title}</h1>
            {hint}
        </section>
    }
}

/// Text made inert for an HTML text position, `<title>` and `<textarea>` included: `&`, `<` and `>`
/// become character references, which those elements decode back to exactly the text typed.
pub fn escape_text(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// A multi-line text field holding `value` exactly. Leptos 0.8 writes `<textarea>` children
/// unescaped (as it does `<script>`), so `</textarea><img …>` typed by one user would run as markup
/// for the next, and a stored `&lt;` would come back as `<`. Every text area goes through here; a
/// test keeps it so.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] value: String,
    rows: u32,
    #[prop(optional)] describedby: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// Shown to be copied, not edited (text that could not be sent).
    #[prop(optional)]
    readonly: bool,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            aria-describedby=describedby
            required=required
            readonly=readonly
            inner_html=escape_text(&value)
        ></textarea>
    }
}

/// A coloured label for a consultation's status.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = match status {
        Status::Open => "badge badge-open",
        Status::Upcoming => "badge badge-upcoming",
        Status::Closed => "badge badge-closed",
        Status::Withdrawn => "badge badge-closed",
        Status::Draft => "badge badge-upcoming",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// Shown while data loads after client-side navigation.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"加载中…"</p> }
}

/// The links to the pages before and after (when there are), with where the reader is between
/// them ("第2页", "第2页，共9页"): one pager for every paged list.
pub fn pager(prev: Option<String>, at: Option<String>, next: Option<String>, class: &'static str) -> impl IntoView {
    view! {
        <nav class=format!("pager{class}") aria-label="分页">
            {prev.map(|href| view! { <a href=href rel="prev">"上一页"</a> })}
            " "
            {at.map(|at| view! { <span>{at}</span> })}
            " "
            {next.map(|href| view! { <a href=href rel="next">"下一页"</a> })}
        </nav>
    }
}

/// A character diff as text marked up: removed runs struck through (`<del>`), added ones
/// underlined (`<ins>`), in one paragraph.
pub fn diff_pieces(pieces: Vec<crate::feedback::diff::Piece>) -> impl IntoView {
    use crate::feedback::diff::Piece;
    view! {
        <p class="diff">
            {pieces.into_iter().map(|p| match p {
                Piece::Same(s) => view! { <span>{s}</span> }.into_any(),
                Piece::Removed(s) => view! { <del>{s}</del> }.into_any(),
                Piece::Added(s) => view! { <ins>{s}</ins> }.into_any(),
            }).collect_view()}
        </p>
    }
}

/// Everything but RFC 3986's unreserved characters.
const NOT_UNRESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encode a value for a query string (everything but unreserved characters).
pub fn encode_query(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// A non-empty query-string parameter of the current page.
pub fn query(name: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let q = leptos_router::hooks::use_query_map();
    move || q.read().get(name).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{encode_query, escape_text};

    #[test]
    fn a_search_typed_with_symbols_travels_in_a_link_exactly() {
        assert_eq!(
            encode_query("电动车 a&b=c/d?e#f+g~h.i_j-k%"),
            "%E7%94%B5%E5%8A%A8%E8%BD%A6%20a%26b%3Dc%2Fd%3Fe%23f%2Bg~h.i_j-k%25"
        );
    }

    #[test]
    fn typed_markup_becomes_text_that_reads_back_exactly() {
        assert_eq!(
            escape_text("</textarea><img src=x onerror=alert(1)>&lt;"),
            "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;&amp;lt;"
        );
        assert_eq!(escape_text("第十二条 “引号” 'x'"), "第十二条 “引号” 'x'");
    }

    /// Leptos 0.8 writes `<textarea>` children raw, so a text area anywhere but in `TextArea`
    /// would let typed text close it and inject markup.
    #[test]
    fn every_text_area_escapes_its_value() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("ui.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains(&format!("<{}", "textarea")) {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.is_empty(), "use ui::TextArea instead of a bare text area in {found:?}");
    }
}
