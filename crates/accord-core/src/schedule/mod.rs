//! The schedule of a signed agreement: when check-ins happen, who
//! facilitates each one, and the dates around them (milestones, goal due
//! dates, the recalibration date, boundary reminders).
//!
//! Everything is computed from the agreement and a given instant; nothing
//! here reads the clock. Times are civil times in the agreement's zone, so a
//! check-in agreed for Tuesday 08:00 in `Europe/Berlin` is at 08:00 Berlin
//! time in winter and in summer. On the one day a year when a local time
//! does not exist (the clocks jump from 02:00 to 03:00 and the check-in is
//! at 02:30), it happens at the same moment the clock would have shown
//! (03:30), and on the day a local time happens twice it happens at the
//! first: never skipped, never doubled (jiff's "compatible" rule, the one
//! RFC 5545 calendars use).
//!
//! Occurrences are counted from the first one at or after the moment the
//! agreement came into force; active weeks (for an interval of 2 or more
//! weeks) are counted from the week (Monday to Sunday) of that moment.

mod dates;

use jiff::civil::{Date, DateTime, Time, Weekday as JiffWeekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};

use crate::model::{Agreement, Facilitation, PartyId, Weekday};

pub use dates::{DatedEvent, DatedKind, Pause, Reminder, ReminderKind, dated_events};

/// Why an agreement has no schedule: what it does not say yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no check-in schedule: the agreement does not give {}", .missing.join(", "))]
pub struct Unscheduled {
    /// The missing fields, e.g. `cadence.weekdays`.
    pub missing: Vec<&'static str>,
}

/// The check-in series of an agreement in force.
#[derive(Debug, Clone)]
pub struct Schedule {
    tz: TimeZone,
    zone_name: String,
    /// When the agreement came into force: no check-in before it.
    from: Timestamp,
    /// Monday of the week of `from`, local: week 0.
    week0: Date,
    interval: i64,
    /// Days of each active week, Monday first, no repeats.
    days: Vec<JiffWeekday>,
    time: Time,
    length: Option<SignedDuration>,
    facilitation: Option<Facilitation>,
    parties: Vec<PartyId>,
    /// The slot number (see [`Schedule::slot`]) of the first occurrence.
    first_slot: i64,
}

/// One check-in of the series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Its place in the series: 0 for the first after the agreement came
    /// into force.
    pub number: u32,
    /// When it starts, in the agreement's zone.
    pub start: Zoned,
    /// When it ends, when the agreement gives its length.
    pub end: Option<Zoned>,
    /// The party who facilitates it, when the agreement says who does.
    pub facilitator: Option<PartyId>,
}

impl Occurrence {
    /// The start as an instant: the identity of the occurrence.
    pub fn at(&self) -> Timestamp {
        self.start.timestamp()
    }
}

impl Schedule {
    /// The schedule of `agreement`, in force from `from`. Needs the time
    /// zone, the interval, the weekdays and the time of the cadence.
    pub fn new(agreement: &Agreement, from: Timestamp) -> Result<Self, Unscheduled> {
        let cadence = agreement.cadence.clone().unwrap_or_default();
        let mut missing = Vec::new();
        let tz = match &agreement.timezone {
            Some(name) => jiff::tz::db().get(name.as_str()).ok(),
            None => None,
        };
        if tz.is_none() {
            missing.push("timezone");
        }
        if cadence.interval_weeks.is_none() {
            missing.push("cadence.interval_weeks");
        }
        if cadence.weekdays.is_empty() {
            missing.push("cadence.weekdays");
        }
        if cadence.time.is_none() {
            missing.push("cadence.time");
        }
        let (Some(tz), Some(interval), Some(time)) = (tz, cadence.interval_weeks, cadence.time)
        else {
            return Err(Unscheduled { missing });
        };
        if !missing.is_empty() {
            return Err(Unscheduled { missing });
        }
        let mut days: Vec<JiffWeekday> =
            cadence.weekdays.iter().map(|d| jiff_weekday(*d)).collect();
        days.sort_by_key(|d| d.to_monday_zero_offset());
        days.dedup();
        let local = from.to_zoned(tz.clone());
        let week0 = monday_of(local.date());
        let mut schedule = Self {
            zone_name: agreement
                .timezone
                .as_ref()
                .map_or_else(String::new, |z| z.as_str().to_owned()),
            tz,
            from,
            week0,
            interval: i64::from(interval.get()),
            days,
            time: Time::new(
                i8::try_from(time.hour()).unwrap_or(0),
                i8::try_from(time.minute()).unwrap_or(0),
                0,
                0,
            )
            .unwrap_or(Time::midnight()),
            length: cadence
                .minutes
                .map(|m| SignedDuration::from_mins(i64::from(m.get()))),
            facilitation: cadence.facilitation.clone(),
            parties: agreement.parties.iter().map(|p| p.id.clone()).collect(),
            first_slot: 0,
        };
        // The first slot at or after `from` is in week 0 or the next active
        // week, so a short scan finds it.
        schedule.first_slot = (0..)
            .map(|slot| (slot, schedule.start_of_slot(slot)))
            .find(|(_, start)| start.timestamp() >= from)
            .map_or(0, |(slot, _)| slot);
        Ok(schedule)
    }

    /// The agreement's zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The zone's IANA name.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    /// When the agreement came into force.
    pub fn from(&self) -> Timestamp {
        self.from
    }

    /// The agreed length of a check-in, if given.
    pub fn length(&self) -> Option<SignedDuration> {
        self.length
    }

    /// The check-ins that start in `[start, end)`, in order.
    pub fn between(&self, start: Timestamp, end: Timestamp) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let mut slot = self.first_slot_at_or_after(start);
        loop {
            let occ = self.occurrence(slot);
            if occ.at() >= end {
                return out;
            }
            out.push(occ);
            slot += 1;
        }
    }

    /// The first check-in that starts at or after `at`.
    pub fn next_after(&self, at: Timestamp) -> Occurrence {
        self.occurrence(self.first_slot_at_or_after(at))
    }

    /// The last check-in that started before `at`, if any did.
    pub fn last_before(&self, at: Timestamp) -> Option<Occurrence> {
        let slot = self.first_slot_at_or_after(at);
        (slot > self.first_slot).then(|| self.occurrence(slot - 1))
    }

    /// The check-in that starts exactly at `at`, if there is one.
    pub fn occurrence_at(&self, at: Timestamp) -> Option<Occurrence> {
        let occ = self.next_after(at);
        (occ.at() == at).then_some(occ)
    }

    /// The occurrence with this number.
    pub fn nth(&self, number: u32) -> Occurrence {
        self.occurrence(self.first_slot + i64::from(number))
    }

    /// The time the civil date and agreed time map to in the zone.
    pub fn local(&self, date: Date, time: Time) -> Zoned {
        let dt = DateTime::from_parts(date, time);
        // `to_zoned` only fails beyond the supported range of years; the
        // schedule never gets there, but stay total anyway.
        self.tz
            .to_zoned(dt)
            .unwrap_or_else(|_| Timestamp::UNIX_EPOCH.to_zoned(self.tz.clone()))
    }

    /// The civil date of an instant in the agreement's zone.
    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned(self.tz.clone()).date()
    }

    fn occurrence(&self, slot: i64) -> Occurrence {
        let start = self.start_of_slot(slot);
        let number = u32::try_from(slot - self.first_slot).unwrap_or(u32::MAX);
        let facilitator = match &self.facilitation {
            Some(Facilitation::Fixed(id)) => Some(id.clone()),
            Some(Facilitation::Rotating) if !self.parties.is_empty() => {
                Some(self.parties[number as usize % self.parties.len()].clone())
            }
            _ => None,
        };
        let end = self
            .length
            .and_then(|l| start.timestamp().checked_add(l).ok())
            .map(|t| t.to_zoned(self.tz.clone()));
        Occurrence {
            number,
            start,
            end,
            facilitator,
        }
    }

    /// Slot `n` counts every agreed weekday of every active week from week
    /// 0: slot = (active week index) × days + position in the week.
    fn start_of_slot(&self, slot: i64) -> Zoned {
        let per_week = self.days.len() as i64;
        let active_week = slot.div_euclid(per_week);
        let position = slot.rem_euclid(per_week) as usize;
        let days = active_week * self.interval * 7
            + i64::from(self.days[position].to_monday_zero_offset());
        let date = self.week0.checked_add(days.days()).unwrap_or(self.week0);
        self.local(date, self.time)
    }

    fn first_slot_at_or_after(&self, at: Timestamp) -> i64 {
        if at <= self.from {
            return self.first_slot;
        }
        let per_week = self.days.len() as i64;
        let date = self.date_of(at);
        let weeks = monday_of(date)
            .since((jiff::Unit::Day, self.week0))
            .map_or(0, |s| i64::from(s.get_days()))
            / 7;
        // Start one active week early: the guess only needs to be at or
        // before the answer, and DST shifts never move a start by a week.
        let guess = ((weeks.div_euclid(self.interval)) - 1).max(0) * per_week;
        let mut slot = guess.max(self.first_slot);
        while self.start_of_slot(slot).timestamp() < at {
            slot += 1;
        }
        slot
    }
}

/// The Monday of the week of `date`.
fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(back.days()).unwrap_or(date)
}

/// The model's weekday as jiff's.
pub fn jiff_weekday(day: Weekday) -> JiffWeekday {
    match day {
        Weekday::Monday => JiffWeekday::Monday,
        Weekday::Tuesday => JiffWeekday::Tuesday,
        Weekday::Wednesday => JiffWeekday::Wednesday,
        Weekday::Thursday => JiffWeekday::Thursday,
        Weekday::Friday => JiffWeekday::Friday,
        Weekday::Saturday => JiffWeekday::Saturday,
        Weekday::Sunday => JiffWeekday::Sunday,
    }
}

#[cfg(test)]
mod tests;
