//! The feed builder on hand-made agreements: local times across a
//! daylight-saving change, pauses, dated events, escaping and stable UIDs.

use accord_core::parse_toml;
use jiff::civil::date;

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

const BASE: &str = "https://accord.example.org";

fn agreement(cadence: &str) -> Agreement {
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

[[goal]]
party = "maya"
outcome = "Run 10 km"
unit = "km"
due = 2027-06-30
milestones = [ {{ date = 2027-04-15, value = 5 }} ]

{cadence}

[agenda]
items = ["Wins, since last time", "What got in the way; and why"]

[recalibration]
date = 2027-05-02
"#
    );
    parse_toml(&text).expect("valid agreement")
}

const WEEKLY: &str = "[cadence]\ninterval_weeks = 1\nweekdays = [\"sunday\"]\ntime = \"08:00\"\nminutes = 30\nfacilitation = \"rotating\"\n";

fn entry(agreement: Agreement, pauses: Vec<Pause>) -> FeedPartnership {
    let schedule = Schedule::new(&agreement, ts("2027-03-01T10:00:00Z"));
    FeedPartnership {
        id: "p1".into(),
        title: "Maya, Jonas; and co".into(),
        agreement,
        schedule,
        pauses,
    }
}

/// The content lines of a feed, unfolded.
fn lines(feed: &str) -> Vec<String> {
    feed.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn checkins_keep_their_local_time_across_the_change() {
    let now = ts("2027-03-10T12:00:00Z");
    let text = feed(&[entry(agreement(WEEKLY), vec![])], BASE, now);
    let l = lines(&text);
    assert!(l.contains(&"DTSTART;TZID=Europe/Berlin:20270321T080000".to_owned()));
    assert!(l.contains(&"DTEND;TZID=Europe/Berlin:20270321T083000".to_owned()));
    assert!(l.contains(&"DTSTART;TZID=Europe/Berlin:20270328T080000".to_owned()));
    // 2027-03-28 08:00 in Berlin is 06:00Z: its UID carries that instant.
    let ms = ts("2027-03-28T06:00:00Z").as_millisecond();
    assert!(l.contains(&format!("UID:checkin-p1-{ms}@accord")));
    assert!(l.contains(&format!("URL:{BASE}/p/p1/checkins/{ms}")));
    // The zone is described, with the change on the 28th.
    assert!(l.contains(&"TZID:Europe/Berlin".to_owned()));
    assert!(l.contains(&"DTSTART:20270328T020000".to_owned()));
    // Nothing before the agreement came into force (2027-03-01), nothing
    // after 180 days.
    assert!(!text.contains("20270228T"));
    assert!(!text.contains("20270912T08"));
    assert!(text.contains("20270905T080000"));
}

#[test]
fn the_calendar_has_its_header_and_crlf_lines() {
    let text = feed(&[], BASE, ts("2027-03-10T12:00:00Z"));
    assert!(text.starts_with(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Accord//Accord//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Accord\r\n"
    ));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'));
    assert!(!text.contains("VTIMEZONE"));
}

#[test]
fn summaries_descriptions_and_alarms() {
    let text = feed(
        &[entry(agreement(WEEKLY), vec![])],
        BASE,
        ts("2027-03-10T12:00:00Z"),
    );
    let l = lines(&text);
    // Rotating from Maya on 2027-03-07: the 21st is Maya's again.
    assert!(l.contains(
        &"SUMMARY:Check-in: Maya\\, Jonas\\; and co (facilitates: Maya Chen)".to_owned()
    ));
    assert!(l.iter().any(|d| d.starts_with(
        "DESCRIPTION:Agenda:\\n1. Wins\\, since last time\\n2. What got in the way\\; and why\\n\\nOpen the check-in in Accord: https://"
    )));
    assert!(l.contains(&"TRIGGER:-PT15M".to_owned()));
    assert!(l.contains(&"ACTION:DISPLAY".to_owned()));
    let events = l.iter().filter(|x| *x == "BEGIN:VEVENT").count();
    let alarms = l.iter().filter(|x| *x == "BEGIN:VALARM").count();
    // 27 weekly check-ins in the window (7 March to 5 September) and 3
    // dated events.
    assert_eq!(events, 27 + 3);
    assert_eq!(alarms, 27);
    assert!(l.contains(&"DTSTAMP:20270310T120000Z".to_owned()));
}

#[test]
fn dated_events_are_all_day() {
    let text = feed(
        &[entry(agreement(WEEKLY), vec![])],
        BASE,
        ts("2027-03-10T12:00:00Z"),
    );
    let l = lines(&text);
    for (start, end, uid) in [
        ("20270415", "20270416", "milestone-p1-0-20270415@accord"),
        ("20270630", "20270701", "goal-due-p1-0@accord"),
        ("20270502", "20270503", "recalibration-p1@accord"),
    ] {
        let at = l
            .iter()
            .position(|x| *x == format!("UID:{uid}"))
            .unwrap_or_else(|| panic!("no {uid}"));
        assert_eq!(l[at + 2], format!("DTSTART;VALUE=DATE:{start}"));
        assert_eq!(l[at + 3], format!("DTEND;VALUE=DATE:{end}"));
    }
    assert!(l.iter().any(|x| x.starts_with("SUMMARY:Recalibration")));
}

#[test]
fn paused_checkins_are_left_out() {
    let pause = Pause {
        first: date(2027, 3, 20),
        last: date(2027, 3, 22),
    };
    let text = feed(
        &[entry(agreement(WEEKLY), vec![pause])],
        BASE,
        ts("2027-03-10T12:00:00Z"),
    );
    assert!(!text.contains("20270321T080000"));
    assert!(text.contains("20270328T080000"));
}

#[test]
fn an_unscheduled_agreement_still_has_its_dates() {
    let text = feed(
        &[entry(agreement(""), vec![])],
        BASE,
        ts("2027-03-10T12:00:00Z"),
    );
    assert!(!text.contains("SUMMARY:Check-in"));
    assert!(!text.contains("VALARM"));
    assert!(!text.contains("VTIMEZONE"));
    assert!(text.contains("DTSTART;VALUE=DATE:20270502"));
}

#[test]
fn the_same_input_gives_the_same_feed() {
    let now = ts("2027-03-10T12:00:00Z");
    let a = feed(&[entry(agreement(WEEKLY), vec![])], BASE, now);
    let b = feed(&[entry(agreement(WEEKLY), vec![])], BASE, now);
    assert_eq!(a, b);
    for line in a.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
}
