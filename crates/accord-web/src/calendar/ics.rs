//! The calendar feed as iCalendar text (RFC 5545), built from the
//! agreements in force and nothing else: never check-in records or notes.
//!
//! What it holds, for each partnership:
//!
//! - every check-in from [`PAST_DAYS`] days ago to [`FUTURE_DAYS`] days
//!   ahead that is not in an agreed pause, at its local time in the
//!   agreement's zone (`DTSTART;TZID=…`), with its end when the agreement
//!   gives a length, the agenda, a link to record it, and an alarm 15
//!   minutes before;
//! - milestones, goal due dates and the recalibration date as all-day
//!   events;
//! - one `VTIMEZONE` per zone used (see [`super::zone`]).
//!
//! UIDs depend only on the partnership and the event (a check-in's start,
//! an event's date or goal), so a calendar that fetches the feed again
//! updates its events instead of duplicating them.

use std::collections::BTreeMap;

use accord_core::Agreement;
use accord_core::schedule::{
    DatedEvent, DatedKind, Occurrence, Pause, Schedule, Unscheduled, dated_events,
};
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::text::{Writer, param_value};
use super::zone;

/// How far back the feed lists check-ins, in days.
pub const PAST_DAYS: i64 = 30;
/// How far ahead the feed lists check-ins, in days.
pub const FUTURE_DAYS: i64 = 180;
/// How long before a check-in its alarm goes off.
pub const ALARM: &str = "-PT15M";

/// One partnership's part of the feed: its agreement in force and what
/// follows from it.
#[derive(Debug, Clone)]
pub struct FeedPartnership {
    /// The partnership's id, as in its links.
    pub id: String,
    /// Its name, e.g. "Maya and Jonas".
    pub title: String,
    /// The agreement in force.
    pub agreement: Agreement,
    /// Its check-in schedule, or what the agreement lacks for one (then
    /// only its dated events are listed).
    pub schedule: Result<Schedule, Unscheduled>,
    /// The agreed pauses: check-ins inside them are left out.
    pub pauses: Vec<Pause>,
}

/// The whole feed at `now`; links point into `base_url` (no trailing
/// slash).
pub fn feed(entries: &[FeedPartnership], base_url: &str, now: Timestamp) -> String {
    let start = now
        .checked_sub(SignedDuration::from_hours(24 * PAST_DAYS))
        .unwrap_or(now);
    let end = now
        .checked_add(SignedDuration::from_hours(24 * FUTURE_DAYS))
        .unwrap_or(now);
    let stamp = utc(now);

    // Zones used, with the first and last instant written in each.
    let mut zones: BTreeMap<String, (TimeZone, Timestamp, Timestamp)> = BTreeMap::new();
    let mut events = Writer::new();
    for entry in entries {
        if let Ok(schedule) = &entry.schedule {
            for occ in schedule.between(start, end) {
                if schedule.paused(occ.at(), &entry.pauses) {
                    continue;
                }
                let last = occ.end.as_ref().map_or(occ.at(), |e| e.timestamp());
                let span = zones
                    .entry(schedule.zone_name().to_owned())
                    .or_insert_with(|| (schedule.time_zone().clone(), occ.at(), last));
                span.1 = span.1.min(occ.at());
                span.2 = span.2.max(last);
                checkin(&mut events, entry, schedule, &occ, base_url, &stamp);
            }
        }
        for event in dated_events(&entry.agreement) {
            dated(&mut events, entry, &event, base_url, &stamp);
        }
    }

    let mut w = Writer::new();
    w.begin("VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw("PRODID", "-//Accord//Accord//EN");
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", "Accord");
    w.text(
        "X-WR-CALDESC",
        "Check-ins and dates of your Accord agreements",
    );
    w.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
    w.raw("X-PUBLISHED-TTL", "PT1H");
    for (name, (tz, first, last)) in &zones {
        zone::write(&mut w, name, tz, *first, *last);
    }
    w.append(events);
    w.end("VCALENDAR");
    w.finish()
}

/// The page of one check-in occurrence.
pub fn checkin_link(base_url: &str, partnership: &str, at: Timestamp) -> String {
    format!(
        "{base_url}/p/{partnership}/checkins/{}",
        at.as_millisecond()
    )
}

fn checkin(
    w: &mut Writer,
    entry: &FeedPartnership,
    schedule: &Schedule,
    occ: &Occurrence,
    base_url: &str,
    stamp: &str,
) {
    let at = occ.at();
    let link = checkin_link(base_url, &entry.id, at);
    let tzid = param_value(schedule.zone_name());
    let facilitator = occ
        .facilitator
        .as_ref()
        .and_then(|id| entry.agreement.party(id))
        .map(|p| p.name.as_str());
    let mut summary = format!("Check-in: {}", entry.title);
    if let Some(name) = facilitator {
        summary.push_str(&format!(" (facilitates: {name})"));
    }
    let mut description = String::new();
    let items = entry.agreement.agenda_items();
    if !items.is_empty() {
        description.push_str("Agenda:\n");
        for (i, item) in items.iter().enumerate() {
            description.push_str(&format!("{}. {item}\n", i + 1));
        }
        description.push('\n');
    }
    description.push_str(&format!("Open the check-in in Accord: {link}"));

    w.begin("VEVENT");
    w.raw(
        "UID",
        &format!("checkin-{}-{}@accord", entry.id, at.as_millisecond()),
    );
    w.raw("DTSTAMP", stamp);
    w.raw(
        &format!("DTSTART;TZID={tzid}"),
        &occ.start.datetime().strftime("%Y%m%dT%H%M%S").to_string(),
    );
    if let Some(end) = &occ.end {
        w.raw(
            &format!("DTEND;TZID={tzid}"),
            &end.datetime().strftime("%Y%m%dT%H%M%S").to_string(),
        );
    }
    w.text("SUMMARY", &summary);
    w.text("DESCRIPTION", &description);
    w.raw("URL", &link);
    w.begin("VALARM");
    w.raw("ACTION", "DISPLAY");
    w.raw("TRIGGER", ALARM);
    w.text(
        "DESCRIPTION",
        &format!("Check-in in 15 minutes: {}", entry.title),
    );
    w.end("VALARM");
    w.end("VEVENT");
}

fn dated(w: &mut Writer, entry: &FeedPartnership, event: &DatedEvent, base_url: &str, stamp: &str) {
    let date = compact(event.date);
    let uid = match &event.kind {
        DatedKind::Milestone { goal, .. } => format!("milestone-{}-{goal}-{date}@accord", entry.id),
        DatedKind::GoalDue { goal, .. } => format!("goal-due-{}-{goal}@accord", entry.id),
        DatedKind::Recalibration => format!("recalibration-{}@accord", entry.id),
    };
    let link = format!("{base_url}/p/{}", entry.id);
    w.begin("VEVENT");
    w.raw("UID", &uid);
    w.raw("DTSTAMP", stamp);
    w.raw("DTSTART;VALUE=DATE", &date);
    w.raw(
        "DTEND;VALUE=DATE",
        &compact(event.date.tomorrow().unwrap_or(event.date)),
    );
    w.text("SUMMARY", &format!("{} ({})", event.summary, entry.title));
    w.text(
        "DESCRIPTION",
        &format!("From the agreement of {}.\n\n{link}", entry.title),
    );
    w.raw("URL", &link);
    w.raw("TRANSP", "TRANSPARENT");
    w.end("VEVENT");
}

/// A date as `YYYYMMDD`.
fn compact(date: Date) -> String {
    date.strftime("%Y%m%d").to_string()
}

/// An instant as a UTC date-time, `YYYYMMDDTHHMMSSZ`.
fn utc(at: Timestamp) -> String {
    Offset::UTC
        .to_datetime(at)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[cfg(test)]
mod tests;
