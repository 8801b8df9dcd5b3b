//! Helpers for the API tests: a JSON client that carries a bearer token
//! and records every request it makes (method, path, status), checks that
//! an error answer has the one error shape, and a check that every status
//! the tests saw on an operation is one the OpenAPI document lists for it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use accord_web::error::ErrorBody;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestApp, signup};

/// The password `common::signup` gives every account.
pub const PASSWORD: &str = "correct horse battery";

/// One request the tests made.
#[derive(Debug, Clone)]
pub struct Seen {
    /// GET, POST…
    pub method: String,
    /// The path as requested, without the query.
    pub path: String,
    /// The status answered.
    pub status: u16,
}

/// A client of the JSON API, as one user (or nobody).
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bearer token sent, if any.
    pub token: Option<String>,
    /// Every request made by this client and its clones.
    pub log: Arc<Mutex<Vec<Seen>>>,
}

/// An answer, read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON (the answer must be JSON).
    pub fn json(&self) -> Value {
        assert!(
            self.content_type.starts_with("application/json"),
            "not JSON ({}): {}",
            self.content_type,
            self.text
        );
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// Asserts a success status and returns the JSON body.
    pub fn ok(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        self.json()
    }

    /// Asserts the one error shape: this status, this code, a message, and
    /// `field` exactly as given (absent when `None`). Returns the body.
    pub fn error(&self, status: u16, code: &str, field: Option<&str>) -> ErrorBody {
        assert_eq!(self.status, status, "{}", self.text);
        let body = error_body(self);
        assert_eq!(body.error, code, "{}", self.text);
        assert_eq!(body.field.as_deref(), field, "{}", self.text);
        body
    }
}

/// Parses an error answer strictly as an [`ErrorBody`]: JSON, only the
/// known keys, a non-empty message.
pub fn error_body(r: &Reply) -> ErrorBody {
    let v = r.json();
    let keys: Vec<&String> = v
        .as_object()
        .expect("an error body is an object")
        .keys()
        .collect();
    for k in &keys {
        assert!(
            ["error", "message", "field", "problems"].contains(&k.as_str()),
            "unexpected key {k} in {}",
            r.text
        );
    }
    let body: ErrorBody =
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
    assert!(
        !body.error.is_empty() && !body.message.is_empty(),
        "{}",
        r.text
    );
    body
}

impl Api {
    /// A client with no token.
    pub fn anonymous(app: &TestApp) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            token: None,
            log: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The same client (sharing the log) with another token.
    pub fn with_token(&self, token: Option<&str>) -> Self {
        Self {
            token: token.map(str::to_owned),
            ..self.clone()
        }
    }

    /// Sends a request with an optional JSON body and extra headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = r.text().await.unwrap();
        let path_only = path.split('?').next().unwrap_or(path).to_owned();
        self.log.lock().unwrap().push(Seen {
            method: method.to_string(),
            path: path_only,
            status,
        });
        Reply {
            status,
            content_type,
            headers,
            text,
        }
    }

    /// Sends a raw body with a content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = r.text().await.unwrap();
        self.log.lock().unwrap().push(Seen {
            method: method.to_string(),
            path: path.to_owned(),
            status,
        });
        Reply {
            status,
            content_type,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, &[]).await
    }

    /// Everything seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

/// Signs up on the pages (signing up is not in the API) and gets an API
/// token for the account; returns a client carrying it.
pub async fn user(app: &TestApp, base: &Api, name: &str, email: &str) -> Api {
    signup(app, name, email).await;
    let r = base
        .with_token(None)
        .post(
            "/api/v1/tokens",
            json!({"email": email, "password": PASSWORD, "label": "tests"}),
        )
        .await;
    let body = r.ok(201);
    base.with_token(Some(body["token"].as_str().unwrap()))
}

/// A partnership made over the API: Maya starts it, invites Jonas as the
/// partner and Ruth as the coach, and both accept. Returns (maya, jonas,
/// ruth, partnership id), all sharing one log.
pub async fn api_partnership(app: &TestApp) -> (Api, Api, Api, String) {
    let base = Api::anonymous(app);
    let maya = user(app, &base, "Maya Chen", "maya@example.org").await;
    let jonas = user(app, &base, "Jonas Berg", "jonas@example.org").await;
    let ruth = user(app, &base, "Ruth Coach", "ruth@example.org").await;
    let p = maya
        .post(
            "/api/v1/partnerships",
            json!({"title": "Maya and Jonas", "timezone": "Europe/Berlin"}),
        )
        .await
        .ok(201);
    let id = p["id"].as_str().unwrap().to_owned();
    for (who, role) in [(&jonas, "partner"), (&ruth, "coach")] {
        let inv = maya
            .post(
                &format!("/api/v1/partnerships/{id}/invitations"),
                json!({"role": role}),
            )
            .await
            .ok(201);
        let token = link_token(inv["link"].as_str().unwrap());
        who.post(&format!("/api/v1/invitations/{token}/accept"), json!({}))
            .await
            .ok(200);
    }
    (maya, jonas, ruth, id)
}

/// The token at the end of an invitation link.
pub fn link_token(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

/// The OpenAPI document the app serves.
pub async fn document(api: &Api) -> Value {
    api.with_token(None).get("/api/openapi.json").await.ok(200)
}

/// Whether a concrete path matches a documented template.
pub fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// The documented template a concrete path belongs to, preferring the one
/// with the most fixed segments (as the router does).
pub fn template_of<'a>(doc: &'a Value, path: &str) -> Option<&'a str> {
    let paths = doc["paths"].as_object()?;
    paths
        .keys()
        .filter(|t| matches(t, path))
        .max_by_key(|t| t.split('/').filter(|s| !s.starts_with('{')).count())
        .map(String::as_str)
}

/// Checks every request seen against the document: each status seen on a
/// documented operation is documented for it; requests to paths or methods
/// the document does not have were answered 404 or 405. Returns how many
/// requests were checked against a documented operation.
pub fn check_seen_against(doc: &Value, seen: &[Seen]) -> usize {
    let mut checked = 0;
    for s in seen {
        let op =
            template_of(doc, &s.path).and_then(|t| doc["paths"][t].get(s.method.to_lowercase()));
        match op {
            Some(op) => {
                let documented = op["responses"].as_object().unwrap();
                assert!(
                    documented.contains_key(&s.status.to_string()),
                    "{} {} answered {}, which the document does not list ({:?})",
                    s.method,
                    s.path,
                    s.status,
                    documented.keys().collect::<Vec<_>>()
                );
                checked += 1;
            }
            None => assert!(
                [404, 405].contains(&s.status),
                "{} {} is not in the document but answered {}",
                s.method,
                s.path,
                s.status
            ),
        }
    }
    checked
}
