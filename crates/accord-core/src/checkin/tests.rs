//! Checks of records, the ladder, status and recap.

use jiff::Timestamp;

use super::*;
use crate::parse_toml;
use crate::schedule::{Pause, Schedule};

fn agreement(ladder: &str) -> Agreement {
    let text = format!(
        r#"
format = 1
title = "Maya and Jonas"
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"

[[party]]
id = "jonas"
name = "Jonas Weber"

[[goal]]
party = "maya"
outcome = "Publish the plan"
indicator = "sections approved"
actions = ["Block three mornings", "Send one section"]

[[goal]]
party = "jonas"
outcome = "Run twice a week"
actions = ["Run Tuesday and Friday"]

[[boundary]]
party = "jonas"
rule = "No e-mail after seven"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
missed_checkin = "We reschedule within 48 hours."

[wellbeing]
track = ["stress", "energy"]

{ladder}
"#
    );
    parse_toml(&text).expect("valid")
}

const TWO_STEPS: &str = r#"
[[consequence]]
after_misses = 1
response = "Ask what got in the way."
[[consequence]]
after_misses = 2
response = "An extra 15-minute check-in."
"#;

fn report(party: &str, reviewed: &[(&str, Outcome)]) -> PartyReport {
    PartyReport {
        party: crate::model::PartyId::parse(party).expect("id"),
        reviewed: reviewed
            .iter()
            .map(|(c, o)| Reviewed {
                commitment: (*c).into(),
                outcome: *o,
                obstacle: (*o != Outcome::Kept).then(|| "A sick child".into()),
            })
            .collect(),
        indicators: vec![],
        slips: vec![],
        wellbeing: vec![
            Score {
                indicator: crate::model::WellbeingIndicator::Stress,
                score: 3,
            },
            Score {
                indicator: crate::model::WellbeingIndicator::Energy,
                score: 4,
            },
        ],
        win: "Shipped the draft".into(),
        next_commitments: vec!["Write section two".into()],
        next_step: "Book the review".into(),
    }
}

fn record(maya: Outcome, jonas: Outcome) -> CheckinRecord {
    CheckinRecord {
        reports: vec![
            report("maya", &[("Write section two", maya)]),
            report("jonas", &[("Write section two", jonas)]),
        ],
    }
}

#[test]
fn first_checkin_reviews_the_goal_actions_then_the_last_commitments() {
    let a = agreement(TWO_STEPS);
    let first = expected_commitments(&a, None);
    assert_eq!(first[0].1, ["Block three mornings", "Send one section"]);
    assert_eq!(first[1].1, ["Run Tuesday and Friday"]);
    let later = expected_commitments(&a, Some(&record(Outcome::Kept, Outcome::Kept)));
    assert_eq!(later[0].1, ["Write section two"]);
}

#[test]
fn a_good_record_passes_and_problems_name_their_fields() {
    let a = agreement(TWO_STEPS);
    let last = record(Outcome::Kept, Outcome::Kept);
    let expected = expected_commitments(&a, Some(&last));
    assert_eq!(
        check(&a, &expected, &record(Outcome::Missed, Outcome::Kept)),
        Ok(())
    );

    let mut bad = record(Outcome::Missed, Outcome::PartlyKept);
    bad.reports[0].reviewed[0].obstacle = Some("  ".into());
    bad.reports[0].wellbeing[0].score = 6;
    bad.reports[1].wellbeing.pop();
    bad.reports[1].win = " ".into();
    bad.reports[1].next_commitments = vec![" ".into()];
    bad.reports[1].indicators.push(IndicatorValue {
        goal: 0,
        value: crate::model::Number::parse(1.0).expect("n"),
    });
    bad.reports[0].slips.push(Slip {
        boundary: 0,
        note: None,
    });
    let problems = check(&a, &expected, &bad).expect_err("invalid");
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "reports[0].reviewed[0].obstacle",
            "reports[0].slips[0].boundary",
            "reports[0].wellbeing.stress",
            "reports[1].indicators[0].goal",
            "reports[1].wellbeing.energy",
            "reports[1].win",
            "reports[1].next_commitments",
        ]
    );
    assert!(
        problems[0].message.contains("Write section two"),
        "{}",
        problems[0].message
    );

    let mut skipped = record(Outcome::Kept, Outcome::Kept);
    skipped.reports[0].reviewed.clear();
    skipped.reports.pop();
    let problems = check(&a, &expected, &skipped).expect_err("invalid");
    assert_eq!(problems[0].field, "reports");
    assert_eq!(problems[1].field, "reports[0].reviewed");
}

#[test]
fn duplicate_slips_are_refused_like_duplicate_scores() {
    // Jonas has two boundaries, so two slips are not too many.
    let a = agreement("[[boundary]]\nparty = \"jonas\"\nrule = \"No calls on Sunday\"\n");
    let expected = expected_commitments(&a, Some(&record(Outcome::Kept, Outcome::Kept)));
    let mut r = record(Outcome::Kept, Outcome::Kept);
    r.reports[1].slips = vec![
        Slip {
            boundary: 1,
            note: None,
        },
        Slip {
            boundary: 0,
            note: None,
        },
    ];
    assert_eq!(check(&a, &expected, &r), Ok(()));
    r.reports[1].slips[0].boundary = 0;
    let problems = check(&a, &expected, &r).expect_err("a slip given twice");
    assert_eq!(
        problems,
        [Problem {
            field: "reports[1].slips[1].boundary".into(),
            message: "Give each boundary that slipped once.".into(),
        }]
    );
}

#[test]
fn lists_longer_than_what_they_can_name_are_refused_unread() {
    let a = agreement(TWO_STEPS);
    let expected = expected_commitments(&a, Some(&record(Outcome::Kept, Outcome::Kept)));
    let fields = |r: &CheckinRecord| -> Vec<String> {
        check(&a, &expected, r)
            .expect_err("too long")
            .into_iter()
            .map(|p| p.field)
            .collect()
    };

    // More reports than parties: that is all there is to say, however
    // many there are (each one is not looked at for duplicates).
    let mut r = record(Outcome::Kept, Outcome::Kept);
    let extra = r.reports[1].clone();
    r.reports.extend(std::iter::repeat_n(extra, 10_000));
    assert_eq!(fields(&r), ["reports"]);

    // Maya has one goal: a second indicator value is one too many, and the
    // 100 000 after it are not read.
    let mut r = record(Outcome::Kept, Outcome::Kept);
    let value = IndicatorValue {
        goal: 0,
        value: crate::model::Number::parse(1.0).expect("n"),
    };
    r.reports[0].indicators = vec![value; 10_001];
    let problems = check(&a, &expected, &r).expect_err("too many");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "reports[0].indicators[1].goal");
    assert!(
        problems[0].message.contains("1 goal"),
        "{}",
        problems[0].message
    );

    // Jonas has one boundary; Maya none.
    let mut r = record(Outcome::Kept, Outcome::Kept);
    let slip = Slip {
        boundary: 0,
        note: Some("x".repeat(MAX_TEXT + 1)),
    };
    r.reports[1].slips = vec![slip.clone(); 10_001];
    r.reports[0].slips = vec![slip; 3];
    assert_eq!(
        fields(&r),
        [
            "reports[0].slips[0].boundary",
            "reports[1].slips[1].boundary"
        ]
    );

    // Two indicators are tracked: a third score is one too many.
    let mut r = record(Outcome::Kept, Outcome::Kept);
    let mut scores = r.reports[0].wellbeing.clone();
    scores.extend(std::iter::repeat_n(
        Score {
            indicator: crate::model::WellbeingIndicator::Mood,
            score: 9,
        },
        10_000,
    ));
    r.reports[0].wellbeing = scores;
    let problems = check(&a, &expected, &r).expect_err("too many");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "reports[0].wellbeing.mood");
    assert!(
        problems[0].message.contains("tracks 2 well-being"),
        "{}",
        problems[0].message
    );
}

#[test]
fn ladder_escalates_and_keeps_the_highest_step() {
    let a = agreement(TWO_STEPS);
    let mut history = Vec::new();
    let mut fired_at = Vec::new();
    for outcome in [
        Outcome::Missed,
        Outcome::Missed,
        Outcome::Missed,
        Outcome::Kept,
        Outcome::Missed,
    ] {
        let r = record(outcome, Outcome::PartlyKept);
        let fired = evaluate(&a, &history, &r);
        fired_at.push(
            fired
                .iter()
                .map(|f| (f.misses, f.after_misses))
                .collect::<Vec<_>>(),
        );
        assert!(
            fired.iter().all(|f| f.party.as_str() == "maya"),
            "partly kept is not a miss"
        );
        history.push(r);
    }
    // 1st miss: step 1; 2nd: step 2; 3rd: still step 2 (no step 3);
    // kept: run ends; next miss starts again at step 1.
    assert_eq!(
        fired_at,
        [
            vec![(1, 1)],
            vec![(2, 2)],
            vec![(3, 2)],
            vec![],
            vec![(1, 1)]
        ]
    );
    assert_eq!(step(&a.consequences, 0), None);
    assert_eq!(
        step(&a.consequences, 99).map(|c| c.after_misses.get()),
        Some(2)
    );
    // No ladder: nothing fires.
    let none = agreement("");
    assert!(evaluate(&none, &[], &record(Outcome::Missed, Outcome::Missed)).is_empty());
}

#[test]
fn nothing_to_review_leaves_the_run_as_it_was() {
    let mut empty = record(Outcome::Kept, Outcome::Kept);
    empty.reports[0].reviewed.clear();
    let history = [record(Outcome::Missed, Outcome::Kept), empty];
    let maya = crate::model::PartyId::parse("maya").expect("id");
    assert_eq!(consecutive_misses(history.iter(), &maya), 1);
}

#[test]
fn status_through_the_grace_window_and_pauses() {
    let a = agreement(TWO_STEPS);
    let from: Timestamp = "2026-11-20T00:00:00Z".parse().expect("ts");
    let s = Schedule::new(&a, from).expect("scheduled");
    let occ = s.nth(0); // Tuesday 2026-11-24 08:00 Berlin = 07:00Z
    let at = |t: &str| t.parse::<Timestamp>().expect("ts");
    assert_eq!(
        status(&s, &occ, false, &[], at("2026-11-24T05:59:59Z")),
        Status::Upcoming
    );
    assert_eq!(
        status(&s, &occ, false, &[], at("2026-11-24T06:00:00Z")),
        Status::Open
    );
    assert_eq!(
        status(&s, &occ, false, &[], at("2026-11-26T06:59:59Z")),
        Status::Open
    );
    assert_eq!(
        status(&s, &occ, false, &[], at("2026-11-26T07:00:00Z")),
        Status::Missed
    );
    assert_eq!(
        status(&s, &occ, true, &[], at("2026-11-26T07:00:00Z")),
        Status::Recorded
    );
    let pause = Pause {
        first: jiff::civil::date(2026, 11, 23),
        last: jiff::civil::date(2026, 11, 24),
    };
    assert_eq!(
        status(&s, &occ, false, &[pause], at("2026-12-01T00:00:00Z")),
        Status::Paused
    );
    assert_eq!(grace_end(&s, &occ), at("2026-11-26T07:00:00Z"));
}

#[test]
fn recap_says_what_was_kept_missed_fired_and_next() {
    let a = agreement(TWO_STEPS);
    let s = Schedule::new(&a, "2026-11-20T00:00:00Z".parse().expect("ts")).expect("scheduled");
    let r = record(Outcome::Missed, Outcome::Kept);
    let fired = evaluate(&a, &[], &r);
    let next = s.nth(1);
    let recap = recap(&a, &s.nth(0).start, &r, &fired, Some(&next.start));
    let text = recap.text();
    assert_eq!(recap.subject(), "Check-in recap: Maya and Jonas");
    for part in [
        "check-in of Tuesday 24 November 2026, 08:00 (Europe/Berlin)",
        "missed: Write section two (in the way: A sick child)",
        "kept: Write section two",
        "Maya, a miss. As agreed: Ask what got in the way.",
        "next step: Book the review",
        "Next check-in: Tuesday 1 December 2026, 08:00 (Europe/Berlin)",
    ] {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
}
