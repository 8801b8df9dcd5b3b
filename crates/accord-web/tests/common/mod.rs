//! The test harness shared by the web crate's integration tests: a real
//! server on port 0 over a real database (a temporary SQLite file, or
//! PostgreSQL with `spawn_app_on(Backend::Postgres)` when
//! `ACCORD_TEST_POSTGRES_URL` is set), a settable clock, an outbox instead
//! of SMTP, and a cookie-keeping client that fills in CSRF tokens.
#![allow(
    dead_code,
    unused_macros,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::sync::Arc;

use accord_store::{Db, Store};
use accord_web::{AppState, FixedClock, Mailer, Outbox, Settings};
use jiff::Timestamp;

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The app's clock.
    pub clock: Arc<FixedClock>,
    /// What the app "sent".
    pub outbox: Arc<Outbox>,
    /// The app's store, for arranging and checking state.
    pub store: Arc<dyn Store>,
    /// The app's whole state, for driving the worker.
    pub state: AppState,
    /// The database URL, for looking at the database itself.
    pub url: String,
    _dir: tempfile::TempDir,
    _pg: Option<PgGuard>,
}

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh schema-less database on the server in ACCORD_TEST_POSTGRES_URL.
    Postgres,
}

/// The time every test starts at: 2026-03-02 09:00 UTC (a Monday).
pub fn start_time() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

/// Starts the app on SQLite, with mail going to an outbox.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite, true).await
}

/// Starts the app; `mail` false runs it as if SMTP were not configured.
pub async fn spawn_app_on(backend: Backend, mail: bool) -> TestApp {
    spawn_app_tuned(backend, mail, |_| {}).await
}

/// Starts the app with mail to the outbox and settings changed by `tune`
/// (shorter deadlines, say).
pub async fn spawn_app_with(backend: Backend, tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_tuned(backend, true, tune).await
}

async fn spawn_app_tuned(
    backend: Backend,
    mail: bool,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (url, guard) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("accord.db").display()),
            None,
        ),
        Backend::Postgres => {
            let (url, guard) = fresh_postgres().await;
            (url, Some(guard))
        }
    };
    let mut app = spawn_app_at_tuned(&url, dir, mail, tune).await;
    app._pg = guard;
    app
}

/// Starts an app process on an existing database: several of these on one
/// PostgreSQL database behave like several `accord serve` processes.
pub async fn spawn_app_at(url: &str, dir: tempfile::TempDir, mail: bool) -> TestApp {
    spawn_app_at_tuned(url, dir, mail, |_| {}).await
}

async fn spawn_app_at_tuned(
    url: &str,
    dir: tempfile::TempDir,
    mail: bool,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let db = Db::connect(url).await.unwrap();
    let store = db.into_shared();
    let clock = Arc::new(FixedClock::new(start_time()));
    let outbox = Arc::new(Outbox::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mailer: Option<Arc<dyn Mailer>> = mail.then(|| outbox.clone() as Arc<dyn Mailer>);
    let mut settings = Settings::new(&base);
    // The tests' webhook receivers listen on this machine.
    settings.allow_private_webhooks = true;
    tune(&mut settings);
    let state = AppState::new(store.clone(), clock.clone(), mailer, settings);
    tokio::spawn(accord_web::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    TestApp {
        base,
        clock,
        outbox,
        store,
        state,
        url: url.to_owned(),
        _dir: dir,
        _pg: None,
    }
}

/// Drops its test database when dropped, ending the connections the app
/// still holds.
pub struct PgGuard {
    admin_url: String,
    name: String,
}

impl Drop for PgGuard {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread with its own can block.
        let _ = std::thread::spawn(move || {
            use sqlx::Connection;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&url).await {
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// A new empty database on the test PostgreSQL server, dropped with its guard.
pub async fn fresh_postgres() -> (String, PgGuard) {
    use sqlx::Connection;
    let url =
        std::env::var("ACCORD_TEST_POSTGRES_URL").expect("ACCORD_TEST_POSTGRES_URL is not set");
    let name = format!("accord_web_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    (
        format!("{base}/{name}"),
        PgGuard {
            admin_url: url.clone(),
            name,
        },
    )
}

/// The PostgreSQL URL for tests, if configured; under CI its absence is a
/// failure, not a skip.
pub fn postgres_configured() -> bool {
    let set = std::env::var("ACCORD_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty());
    assert!(
        set || std::env::var("CI").is_err(),
        "CI must set ACCORD_TEST_POSTGRES_URL"
    );
    set
}

/// A browser-like client: keeps cookies, never follows redirects (tests
/// look at them), and fills in the CSRF token of the last page it read.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
    pub jar: Arc<reqwest::cookie::Jar>,
}

/// A response, read.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Client {
    /// A fresh client with no cookies.
    pub fn new(app: &TestApp) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: app.base.clone(),
            csrf: String::new(),
            jar,
        }
    }

    async fn read(&mut self, r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = r.text().await.unwrap();
        if let Some(t) = csrf_in(&body) {
            self.csrf = t;
        }
        Page {
            status,
            location,
            body,
        }
    }

    /// The value of the cookie `name` the client would send to the app.
    pub fn cookie(&self, _app: &TestApp, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split("; ").find_map(|c| {
            c.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_owned)
        })
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Page {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// POST a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&form).unwrap();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Logs in again with the tests' password (sessions last 30 days of
    /// the app's clock, so tests spanning longer log in again).
    pub async fn log_in(&mut self, email: &str) {
        self.get("/login").await;
        let fields = [
            ("email", email),
            ("password", "correct horse battery"),
            ("next", "/"),
        ];
        let page = self.post("/login", &fields).await;
        assert_eq!(page.status, 303, "{}", page.body);
        // The new session has its own CSRF token: read it from a page.
        self.get("/").await;
    }

    /// POST a form exactly as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }
}

/// The first CSRF token in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

/// Signs up a new account and returns its logged-in client.
pub async fn signup(app: &TestApp, name: &str, email: &str) -> Client {
    let mut c = Client::new(app);
    c.get("/signup").await;
    let page = c
        .post(
            "/signup",
            &[
                ("name", name),
                ("email", email),
                ("password", "correct horse battery"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "signup failed: {}", page.body);
    c.get("/").await;
    c
}

/// Starts a partnership as `c` and returns its id.
pub async fn start_partnership(c: &mut Client, title: &str) -> String {
    let page = c
        .post(
            "/partnerships",
            &[
                ("title", title),
                ("scenario", "general"),
                ("timezone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id = page.location.unwrap().trim_start_matches("/p/").to_owned();
    c.get(&format!("/p/{id}")).await;
    id
}

/// Invites someone as `role` and returns the invitation path (`/invite/…`).
pub async fn invite(c: &mut Client, id: &str, role: &str) -> String {
    let page = c
        .post(
            &format!("/p/{id}/invitations"),
            &[("role", role), ("email", "")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let at = page
        .body
        .find("/invite/")
        .expect("the page shows the invitation link");
    let end = page.body[at..].find('"').unwrap();
    page.body[at..at + end].to_owned()
}

/// A partnership with two partners and a coach: (maya, jonas, coach, id).
pub async fn full_partnership(app: &TestApp) -> (Client, Client, Client, String) {
    let mut maya = signup(app, "Maya Chen", "maya@example.org").await;
    let id = start_partnership(&mut maya, "Maya and Jonas").await;
    let link = invite(&mut maya, &id, "partner").await;
    let mut jonas = signup(app, "Jonas Berg", "jonas@example.org").await;
    jonas.get(&link).await;
    assert_eq!(jonas.post(&link, &[]).await.status, 303);
    let link = invite(&mut maya, &id, "coach").await;
    let mut coach = signup(app, "Ruth Coach", "ruth@example.org").await;
    coach.get(&link).await;
    assert_eq!(coach.post(&link, &[]).await.status, 303);
    (maya, jonas, coach, id)
}

/// Two tests running one scenario (`async fn(&TestApp)`): on SQLite always,
/// and on PostgreSQL when it is configured (under CI it must be).
macro_rules! on_both_databases {
    ($scenario:ident: $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $scenario(&spawn_app().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if postgres_configured() {
                $scenario(&spawn_app_on(Backend::Postgres, true).await).await;
            }
        }
    };
}
pub(crate) use on_both_databases;
