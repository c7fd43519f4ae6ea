//! Plain HTML forms that work without JavaScript: what a rejected submission echoes back, and the
//! form tag that keeps it in the form that was sent.
//!
//! A page often holds several forms whose fields share names (`reason`, `login`, `agency_id`). Every
//! form posted is a [`PostForm`]: it sends its name in a hidden `_form` field, and its children get
//! the echo only if it was the form sent, so a typed value or an error never lands in another
//! form. Errors about fields the form does not show (or does not render a [`FieldMessage`] for)
//! appear at the top of that form; if the form sent is not on the page at all any more, the
//! page's [`FormMessage`] shows them, so no error is ever lost.
use crate::error::FieldError;
use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// The hidden field naming which form of a page was sent.
pub const FORM_FIELD: &str = "_form";

/// Values typed and errors found, rendered back into the same form (never passwords).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEcho {
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// A message for the whole page (e.g. a one-time password shown once).
    pub notice: Option<String>,
    /// The form sent: its `_form` name, else the path it was posted to; `None` when the page does
    /// not answer a form post.
    #[serde(default)]
    pub form: Option<String>,
    /// What this render has shown of the echo so far (not sent anywhere).
    #[serde(skip)]
    pub shown: Shown,
}

/// Which field messages a form rendered, and whether the form sent was rendered at all. Clones
/// share it, so the page and its forms see one record per render.
#[derive(Debug, Clone, Default)]
pub struct Shown(Arc<Mutex<ShownInner>>);

#[derive(Debug, Default)]
struct ShownInner {
    fields: Vec<String>,
    sent_form_rendered: bool,
}

impl Shown {
    fn update(&self, f: impl FnOnce(&mut ShownInner)) {
        // A poisoned lock only means another render panicked; the record is still usable.
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard);
    }

    fn read<T>(&self, f: impl FnOnce(&ShownInner) -> T) -> T {
        f(&self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl PartialEq for Shown {
    /// A render record is not part of what an echo says.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Shown {}

impl FormEcho {
    /// The value typed into a field, or "".
    pub fn value(&self, name: &str) -> String {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// The error message for a field, if any.
    pub fn error(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message.clone())
    }

    /// Whether a box was ticked.
    pub fn checked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }

    /// Whether the form called `name` posting to `action` is the one that was sent. A post
    /// without a `_form` name (a client that dropped hidden fields) is matched by its path.
    pub fn sent_by(&self, name: &str, action: &str) -> bool {
        self.form.as_deref().is_some_and(|f| f == name || f == action)
    }

    /// The echo as one form sees it: everything if it was the form sent, else nothing.
    pub fn for_form(&self, name: &str, action: &str) -> FormEcho {
        if !self.sent_by(name, action) {
            return FormEcho::default();
        }
        self.shown.update(|s| s.sent_form_rendered = true);
        FormEcho {
            values: self.values.clone(),
            errors: self.errors.clone(),
            notice: None,
            form: self.form.clone(),
            shown: Shown::default(),
        }
    }

    /// Errors no [`FieldMessage`] has shown yet: about the whole form, or a field it lacks.
    fn unshown_errors(&self) -> Vec<String> {
        let shown = self.shown.read(|s| s.fields.clone());
        self.errors.iter().filter(|e| !shown.contains(&e.field)).map(|e| e.message.clone()).collect()
    }
}

/// The echo for this page: from the server on first render (also during hydration), else empty.
pub fn use_echo() -> FormEcho {
    SharedValue::new(|| use_context::<FormEcho>().unwrap_or_default()).into_inner()
}

/// A form that posts: the `<form method="post">` tag with its hidden name, the echo scoped to it
/// (handed to the children: `let:echo`), and its errors that no field shows, at its top.
#[component]
pub fn PostForm<C, V>(
    /// This form's name, unique on the page (a form repeated per row names the row).
    #[prop(into)]
    name: String,
    #[prop(into)] action: String,
    /// The page's echo.
    echo: FormEcho,
    #[prop(optional)] class: Option<&'static str>,
    /// Whether the form sends files (`multipart/form-data`).
    #[prop(optional)]
    multipart: bool,
    children: C,
) -> impl IntoView
where
    C: FnOnce(FormEcho) -> V,
    V: IntoView + 'static,
{
    let mine = echo.for_form(&name, &action);
    // Children are built first, so the field messages they show are known.
    let fields = children(mine.clone());
    let loose = mine.unshown_errors();
    let enctype = multipart.then_some("multipart/form-data");
    view! {
        <form method="post" action=action class=class enctype=enctype>
            <input type="hidden" name=FORM_FIELD value=name />
            {(!loose.is_empty()).then(|| view! { <div class="alert alert-error" role="alert">{loose.join("；")}</div> })}
            {fields}
        </form>
    }
}

/// The error message under a field.
#[component]
pub fn FieldMessage(echo: FormEcho, name: &'static str) -> impl IntoView {
    echo.shown.update(|s| s.fields.push(name.to_string()));
    echo.error(name).map(|m| {
        view! { <p class="field-error" id=format!("{name}-error") role="alert">{m}</p> }
    })
}

/// The page's notice, and the errors no form on the page shows: those of a form sent that is no
/// longer there (the case moved on, the row is gone), or not shown under a field of the page.
/// Each [`PostForm`] shows its own errors itself.
#[component]
pub fn FormMessage(echo: FormEcho) -> impl IntoView {
    let notice = echo.notice.clone();
    // Read when the page is written out, after its forms and field messages were built.
    let orphaned = move || {
        let rendered = echo.shown.read(|s| s.sent_form_rendered);
        let left = if rendered { Vec::new() } else { echo.unshown_errors() };
        (!left.is_empty()).then(|| view! { <div class="alert alert-error" role="alert">{left.join("；")}</div> })
    };
    view! {
        {orphaned}
        {notice.map(|m| view! { <div class="alert alert-ok" role="status">{m}</div> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(form: &str) -> FormEcho {
        FormEcho {
            values: vec![("reason".into(), "typed".into())],
            errors: vec![FieldError { field: "reason".into(), message: "请填写延期理由".into() }],
            form: Some(form.into()),
            ..Default::default()
        }
    }

    #[test]
    fn only_the_form_sent_gets_the_values_and_errors() {
        let page = sent("extend");
        assert_eq!(page.for_form("object", "/staff/cases/1/actions").value("reason"), "");
        assert_eq!(page.for_form("object", "/staff/cases/1/actions").error("reason"), None);
        assert_eq!(page.for_form("extend", "/staff/cases/1/actions").value("reason"), "typed");
        assert!(page.shown.read(|s| s.sent_form_rendered));
    }

    #[test]
    fn a_post_without_a_form_name_is_matched_by_its_path() {
        let page = sent("/admin/staff");
        assert!(page.sent_by("staff", "/admin/staff"));
        assert!(!page.sent_by("grant", "/admin/grants"));
    }

    #[test]
    fn an_error_no_field_shows_is_left_for_the_form_itself() {
        let mine = sent("extend").for_form("extend", "/x");
        assert_eq!(mine.unshown_errors(), vec!["请填写延期理由".to_string()]);
        mine.shown.update(|s| s.fields.push("reason".into()));
        assert!(mine.unshown_errors().is_empty());
    }
}
