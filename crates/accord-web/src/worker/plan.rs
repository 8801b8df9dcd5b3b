//! Planning: turning the schedule of each agreement in force into outbox
//! rows for the next [`HORIZON`](super::HORIZON), plus one internal job per
//! check-in at the end of its grace window to notice if it was missed.
//!
//! A partnership's plan is moved forward with a compare-and-set that also
//! checks the version planned from is still in force, and every row has a
//! dedupe key made of the version, the reminder's key, the person and the
//! channel: two workers planning at once insert each row once, and a plan
//! made from a version that was replaced while it was being made is
//! dropped, so the new version's first reminders are never skipped.

use accord_core::checkin::{GRACE, grace_end};
use accord_core::schedule::Reminder;
use accord_store::{Channel, NewNotification, PartnershipId, PlanSave};
use jiff::Timestamp;
use serde_json::json;

use super::HORIZON;
use super::texts;
use crate::error::AppError;
use crate::running::InForce;
use crate::running::notify::{self, Message};
use crate::state::AppState;

/// Extends the plans that end within half the horizon; returns how many.
///
/// A partnership that cannot be planned (its stored agreement or a stored
/// check-in does not parse, say) is logged and skipped: the others are
/// planned all the same. It stays due, so it is tried again next step.
///
/// The plans are made one by one and saved together, in one transaction:
/// a step's batch costs one commit, however many partnerships it plans.
pub async fn plan_due(state: &AppState, now: Timestamp, limit: u32) -> Result<usize, AppError> {
    let before = now.checked_add(HORIZON / 2).unwrap_or(now);
    let due = state.store.partnerships_to_plan(before, limit).await?;
    let mut made = Vec::new();
    let mut recipients = notify::Recipients::new(state);
    for id in due {
        match make(state, &mut recipients, &id, now).await {
            Ok(Some(plan)) => made.push(plan),
            Ok(None) => {}
            Err(e) => skipped(&id, &e),
        }
    }
    let plans: Vec<PlanSave<'_>> = made.iter().map(Made::to_save).collect();
    let saved = match state.store.save_plans(&plans).await {
        Ok(saved) => saved,
        // One plan the store refuses (its partnership deleted meanwhile)
        // must not hold back the others: save them one by one.
        Err(_) => {
            let mut saved = Vec::with_capacity(plans.len());
            for plan in &plans {
                match state.store.save_plans(std::slice::from_ref(plan)).await {
                    Ok(one) => saved.push(one.first().copied().unwrap_or(false)),
                    Err(e) => {
                        skipped(plan.partnership, &e.into());
                        saved.push(false);
                    }
                }
            }
            saved
        }
    };
    Ok(saved.into_iter().filter(|&s| s).count())
}

fn skipped(id: &PartnershipId, e: &AppError) {
    tracing::error!(
        partnership = %id,
        error = %e,
        "could not plan the partnership's reminders; skipped"
    );
}

/// A plan made, not yet saved.
struct Made {
    id: PartnershipId,
    version: i64,
    expected: Option<Timestamp>,
    until: Timestamp,
    rows: Vec<NewNotification>,
}

impl Made {
    fn to_save(&self) -> PlanSave<'_> {
        PlanSave {
            partnership: &self.id,
            version: self.version,
            expected: self.expected,
            until: self.until,
            rows: &self.rows,
        }
    }
}

/// The plan of one partnership up to `now + HORIZON`, from where its last
/// plan ended; `None` when no version is in force.
async fn make(
    state: &AppState,
    recipients: &mut notify::Recipients<'_>,
    id: &PartnershipId,
    now: Timestamp,
) -> Result<Option<Made>, AppError> {
    let expected = state.store.planned_until(id).await?;
    let until = now.checked_add(HORIZON).unwrap_or(now);
    let Some(inforce) = crate::running::load_by_id(state, id, None).await? else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    if let Ok(schedule) = &inforce.schedule {
        // Reminders from where the last plan ended, but never for the past:
        // a late reminder is worse than none.
        let start = expected.unwrap_or(now).max(now);
        for reminder in schedule.reminders(&inforce.agreement, &inforce.pauses, start, until) {
            rows.extend(reminder_rows(state, recipients, &inforce, &reminder).await?);
        }
        // One job per check-in at the end of its grace window. After a new
        // version or a long outage, look back one grace window at most.
        let lookback = now.checked_sub(GRACE).unwrap_or(now);
        let from = expected.unwrap_or(lookback).max(lookback);
        for occ in schedule.between(from, until) {
            let at = occ.at();
            rows.push(NewNotification {
                partnership: Some(id.clone()),
                user: None,
                channel: Channel::Internal,
                kind: "missed-check".into(),
                dedupe: format!(
                    "{id}:v{}:missed-check:{}",
                    inforce.version.number,
                    at.as_millisecond()
                ),
                due_at: grace_end(schedule, &occ),
                payload: json!({
                    "version": inforce.version.number,
                    "occurrence": at.as_millisecond(),
                })
                .to_string(),
            });
        }
    }
    Ok(Some(Made {
        id: id.clone(),
        version: inforce.version.number,
        expected,
        until,
        rows,
    }))
}

/// The rows of one reminder: to its party, or to both partners.
async fn reminder_rows(
    state: &AppState,
    recipients: &mut notify::Recipients<'_>,
    inforce: &InForce,
    reminder: &Reminder,
) -> Result<Vec<NewNotification>, AppError> {
    let to: Vec<_> = match &reminder.party {
        Some(party) => inforce.member_of(party).into_iter().collect(),
        None => inforce.partners().collect(),
    };
    let mut rows = Vec::new();
    for member in to {
        let payload = texts::reminder(state, inforce, reminder, member);
        let key = format!("v{}:{}", inforce.version.number, reminder.key);
        rows.extend(
            recipients
                .rows(
                    &[member],
                    &Message {
                        partnership: &inforce.id,
                        kind: reminder.kind.as_str(),
                        key: &key,
                        due_at: reminder.at,
                        payload: &payload,
                    },
                )
                .await?,
        );
    }
    Ok(rows)
}
