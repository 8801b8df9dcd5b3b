//! What every handler shares: the store, the clock, the mailer and the
//! operator's settings.

use std::sync::Arc;

use accord_store::Store;
use jiff::SignedDuration;

use crate::clock::Clock;
use crate::mail::Mailer;

/// Settings the operator chooses (from flags, `ACCORD_*` variables or the
/// config file; see the `accord serve` command).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address users reach the app at, for links in e-mails and on
    /// pages, e.g. `https://accord.example.org`. No trailing slash.
    pub base_url: String,
    /// Whether to take the client address from `X-Forwarded-For` (only
    /// behind a reverse proxy that sets it), for login throttling.
    pub trust_forwarded_for: bool,
    /// How long a login lasts.
    pub session_ttl: SignedDuration,
    /// How long an invitation link works.
    pub invitation_ttl: SignedDuration,
    /// How long a password-reset link works.
    pub reset_ttl: SignedDuration,
    /// Whether webhooks may go to private networks and this machine (off:
    /// a user must not be able to make the server reach inside; see
    /// [`crate::webhook::guard`]).
    pub allow_private_webhooks: bool,
    /// How long a request may run before it is stopped with a 503
    /// ([`crate::limits::deadline`]).
    pub request_timeout: std::time::Duration,
    /// How long a connection may take to send a request's headers before
    /// it is closed ([`crate::serve`]).
    pub header_read_timeout: std::time::Duration,
}

impl Settings {
    /// Defaults for an app reached at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            trust_forwarded_for: false,
            session_ttl: SignedDuration::from_hours(24 * 30),
            invitation_ttl: SignedDuration::from_hours(24 * 7),
            reset_ttl: SignedDuration::from_hours(1),
            allow_private_webhooks: false,
            request_timeout: crate::limits::REQUEST_TIMEOUT,
            header_read_timeout: crate::limits::HEADER_READ_TIMEOUT,
        }
    }

    /// Whether cookies get the `Secure` attribute: when users reach the
    /// app over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// The shared state, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The mailer, when SMTP is configured.
    pub mailer: Option<Arc<dyn Mailer>>,
    /// The operator's settings.
    pub settings: Settings,
    /// The secret that signs check-in links, once read (see
    /// [`crate::running::links`]).
    pub link_secret: tokio::sync::OnceCell<String>,
    /// The idempotency keys of requests in flight in this process.
    pub keys_in_flight: Arc<crate::api::idempotency::InFlight>,
    /// The agreements in force, parsed, kept between requests.
    pub kept: crate::running::cache::Kept,
}

impl AppState {
    /// Bundles the parts.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        mailer: Option<Arc<dyn Mailer>>,
        settings: Settings,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            clock,
            mailer,
            settings,
            link_secret: tokio::sync::OnceCell::new(),
            keys_in_flight: Arc::default(),
            kept: crate::running::cache::Kept::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
