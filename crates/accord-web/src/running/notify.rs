//! Who is told what, and through which channel: one outbox row per partner
//! and channel they chose (e-mail unless they turned it off, their webhook
//! when they set one). The text is written when the row is made; a
//! check-in link, which must be fresh and single-use, is made by the worker
//! when it sends the e-mail.

use std::collections::HashMap;

use accord_store::{Channel, Member, NewNotification, PartnershipId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::state::AppState;

/// What an outbox row carries, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Subject line (e-mail) or title (webhook).
    pub subject: String,
    /// The message.
    pub text: String,
    /// A page about it, for people who are logged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The agreement version the message was planned from; the worker
    /// drops a reminder if another version is in force by then (a recap
    /// or a missed-check-in notice goes out all the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The check-in it is about (unix ms); the worker drops reminders for
    /// a check-in already recorded or paused, and for e-mail adds a
    /// single-use link that opens its form without logging in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<i64>,
    /// Whether the e-mail gets a single-use check-in link.
    #[serde(default)]
    pub checkin_link: bool,
    /// Machine-readable details for webhook receivers.
    #[serde(default)]
    pub event: serde_json::Value,
}

/// One message to send to some partners.
pub struct Message<'a> {
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// A word for the kind of message (`recap`, `checkin`, …).
    pub kind: &'a str,
    /// What makes this message unique within the partnership (e.g.
    /// `recap:<ms>`): with the recipient and channel, its dedupe key.
    pub key: &'a str,
    /// When it is due.
    pub due_at: Timestamp,
    /// What it says.
    pub payload: &'a Payload,
}

/// The outbox rows for `message` to each of `to`, per their settings.
pub async fn rows(
    state: &AppState,
    to: &[&Member],
    message: &Message<'_>,
) -> Result<Vec<NewNotification>, AppError> {
    Recipients::new(state).rows(to, message).await
}

/// The channels of the people messages go to, each person's settings read
/// once however many messages they get (planning makes several per person
/// and partnership in a step).
pub struct Recipients<'s> {
    state: &'s AppState,
    known: HashMap<UserId, Vec<Channel>>,
}

impl<'s> Recipients<'s> {
    /// Nobody's settings read yet.
    pub fn new(state: &'s AppState) -> Self {
        Self {
            state,
            known: HashMap::new(),
        }
    }

    /// The channels `user` is told through.
    async fn channels(&mut self, user: &UserId) -> Result<Vec<Channel>, AppError> {
        if let Some(channels) = self.known.get(user) {
            return Ok(channels.clone());
        }
        let settings = self.state.store.notification_settings(user).await?;
        let mut channels = Vec::new();
        // Without SMTP there is no e-mail to plan: pages show everything.
        if settings.email && self.state.mailer.is_some() {
            channels.push(Channel::Email);
        }
        if settings.webhook_url.is_some() {
            channels.push(Channel::Webhook);
        }
        self.known.insert(user.clone(), channels.clone());
        Ok(channels)
    }

    /// The outbox rows for `message` to each of `to`, per their settings.
    pub async fn rows(
        &mut self,
        to: &[&Member],
        message: &Message<'_>,
    ) -> Result<Vec<NewNotification>, AppError> {
        let payload = serde_json::to_string(message.payload).map_err(AppError::internal)?;
        let mut out = Vec::new();
        for member in to {
            for channel in self.channels(&member.user_id).await? {
                out.push(NewNotification {
                    partnership: Some(message.partnership.clone()),
                    user: Some(member.user_id.clone()),
                    dedupe: format!(
                        "{}:{}:{}:{}",
                        message.partnership,
                        message.key,
                        member.user_id,
                        channel.as_str()
                    ),
                    channel,
                    kind: message.kind.to_owned(),
                    due_at: message.due_at,
                    payload: payload.clone(),
                });
            }
        }
        Ok(out)
    }
}
