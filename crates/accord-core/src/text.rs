//! Text Accord refuses to keep: the NUL character (U+0000).
//!
//! PostgreSQL cannot store NUL in a text or JSONB value at all (it answers
//! `invalid byte sequence for encoding "UTF8": 0x00`), and SQLite keeps it
//! but many tools cut the string there. No person types it; it arrives only
//! from broken clients or on purpose. So every place free text enters
//! (pages, API, agreement files, imports) refuses it with the field and the
//! place, the same way on both databases, before anything is written.
//!
//! In JSON and TOML a NUL can only arrive escaped (`\u0000`, or TOML's
//! `\U00000000`): both formats forbid raw control characters in strings.
//! The cheap scan [`nul_escape_at`] finds a candidate in the raw text; only
//! then is the parsed value walked ([`nul_path`]) to name the field, so the
//! common case costs one pass over bytes.

use serde_json::Value;

/// What users are told, after the field's name.
pub const NUL_MESSAGE: &str =
    "contains a NUL character (\\u0000), which Accord does not store; remove it and try again";

/// Whether `s` holds a NUL.
pub fn has_nul(s: &str) -> bool {
    s.contains('\0')
}

/// The byte offset of the first escape that decodes to NUL in JSON or TOML
/// text (`\u0000`, `\U00000000`, in any letter case), counting only a
/// backslash that is not itself escaped. A raw NUL byte counts too. It may
/// find an escape inside a TOML comment or literal string, which decodes to
/// nothing; callers confirm with the parsed value.
pub fn nul_escape_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0 => return Some(i),
            b'\\' => {
                let rest = &bytes[i + 1..];
                let short =
                    rest.len() >= 5 && rest[0] == b'u' && rest[1..5].iter().all(|&b| b == b'0');
                let long =
                    rest.len() >= 9 && rest[0] == b'U' && rest[1..9].iter().all(|&b| b == b'0');
                if short || long {
                    return Some(i);
                }
                // Skip the escaped character, so `\\u0000` is not a NUL.
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// The path (`party[1].support[0]`, as the API names fields) of the first
/// string or key in `value` that holds a NUL. A key at fault is named by
/// the path of the object that holds it.
pub fn nul_path(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &mut String) -> bool {
        match value {
            Value::String(s) => has_nul(s),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Object(map) => map.iter().any(|(key, item)| {
                if has_nul(key) {
                    return true;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then(|| if path.is_empty() { ".".into() } else { path })
}

/// The field holding a NUL in a JSON document, if any: a scan of the text,
/// then (only when it finds an escape) a parse to name the field. Text
/// that is not JSON gives `None`; its own parser reports it.
pub fn nul_in_json(text: &str) -> Option<String> {
    nul_escape_at(text)?;
    let value: Value = serde_json::from_str(text).ok()?;
    nul_path(&value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_escapes_but_not_escaped_backslashes() {
        assert_eq!(nul_escape_at(r#"{"a":"x\u0000"}"#), Some(7));
        assert_eq!(nul_escape_at(r#"{"a":"x\\u0000"}"#), None);
        assert_eq!(nul_escape_at(r#"{"a":"x\\\u0000"}"#), Some(9));
        assert_eq!(nul_escape_at(r#"a = "\U00000000""#), Some(5));
        assert_eq!(nul_escape_at(r#"{"a":"\u0041"}"#), None);
        assert_eq!(nul_escape_at("a\0"), Some(1));
        assert_eq!(nul_escape_at("ends with \\"), None);
    }

    #[test]
    fn names_the_field() {
        let doc = r#"{"title":"ok","notes":[{"body":"fine"},{"body":"bad\u0000"}]}"#;
        assert_eq!(nul_in_json(doc).as_deref(), Some("notes[1].body"));
        assert_eq!(nul_in_json(r#"{"ti\u0000tle":"x"}"#).as_deref(), Some("."));
        assert_eq!(nul_in_json(r#"{"a":{"k\u0000":1}}"#).as_deref(), Some("a"));
        assert_eq!(nul_in_json(r#"{"a":"\\u0000"}"#), None);
        assert_eq!(nul_in_json(r#""\u0000""#).as_deref(), Some("."));
    }

    proptest! {
        /// Whatever the text, a JSON string holds a NUL exactly when the
        /// check names a field.
        #[test]
        fn agrees_with_the_parsed_value(s in "\\PC*", nul in any::<bool>()) {
            let text = if nul { format!("{s}\0") } else { s };
            let doc = serde_json::to_string(&serde_json::json!({ "field": text })).unwrap();
            prop_assert_eq!(nul_in_json(&doc).is_some(), nul);
        }
    }
}
