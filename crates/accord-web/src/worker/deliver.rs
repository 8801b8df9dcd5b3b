//! Delivering one claimed outbox row: an e-mail, a webhook call, or an
//! internal job (the missed-check-in check). Before sending a reminder the
//! worker checks that it still applies: the same version in force, its
//! check-in neither recorded nor paused. One that no longer applies is
//! marked done without sending. Other messages (a recap, a missed-check-in
//! notice) report something that happened: they go out whatever version is
//! in force by then.
//!
//! A partnership whose agreement in force cannot be read (a stored
//! agreement or check-in that does not parse) fails its own rows, each
//! with the reason; the rest of the batch goes out.

use accord_core::checkin::{GRACE, when};
use std::collections::HashMap;

use accord_store::{Channel, ConsequenceKind, NewConsequence, Outgoing, PartnershipId};
use jiff::Timestamp;
use serde_json::json;

use super::retry_at;
use crate::error::AppError;
use crate::mail::Mail;
use crate::running::notify::{self, Message, Payload};
use crate::running::{InForce, links};
use crate::state::AppState;
use crate::webhook::{WebhookError, WebhookMessage, WebhookSender};

/// The agreements in force that one step has read, by partnership: a batch
/// holds many rows of the same partnership, and each needs its version,
/// schedule and pauses, so each is read once per step, not once per row.
/// One that could not be read is kept as why, so its other rows fail
/// without reading it again.
#[derive(Default)]
pub struct Loaded(HashMap<PartnershipId, Result<Option<std::sync::Arc<InForce>>, String>>);

impl Loaded {
    /// The agreement in force (`None` when none is signed), or, when it
    /// cannot be read, the failure of the row that needs it: that concerns
    /// this partnership alone, not the whole batch.
    async fn get(
        &mut self,
        state: &AppState,
        id: &PartnershipId,
    ) -> Result<Option<&InForce>, Failed> {
        if !self.0.contains_key(id) {
            let inforce = crate::running::load_by_id(state, id, None).await.map_err(|e| {
                tracing::error!(partnership = %id, error = %e, "could not read the agreement in force");
                e.to_string()
            });
            self.0.insert(id.clone(), inforce);
        }
        match self.0.get(id) {
            Some(Ok(inforce)) => Ok(inforce.as_deref()),
            Some(Err(why)) => Err(Failed::passing(format!(
                "the agreement in force could not be read: {why}"
            ))),
            None => Ok(None),
        }
    }
}

/// A delivery that did not happen: why, and whether it can never succeed
/// as it stands (then it is not tried again: a webhook address that is
/// malformed or private stays so until its owner changes it).
struct Failed {
    why: String,
    lasting: bool,
}

impl Failed {
    /// A failure that may pass (a receiver down, a network error).
    fn passing(why: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            lasting: false,
        }
    }
}

/// Kinds that concern a check-in still to come.
const BEFORE_CHECKIN: [&str; 2] = ["preparation", "checkin"];

/// The kinds of reminder planned from a version's schedule (every
/// [`ReminderKind::as_str`](accord_core::schedule::ReminderKind::as_str)):
/// dropped once another version is in force, which plans its own. Other
/// kinds (`recap`, `missed-checkin`) are sent whatever version is in force.
const REMINDER_KINDS: [&str; 6] = [
    "preparation",
    "checkin",
    "boundary",
    "milestone",
    "goal-due",
    "recalibration",
];

/// Delivers `row`; `true` when it is done (sent, or no longer needed),
/// `false` when this attempt failed (it is retried later or given up).
pub async fn deliver(
    state: &AppState,
    webhooks: &WebhookSender,
    row: Outgoing,
    now: Timestamp,
    loaded: &mut Loaded,
) -> Result<bool, AppError> {
    let outcome = match row.channel {
        Channel::Internal => missed_check(state, &row, now, loaded).await,
        Channel::Email | Channel::Webhook => send(state, webhooks, &row, now, loaded).await,
    };
    match outcome? {
        Ok(()) => {
            state
                .store
                .mark_sent(&row.id, &row.lease_token, now)
                .await?;
            Ok(true)
        }
        Err(Failed { why, lasting }) => {
            let retry = if lasting {
                None
            } else {
                retry_at(now, row.attempts)
            };
            if retry.is_none() {
                tracing::warn!(id = %row.id, kind = %row.kind, error = %why, "giving up on a message");
            }
            state
                .store
                .mark_failed(&row.id, &row.lease_token, &why, retry)
                .await?;
            Ok(false)
        }
    }
}

/// Sends an e-mail or webhook row. The outer error is the database; the
/// inner one a failed delivery.
async fn send(
    state: &AppState,
    webhooks: &WebhookSender,
    row: &Outgoing,
    now: Timestamp,
    loaded: &mut Loaded,
) -> Result<Result<(), Failed>, AppError> {
    let Ok(payload) = serde_json::from_str::<Payload>(&row.payload) else {
        return Ok(Err(Failed {
            why: "the stored message does not parse".into(),
            lasting: true,
        }));
    };
    let Some(user_id) = &row.user else {
        return Ok(Ok(()));
    };
    let Some(user) = state.store.user_by_id(user_id).await? else {
        return Ok(Ok(()));
    };
    let mut occurrence_end = None;
    if let (Some(id), Some(version), true) = (
        &row.partnership,
        payload.version,
        REMINDER_KINDS.contains(&row.kind.as_str()),
    ) {
        let inforce = match loaded.get(state, id).await {
            Ok(inforce) => inforce,
            Err(failed) => return Ok(Err(failed)),
        };
        let Some(inforce) = inforce.filter(|i| i.version.number == version) else {
            return Ok(Ok(()));
        };
        if let (Some(ms), true) = (
            payload.occurrence,
            BEFORE_CHECKIN.contains(&row.kind.as_str()),
        ) {
            let at = Timestamp::from_millisecond(ms).unwrap_or(now);
            let Ok(schedule) = &inforce.schedule else {
                return Ok(Ok(()));
            };
            let Some(occ) = schedule.occurrence_at(at) else {
                return Ok(Ok(()));
            };
            if inforce.entry(at).is_some() || schedule.paused(at, &inforce.pauses) {
                return Ok(Ok(()));
            }
            occurrence_end = Some(
                accord_core::checkin::grace_end(schedule, &occ)
                    .to_zoned(schedule.time_zone().clone()),
            );
        }
    }
    match row.channel {
        Channel::Email => {
            let Some(mailer) = &state.mailer else {
                return Ok(Err(Failed::passing(
                    "e-mail is not configured (no SMTP settings)",
                )));
            };
            let mut body = payload.text.clone();
            if let (true, Some(id), Some(ms), Some(expires)) = (
                payload.checkin_link,
                &row.partnership,
                payload.occurrence,
                occurrence_end,
            ) {
                let at = Timestamp::from_millisecond(ms).unwrap_or(now);
                let token = links::create(state, id, at, user_id, expires.timestamp(), now).await?;
                body.push_str(&format!(
                    "\n\nOpen this check-in without logging in: {}/c/{token}\n\
                     (the link is yours alone; it works once, until {}).",
                    state.settings.base_url,
                    when(&expires),
                ));
            }
            if let Some(link) = &payload.link {
                body.push_str(&format!("\n\nIn Accord: {link}"));
            }
            body.push_str(&format!(
                "\n\n--\nYou get this because you are a partner in an Accord agreement. \
                 Choose what you get at {}/settings/reminders",
                state.settings.base_url
            ));
            let mail = Mail {
                to: user.email.clone(),
                subject: payload.subject.clone(),
                body,
                message_id: Some(row.id.to_string()),
            };
            Ok(mailer
                .send(mail)
                .await
                .map_err(|e| Failed::passing(e.to_string())))
        }
        _ => {
            let settings = state.store.notification_settings(user_id).await?;
            let (Some(url), Some(secret)) = (settings.webhook_url, settings.webhook_secret) else {
                // The person removed their webhook since: nothing to do.
                return Ok(Ok(()));
            };
            let message = WebhookMessage {
                title: payload.subject.clone(),
                text: payload.text.clone(),
                link: payload.link.clone(),
                event: payload.event.clone(),
            };
            Ok(webhooks
                .send(&url, &secret, row.id.as_str(), &message, now)
                .await
                .map_err(|e| Failed {
                    lasting: matches!(e, WebhookError::BadUrl(_) | WebhookError::Private(_)),
                    why: e.to_string(),
                }))
        }
    }
}

/// The job at the end of a check-in's grace window: if nothing was
/// recorded and it is not paused, the missed-check-in protocol fires once:
/// logged, and both partners are told what they agreed to do. The job
/// belongs to the version that planned it (a newer one plans its own); the
/// notice it enqueues does not. The outer error is the database; the inner
/// one an agreement in force that cannot be read.
async fn missed_check(
    state: &AppState,
    row: &Outgoing,
    now: Timestamp,
    loaded: &mut Loaded,
) -> Result<Result<(), Failed>, AppError> {
    let (Some(id), Ok(job)) = (
        &row.partnership,
        serde_json::from_str::<serde_json::Value>(&row.payload),
    ) else {
        return Ok(Ok(()));
    };
    let version = job.get("version").and_then(serde_json::Value::as_i64);
    let Some(at) = job
        .get("occurrence")
        .and_then(serde_json::Value::as_i64)
        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
    else {
        return Ok(Ok(()));
    };
    let inforce = match loaded.get(state, id).await {
        Ok(Some(inforce)) => inforce,
        Ok(None) => return Ok(Ok(())),
        Err(failed) => return Ok(Err(failed)),
    };
    let Ok(schedule) = &inforce.schedule else {
        return Ok(Ok(()));
    };
    if Some(inforce.version.number) != version
        || inforce.entry(at).is_some()
        || schedule.paused(at, &inforce.pauses)
        || schedule.occurrence_at(at).is_none()
    {
        return Ok(Ok(()));
    }
    let agreed = accord_core::model::filled(
        &inforce
            .agreement
            .cadence
            .as_ref()
            .and_then(|c| c.missed_checkin.clone()),
    )
    .map(str::to_owned);
    let response = agreed.clone().unwrap_or_else(|| {
        "The agreement does not say what happens after a missed check-in: agree it at the next one."
            .into()
    });
    let held = at.to_zoned(schedule.time_zone().clone());
    let title = inforce
        .agreement
        .title
        .clone()
        .unwrap_or_else(|| "your agreement".into());
    let payload = Payload {
        subject: format!("Missed check-in: {title}"),
        text: format!(
            "The check-in of {} was not recorded within {} hours.\n\n{}",
            when(&held),
            GRACE.as_hours(),
            match &agreed {
                Some(r) => format!("What you agreed for this case: {r}"),
                None => response.clone(),
            }
        ),
        link: Some(format!("{}/p/{id}/checkins", state.settings.base_url)),
        version,
        occurrence: Some(at.as_millisecond()),
        checkin_link: false,
        event: json!({
            "kind": "missed-checkin",
            "partnership": id.to_string(),
            "checkin": at.to_string(),
            "response": response,
        }),
    };
    let partners: Vec<_> = inforce.partners().collect();
    let key = format!("missed:{}", at.as_millisecond());
    let rows = notify::rows(
        state,
        &partners,
        &Message {
            partnership: id,
            kind: "missed-checkin",
            key: &key,
            due_at: now,
            payload: &payload,
        },
    )
    .await?;
    let fired = state
        .store
        .record_missed_checkin(
            id,
            &NewConsequence {
                occurrence: at,
                kind: ConsequenceKind::MissedCheckin,
                party: None,
                misses: None,
                response: &response,
            },
            &rows,
            now,
        )
        .await?;
    if fired {
        tracing::info!(partnership = %id, checkin = %at, "missed check-in protocol fired");
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use accord_core::model::{Number, PartyId};
    use accord_core::schedule::{DatedEvent, DatedKind, ReminderKind};

    use super::REMINDER_KINDS;

    #[test]
    fn every_kind_of_reminder_is_checked_against_the_version() {
        let dated = |kind| {
            ReminderKind::Dated(DatedEvent {
                date: jiff::civil::date(2026, 12, 15),
                kind,
                summary: String::new(),
            })
        };
        let (Ok(party), Ok(value)) = (PartyId::parse("maya"), Number::parse(3.0)) else {
            panic!("a party id and a number");
        };
        let kinds = [
            ReminderKind::Preparation,
            ReminderKind::Checkin,
            ReminderKind::Boundary { boundary: 0 },
            dated(DatedKind::Milestone {
                party: party.clone(),
                goal: 0,
                value,
            }),
            dated(DatedKind::GoalDue { party, goal: 0 }),
            dated(DatedKind::Recalibration),
        ];
        let words: Vec<&str> = kinds.iter().map(ReminderKind::as_str).collect();
        assert_eq!(words, REMINDER_KINDS);
        for other in ["recap", "missed-checkin"] {
            assert!(!REMINDER_KINDS.contains(&other));
        }
    }
}
