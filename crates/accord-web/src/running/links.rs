//! Check-in links in reminder e-mails: open one check-in's page for one
//! person without logging in.
//!
//! A link carries a random id and an HMAC-SHA256 of it under a server
//! secret (kept in the database so every process agrees, and read once per
//! process: it never changes), so a forged or altered link is refused
//! before any lookup. The id names a stored row
//! that binds the link to its partnership, check-in and person, with an
//! expiry; the link is used up by the first form it submits, not by
//! opening it, so a mail scanner that fetches links does not spend it.

use accord_store::{CheckinLink, LinkId, NewCheckinLink, PartnershipId, UserId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use crate::auth::tokens::new_token;
use crate::error::AppError;
use crate::state::AppState;

/// The name of the server secret that signs check-in links.
const SECRET: &str = "checkin-links";

/// The signing secret: from the database the first time this process
/// needs it (stored there first if no process has yet), then kept.
async fn secret(state: &AppState) -> Result<&str, AppError> {
    let secret = state
        .link_secret
        .get_or_try_init(|| async {
            state
                .store
                .server_secret(SECRET, &new_token())
                .await
                .map_err(AppError::from)
        })
        .await?;
    Ok(secret)
}

fn mac(secret: &str, id: &LinkId) -> Result<Hmac<Sha256>, AppError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(AppError::internal)?;
    mac.update(b"accord checkin link\n");
    mac.update(id.as_str().as_bytes());
    Ok(mac)
}

/// Makes a link for `user` to the check-in at `occurrence`, valid until
/// `expires_at`, and returns its token (the last part of `/c/{token}`).
pub async fn create(
    state: &AppState,
    partnership: &PartnershipId,
    occurrence: Timestamp,
    user: &UserId,
    expires_at: Timestamp,
    now: Timestamp,
) -> Result<String, AppError> {
    let id = LinkId::random();
    state
        .store
        .create_checkin_link(&NewCheckinLink {
            id: &id,
            partnership,
            occurrence,
            user,
            expires_at,
            now,
        })
        .await?;
    let tag = mac(secret(state).await?, &id)?.finalize().into_bytes();
    Ok(format!(
        "{}.{}",
        id.as_str().replace('-', ""),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// The link a token names, if its signature holds and it can still be
/// used at `now`; a used or expired link is [`AppError::Gone`], anything
/// else (forged, altered, unknown) is [`AppError::NotFound`].
pub async fn open(state: &AppState, token: &str, now: Timestamp) -> Result<CheckinLink, AppError> {
    let (id, tag) = token.split_once('.').ok_or(AppError::NotFound)?;
    let id = LinkId::parse(id).ok_or(AppError::NotFound)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| AppError::NotFound)?;
    mac(secret(state).await?, &id)?
        .verify_slice(&tag)
        .map_err(|_| AppError::NotFound)?;
    let link = state
        .store
        .checkin_link(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    if link.used_at.is_some() {
        return Err(AppError::Gone(
            "This check-in link has been used already. Log in to see the check-in.".into(),
        ));
    }
    if link.expires_at <= now {
        return Err(AppError::Gone(
            "This check-in link has expired. Log in to see the check-in.".into(),
        ));
    }
    Ok(link)
}
