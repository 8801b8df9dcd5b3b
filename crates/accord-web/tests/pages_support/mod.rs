//! Helpers for the tests of the HTML side (accounts, partnerships, editor,
//! authz): forms written as query strings, a client whose cookies can be
//! read, requests with hand-made headers, the editor's form read as a
//! browser would submit it, field errors and findings found in a page, a
//! multipart upload, and the partnership's state from the store.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use accord_store::{Invitation, Member, PartnershipId, Version};
use reqwest::cookie::{CookieStore, Jar};

use crate::common::{Client, Page, TestApp};

/// The password `common::signup` gives every account.
pub const PASSWORD: &str = "correct horse battery";

/// A form written as a query string (`role=coach&email=`), as pairs.
pub fn form(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap()
}

/// POSTs a form written as a query string, with the client's CSRF token.
pub async fn send(c: &mut Client, path: &str, query: &str) -> Page {
    post_form(c, path, &form(query)).await
}

/// POSTs owned pairs, with the client's CSRF token.
pub async fn post_form(c: &mut Client, path: &str, form: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(path, &fields).await
}

/// Logs in from the login page.
pub async fn login(c: &mut Client, email: &str, password: &str) -> Page {
    c.get("/login").await;
    let fields = [("email", email), ("password", password), ("next", "/")];
    c.post("/login", &fields).await
}

/// A client whose cookies the test can read and add to.
pub fn jar_client(app: &TestApp) -> (Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let http = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = app.base.clone();
    let csrf = String::new();
    let client = Client {
        http,
        base,
        csrf,
        jar: jar.clone(),
    };
    (client, jar)
}

/// Every cookie the jar would send to the app, as (name, value).
pub fn cookies(jar: &Jar, base: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(base).unwrap();
    let Some(header) = jar.cookies(&url) else {
        return Vec::new();
    };
    let text = header.to_str().unwrap().to_owned();
    text.split("; ")
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The value of one cookie in the jar.
pub fn cookie(jar: &Jar, base: &str, name: &str) -> Option<String> {
    let all = cookies(jar, base);
    all.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A GET with a `Cookie` header written by hand, from a client that keeps
/// none (what a stolen or remembered cookie would do): status, location.
pub async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> (u16, Option<String>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}{path}", app.base);
    let r = http.get(url).header("cookie", cookie).send().await.unwrap();
    (r.status().as_u16(), location(&r))
}

/// The `Location` header.
pub fn location(r: &reqwest::Response) -> Option<String> {
    let value = r.headers().get("location")?;
    Some(value.to_str().unwrap().to_owned())
}

/// POSTs a form with the client's token and returns the raw response,
/// for its headers.
pub async fn post_response(c: &Client, path: &str, query: &str) -> reqwest::Response {
    let mut fields = vec![("csrf".to_owned(), c.csrf.clone())];
    fields.extend(form(query));
    let body = serde_urlencoded::to_string(&fields).unwrap();
    let url = format!("{}{path}", c.base);
    let urlencoded = "application/x-www-form-urlencoded";
    let request = c.http.post(url).header("content-type", urlencoded);
    request.body(body).send().await.unwrap()
}

/// A multipart body with these text fields and the file, and its
/// content type.
pub fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let b = "----accord-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        let part =
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        body.extend(part.bytes());
    }
    let head = "Content-Disposition: form-data; name=\"file\"; filename=\"agreement.toml\"";
    body.extend(format!("--{b}\r\n{head}\r\nContent-Type: application/toml\r\n\r\n").bytes());
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{b}--\r\n").bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

/// Uploads a file as the overview's form does.
pub async fn upload(c: &Client, id: &str, csrf: &str, revision: i64, file: &[u8]) -> Page {
    let revision = revision.to_string();
    let (content_type, body) = multipart(&[("csrf", csrf), ("revision", &revision)], file);
    let url = format!("{}/p/{id}/upload", c.base);
    let request = c.http.post(url).header("content-type", content_type);
    let r = request.body(body).send().await.unwrap();
    let (status, location) = (r.status().as_u16(), location(&r));
    let body = r.text().await.unwrap();
    Page {
        status,
        location,
        body,
    }
}

/// A partnership id from a URL's.
pub fn pid(id: &str) -> PartnershipId {
    PartnershipId::parse(id).unwrap()
}

/// The draft's revision and text, from the store.
pub async fn draft(app: &TestApp, id: &str) -> (i64, String) {
    let p = app.store.partnership(&pid(id)).await.unwrap().unwrap();
    (p.draft_revision, p.draft)
}

/// Everything about a partnership that requests may change: the draft,
/// members, invitations and versions.
pub type Snapshot = ((i64, String), Vec<Member>, Vec<Invitation>, Vec<Version>);

/// The partnership's state now.
pub async fn snapshot(app: &TestApp, id: &str) -> Snapshot {
    let (p, s) = (pid(id), &app.store);
    let members = s.members(&p).await.unwrap();
    let invitations = s.invitations(&p).await.unwrap();
    let versions = s.versions(&p).await.unwrap();
    (draft(app, id).await, members, invitations, versions)
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(unescape(&tag[at..at + tag[at..].find('"')?]))
}

/// What a browser would submit from the editor's form as it stands
/// (without the CSRF token, which the client adds).
pub fn form_of(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"section-form\"").expect("an editor form");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag = &rest[..rest.find('>').unwrap() + 1];
        let name = attr(tag, "name");
        if tag.starts_with("<input") && name.as_deref() != Some("csrf") {
            let checkbox = tag.contains("type=\"checkbox\"");
            if !checkbox || tag.contains(" checked") {
                out.push((name.unwrap(), attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let body = &rest[tag.len()..];
            let text = unescape(&body[..body.find("</textarea>").unwrap()]);
            out.push((name.unwrap(), text));
        } else if tag.starts_with("<select") {
            let body = &rest[tag.len()..rest.find("</select>").unwrap()];
            let options: Vec<&str> = body.split("<option").skip(1).collect();
            let selected = options.iter().find(|o| o.contains(" selected"));
            let chosen = format!(" {}", selected.unwrap_or(&options[0]));
            out.push((name.unwrap(), attr(&chosen, "value").unwrap()));
        }
        rest = &rest[1..];
    }
    out
}

/// The form with `name` set to `value`.
pub fn with(mut form: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    match form.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => form.push((name.to_owned(), value.to_owned())),
    }
    form
}

/// The error shown next to field `name`, if any.
pub fn field_error(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let next = html[at..].find("<div class=\"field");
    let end = next.map_or(html.len(), |e| at + e);
    let p = html[at..end].find("<p class=\"field-error\" role=\"alert\">")? + at;
    let text = &html[p..];
    Some(text[text.find('>')? + 1..text.find("</p>")?].to_owned())
}

/// The rule ids of the findings shown.
pub fn rules(html: &str) -> Vec<String> {
    let after = html.split("data-rule=\"").skip(1);
    after
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}
