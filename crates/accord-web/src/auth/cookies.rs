//! Reading the `Cookie` header and writing `Set-Cookie` values. Every cookie
//! is HttpOnly and SameSite=Lax (Lax so that a link from an e-mail into the
//! app arrives logged in; forms are protected by CSRF tokens besides), and
//! Secure when the app is served over HTTPS.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie's name.
pub const SESSION: &str = "accord_session";
/// The anonymous CSRF cookie's name (forms shown before logging in).
pub const CSRF: &str = "accord_csrf";
/// The device cookie: marks a browser that has logged in to an account.
pub const DEVICE: &str = "accord_device";

/// The value of cookie `name`, if the request has it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value.
pub fn set(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_a_cookie_among_several_headers() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; accord_session=xyz"));
        h.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(get(&h, SESSION), Some("xyz"));
        assert_eq!(get(&h, "b"), Some("2"));
        assert_eq!(get(&h, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let c = set(SESSION, "v", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!set(SESSION, "v", 60, false).contains("Secure"));
    }
}
