//! Text as people type it, made inert before anything keeps it: control characters (NUL, escape,
//! C1) and the invisible direction overrides that make a comment display reversed (U+202E and
//! kin) are removed; line ends become `\n`. Applied to every form field and JSON string the
//! server receives, so no text field can store one.

use crate::error::{AppError, FieldError};

/// Whether `c` is removed: C0/C1 controls other than tab and line feed, and the bidirectional
/// embedding, override and isolate controls (the marks U+200E/U+200F stay: they only nudge).
fn removed(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFF9}'..='\u{FFFB}')
}

/// `s` with line ends made `\n` and the characters above removed (unchanged text is not copied).
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c == '\r' || removed(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    std::borrow::Cow::Owned(unified.chars().filter(|c| !removed(*c)).collect())
}

/// Whether `c` is an invisible format character: the soft hyphen, zero-width spaces and joiners,
/// direction marks, embeddings, overrides and isolates, the byte-order mark, interlinear annotation
/// and tag characters. Text kept to be shown (a file's name, a public answer) leaves them out.
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// A form's text to be published: trimmed and without invisible characters; required or not, at
/// most `max` characters, with no control character other than line ends and tabs.
pub fn published(field: &str, raw: &str, label: &str, max: usize, required: bool) -> Result<String, AppError> {
    let t: String = raw.chars().filter(|c| !invisible(*c)).collect();
    let t = t.trim();
    if required && t.is_empty() {
        return Err(AppError::field(field, &format!("请填写{label}")));
    }
    if t.chars().count() > max {
        return Err(AppError::field(field, &format!("{label}不能超过{max}字")));
    }
    if t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::field(field, &format!("{label}含有无法显示的控制字符")));
    }
    Ok(t.to_string())
}

/// A form's fields checked one by one, every problem gathered so that all are told at once.
/// A failure that is not about a field is never dropped: `finish` returns it.
#[derive(Debug, Default)]
pub struct Fields {
    invalid: Vec<FieldError>,
    other: Option<AppError>,
}

impl Fields {
    /// A field's checked value, or an empty one with its problem kept for `finish`.
    pub fn take(&mut self, checked: Result<String, AppError>) -> String {
        match checked {
            Ok(v) => v,
            Err(AppError::Invalid(e)) => {
                self.invalid.extend(e);
                String::new()
            }
            Err(other) => {
                self.other.get_or_insert(other);
                String::new()
            }
        }
    }

    /// [`published`] for one field.
    pub fn published(&mut self, field: &str, raw: &str, label: &str, max: usize, required: bool) -> String {
        self.take(published(field, raw, label, max, required))
    }

    /// A choice that must be made: `None` is a problem of `field`.
    pub fn chosen<T>(&mut self, choice: Option<T>, field: &str, message: &str) -> Option<T> {
        if choice.is_none() {
            self.add(field, message);
        }
        choice
    }

    /// A problem of `field` found by the form's own rules.
    pub fn add(&mut self, field: &str, message: &str) {
        self.invalid.push(FieldError::new(field, message));
    }

    /// Problems found by a check of several fields (attachments, say); any other failure is kept.
    pub fn extend<T>(&mut self, checked: Result<T, AppError>) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(AppError::Invalid(e)) => {
                self.invalid.extend(e);
                None
            }
            Err(other) => {
                self.other.get_or_insert(other);
                None
            }
        }
    }

    /// `values` (the choices given to [`Fields::chosen`]) once every field is right.
    pub fn done<T>(self, values: Option<T>) -> Result<T, AppError> {
        self.finish()?;
        // A missing choice was told as its field's problem, so `finish` has already refused.
        values.ok_or_else(|| AppError::Invalid(Vec::new()))
    }

    /// Whether nothing is wrong so far.
    pub fn is_empty(&self) -> bool {
        self.invalid.is_empty() && self.other.is_none()
    }

    /// Ok when every field is right; otherwise the first failure that is not about a field, or
    /// every field's problem.
    pub fn finish(self) -> Result<(), AppError> {
        match (self.other, self.invalid.is_empty()) {
            (Some(other), _) => Err(other),
            (None, false) => Err(AppError::Invalid(self.invalid)),
            (None, true) => Ok(()),
        }
    }
}

/// Fields never changed: secrets are compared exactly as typed (and never shown to anyone).
pub const SECRETS: [&str; 7] =
    ["password", "current", "new", "setup_code", "account_password", "reset_code", "email_code"];

/// Every string in a JSON document (keys too), neutralised in place, except the values of
/// [`SECRETS`].
#[cfg(feature = "ssr")]
pub fn neutralise_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = neutralise(s) {
                *s = clean;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(neutralise_json),
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut item) in entries {
                if !SECRETS.contains(&k.as_str()) {
                    neutralise_json(&mut item);
                }
                map.insert(neutralise(&k).into_owned(), item);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_marks_are_not_published() {
        assert_eq!(
            published("f", " \u{200b}经审查\u{feff}，合法。\u{2060}\u{00ad} ", "答复", 100, true).unwrap(),
            "经审查，合法。"
        );
        assert!(published("f", "\u{200b}\u{200b}", "答复", 100, true).is_err(), "nothing visible is nothing");
        assert!(published("f", "超长", "答复", 1, false).is_err());
    }

    #[test]
    fn a_form_with_several_wrong_fields_is_told_of_each_and_a_failure_not_about_a_field_is_never_dropped() {
        let mut f = Fields::default();
        assert_eq!(f.published("title", "  标题 ", "标题", 10, true), "标题");
        assert_eq!(f.published("body", "", "正文", 10, true), "");
        let kind: Option<u8> = f.chosen(None, "kind", "请选择类别");
        f.add("date", "日期不对");
        let Err(AppError::Invalid(problems)) = f.done(kind) else { panic!("three fields are wrong") };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["body", "kind", "date"]);

        let mut f = Fields::default();
        f.take(Err(AppError::field("body", "请填写正文")));
        f.take(Err(AppError::Forbidden));
        assert!(!f.is_empty());
        assert_eq!(f.finish(), Err(AppError::Forbidden), "a refusal is not turned into a form problem, nor dropped");

        let mut f = Fields::default();
        assert_eq!(f.extend::<u8>(Err(AppError::NotFound)), None);
        assert_eq!(f.finish(), Err(AppError::NotFound));
        assert_eq!(Fields::default().done(Some(7)), Ok(7));
    }

    #[test]
    fn a_right_to_left_override_or_nul_cannot_reverse_or_cut_a_published_comment() {
        assert_eq!(neutralise("同意\u{202E}第三条\u{202C}的规定\0。"), "同意第三条的规定。");
        assert_eq!(neutralise("\u{2067}隔离\u{2069}\u{1b}[31m红"), "隔离[31m红");
        assert_eq!(neutralise("a\u{85}b\u{9f}c"), "abc");
    }

    #[test]
    fn line_breaks_tabs_chinese_and_emoji_stay_as_typed() {
        let typed = "第一段\n第二段\t缩进 👍 العربية \u{200F}标记";
        assert!(matches!(neutralise(typed), std::borrow::Cow::Borrowed(_)));
        assert_eq!(neutralise("一\r\n二\r三"), "一\n二\n三");
    }

    #[test]
    fn json_strings_and_keys_are_neutralised_everywhere_in_the_document() {
        let mut v = serde_json::json!({"body\u{0}": ["x\u{202E}y", {"k": "\r\n"}], "n": 1, "password": "a\u{1}"});
        neutralise_json(&mut v);
        assert_eq!(v, serde_json::json!({"body": ["xy", {"k": "\n"}], "n": 1, "password": "a\u{1}"}));
    }
}
