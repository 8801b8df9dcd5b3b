//! `VTIMEZONE` components built from jiff's time zone data, so that a
//! calendar reading the feed resolves `DTSTART;TZID=Europe/Berlin:…` the
//! way Accord does even if its own zone data differs.
//!
//! A zone is described over the span of instants the feed uses: the
//! observance in force at its start (the last transition before it), then
//! one `STANDARD` or `DAYLIGHT` sub-component per transition inside it.
//! Each has a `DTSTART` in the local wall time just before the transition
//! (in the `TZOFFSETFROM` offset, as RFC 5545 §3.6.5 asks), the offsets
//! before and after, and `TZNAME` when jiff knows an abbreviation. A zone
//! with no transition inside the span gets one `STANDARD` with its fixed
//! offset.

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::text::Writer;

/// One observance of a zone: from `onset` on, `offset_to` applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// Whether it is daylight saving time.
    pub daylight: bool,
    /// The local wall time the change happens at, before the change, as
    /// `YYYYMMDDTHHMMSS`.
    pub onset: String,
    /// The offset before.
    pub offset_from: Offset,
    /// The offset from then on.
    pub offset_to: Offset,
    /// The abbreviation, e.g. `CEST`, when the zone data has one.
    pub name: Option<String>,
}

/// The observances needed to resolve local times in `tz` for the instants
/// from `first` to `last`.
pub fn observances(tz: &TimeZone, first: Timestamp, last: Timestamp) -> Vec<Observance> {
    let second = SignedDuration::from_secs(1);
    let mut out = Vec::new();
    // The transition in force at `first` (one exactly at `first` counts).
    let after_first = first.checked_add(second).unwrap_or(first);
    let mut seen = None;
    if let Some(t) = tz.preceding(after_first).next() {
        seen = Some(t.timestamp());
        out.push(observance(
            tz,
            t.timestamp(),
            t.offset(),
            t.abbreviation(),
            t.dst().is_dst(),
        ));
    }
    let mut in_span = 0;
    for t in tz.following(first) {
        if t.timestamp() > last {
            break;
        }
        if Some(t.timestamp()) == seen {
            continue;
        }
        in_span += 1;
        out.push(observance(
            tz,
            t.timestamp(),
            t.offset(),
            t.abbreviation(),
            t.dst().is_dst(),
        ));
    }
    if in_span == 0 {
        // Nothing changes in the span: one fixed offset says it all.
        let info = tz.to_offset_info(first);
        let offset = info.offset();
        return vec![Observance {
            daylight: false,
            onset: "19700101T000000".to_owned(),
            offset_from: offset,
            offset_to: offset,
            name: abbreviation(info.abbreviation()),
        }];
    }
    out
}

fn observance(
    tz: &TimeZone,
    at: Timestamp,
    offset_to: Offset,
    name: &str,
    daylight: bool,
) -> Observance {
    let before = at.checked_sub(SignedDuration::from_secs(1)).unwrap_or(at);
    let offset_from = tz.to_offset(before);
    Observance {
        daylight,
        onset: offset_from
            .to_datetime(at)
            .strftime("%Y%m%dT%H%M%S")
            .to_string(),
        offset_from,
        offset_to,
        name: abbreviation(name),
    }
}

fn abbreviation(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// An offset as iCalendar writes it: `+0100`, `-0330`, `+005328`.
pub fn utc_offset(offset: Offset) -> String {
    let total = offset.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// Writes the `VTIMEZONE` of zone `tzid` for the instants from `first` to
/// `last`.
pub fn write(w: &mut Writer, tzid: &str, tz: &TimeZone, first: Timestamp, last: Timestamp) {
    w.begin("VTIMEZONE");
    w.raw("TZID", tzid);
    for o in observances(tz, first, last) {
        let kind = if o.daylight { "DAYLIGHT" } else { "STANDARD" };
        w.begin(kind);
        w.raw("DTSTART", &o.onset);
        w.raw("TZOFFSETFROM", &utc_offset(o.offset_from));
        w.raw("TZOFFSETTO", &utc_offset(o.offset_to));
        if let Some(name) = &o.name {
            w.text("TZNAME", name);
        }
        w.end(kind);
    }
    w.end("VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use jiff::tz::offset;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn berlin_across_the_spring_change() {
        let tz = TimeZone::get("Europe/Berlin").expect("zone");
        let got = observances(&tz, ts("2027-03-01T00:00:00Z"), ts("2027-04-30T00:00:00Z"));
        assert_eq!(
            got,
            vec![
                Observance {
                    daylight: false,
                    onset: "20261025T030000".into(),
                    offset_from: offset(2),
                    offset_to: offset(1),
                    name: Some("CET".into()),
                },
                Observance {
                    daylight: true,
                    onset: "20270328T020000".into(),
                    offset_from: offset(1),
                    offset_to: offset(2),
                    name: Some("CEST".into()),
                },
            ]
        );
    }

    #[test]
    fn a_span_without_changes_is_one_standard_observance() {
        let tz = TimeZone::get("Asia/Tokyo").expect("zone");
        let got = observances(&tz, ts("2027-01-01T00:00:00Z"), ts("2027-12-31T00:00:00Z"));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].offset_from, offset(9));
        assert_eq!(got[0].offset_to, offset(9));
        assert!(!got[0].daylight);
        let utc = observances(
            &TimeZone::UTC,
            ts("2027-01-01T00:00:00Z"),
            ts("2027-02-01T00:00:00Z"),
        );
        assert_eq!(utc.len(), 1);
        assert_eq!(utc_offset(utc[0].offset_to), "+0000");
    }

    #[test]
    fn offsets_are_written_with_minutes_and_seconds_when_needed() {
        assert_eq!(utc_offset(offset(1)), "+0100");
        assert_eq!(utc_offset(offset(-5)), "-0500");
        let odd = Offset::from_seconds(-(3 * 3600 + 30 * 60)).expect("offset");
        assert_eq!(utc_offset(odd), "-0330");
        let lmt = Offset::from_seconds(53 * 60 + 28).expect("offset");
        assert_eq!(utc_offset(lmt), "+005328");
    }

    #[test]
    fn the_component_names_each_observance() {
        let tz = TimeZone::get("Europe/Berlin").expect("zone");
        let mut w = Writer::new();
        write(
            &mut w,
            "Europe/Berlin",
            &tz,
            ts("2027-03-01T00:00:00Z"),
            ts("2027-04-30T00:00:00Z"),
        );
        let text = w.finish();
        assert!(text.starts_with("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\n"));
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n"
        ));
        assert!(text.ends_with("END:VTIMEZONE\r\n"));
    }
}
