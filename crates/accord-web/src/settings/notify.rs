//! The rules for changing notification settings, shared by the reminders
//! page and `PUT /api/v1/me/notifications`: the webhook address must pass
//! [`webhook::check_url`]; a webhook gets a secret when it is first set
//! (shown once), keeps it while it is set, and loses it when removed.

use accord_store::{NotificationSettings, User};

use crate::auth::tokens;
use crate::error::AppError;
use crate::state::AppState;
use crate::webhook;

/// The field the webhook address is in, on the page and in the API.
pub const WEBHOOK_FIELD: &str = "webhook_url";

/// Settings after a change, with the webhook secret if the change made a
/// new one (to show this once).
#[derive(Debug, Clone)]
pub struct Saved {
    /// The settings as stored.
    pub settings: NotificationSettings,
    /// The new secret, when one was made.
    pub new_secret: Option<String>,
}

/// Checks a webhook address: empty means none; otherwise it is returned
/// as the checked URL, or an error naming [`WEBHOOK_FIELD`]. Unless
/// `private_allowed`, an address written as a private IP (or `localhost`)
/// is refused here already; host names are checked when sending.
pub fn check_webhook(url: Option<&str>, private_allowed: bool) -> Result<Option<String>, AppError> {
    let Some(u) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let parsed =
        webhook::check_url(u).map_err(|message| AppError::invalid(WEBHOOK_FIELD, message))?;
    if !private_allowed
        && let Some(why) = parsed.host().as_ref().and_then(webhook::guard::refuse_host)
    {
        return Err(AppError::invalid(WEBHOOK_FIELD, why));
    }
    Ok(Some(parsed.as_str().to_owned()))
}

/// A new webhook secret: 256 random bits in the Standard Webhooks form,
/// `whsec_` and their base64, which those libraries take as it is.
pub fn new_secret() -> String {
    use base64::Engine;
    let mut bits = [0u8; 32];
    tokens::fill_random(&mut bits);
    format!(
        "{}{}",
        crate::webhook::SECRET_PREFIX,
        base64::engine::general_purpose::STANDARD.encode(bits)
    )
}

/// Saves e-mail on or off and the webhook address (none when empty or
/// `None`). Nothing is saved when the address is not valid.
pub async fn save(
    state: &AppState,
    user: &User,
    email: bool,
    webhook_url: Option<&str>,
) -> Result<Saved, AppError> {
    let url = check_webhook(webhook_url, state.settings.allow_private_webhooks)?;
    let current = state.store.notification_settings(&user.id).await?;
    let (secret, made) = match (&url, current.webhook_secret) {
        (None, _) => (None, None),
        (Some(_), Some(kept)) => (Some(kept), None),
        (Some(_), None) => {
            let fresh = new_secret();
            (Some(fresh.clone()), Some(fresh))
        }
    };
    let settings = NotificationSettings {
        email,
        webhook_url: url,
        webhook_secret: secret,
    };
    state
        .store
        .set_notification_settings(&user.id, &settings, state.clock.now())
        .await?;
    Ok(Saved {
        settings,
        new_secret: made,
    })
}

/// Replaces the webhook secret with a new one (the old one stops being
/// used at once) and returns it, to show this once. Works without a
/// webhook address too: the secret then waits for one.
pub async fn renew_secret(state: &AppState, user: &User) -> Result<Saved, AppError> {
    let mut settings = state.store.notification_settings(&user.id).await?;
    let fresh = new_secret();
    settings.webhook_secret = Some(fresh.clone());
    state
        .store
        .set_notification_settings(&user.id, &settings, state.clock.now())
        .await?;
    Ok(Saved {
        settings,
        new_secret: Some(fresh),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_addresses_mean_no_webhook() {
        assert_eq!(check_webhook(None, false).ok(), Some(None));
        assert_eq!(check_webhook(Some("  "), false).ok(), Some(None));
    }

    #[test]
    fn bad_addresses_name_the_field() {
        let e = check_webhook(Some("ftp://example.org/x"), false).err();
        assert_eq!(e.as_ref().and_then(AppError::field), Some(WEBHOOK_FIELD));
        let ok = check_webhook(Some(" https://hooks.example.org/a "), false).ok();
        assert_eq!(ok, Some(Some("https://hooks.example.org/a".to_owned())));
    }

    #[test]
    fn private_addresses_are_refused_unless_the_operator_allows_them() {
        for url in [
            "http://127.0.0.1:9000/h",
            "http://localhost/h",
            "http://10.1.2.3/h",
        ] {
            let e = check_webhook(Some(url), false).err();
            assert_eq!(
                e.as_ref().and_then(AppError::field),
                Some(WEBHOOK_FIELD),
                "{url}"
            );
            assert!(
                e.is_some_and(|e| e.to_string().contains("private network")),
                "{url}"
            );
            assert!(check_webhook(Some(url), true).is_ok(), "{url}");
        }
    }

    #[test]
    fn secrets_are_256_bits_in_the_standard_form_and_fresh() {
        use base64::Engine;
        let secret = new_secret();
        let bits = secret
            .strip_prefix("whsec_")
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
        assert_eq!(bits.map(|b| b.len()), Some(32), "{secret}");
        assert_ne!(new_secret(), new_secret());
    }
}
