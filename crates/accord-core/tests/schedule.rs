//! Property tests of the schedule maths, over every time zone in the
//! bundled database and many years: check-ins happen at the agreed local
//! time on the agreed days of the active weeks, none skipped and none
//! doubled across daylight-saving changes, numbered without gaps; windows
//! split anywhere give the same series; reminders never fall outside their
//! window or inside a pause.
//!
//! The expected series is computed independently of the implementation: by
//! walking every civil day of the window and asking the zone for the
//! instant of the agreed local time on the agreed days.
#![allow(clippy::unwrap_used)]

use accord_core::model::{
    Agreement, Cadence, Facilitation, IntervalWeeks, Party, PartyId, TimeOfDay, TimeZoneName,
    Weekday,
};
use accord_core::schedule::{Pause, Schedule, jiff_weekday};
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names.retain(|n| TimeZoneName::parse(n).is_ok());
    names
}

fn agreement(zone: &str, interval: u32, days: &[Weekday], hour: u8, minute: u8) -> Agreement {
    let party = |id: &str| Party {
        id: PartyId::parse(id).unwrap(),
        name: id.into(),
        email: None,
        organization: None,
        commitment_level: None,
        hours_per_week: None,
        relies_on_others_for: vec![],
        keeps_self_on_track_in: vec![],
        support: vec![],
    };
    Agreement {
        format: 1,
        title: None,
        scenario: None,
        timezone: Some(TimeZoneName::parse(zone).unwrap()),
        drafted: None,
        parties: vec![party("ana"), party("leo")],
        coach: None,
        relationship: None,
        history: vec![],
        goals: vec![],
        boundaries: vec![],
        cadence: Some(Cadence {
            interval_weeks: Some(IntervalWeeks::parse(i64::from(interval)).unwrap()),
            weekdays: days.to_vec(),
            time: Some(TimeOfDay::parse(&format!("{hour:02}:{minute:02}")).unwrap()),
            minutes: None,
            format: None,
            facilitation: Some(Facilitation::Rotating),
            missed_checkin: None,
        }),
        agenda: None,
        consequences: vec![],
        recalibration: None,
        ground_rules: None,
        wellbeing: None,
    }
}

fn monday_of(d: Date) -> Date {
    d.checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days())
        .unwrap()
}

/// The series as a person with a calendar would write it down: every day of
/// the window, on the agreed weekdays of every `interval`-th week from the
/// week the agreement came into force, at the agreed local time.
fn expected(
    tz: &TimeZone,
    interval: u32,
    days: &[Weekday],
    time: Time,
    from: Timestamp,
    end: Timestamp,
) -> Vec<Timestamp> {
    let first = from.to_zoned(tz.clone()).date();
    let last = end.to_zoned(tz.clone()).date();
    let week0 = monday_of(first);
    let mut out = Vec::new();
    let mut day = first.checked_sub(1.day()).unwrap();
    while day <= last {
        let weeks = monday_of(day)
            .since((jiff::Unit::Day, week0))
            .unwrap()
            .get_days()
            / 7;
        let active = weeks >= 0 && weeks % interval as i32 == 0;
        if active && days.iter().any(|d| jiff_weekday(*d) == day.weekday()) {
            let at = tz.to_zoned(day.to_datetime(time)).unwrap().timestamp();
            if at >= from && at < end {
                out.push(at);
            }
        }
        day = day.checked_add(1.day()).unwrap();
    }
    out
}

fn check_series(
    zone: &str,
    interval: u32,
    days: &[Weekday],
    hour: u8,
    minute: u8,
    from: Timestamp,
    span_days: i64,
) {
    let a = agreement(zone, interval, days, hour, minute);
    let tz = jiff::tz::db().get(zone).unwrap();
    let time = Time::new(hour as i8, minute as i8, 0, 0).unwrap();
    let schedule = Schedule::new(&a, from).unwrap();
    let end = from
        .checked_add(SignedDuration::from_hours(24 * span_days))
        .unwrap();
    let got = schedule.between(from, end);
    let want = expected(&tz, interval, days, time, from, end);
    let got_at: Vec<Timestamp> = got.iter().map(|o| o.at()).collect();
    assert_eq!(
        got_at, want,
        "{zone} interval {interval} {days:?} {hour:02}:{minute:02} from {from}"
    );
    for (i, occ) in got.iter().enumerate() {
        assert_eq!(occ.number as usize, i, "numbered without gaps");
        let local = occ.start.datetime();
        // The agreed local time, unless the clocks skipped it that day, in
        // which case the start is later by the length of the gap.
        match tz
            .to_ambiguous_zoned(local.date().to_datetime(time))
            .offset()
        {
            AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
                assert_eq!(local.time(), time, "{zone}: {}", occ.start);
            }
            AmbiguousOffset::Gap { before, after } => {
                let gap = after.duration_since(before);
                let shifted = local.date().to_datetime(time).checked_add(gap).unwrap();
                assert_eq!(local, shifted, "{zone}: in a gap, {}", occ.start);
            }
        }
        let expected_facilitator = if i % 2 == 0 { "ana" } else { "leo" };
        assert_eq!(
            occ.facilitator.as_ref().unwrap().as_str(),
            expected_facilitator
        );
    }
    // Splitting the window anywhere gives the same series.
    if got.len() >= 2 {
        let mid = got[got.len() / 2].at();
        let mut joined = schedule.between(from, mid);
        joined.extend(schedule.between(mid, end));
        assert_eq!(joined, got);
        assert_eq!(schedule.next_after(mid), got[got.len() / 2]);
        assert_eq!(
            schedule.last_before(mid).as_ref(),
            Some(&got[got.len() / 2 - 1])
        );
        let just_after = mid.checked_add(SignedDuration::from_secs(1)).unwrap();
        assert_eq!(schedule.occurrence_at(just_after), None);
        assert_eq!(
            schedule.occurrence_at(mid).as_ref(),
            Some(&got[got.len() / 2])
        );
    }
}

/// Every zone in the database, ten years of weekly check-ins at 02:30 on
/// Sunday (the hour most daylight-saving changes touch) and at 00:30 on
/// Saturday (zones that change at midnight).
#[test]
fn every_zone_ten_years_weekly() {
    let zones = zones();
    assert!(
        zones.len() > 300,
        "the bundled database has {} zones",
        zones.len()
    );
    for zone in &zones {
        let from: Timestamp = "2020-01-01T00:00:00Z".parse().unwrap();
        check_series(zone, 1, &[Weekday::Sunday], 2, 30, from, 3653);
        check_series(zone, 1, &[Weekday::Saturday], 0, 30, from, 3653);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_zone_any_cadence_any_year(
        zone in select(zones()),
        interval in 1u32..=5,
        days in subsequence(ALL_DAYS.to_vec(), 1..=7),
        hour in 0u8..24,
        minute in select(vec![0u8, 15, 30, 45, 59]),
        from_secs in 0i64..(95 * 365 * 86_400),
    ) {
        // 1970 to 2065, two years of check-ins each.
        let from = Timestamp::from_second(from_secs).unwrap();
        check_series(&zone, interval, &days, hour, minute, from, 730);
    }

    #[test]
    fn reminders_stay_in_their_window_and_out_of_pauses(
        zone in select(zones()),
        days in subsequence(ALL_DAYS.to_vec(), 1..=3),
        hour in 0u8..24,
        from_secs in (50 * 365 * 86_400i64)..(60 * 365 * 86_400),
        window_start in 0i64..60,
        window_days in 1i64..20,
        pause_start in 0i64..60,
        pause_days in 0i64..14,
    ) {
        let a = agreement(&zone, 1, &days, hour, 0);
        let from = Timestamp::from_second(from_secs).unwrap();
        let schedule = Schedule::new(&a, from).unwrap();
        let start = from.checked_add(SignedDuration::from_hours(24 * window_start)).unwrap();
        let end = start.checked_add(SignedDuration::from_hours(24 * window_days)).unwrap();
        let first = schedule.date_of(from).checked_add(pause_start.days()).unwrap();
        let pause = Pause { first, last: first.checked_add(pause_days.days()).unwrap() };
        let reminders = schedule.reminders(&a, &[pause], start, end);
        let mut keys = std::collections::HashSet::new();
        for r in &reminders {
            prop_assert!(start <= r.at && r.at < end && r.at >= from);
            prop_assert!(keys.insert(r.key.clone()), "keys are unique: {}", r.key);
            if let Some(occ) = r.occurrence {
                prop_assert!(!pause.covers(schedule.date_of(occ)));
                prop_assert!(r.at < occ);
                prop_assert!(schedule.occurrence_at(occ).is_some());
            }
        }
        // Planning in two halves gives the same reminders as in one go.
        let mid = start.checked_add(SignedDuration::from_hours(12 * window_days)).unwrap();
        let mut halves = schedule.reminders(&a, &[pause], start, mid);
        halves.extend(schedule.reminders(&a, &[pause], mid, end));
        prop_assert_eq!(halves, reminders);
    }
}
