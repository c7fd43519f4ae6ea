//! Plain HTML forms that work without JavaScript: what a rejected submission echoes back.
use crate::error::FieldError;
use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};

/// Values typed and errors found, rendered back into the same form (never passwords).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEcho {
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// A message for the whole page (e.g. a one-time password shown once).
    pub notice: Option<String>,
}

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
}

/// The echo for this page: from the server on first render (also during hydration), else empty.
pub fn use_echo() -> FormEcho {
    SharedValue::new(|| use_context::<FormEcho>().unwrap_or_default()).into_inner()
}

/// The error message under a field.
#[component]
pub fn FieldMessage(echo: FormEcho, name: &'static str) -> impl IntoView {
    echo.error(name).map(|m| {
        view! { <p class="field-error" id=format!("{name}-error") role="alert">{m}</p> }
    })
}

/// Errors about the form as a whole (window closed, rate limited, …).
#[component]
pub fn FormMessage(echo: FormEcho) -> impl IntoView {
    let notice = echo.notice.clone();
    view! {
        {echo.error("form").map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
        {notice.map(|m| view! { <div class="alert alert-ok" role="status">{m}</div> })}
    }
}
