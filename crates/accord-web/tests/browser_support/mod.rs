//! Real headless Chromium for the browser tests: one `chromedriver` per
//! test run (started on a port it picks itself, killed with everything it
//! started when the [`Driver`] is dropped, even after a failed assertion),
//! one WebDriver session per person with its own fresh profile (so its
//! own cookies), and waits that poll the page instead of sleeping.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// The browser the Debian packages install.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The time zone the browsers run in (not UTC, so that the home page's
/// detection of it shows).
pub const TIME_ZONE: &str = "Europe/Berlin";

/// How long a wait polls before the test fails: generous for a busy
/// two-core machine, and only ever spent when something is wrong.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How soon the editor's review panel must follow typing (app.js waits
/// 300 ms after the last key, then asks the server).
pub const LIVE: Duration = Duration::from_secs(5);

const POLL: Duration = Duration::from_millis(50);

/// A running `chromedriver`, in its own process group.
pub struct Driver {
    child: Child,
    /// `http://127.0.0.1:PORT`, the WebDriver endpoint.
    pub url: String,
}

impl Driver {
    /// Starts `chromedriver --port=0` and reads the port it chose. `None`
    /// when chromedriver is not installed and this is not CI (under CI its
    /// absence is a failure, not a skip).
    pub fn start() -> Option<Self> {
        let found = Command::new("chromedriver")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(
                std::env::var("CI").is_err(),
                "CI must install chromedriver (see .ci/run)"
            );
            eprintln!("chromedriver is not installed: skipping the browser tests");
            return None;
        }
        let mut child = {
            use std::os::unix::process::CommandExt;
            Command::new("chromedriver")
                .args(["--port=0", "--log-level=WARNING"])
                // The browsers' time zone, which the home page detects.
                .env("TZ", TIME_ZONE)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .process_group(0)
                .spawn()
                .expect("chromedriver starts")
        };
        // It says "ChromeDriver was started successfully on port N."; the
        // rest of its output is drained so that it never blocks on a pipe.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    let _ = tx.send(rest.trim_end_matches('.').trim().to_owned());
                }
            }
        });
        let mut driver = Self {
            child,
            url: String::new(),
        };
        let port = rx
            .recv_timeout(PATIENCE)
            .expect("chromedriver says which port it listens on");
        driver.url = format!("http://127.0.0.1:{port}");
        Some(driver)
    }

    /// A new browser (a WebDriver session with a fresh profile) for the app
    /// at `base`, in a window of `width` × `height`.
    pub async fn browser(&self, base: &str, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // Downloads land here without asking, for the tests to read.
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let args = json!([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=en-US",
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ]);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "safebrowsing.enabled": false,
                },
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("chromedriver opens a Chromium session");
        Browser {
            client,
            base: base.to_owned(),
            downloads,
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    /// Kills chromedriver and whatever it started (its process group), so
    /// that no Chromium outlives the test, whether it passed or not.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One person's browser.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    base: String,
    downloads: std::path::PathBuf,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens a path of the app and waits for the page to load.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Opens an absolute URL.
    pub async fn open_url(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The current path and query, e.g. `/p/abc?saved=agenda`.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Waits for an element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!(
                "no {css:?} on {} within {PATIENCE:?}: {e}\n{}",
                self.path().await,
                self.main_text().await
            ),
        }
    }

    /// Whether an element matching a CSS selector is there now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap()
            .is_empty()
    }

    /// Polls `check` until it is true; fails the test after [`PATIENCE`].
    /// Errors from the browser (a page being replaced) count as "not yet".
    pub async fn until<F, Fut>(&self, what: &str, check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool, CmdError>>,
    {
        self.until_within(PATIENCE, what, check).await;
    }

    /// Polls `check` until it is true; fails the test after `patience`.
    pub async fn until_within<F, Fut>(&self, patience: Duration, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool, CmdError>>,
    {
        let deadline = Instant::now() + patience;
        loop {
            if let Ok(true) = check().await {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "waited {patience:?} for {what} on {}\n{}",
                    self.path().await,
                    self.main_text().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until an element's text contains `needle`, and returns the text.
    pub async fn text_with(&self, css: &str, needle: &str) -> String {
        let what = format!("{css:?} to say {needle:?}");
        self.until(&what, || async move {
            Ok(self.text(css).await.contains(needle))
        })
        .await;
        self.text(css).await
    }

    /// The text of the first element matching a CSS selector ("" if none).
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The page's main text, for failure messages.
    pub async fn main_text(&self) -> String {
        self.text("main").await
    }

    /// The current value of a form field.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Clears a field and types into it, key by key, as a person would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Chooses an option of a select by its value.
    pub async fn choose(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    /// Clicks an element, without waiting for anything.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Clicks something that loads a new page (a submit button, a link)
    /// and waits until the new page has replaced the old one, even when it
    /// has the same address (a form that redirects to itself).
    pub async fn click_and_load(&self, css: &str) {
        let target = self.find(css).await;
        self.load_after_click(target, css).await;
    }

    /// Follows the link with this exact text, as [`Self::click_and_load`].
    pub async fn follow(&self, link_text: &str) {
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .every(POLL)
            .for_element(Locator::LinkText(link_text))
            .await;
        let target = match found {
            Ok(e) => e,
            Err(e) => panic!(
                "no link {link_text:?} on {}: {e}\n{}",
                self.path().await,
                self.main_text().await
            ),
        };
        self.load_after_click(target, link_text).await;
    }

    async fn load_after_click(&self, target: Element, what: &str) {
        const LOADED: &str = "return document.readyState === 'complete' \
            && !document.documentElement.hasAttribute('data-old-page')";
        self.mark_page().await;
        target.click().await.unwrap();
        let what = format!("the page after clicking {what:?}");
        self.until(&what, || async move {
            Ok(self.client.execute(LOADED, vec![]).await? == Value::Bool(true))
        })
        .await;
    }

    /// Marks the page now shown, so that [`Self::same_page`] can tell
    /// whether it has been replaced since.
    pub async fn mark_page(&self) {
        self.js("document.documentElement.setAttribute('data-old-page', '')")
            .await;
    }

    /// Whether the page marked by [`Self::mark_page`] is still the one shown
    /// (nothing was submitted or reloaded).
    pub async fn same_page(&self) -> bool {
        self.js("return document.documentElement.hasAttribute('data-old-page')")
            .await
            == Value::Bool(true)
    }

    /// The rule ids of the findings in the editor's review panel, in order.
    pub async fn findings(&self) -> Vec<String> {
        self.try_findings().await.unwrap()
    }

    async fn try_findings(&self) -> Result<Vec<String>, CmdError> {
        let script = "return Array.from(document.querySelectorAll('#findings article.finding')).map(a => a.dataset.rule)";
        let v = self.client.execute(script, vec![]).await?;
        Ok(serde_json::from_value(v).unwrap_or_default())
    }

    /// Waits (at most [`LIVE`]) until the review panel's findings satisfy
    /// `check`, and returns them.
    pub async fn findings_until(
        &self,
        what: &str,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let check = &check;
        self.until_within(LIVE, what, || async move {
            Ok(check(&self.try_findings().await?))
        })
        .await;
        self.findings().await
    }

    /// Logs in from the login page with the tests' password and waits for
    /// the home page.
    pub async fn log_in(&self, email: &str) {
        self.open("/login").await;
        self.type_into("form[action='/login'] input[name=email]", email)
            .await;
        self.type_into(
            "form[action='/login'] input[name=password]",
            "correct horse battery",
        )
        .await;
        self.click_and_load("form[action='/login'] button[type=submit]")
            .await;
        self.text_with("main h1", "Your partnerships").await;
    }

    /// Waits until Chromium has finished downloading a file named `name`
    /// into this browser's download directory, and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let file = self.downloads.join(name);
        let started = Instant::now();
        loop {
            // Chromium writes `name.crdownload` first and renames it when done.
            if let Ok(bytes) = std::fs::read(&file) {
                return bytes;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{name} was not downloaded; the directory holds {:?}",
                std::fs::read_dir(&self.downloads)
                    .map(|d| d
                        .filter_map(Result::ok)
                        .map(|e| e.file_name())
                        .collect::<Vec<_>>())
                    .unwrap_or_default()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Ends the session (Chromium quits).
    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}
