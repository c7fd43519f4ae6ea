//! Text as people type it, made inert before anything keeps it: control characters (NUL, escape,
//! C1) and the invisible direction overrides that make a comment display reversed (U+202E and
//! kin) are removed; line ends become `\n`. Applied to every form field and JSON string the
//! server receives, so no text field can store one.

use crate::error::AppError;

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
