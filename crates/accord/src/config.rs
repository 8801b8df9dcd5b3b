//! The app's settings, from flags, `ACCORD_*` variables and an optional
//! TOML config file, in that order of precedence, with defaults that need
//! no setup: SQLite in `./accord-data`, listening on 127.0.0.1:8080.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use accord_web::SmtpSettings;
use anyhow::{Context, anyhow};
use serde::Deserialize;

use crate::cli::ServerArgs;

/// The config file's shape. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    base_url: Option<String>,
    trust_forwarded_for: Option<bool>,
    allow_private_webhooks: Option<bool>,
    smtp: Option<SmtpSettings>,
}

/// Settings after merging.
#[derive(Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The database URL.
    pub database_url: String,
    /// The address users reach the app at.
    pub base_url: String,
    /// Whether X-Forwarded-For is trusted.
    pub trust_forwarded_for: bool,
    /// Whether webhooks may reach private networks and this machine.
    pub allow_private_webhooks: bool,
    /// SMTP, when configured.
    pub smtp: Option<SmtpSettings>,
}

fn read_file(path: &Path) -> anyhow::Result<File> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the config file {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(":{line}:{column}")
            })
            .unwrap_or_default();
        anyhow!("{}{at}: {}", path.display(), e.message())
    })
}

/// Merges flags and variables (already in `args`) over the config file and
/// the defaults.
pub fn load(args: ServerArgs) -> anyhow::Result<Config> {
    let file = match &args.config {
        Some(path) => read_file(path)?,
        None => File::default(),
    };
    let listen_text = args
        .listen
        .or(file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listen: SocketAddr = listen_text.parse().map_err(|_| {
        anyhow!("--listen {listen_text:?} is not an address and port such as 127.0.0.1:8080 or 0.0.0.0:80")
    })?;
    let data_dir = args
        .data_dir
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("accord-data"));
    let database_url = match args.database_url.or(file.database_url) {
        Some(url) => url,
        None => format!("sqlite://{}", data_dir.join("accord.db").display()),
    };
    let base_url = args
        .base_url
        .or(file.base_url)
        .unwrap_or_else(|| format!("http://{listen}"));
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(anyhow!(
            "--base-url {base_url:?} must start with http:// or https://"
        ));
    }
    Ok(Config {
        listen,
        database_url,
        base_url,
        trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
        allow_private_webhooks: file.allow_private_webhooks.unwrap_or(false),
        smtp: file.smtp,
    })
}

impl Config {
    /// Connects to the database, creating the data directory first when the
    /// database is a SQLite file in it.
    pub async fn connect(&self) -> anyhow::Result<accord_store::Db> {
        if let Some(path) = self.database_url.strip_prefix("sqlite://")
            && let Some(parent) = Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).with_context(|| {
                format!("could not create the data directory {}", parent.display())
            })?;
        }
        accord_store::Db::connect(&self.database_url)
            .await
            .map_err(|e| anyhow!("could not open the database: {e}"))
    }

    /// The database URL without its password, for messages and logs.
    pub fn database_shown(&self) -> String {
        redact(&self.database_url)
    }

    /// The web app's settings.
    pub fn settings(&self) -> accord_web::Settings {
        let mut s = accord_web::Settings::new(&self.base_url);
        s.trust_forwarded_for = self.trust_forwarded_for;
        s.allow_private_webhooks = self.allow_private_webhooks;
        s
    }
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:…{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_database_urls_are_not_printed() {
        assert_eq!(
            super::redact("postgres://app:secret@db/accord"),
            "postgres://app:…@db/accord"
        );
        assert_eq!(
            super::redact("sqlite://accord-data/accord.db"),
            "sqlite://accord-data/accord.db"
        );
    }
}
