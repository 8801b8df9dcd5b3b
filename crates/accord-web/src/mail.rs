//! Outgoing e-mail: invitations and password-reset links. SMTP through
//! lettre when the operator configures it; without it nothing is sent, and
//! the app shows invitation links to the inviter while the operator issues
//! reset links from the command line (`accord user reset-link`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The message's own id, the same on every attempt to send it (an
    /// outbox row's id), sent as `Message-ID: <id@sender's domain>` so
    /// that a repeat after a crash can be told for one; a fresh one is
    /// made when `None`.
    pub message_id: Option<String>,
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
#[error("could not send e-mail: {0}")]
pub struct MailError(String);

/// Something that sends mail.
pub trait Mailer: Send + Sync + 'static {
    /// Sends one message.
    fn send(&self, mail: Mail) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + '_>>;
}

/// How TLS is used with the SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Tls,
    /// STARTTLS, required (port 587); the default.
    #[default]
    Starttls,
    /// No TLS: only for a relay on the same host.
    None,
}

/// SMTP settings, from the `[smtp]` table of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// The server's host name.
    pub host: String,
    /// Its port; the usual one for the TLS mode when absent.
    pub port: Option<u16>,
    /// TLS mode.
    #[serde(default)]
    pub tls: SmtpTls,
    /// The login, if the server wants one.
    pub username: Option<String>,
    /// Its password.
    pub password: Option<String>,
    /// The sender, e.g. `Accord <accord@example.org>`.
    pub from: String,
}

/// How long one message may take to send, connecting included: well
/// inside the worker's lease, so a worker that lives never loses its row
/// to another while it sends.
pub const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Sends through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Builds the transport; fails on a bad host or sender address.
    pub fn new(s: &SmtpSettings) -> Result<Self, MailError> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| MailError(format!("smtp.from {:?} is not an address: {e}", s.from)))?;
        let builder = match s.tls {
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &s.host,
            )),
        }
        .map_err(|e| MailError(format!("smtp.host {:?}: {e}", s.host)))?;
        let mut builder = match s.port {
            Some(port) => builder.port(port),
            None => builder,
        };
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        builder = builder.timeout(Some(SMTP_TIMEOUT));
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, mail: Mail) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + '_>> {
        Box::pin(async move {
            let to: Mailbox = mail
                .to
                .parse()
                .map_err(|e| MailError(format!("{:?} is not an address: {e}", mail.to)))?;
            let message_id = mail
                .message_id
                .map(|id| format!("<{id}@{}>", self.from.email.domain()));
            let message = Message::builder()
                .message_id(message_id)
                .from(self.from.clone())
                .to(to)
                .subject(mail.subject)
                // As a MIME part, so the body is declared UTF-8 text; a bare
                // `.body()` names no charset and non-ASCII text is garbled.
                .singlepart(SinglePart::plain(mail.body))
                .map_err(|e| MailError(e.to_string()))?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError(e.to_string()))
        })
    }
}

/// Keeps messages instead of sending them, for tests.
#[derive(Debug, Default)]
pub struct Outbox(Mutex<Vec<Mail>>);

impl Outbox {
    /// Everything "sent" so far.
    pub fn sent(&self) -> Vec<Mail> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Mailer for Outbox {
    fn send(&self, mail: Mail) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + '_>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(mail);
        Box::pin(async { Ok(()) })
    }
}

impl<T: Mailer> Mailer for std::sync::Arc<T> {
    fn send(&self, mail: Mail) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + '_>> {
        (**self).send(mail)
    }
}
