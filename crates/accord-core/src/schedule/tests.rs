//! Examples of the schedule around a daylight-saving change, facilitation
//! and reminders. Property tests over many zones and years are in
//! `tests/schedule.rs`.

use jiff::Timestamp;

use super::*;
use crate::parse_toml;

fn agreement(extra: &str) -> Agreement {
    let text = format!(
        r#"
format = 1
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"

[[party]]
id = "jonas"
name = "Jonas Weber"

{extra}
"#
    );
    parse_toml(&text).expect("valid agreement")
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

#[test]
fn weekly_checkins_keep_local_time_across_dst() {
    let a = agreement(
        "[cadence]\ninterval_weeks = 1\nweekdays = [\"sunday\"]\ntime = \"02:30\"\nminutes = 30\nfacilitation = \"rotating\"\n",
    );
    // In force from Friday 2027-03-19; Berlin springs forward on Sunday
    // 2027-03-28 at 02:00 and falls back on 2027-10-31 at 03:00.
    let s = Schedule::new(&a, ts("2027-03-19T12:00:00Z")).expect("scheduled");
    let occ = s.between(ts("2027-03-19T00:00:00Z"), ts("2027-04-10T00:00:00Z"));
    let starts: Vec<String> = occ.iter().map(|o| o.start.to_string()).collect();
    assert_eq!(
        starts,
        [
            "2027-03-21T02:30:00+01:00[Europe/Berlin]",
            // 02:30 does not exist that night: the clock reads 03:30.
            "2027-03-28T03:30:00+02:00[Europe/Berlin]",
            "2027-04-04T02:30:00+02:00[Europe/Berlin]",
        ]
    );
    assert_eq!(occ[0].number, 0);
    assert_eq!(
        occ[1].facilitator.as_ref().map(|p| p.as_str()),
        Some("jonas")
    );
    assert_eq!(
        occ[2].facilitator.as_ref().map(|p| p.as_str()),
        Some("maya")
    );
    assert_eq!(
        occ[0].end.as_ref().map(|e| e.to_string()),
        Some("2027-03-21T03:00:00+01:00[Europe/Berlin]".into())
    );
    // Autumn: 02:30 happens twice on 2027-10-31; the check-in is at the first.
    let autumn = s.between(ts("2027-10-30T00:00:00Z"), ts("2027-11-01T00:00:00Z"));
    assert_eq!(autumn.len(), 1);
    assert_eq!(
        autumn[0].start.to_string(),
        "2027-10-31T02:30:00+02:00[Europe/Berlin]"
    );
}

#[test]
fn fortnightly_on_two_days_counts_from_the_week_it_came_into_force() {
    let a = agreement(
        "[cadence]\ninterval_weeks = 2\nweekdays = [\"thursday\", \"monday\"]\ntime = \"08:00\"\nfacilitation = \"jonas\"\n",
    );
    // Wednesday 2026-11-25: this week's Monday has passed, Thursday has not.
    let s = Schedule::new(&a, ts("2026-11-25T10:00:00Z")).expect("scheduled");
    let days: Vec<String> = s
        .between(ts("2026-11-01T00:00:00Z"), ts("2026-12-25T00:00:00Z"))
        .iter()
        .map(|o| o.start.date().to_string())
        .collect();
    assert_eq!(
        days,
        [
            "2026-11-26",
            "2026-12-07",
            "2026-12-10",
            "2026-12-21",
            "2026-12-24"
        ]
    );
    let first = s.nth(0);
    assert_eq!(
        first.facilitator.as_ref().map(|p| p.as_str()),
        Some("jonas")
    );
    assert!(first.end.is_none(), "no length agreed");
    assert_eq!(
        s.next_after(ts("2026-11-26T07:00:01Z"))
            .start
            .date()
            .to_string(),
        "2026-12-07"
    );
    assert_eq!(s.occurrence_at(first.at()), Some(first.clone()));
    assert_eq!(s.occurrence_at(ts("2026-11-26T07:00:01Z")), None);
    assert_eq!(s.last_before(first.at()), None);
    assert_eq!(s.last_before(s.nth(2).at()).map(|o| o.number), Some(1));
}

#[test]
fn the_moment_of_coming_into_force_counts() {
    let a =
        agreement("[cadence]\ninterval_weeks = 1\nweekdays = [\"tuesday\"]\ntime = \"08:00\"\n");
    // Signed at the very minute of a check-in: that one is the first.
    let s = Schedule::new(&a, ts("2026-11-24T07:00:00Z")).expect("scheduled");
    assert_eq!(s.nth(0).at(), ts("2026-11-24T07:00:00Z"));
    let s = Schedule::new(&a, ts("2026-11-24T07:00:01Z")).expect("scheduled");
    assert_eq!(s.nth(0).at(), ts("2026-12-01T07:00:00Z"));
}

#[test]
fn incomplete_cadence_says_what_is_missing() {
    let a = agreement("[cadence]\nweekdays = [\"tuesday\"]\n");
    let err = Schedule::new(&a, ts("2026-11-24T07:00:00Z")).expect_err("unscheduled");
    assert_eq!(err.missing, ["cadence.interval_weeks", "cadence.time"]);
    assert_eq!(
        err.to_string(),
        "no check-in schedule: the agreement does not give cadence.interval_weeks, cadence.time"
    );
}

#[test]
fn reminders_follow_the_policy_and_skip_pauses() {
    let a = agreement(
        r#"
[[goal]]
party = "maya"
outcome = "Publish the plan"
due = 2026-12-10
milestones = [ { date = 2026-12-03, value = 3 } ]

[[boundary]]
party = "jonas"
rule = "No e-mail after seven"
remind = "weekdays 18:45"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"

[recalibration]
date = 2026-12-08
"#,
    );
    let s = Schedule::new(&a, ts("2026-11-23T00:00:00Z")).expect("scheduled");
    let r = s.reminders(
        &a,
        &[],
        ts("2026-11-23T00:00:00Z"),
        ts("2026-11-25T00:00:00Z"),
    );
    let seen: Vec<(String, &str)> = r
        .iter()
        .map(|r| (r.at.to_string(), r.kind.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("2026-11-23T07:00:00Z".to_owned(), "preparation"),
            ("2026-11-23T17:45:00Z".to_owned(), "boundary"),
            ("2026-11-24T06:00:00Z".to_owned(), "checkin"),
            ("2026-11-24T17:45:00Z".to_owned(), "boundary"),
        ]
    );
    assert_eq!(r[1].party.as_ref().map(|p| p.as_str()), Some("jonas"));
    assert_eq!(r[0].occurrence, Some(ts("2026-11-24T07:00:00Z")));
    // Keys are stable, so planning twice gives the same keys.
    let again = s.reminders(
        &a,
        &[],
        ts("2026-11-23T00:00:00Z"),
        ts("2026-11-25T00:00:00Z"),
    );
    assert_eq!(r, again);

    let pause = Pause {
        first: jiff::civil::date(2026, 12, 1),
        last: jiff::civil::date(2026, 12, 8),
    };
    let r = s.reminders(
        &a,
        &[pause],
        ts("2026-11-30T00:00:00Z"),
        ts("2026-12-11T00:00:00Z"),
    );
    let kinds: Vec<(String, &str)> = r
        .iter()
        .map(|r| (s.date_of(r.at).to_string(), r.kind.as_str()))
        .collect();
    assert!(
        kinds.contains(&("2026-12-01".into(), "recalibration")),
        "a week before: {kinds:?}"
    );
    assert!(
        kinds.contains(&("2026-12-08".into(), "recalibration")),
        "{kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|(d, k)| d == "2026-12-01" && *k == "checkin"),
        "paused: {kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|(d, k)| d == "2026-12-03" && *k == "milestone"),
        "paused: {kinds:?}"
    );
    assert!(
        kinds.contains(&("2026-12-10".into(), "goal-due")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("2026-12-09".into(), "boundary")),
        "{kinds:?}"
    );
    // Both Tuesdays in the pause are off; the next check-in (the 15th) is
    // reminded after the window.
    assert!(
        !kinds
            .iter()
            .any(|(_, k)| *k == "preparation" || *k == "checkin"),
        "{kinds:?}"
    );
    assert!(s.paused(ts("2026-12-01T07:00:00Z"), &[pause]));
}

#[test]
fn a_withdrawn_pause_keeps_the_days_it_already_covered() {
    let d = |s: &str| -> jiff::civil::Date { s.parse().expect("a date") };
    let pause = Pause {
        first: d("2026-03-09"),
        last: d("2026-03-22"),
    };
    // Before it began (or on its first day): it never takes effect.
    assert_eq!(pause.withdrawn_on(d("2026-03-01")), None);
    assert_eq!(pause.withdrawn_on(d("2026-03-09")), None);
    // Under way: it ends the day before.
    assert_eq!(
        pause.withdrawn_on(d("2026-03-18")),
        Some(Pause {
            first: d("2026-03-09"),
            last: d("2026-03-17"),
        })
    );
    // Over: unchanged.
    assert_eq!(pause.withdrawn_on(d("2026-04-01")), Some(pause));
}

/// A weekly agreement in `zone`, on Tuesdays at 08:00.
fn weekly_in(zone: &str) -> Agreement {
    let text = format!(
        r#"
format = 1
timezone = "{zone}"

[[party]]
id = "maya"
name = "Maya Chen"

[[party]]
id = "jonas"
name = "Jonas Weber"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
minutes = 30
facilitation = "rotating"
"#
    );
    parse_toml(&text).expect("valid agreement")
}

#[test]
fn the_ends_of_time_end_the_series_instead_of_looping() {
    let max = Timestamp::MAX;
    let min = Timestamp::MIN;
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    let near_max = [
        max,
        max - SignedDuration::from_nanos(1),
        max - days(1),
        max - days(8),
        max - days(30),
        ts("9999-12-30T00:00:00Z"),
    ];
    // Zones far east and far west of UTC and one with summer time, so
    // that the last civil day is cut short on either side.
    for zone in [
        "Europe/Berlin",
        "Pacific/Kiritimati",
        "Etc/GMT+12",
        "America/New_York",
    ] {
        let a = weekly_in(zone);
        let s = Schedule::new(&a, ts("2026-11-24T07:00:00Z")).expect("scheduled");
        for at in near_max {
            let next = s.next_after(at);
            assert!(next.at() >= at, "{zone} {at}: {next:?}");
            assert_eq!(s.occurrence_at(at), None, "{zone} {at}");
            let found = s.between(at, max);
            assert!(
                found.len() <= 5 && found.iter().all(|o| at <= o.at() && o.at() < max),
                "{zone} {at}: {found:?}"
            );
            assert!(found.windows(2).all(|w| w[0].at() < w[1].at()));
            if let Some(last) = s.last_before(at) {
                assert!(last.at() < at);
            }
        }
        // The last real check-ins are still found, and the one after them
        // is the stand-in after everything.
        let last_weeks = s.between(max - days(30), max);
        assert!(!last_weeks.is_empty(), "{zone}");
        let last = last_weeks.last().expect("one");
        assert_eq!(s.occurrence_at(last.at()).as_ref(), Some(last));
        assert_eq!(s.next_after(last.at()), *last);
        let beyond = s.next_after(last.at() + SignedDuration::from_secs(1));
        assert_eq!(beyond.at(), max);
        assert_eq!(beyond.number, last.number + 1);
        assert_eq!(s.nth(u32::MAX).at(), max);
        assert_eq!(s.between(min, min + days(30)), []);

        // In force from (nearly) the end of time: no check-in at all.
        for from in [max, max - days(1)] {
            let s = Schedule::new(&a, from).expect("scheduled");
            assert_eq!(s.nth(0).at(), max, "{zone}");
            assert_eq!(s.next_after(from).at(), max);
            assert_eq!(s.occurrence_at(max), None);
            assert_eq!(s.between(from, max), []);
            assert_eq!(s.last_before(max), None);
        }

        // In force from the beginning of time: the first Tuesday there is.
        let s = Schedule::new(&a, min).expect("scheduled");
        let first = s.nth(0);
        assert!(first.at() >= min);
        assert_eq!(first.start.weekday(), jiff::civil::Weekday::Tuesday);
        assert_eq!(s.next_after(min), first);
        assert_eq!(s.occurrence_at(min), None);
        assert_eq!(s.occurrence_at(first.at()), Some(first.clone()));
        assert_eq!(s.between(min, min + days(30)).len(), 5, "{zone}");
        assert_eq!(s.last_before(min), None);
        assert_eq!(s.next_after(max).at(), max);
        assert_eq!(s.occurrence_at(max), None);
    }
}
