//! The calendar feed end to end: a signed agreement with a weekly Sunday
//! 08:00 check-in in `Europe/Berlin` across the 2027-03-28 change, a
//! milestone, a goal due date and a recalibration date; the feed made on the
//! reminders page, fetched without cookies and read with an independent
//! iCalendar parser (the `ical` crate); renewing and stopping the link; and
//! a partnership the person is not in never showing up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::io::BufReader;

use accord_store::PartnershipId;
use accord_web::Clock;
use common::*;
use ical::parser::ical::component::{IcalCalendar, IcalEvent, IcalTimeZoneTransitionType};
use ical::property::Property;
use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};

fn agreement(a: (&str, &str, &str), b: (&str, &str, &str)) -> String {
    format!(
        r#"format = 1
timezone = "Europe/Berlin"

[[party]]
id = "{}"
name = "{}"
email = "{}"

[[party]]
id = "{}"
name = "{}"
email = "{}"

[[goal]]
party = "{}"
outcome = "Run 10 km without stopping"
unit = "km"
due = 2027-06-30
milestones = [ {{ date = 2027-04-15, value = 5 }} ]

[cadence]
interval_weeks = 1
weekdays = ["sunday"]
time = "08:00"
minutes = 30
facilitation = "rotating"

[agenda]
items = ["Wins since last time", "What got in the way"]

[recalibration]
date = 2027-05-02
"#,
        a.0, a.1, a.2, b.0, b.1, b.2, a.0
    )
}

/// Saves `toml` as the draft and has both partners sign it.
async fn sign(app: &TestApp, id: &str, toml: &str, partners: [&str; 2]) {
    let pid = PartnershipId::parse(id).unwrap();
    let p = app.store.partnership(&pid).await.unwrap().unwrap();
    let now = app.clock.now();
    let rev = app
        .store
        .save_draft(&pid, p.draft_revision, toml, now)
        .await
        .unwrap();
    for email in partners {
        let user = app.store.user_by_email(email).await.unwrap().unwrap();
        app.store
            .sign_draft(&pid, rev, &user.id, now)
            .await
            .unwrap();
    }
}

/// Makes (or renews) the feed on the reminders page; returns its URL.
async fn make_feed(c: &mut Client) -> String {
    c.get("/settings/reminders").await;
    let page = c.post("/settings/calendar", &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "id=\"feed-link\" readonly value=\"";
    let at = page.body.find(marker).expect("the page shows the link") + marker.len();
    let end = page.body[at..].find('"').unwrap();
    page.body[at..at + end].to_owned()
}

/// Fetches a feed without cookies.
async fn fetch(url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

fn parse(text: &str) -> IcalCalendar {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(parser.next().is_none(), "exactly one calendar");
    cal
}

fn prop<'a>(props: &'a [Property], name: &str) -> Option<&'a Property> {
    props.iter().find(|p| p.name == name)
}

fn value<'a>(props: &'a [Property], name: &str) -> &'a str {
    prop(props, name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

fn local(s: &str) -> DateTime {
    DateTime::strptime("%Y%m%dT%H%M%S", s).unwrap()
}

/// `+0200` as seconds.
fn offset_secs(s: &str) -> i64 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits = &s[1..];
    let h: i64 = digits[0..2].parse().unwrap();
    let m: i64 = digits[2..4].parse().unwrap();
    let sec: i64 = digits.get(4..6).map_or(0, |x| x.parse().unwrap());
    sign * (h * 3600 + m * 60 + sec)
}

/// Resolves a local time in a zone the way a calendar app does from the
/// feed's own `VTIMEZONE`: the observance with the latest onset at or
/// before the local time gives the offset.
fn resolve(cal: &IcalCalendar, tzid: &str, at: &str) -> Timestamp {
    let tz = cal
        .timezones
        .iter()
        .find(|z| value(&z.properties, "TZID") == tzid)
        .unwrap_or_else(|| panic!("no VTIMEZONE for {tzid}"));
    let at = local(at);
    let offset = tz
        .transitions
        .iter()
        .map(|t| {
            (
                local(value(&t.properties, "DTSTART")),
                offset_secs(value(&t.properties, "TZOFFSETTO")),
            )
        })
        .filter(|(onset, _)| *onset <= at)
        .max_by_key(|(onset, _)| *onset)
        .expect("an observance in force")
        .1;
    let naive = at.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp();
    naive
        .checked_sub(SignedDuration::from_secs(offset))
        .unwrap()
}

fn summary(e: &IcalEvent) -> &str {
    value(&e.properties, "SUMMARY")
}

fn uids(cal: &IcalCalendar) -> BTreeSet<String> {
    cal.events
        .iter()
        .map(|e| value(&e.properties, "UID").to_owned())
        .collect()
}

on_both_databases!(feed_scenario: the_feed_on_sqlite, the_feed_on_postgres);

async fn feed_scenario(app: &TestApp) {
    // From 2026-03-02 to Wednesday 2027-03-10, before anyone signs up, so
    // sessions are fresh.
    app.clock.advance(SignedDuration::from_hours(24 * 373));
    let (mut maya, _jonas, mut ruth, id) = full_partnership(app).await;
    let maya_party = ("maya", "Maya Chen", "maya@example.org");
    let jonas_party = ("jonas", "Jonas Berg", "jonas@example.org");
    sign(
        app,
        &id,
        &agreement(maya_party, jonas_party),
        ["maya@example.org", "jonas@example.org"],
    )
    .await;

    // Olga and Sam's partnership, which Maya is not in.
    let mut olga = signup(app, "Olga Newcomer", "olga@example.org").await;
    let other = start_partnership(&mut olga, "Olga and Sam").await;
    let link = invite(&mut olga, &other, "partner").await;
    let mut sam = signup(app, "Sam Other", "sam@example.org").await;
    sam.get(&link).await;
    assert_eq!(sam.post(&link, &[]).await.status, 303);
    sign(
        app,
        &other,
        &agreement(
            ("olga", "Olga Newcomer", "olga@example.org"),
            ("sam", "Sam Other", "sam@example.org"),
        ),
        ["olga@example.org", "sam@example.org"],
    )
    .await;
    let olga_url = make_feed(&mut olga).await;

    let url = make_feed(&mut maya).await;
    assert!(url.starts_with(&format!("{}/calendar/", app.base)), "{url}");
    assert!(url.ends_with(".ics"));
    let (status, headers, text) = fetch(&url).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(headers["cache-control"], "private, max-age=300");
    let cal = parse(&text);
    assert_eq!(value(&cal.properties, "PRODID"), "-//Accord//Accord//EN");
    assert_eq!(value(&cal.properties, "VERSION"), "2.0");
    assert_eq!(value(&cal.properties, "METHOD"), "PUBLISH");
    assert_eq!(value(&cal.properties, "X-WR-CALNAME"), "Accord");

    // The check-ins on either side of the change: 08:00 local both times.
    let checkins: Vec<&IcalEvent> = cal
        .events
        .iter()
        .filter(|e| summary(e).starts_with("Check-in: Maya and Jonas"))
        .collect();
    assert!(checkins.len() >= 20, "{} check-ins", checkins.len());
    for (day, utc) in [
        ("20270321", "2027-03-21T07:00:00Z"),
        ("20270328", "2027-03-28T06:00:00Z"),
    ] {
        let e = checkins
            .iter()
            .find(|e| value(&e.properties, "DTSTART").starts_with(day))
            .unwrap_or_else(|| panic!("no check-in on {day}"));
        let start = prop(&e.properties, "DTSTART").unwrap();
        assert_eq!(start.value.as_deref(), Some(&*format!("{day}T080000")));
        assert_eq!(param(start, "TZID"), Some("Europe/Berlin"));
        let end = prop(&e.properties, "DTEND").unwrap();
        assert_eq!(end.value.as_deref(), Some(&*format!("{day}T083000")));
        assert_eq!(param(end, "TZID"), Some("Europe/Berlin"));
        let at = resolve(&cal, "Europe/Berlin", &format!("{day}T080000"));
        assert_eq!(at, utc.parse::<Timestamp>().unwrap());
        let ms = at.as_millisecond();
        assert_eq!(
            value(&e.properties, "UID"),
            format!("checkin-{id}-{ms}@accord")
        );
        assert_eq!(
            value(&e.properties, "URL"),
            format!("{}/p/{id}/checkins/{ms}", app.base)
        );
        let description = value(&e.properties, "DESCRIPTION");
        assert!(
            description.contains("1. Wins since last time"),
            "{description}"
        );
        assert!(description.contains(&format!("/p/{id}/checkins/{ms}")));
    }
    // The feed's zone has the change, as a DAYLIGHT observance.
    let berlin = &cal.timezones[0];
    assert!(berlin.transitions.iter().any(|t| {
        matches!(t.transition, IcalTimeZoneTransitionType::DAYLIGHT)
            && value(&t.properties, "DTSTART") == "20270328T020000"
            && value(&t.properties, "TZOFFSETFROM") == "+0100"
            && value(&t.properties, "TZOFFSETTO") == "+0200"
    }));
    // Every check-in has its alarm.
    for e in &checkins {
        assert_eq!(e.alarms.len(), 1);
        assert_eq!(value(&e.alarms[0].properties, "ACTION"), "DISPLAY");
        assert_eq!(value(&e.alarms[0].properties, "TRIGGER"), "-PT15M");
        assert!(prop(&e.alarms[0].properties, "DESCRIPTION").is_some());
    }

    // Milestone, due date and recalibration: all-day events.
    for (word, start, end) in [
        ("Milestone", "20270415", "20270416"),
        ("Due", "20270630", "20270701"),
        ("Recalibration", "20270502", "20270503"),
    ] {
        let e = cal
            .events
            .iter()
            .find(|e| summary(e).starts_with(word) && summary(e).contains("Maya and Jonas"))
            .unwrap_or_else(|| panic!("no {word} event"));
        let s = prop(&e.properties, "DTSTART").unwrap();
        assert_eq!(
            (param(s, "VALUE"), s.value.as_deref()),
            (Some("DATE"), Some(start))
        );
        let d = prop(&e.properties, "DTEND").unwrap();
        assert_eq!(
            (param(d, "VALUE"), d.value.as_deref()),
            (Some("DATE"), Some(end))
        );
        assert!(e.alarms.is_empty());
    }

    // Olga and Sam's partnership is not in Maya's feed.
    assert!(!text.contains(&other));
    assert!(!text.contains("Olga"));
    assert!(
        cal.events
            .iter()
            .all(|e| !summary(e).contains("Olga and Sam"))
    );
    // …but is in Olga's, and Maya's is not there.
    let (_, _, olga_text) = fetch(&olga_url).await;
    assert!(olga_text.contains("Check-in: Olga and Sam"));
    assert!(!olga_text.contains(&id));

    // The coach's feed has the partnership too.
    let ruth_url = make_feed(&mut ruth).await;
    let (status, _, ruth_text) = fetch(&ruth_url).await;
    assert_eq!(status, 200);
    assert!(ruth_text.contains("Check-in: Maya and Jonas"));

    // UIDs are stable from one fetch to the next.
    app.clock.advance(SignedDuration::from_hours(1));
    let (_, _, again) = fetch(&url).await;
    assert_eq!(uids(&parse(&again)), uids(&cal));

    // A new link stops the old one.
    let renewed = make_feed(&mut maya).await;
    assert_ne!(renewed, url);
    assert_eq!(fetch(&url).await.0, 404);
    assert_eq!(fetch(&renewed).await.0, 200);

    // Stopping the feed stops the link.
    maya.get("/settings/reminders").await;
    let page = maya.post("/settings/calendar/stop", &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You have no feed link."));
    assert_eq!(fetch(&renewed).await.0, 404);

    // Names that are not tokens are not found either.
    for path in ["/calendar/nothing.ics", "/calendar/", "/calendar/x"] {
        assert_eq!(fetch(&format!("{}{path}", app.base)).await.0, 404, "{path}");
    }
    let bare = renewed.trim_end_matches(".ics");
    assert_eq!(fetch(bare).await.0, 404);
}

#[tokio::test]
async fn the_feed_needs_no_csrf_and_changes_nothing_on_post() {
    let app = spawn_app().await;
    let mut maya = signup(&app, "Maya Chen", "maya@example.org").await;
    let url = make_feed(&mut maya).await;
    // Fetched with a cross-site marker, as a calendar service might.
    let r = reqwest::Client::new()
        .get(&url)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    // No partnership in force yet: an empty, valid calendar.
    let cal = parse(&text);
    assert!(cal.events.is_empty());
    let r = reqwest::Client::new().post(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
}
