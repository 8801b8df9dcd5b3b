//! What the rule tests share: a complete agreement with no findings
//! (`BASE`), the spec's rule table, helpers that change one thing in it, and
//! the assertions every review must pass (the spec's table, the JSON contract).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use accord_core::model::*;
use accord_core::{Review, Rule, Severity, parse_toml, review};
use serde_json::Value;

/// shared/examples/solid-parallel-transitions.toml: no findings on 2026-11-21.
pub const BASE: &str = r#"
format = 1
title = "First hundred days as team leads"
scenario = "parallel-transitions"
timezone = "Europe/Berlin"
drafted = 2026-11-21

[[party]]
id = "maya"
name = "Maya Chen"
email = "maya@example.org"
organization = "Northwind Health"
commitment_level = 8
hours_per_week = 1.5
relies_on_others_for = ["work"]
keeps_self_on_track_in = ["exercise", "health"]
support = [
  "If I miss a commitment, ask me what got in the way before offering suggestions.",
  "When I talk about my team for more than five minutes, bring me back to my own actions.",
]

[[party]]
id = "jonas"
name = "Jonas Weber"
email = "jonas@example.org"
organization = "Lindqvist Logistics"
commitment_level = 7
hours_per_week = 1.5
relies_on_others_for = ["work", "personal"]
keeps_self_on_track_in = ["health"]
support = [
  "When I say a week was too busy, ask me which one action I can still do by Friday.",
  "Celebrate a kept commitment out loud before we move on.",
]

[coach]
name = "Sam Ortiz"

[relationship]
kind = "former-colleague"
organizations_compete = false
information_boundaries = "We talk about our own behaviour, never about our employers' plans or people by name."

[[goal]]
party = "maya"
outcome = "Hold a one-to-one with each of my eight reports every fortnight"
indicator = "one-to-ones held"
unit = "meetings per fortnight"
baseline = 3
target = 8
due = 2027-02-01
observable = "weekly"
stretch = 3
exposure = 3
actions = ["Book the one-to-ones for the next two weeks every Monday morning"]
milestones = [ { date = 2026-12-15, value = 6 } ]

[[goal]]
party = "jonas"
outcome = "Delegate the weekly shipment report to my deputy"
indicator = "reports written by the deputy"
unit = "reports"
baseline = 0
target = 4
due = 2027-01-31
observable = "weekly"
stretch = 3
exposure = 4
actions = ["Review one report draft with my deputy each Thursday"]

[[boundary]]
party = "maya"
rule = "No work e-mail after 19:00 on weekdays"
phrase = "I'll answer tomorrow after nine."
measure = "evenings without sent work e-mail"
remind = "weekdays 18:45"

[[boundary]]
party = "jonas"
rule = "Friday afternoons are for planning, not meetings"
phrase = "My Friday afternoon is blocked for planning."
measure = "Friday afternoons without meetings"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
minutes = 25
format = "video-call"
facilitation = "rotating"
missed_checkin = "The one who missed proposes a new slot within 48 hours."

[agenda]
items = [
  "Commitments since last time: kept, partly kept, missed",
  "What got in the way",
  "Indicators and one win each",
  "Stress, sleep and energy",
  "Commitments for the coming week",
]

[[consequence]]
after_misses = 1
response = "The partner asks what got in the way; the one who missed names one change."
[[consequence]]
after_misses = 2
response = "An extra ten-minute text check-in on Friday."
[[consequence]]
after_misses = 3
response = "We renegotiate that goal at the next check-in."

[recalibration]
date = 2027-01-26
calendared = true
triggers = ["Stress at 4 or 5 for two check-ins in a row"]
if_one_struggles = "The one who struggles keeps one goal only for a month; the other keeps theirs unchanged, and we still meet weekly."

[ground_rules]
confidentiality = "Nothing said in a check-in is repeated to anyone else."
feedback_style = "Name the pattern, then ask before advising."

[wellbeing]
track = ["stress", "sleep", "energy"]
"#;

/// The spec's review table: id, default severity, kind, section (the code's
/// section ids), and `party` for the rules about one party.
pub const TABLE: &str = "
    history-missing                 medium  gap       history
    history-unaddressed             high    gap       history
    agenda-missing                  high    gap       agenda
    agenda-no-accountability        medium  gap       agenda
    consequence-missing             high    gap       consequences
    missed-checkin-undefined        medium  gap       cadence
    recalibration-missing           high    gap       recalibration
    recalibration-not-calendared    medium  gap       recalibration
    recalibration-too-far           medium  gap       recalibration
    goal-missing                    high    gap       goals          party
    goal-unmeasurable               medium  gap       goals          party
    goal-no-deadline                low     gap       goals          party
    goal-no-actions                 low     gap       goals          party
    goal-slower-than-cadence        medium  gap       goals          party
    support-missing                 medium  gap       support        party
    support-vague                   medium  gap       support        party
    cadence-missing                 high    gap       cadence
    cadence-too-sparse              medium  gap       cadence
    cadence-too-heavy               medium  gap       cadence
    commitment-mismatch             high    gap       commitment
    stretch-asymmetry               medium  gap       goals
    asymmetry-plan-missing          medium  gap       recalibration
    boundary-no-phrase              low     gap       boundaries     party
    boundary-unobservable           low     gap       boundaries     party
    wellbeing-untracked             low     gap       wellbeing
    ground-rules-missing            low     gap       ground-rules
    close-relationship              low     red-flag  context
    external-reliance               low     red-flag  context        party
    competing-organizations         low     red-flag  context
    information-boundaries-missing  medium  gap       ground-rules
";

/// The rows of [`TABLE`], each split into its words.
pub fn table() -> impl Iterator<Item = Vec<&'static str>> {
    let words = |line: &'static str| line.split_whitespace().collect::<Vec<_>>();
    TABLE.lines().map(words).filter(|row| !row.is_empty())
}

pub fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}
pub fn level(n: i64) -> Option<CommitmentLevel> {
    Some(CommitmentLevel::parse(n).unwrap())
}
pub fn interval(n: i64) -> Option<IntervalWeeks> {
    Some(IntervalWeeks::parse(n).unwrap())
}
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}
pub fn agenda(items: &[&str]) -> Option<Agenda> {
    let items = strings(items);
    Some(Agenda { items })
}
pub fn cad(a: &mut Agreement) -> &mut Cadence {
    a.cadence.as_mut().unwrap()
}
pub fn recal(a: &mut Agreement) -> &mut Recalibration {
    a.recalibration.as_mut().unwrap()
}
pub fn rel(a: &mut Agreement) -> &mut Relationship {
    a.relationship.as_mut().unwrap()
}
/// Sets the cadence's format, minutes, weekdays and interval.
pub fn call(a: &mut Agreement, f: CheckinFormat, minutes: i64, days: &[Weekday], weeks: i64) {
    let c = cad(a);
    (c.format, c.interval_weeks) = (Some(f), interval(weeks));
    (c.minutes, c.weekdays) = (Some(Minutes::parse(minutes).unwrap()), days.to_vec());
}
/// One `[[history]]` entry per list of causes.
pub fn history(a: &mut Agreement, attempts: &[&[&str]]) {
    let cause = |c: &&str| HistoryCause::from_word(c).unwrap();
    let attempt = |cs: &&[&str]| Attempt {
        causes: cs.iter().map(cause).collect(),
        ..Default::default()
    };
    a.history = attempts.iter().map(attempt).collect();
}

pub fn with(change: impl FnOnce(&mut Agreement)) -> Agreement {
    let mut a = parse_toml(BASE).unwrap();
    change(&mut a);
    a
}

/// The findings as sorted "rule [party] severity" lines, after checking each
/// against the spec's table and the rules for messages.
pub fn lines(r: &Review) -> Vec<String> {
    let mut out = Vec::new();
    for f in &r.findings {
        let id = f.rule.id();
        let row = table()
            .find(|row| row[0] == id)
            .expect("a rule of the table");
        let kind = serde_json::to_value(f.kind).unwrap();
        assert_eq!(
            [kind.as_str().unwrap(), f.section.as_str()],
            row[2..4],
            "{id}"
        );
        assert_eq!(f.party.is_some(), row.len() == 5, "{id}: party");
        assert!(row[2] == "gap" || f.severity == Severity::Low, "{id}");
        assert!(!f.message.trim().is_empty(), "{id}: message");
        assert!(!f.suggestion.trim().is_empty(), "{id}: suggestion");
        assert_ne!(f.message, f.suggestion, "{id}");
        let party = f.party.as_ref().map_or(String::new(), |p| format!(" {p}"));
        out.push(format!("{id}{party} {}", f.severity.as_str()));
    }
    out.sort();
    out
}
/// Checks the JSON shape of a review: exactly `findings` and `summary`; each
/// finding exactly rule, severity, kind, section, message, suggestion, and
/// `party` only when set; the summary counts the findings by severity.
pub fn json_contract(r: &Review) {
    const KEYS: [&str; 6] = [
        "kind",
        "message",
        "rule",
        "section",
        "severity",
        "suggestion",
    ];
    let json = serde_json::to_value(r).unwrap();
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&json), ["findings", "summary"]);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), r.findings.len());
    let mut counts = BTreeMap::from([("high", 0u64), ("low", 0), ("medium", 0)]);
    for (f, finding) in findings.iter().zip(&r.findings) {
        let mut want = KEYS.to_vec();
        if let Some(party) = &finding.party {
            assert_eq!(f["party"], party.as_str());
            want.insert(2, "party");
        }
        assert_eq!(keys(f), want, "{f}");
        assert_eq!(f["rule"], finding.rule.id());
        *counts.get_mut(f["severity"].as_str().unwrap()).unwrap() += 1;
        assert!(
            f["kind"] == "gap" || f["kind"] == "red-flag" && f["severity"] == "low",
            "{f}"
        );
    }
    assert_eq!(json["summary"], serde_json::json!(counts));
}
/// Asserts exactly the findings in `want` ("rule [party] severity, …").
pub fn expect_at(a: &Agreement, today: &str, want: &str) {
    let mut want: Vec<&str> = want
        .split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    want.sort_unstable();
    let review = review(a, date(today));
    json_contract(&review);
    assert_eq!(lines(&review), want);
}
pub fn expect(a: &Agreement, want: &str) {
    expect_at(a, "2026-11-21", want);
}
pub fn fires(a: &Agreement, rule: Rule) -> bool {
    let r = review(a, date("2026-11-21"));
    r.findings.iter().any(|f| f.rule == rule)
}

/// `check! { |a| change => "findings" }` applies one change to the base
/// agreement and asserts exactly those findings. (Braces keep each case on
/// one line under rustfmt.)
#[macro_export]
macro_rules! check {
    (|$a:ident| $change:expr => $want:expr) => {
        expect(&with(|$a: &mut Agreement| $change), $want)
    };
}

pub fn hours(h: f64) -> Option<Hours> {
    Some(Hours::parse(h).unwrap())
}

pub fn rating(n: i64) -> Option<Rating> {
    Some(Rating::parse(n).unwrap())
}

/// A copy of maya's goal with another stretch rating, as her second goal.
pub fn second_goal(a: &mut Agreement, stretch: i64) {
    let stretch = rating(stretch);
    a.goals.push(Goal {
        stretch,
        ..a.goals[0].clone()
    });
}
