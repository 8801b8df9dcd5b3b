//! Login throttling that an attacker cannot turn into a lock-out.
//!
//! Failures are counted in the database (so every app process sees them)
//! under three keys over a 15-minute window:
//!
//! - the client address: many failures from one address block that address;
//! - the account and address together: guessing one account from one
//!   address is stopped early;
//! - the account alone: guessing spread over many addresses is stopped too,
//!   but a browser that has logged in to that account before (it carries a
//!   device cookie) is exempt, so the owner can still log in while someone
//!   else is hammering their account.

use accord_store::TokenHash;
use jiff::SignedDuration;

use crate::error::AppError;
use crate::state::AppState;

/// The window failures are counted over.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failures from one address before it is blocked.
pub const PER_ADDRESS: u64 = 50;
/// Failures for one account from one address.
pub const PER_PAIR: u64 = 5;
/// Failures for one account from anywhere, for unknown browsers.
pub const PER_ACCOUNT: u64 = 20;

fn keys(email: &str, addr: &str) -> [String; 3] {
    let email = email.trim().to_lowercase();
    [
        format!("addr:{addr}"),
        format!("pair:{email}|{addr}"),
        format!("acct:{email}"),
    ]
}

/// Refuses the attempt when a limit is reached.
pub async fn check(
    state: &AppState,
    email: &str,
    addr: &str,
    known_device: bool,
) -> Result<(), AppError> {
    let since = state.clock.now() - WINDOW;
    let [by_addr, by_pair, by_account] = keys(email, addr);
    let store = &state.store;
    let blocked = store.login_failures(&by_addr, since).await? >= PER_ADDRESS
        || store.login_failures(&by_pair, since).await? >= PER_PAIR
        || (!known_device && store.login_failures(&by_account, since).await? >= PER_ACCOUNT);
    if blocked {
        return Err(AppError::TooManyRequests(WINDOW.as_secs().unsigned_abs()));
    }
    Ok(())
}

/// Counts a failed attempt.
pub async fn failed(state: &AppState, email: &str, addr: &str) -> Result<(), AppError> {
    let keys = keys(email, addr).to_vec();
    state
        .store
        .record_login_failure(&keys, state.clock.now())
        .await?;
    Ok(())
}

/// Forgets this account's failures from this address after a success.
pub async fn succeeded(state: &AppState, email: &str, addr: &str) -> Result<(), AppError> {
    let [_, by_pair, _] = keys(email, addr);
    state.store.clear_login_failures(&by_pair).await?;
    Ok(())
}

/// Whether the request's device cookie marks a browser that has logged in
/// to this account before.
pub async fn known_device(
    state: &AppState,
    device: Option<&TokenHash>,
    user: Option<&accord_store::UserId>,
) -> Result<bool, AppError> {
    match (device, user) {
        (Some(d), Some(u)) => Ok(state.store.device_known(d, u).await?),
        _ => Ok(false),
    }
}
