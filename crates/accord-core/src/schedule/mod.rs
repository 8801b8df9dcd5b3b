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
//!
//! The series ends where jiff's range of instants does (the end of year
//! 9999): asked for a check-in after the last one there is, the schedule
//! answers with one at [`Timestamp::MAX`], after every instant, which is
//! not a check-in ([`Schedule::occurrence_at`] and [`Schedule::between`]
//! never give it).

mod dates;

use jiff::civil::{Date, DateTime, Time, Weekday as JiffWeekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp, ToSpan, Zoned};

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

/// Where the start of a slot falls.
enum SlotStart {
    /// Before the first instant jiff can represent.
    Before,
    /// At this time.
    At(Zoned),
    /// After the last instant jiff can represent.
    After,
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
        // week (or past the end of time), so a short scan finds it.
        let mut slot = 0;
        while schedule.starts_before(slot, from) {
            slot += 1;
        }
        schedule.first_slot = slot;
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
        while let Some(occ) = self.occurrence(slot)
            && occ.at() < end
        {
            out.push(occ);
            slot += 1;
        }
        out
    }

    /// The first check-in that starts at or after `at`; past the last one
    /// jiff can represent, one at [`Timestamp::MAX`].
    pub fn next_after(&self, at: Timestamp) -> Occurrence {
        let slot = self.first_slot_at_or_after(at);
        self.occurrence(slot).unwrap_or_else(|| self.beyond(slot))
    }

    /// The last check-in that started before `at`, if any did.
    pub fn last_before(&self, at: Timestamp) -> Option<Occurrence> {
        let slot = self.first_slot_at_or_after(at);
        (slot > self.first_slot)
            .then(|| self.occurrence(slot - 1))
            .flatten()
    }

    /// The check-in that starts exactly at `at`, if there is one.
    pub fn occurrence_at(&self, at: Timestamp) -> Option<Occurrence> {
        self.occurrence(self.first_slot_at_or_after(at))
            .filter(|occ| occ.at() == at)
    }

    /// The occurrence with this number; past the last one jiff can
    /// represent, one at [`Timestamp::MAX`].
    pub fn nth(&self, number: u32) -> Occurrence {
        let slot = self.first_slot + i64::from(number);
        self.occurrence(slot).unwrap_or_else(|| self.beyond(slot))
    }

    /// The time the civil date and agreed time map to in the zone.
    pub fn local(&self, date: Date, time: Time) -> Zoned {
        self.local_checked(date, time).unwrap_or_else(|after| {
            // Beyond the supported range of instants (the first or last
            // day of jiff's years): the nearest instant there is, so that
            // what comes before or after stays so.
            let edge = if after {
                Timestamp::MAX
            } else {
                Timestamp::MIN
            };
            edge.to_zoned(self.tz.clone())
        })
    }

    /// The time the civil date and time map to in the zone, or whether it
    /// lies after (`true`) or before (`false`) every instant jiff can
    /// represent.
    fn local_checked(&self, date: Date, time: Time) -> Result<Zoned, bool> {
        self.tz
            .to_zoned(DateTime::from_parts(date, time))
            .map_err(|_| date.year() >= 0)
    }

    /// The civil date of an instant in the agreement's zone.
    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned(self.tz.clone()).date()
    }

    /// The occurrence of a slot, if it starts at an instant jiff can
    /// represent.
    fn occurrence(&self, slot: i64) -> Option<Occurrence> {
        match self.start_of_slot(slot) {
            SlotStart::At(start) => Some(self.occurrence_from(slot, start)),
            SlotStart::Before | SlotStart::After => None,
        }
    }

    /// The stand-in for a slot past the end of time: at [`Timestamp::MAX`].
    fn beyond(&self, slot: i64) -> Occurrence {
        self.occurrence_from(slot, Timestamp::MAX.to_zoned(self.tz.clone()))
    }

    fn occurrence_from(&self, slot: i64, start: Zoned) -> Occurrence {
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
    /// 0: slot = (active week index) × days + position in the week. A slot
    /// whose date or time is out of jiff's range starts before or after
    /// everything, never at some made-up instant.
    fn start_of_slot(&self, slot: i64) -> SlotStart {
        let per_week = self.days.len() as i64;
        let active_week = slot.div_euclid(per_week);
        let position = slot.rem_euclid(per_week) as usize;
        let out_of_range = |forward: bool| {
            if forward {
                SlotStart::After
            } else {
                SlotStart::Before
            }
        };
        let Some(days) = active_week
            .checked_mul(self.interval)
            .and_then(|d| d.checked_mul(7))
            .and_then(|d| d.checked_add(i64::from(self.days[position].to_monday_zero_offset())))
        else {
            return out_of_range(slot >= 0);
        };
        let Some(date) = Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| self.week0.checked_add(span).ok())
        else {
            return out_of_range(days >= 0);
        };
        match self.local_checked(date, self.time) {
            Ok(start) => SlotStart::At(start),
            Err(after) => out_of_range(after),
        }
    }

    /// Whether slot `slot` starts before `at` (or before everything).
    fn starts_before(&self, slot: i64, at: Timestamp) -> bool {
        match self.start_of_slot(slot) {
            SlotStart::Before => true,
            SlotStart::At(start) => start.timestamp() < at,
            SlotStart::After => false,
        }
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
        // Ends: starts grow with the slot, and past the end of time a slot
        // starts after everything.
        while self.starts_before(slot, at) {
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
