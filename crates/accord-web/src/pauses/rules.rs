//! When a pause can be agreed or withdrawn, and doing it, shared by the
//! pause pages and the API so that both refuse the same things with the
//! same reasons.

use accord_store::{Keyed, Pause, PauseId, StoreError, UserId};
use jiff::Timestamp;
use jiff::civil::Date;

use super::parse_day;
use crate::error::AppError;
use crate::partnerships::access::Access;
use crate::partnerships::today as review_today;
use crate::running::InForce;
use crate::state::AppState;

/// Today in the agreement's zone (UTC before an agreement is in force).
pub fn today(inforce: Option<&InForce>, now: Timestamp) -> Date {
    match inforce {
        Some(i) => review_today(&i.agreement, now).get(),
        None => now.to_zoned(jiff::tz::TimeZone::UTC).date(),
    }
}

/// The partnership's pause named in a URL, and today in the agreement's
/// zone; 404 for an id that is not one of its pauses.
pub async fn find(state: &AppState, access: &Access, pid: &str) -> Result<(Pause, Date), AppError> {
    let pid = PauseId::parse(pid).ok_or(AppError::NotFound)?;
    let pause = state
        .store
        .pauses(&access.partnership.id)
        .await?
        .into_iter()
        .find(|p| p.id == pid)
        .ok_or(AppError::NotFound)?;
    let inforce = crate::running::load(state, &access.partnership).await?;
    Ok((pause, today(inforce.as_deref(), state.clock.now())))
}

/// Why `user` cannot agree to `pause`, if they cannot.
pub fn cannot_agree(pause: &Pause, user: &UserId, today: Date) -> Option<&'static str> {
    if pause.withdrawn_at.is_some() {
        Some("This pause was withdrawn. Propose a new one if you still need it.")
    } else if pause.agreed_at.is_some() {
        Some("This pause is agreed already.")
    } else if &pause.proposed_by == user {
        Some("You proposed this pause, so your partner is the one to agree to it.")
    } else if parse_day(&pause.last_day).is_some_and(|l| l < today) {
        Some("This pause is over; there is nothing left to agree to.")
    } else {
        None
    }
}

/// Why `pause` cannot be withdrawn, if it cannot.
pub fn cannot_withdraw(pause: &Pause, today: Date) -> Option<&'static str> {
    if pause.withdrawn_at.is_some() {
        Some("This pause was withdrawn already.")
    } else if parse_day(&pause.last_day).is_some_and(|l| l < today) {
        Some("This pause is over; it stays in the history as it was.")
    } else {
        None
    }
}

/// Agrees to the pause `pid` as `user` (under an idempotency key, from
/// the API). Refused, or changed by someone else in between, it is
/// [`AppError::Conflict`] with the reason as the pause stands now.
pub async fn agree(
    state: &AppState,
    access: &Access,
    user: &UserId,
    pid: &str,
    keyed: Option<&Keyed<Pause>>,
) -> Result<Pause, AppError> {
    let (pause, today) = find(state, access, pid).await?;
    if let Some(why) = cannot_agree(&pause, user, today) {
        return Err(AppError::Conflict(why.into()));
    }
    let now = state.clock.now();
    match state
        .store
        .agree_pause_keyed(&access.partnership.id, &pause.id, user, now, keyed)
        .await
    {
        Err(StoreError::Conflict(_)) => {
            let (pause, today) = find(state, access, pause.id.as_str()).await?;
            let why = cannot_agree(&pause, user, today)
                .unwrap_or("This pause changed a moment ago; look at it again.");
            Err(AppError::Conflict(why.into()))
        }
        done => Ok(done?),
    }
}

/// Withdraws the pause `pid` as `user` (under an idempotency key, from
/// the API); refused, it is [`AppError::Conflict`] with the reason.
pub async fn withdraw(
    state: &AppState,
    access: &Access,
    user: &UserId,
    pid: &str,
    keyed: Option<&Keyed<Pause>>,
) -> Result<Pause, AppError> {
    let (pause, today) = find(state, access, pid).await?;
    if let Some(why) = cannot_withdraw(&pause, today) {
        return Err(AppError::Conflict(why.into()));
    }
    let now = state.clock.now();
    match state
        .store
        .withdraw_pause_keyed(&access.partnership.id, &pause.id, user, now, keyed)
        .await
    {
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(
            "This pause was withdrawn a moment ago.".into(),
        )),
        done => Ok(done?),
    }
}
