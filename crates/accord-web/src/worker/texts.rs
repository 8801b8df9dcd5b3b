//! What reminders say. Short, specific, and about the agreement the two
//! partners made: the time in their zone, who facilitates, the agenda, the
//! boundary's own words.

use accord_core::checkin::when;
use accord_core::schedule::{DatedKind, Reminder, ReminderKind};
use accord_store::Member;
use serde_json::json;

use crate::running::InForce;
use crate::running::notify::Payload;
use crate::state::AppState;

/// The payload of `reminder` for `member`.
pub fn reminder(
    state: &AppState,
    inforce: &InForce,
    reminder: &Reminder,
    member: &Member,
) -> Payload {
    let a = &inforce.agreement;
    let title = a.title.clone().unwrap_or_else(|| "your agreement".into());
    let base = &state.settings.base_url;
    let page = format!("{base}/p/{}", inforce.id);
    let me = inforce.party_of(&member.user_id).cloned();
    let partner_name = a
        .parties
        .iter()
        .find(|p| Some(&p.id) != me.as_ref())
        .map_or("your partner", |p| p.short_name())
        .to_owned();
    let schedule = inforce.schedule.as_ref().ok();
    let occ = reminder
        .occurrence
        .and_then(|at| schedule.and_then(|s| s.occurrence_at(at)));
    let when_text = occ.as_ref().map(|o| when(&o.start)).unwrap_or_default();
    let facilitator = occ
        .as_ref()
        .and_then(|o| o.facilitator.as_ref())
        .map(|f| {
            if Some(f) == me.as_ref() {
                " You facilitate this one.".to_owned()
            } else {
                format!(" {} facilitates.", a.name_of(f))
            }
        })
        .unwrap_or_default();
    let (subject, text, link, checkin_link) = match &reminder.kind {
        ReminderKind::Preparation => (
            format!("Prepare for your check-in: {title}"),
            format!(
                "Your check-in is on {when_text}.{facilitator}\n\n\
                 Take five minutes before it to answer three questions: what did you commit to, \
                 what happened, and what do you want from {partner_name} today? \
                 {partner_name} sees your answers when the check-in starts, and you see theirs."
            ),
            occ.as_ref()
                .map(|o| format!("{page}/checkins/{}", o.at().as_millisecond())),
            true,
        ),
        ReminderKind::Checkin => {
            let agenda = a
                .agenda_items()
                .iter()
                .enumerate()
                .map(|(i, item)| format!("  {}. {item}", i + 1))
                .collect::<Vec<_>>()
                .join("\n");
            let agenda = if agenda.is_empty() {
                String::new()
            } else {
                format!("\n\nThe agenda you agreed:\n{agenda}")
            };
            (
                format!("Check-in in an hour: {title}"),
                format!(
                    "Your check-in with {partner_name} starts at {when_text}.{facilitator}{agenda}"
                ),
                occ.as_ref()
                    .map(|o| format!("{page}/checkins/{}", o.at().as_millisecond())),
                true,
            )
        }
        ReminderKind::Boundary { boundary } => {
            let b = a.boundaries.get(*boundary);
            let rule = b.map_or("your boundary", |b| b.rule.as_str());
            let phrase = b
                .and_then(|b| b.phrase.as_deref())
                .map(|p| format!("\n\nYour phrase for the moment: \"{p}\""))
                .unwrap_or_default();
            (
                format!("Boundary: {rule}"),
                format!(
                    "{}: a reminder you asked for in \"{title}\": {rule}.{phrase}",
                    schedule
                        .map(|s| s.date_of(reminder.at).strftime("%A %-d %B").to_string())
                        .unwrap_or_else(|| "Today".into())
                ),
                Some(page.clone()),
                false,
            )
        }
        ReminderKind::Dated(event) => {
            let subject = match event.kind {
                DatedKind::Recalibration if reminder.key.ends_with(":7") => {
                    format!("Recalibration in a week: {title}")
                }
                DatedKind::Recalibration => format!("Recalibration today: {title}"),
                DatedKind::Milestone { .. } => format!("Milestone today: {title}"),
                DatedKind::GoalDue { .. } => format!("Goal due today: {title}"),
            };
            let text = match event.kind {
                DatedKind::Recalibration => format!(
                    "On {} you agreed to look at the agreement together: what worked, what did not, \
                     and what the next version should change. The health report of the period \
                     (kept rates, misses, well-being, signals and the review) is on the \
                     recalibration page, where you start the next version.",
                    event.date.strftime("%A %-d %B %Y")
                ),
                _ => format!("{}.", event.summary),
            };
            // The recalibration is prepared on its own page.
            let link = match event.kind {
                DatedKind::Recalibration => format!("{page}/recalibration"),
                _ => page.clone(),
            };
            (subject, text, Some(link), false)
        }
    };
    Payload {
        subject,
        text,
        link,
        version: Some(inforce.version.number),
        occurrence: reminder.occurrence.map(|t| t.as_millisecond()),
        checkin_link,
        event: json!({
            "kind": reminder.kind.as_str(),
            "partnership": inforce.id.to_string(),
            "at": reminder.at.to_string(),
            "checkin": reminder.occurrence.map(|t| t.to_string()),
        }),
    }
}
