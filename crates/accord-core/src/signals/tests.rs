//! Each rule firing and not firing at its threshold, trigger reading, and
//! that nothing a partner wrote reaches a signal.

use super::*;
use crate::checkin::{CheckinRecord, Outcome};
use crate::metrics::fixture::{E, OBSTACLE, agreement, id, kept, record, score, timeline};
use crate::model::WellbeingIndicator::{self, Mood, Sleep, Stress};

use Outcome::{Kept, Missed, PartlyKept};

fn fired(a: &Agreement, past: &[Past<'_>]) -> Vec<(&'static str, Option<String>)> {
    signals(a, past)
        .signals
        .iter()
        .map(|s| (s.kind.id(), s.party.as_ref().map(|p| p.to_string())))
        .collect()
}

fn ids(a: &Agreement, entries: &[E]) -> Vec<(&'static str, Option<String>)> {
    fired(a, &timeline(a, entries))
}

fn who(kind: &'static str, party: &str) -> (&'static str, Option<String>) {
    (kind, Some(party.to_owned()))
}

fn stressed(party: &str, value: u8) -> CheckinRecord {
    score(kept(), party, Stress, value)
}

#[test]
fn kinds_have_stable_ids() {
    let all: Vec<&str> = SignalKind::ALL.iter().map(|k| k.id()).collect();
    assert_eq!(
        all,
        [
            "wellbeing-falling",
            "checkins-missed",
            "repeated-misses",
            "drift-to-support",
            "facilitation-stuck",
            "one-partner-carries"
        ]
    );
    for k in SignalKind::ALL {
        assert_eq!(
            serde_json::to_value(k).expect("json"),
            serde_json::json!(k.id())
        );
    }
}

#[test]
fn stress_at_four_twice_in_a_row_fires_by_default() {
    let a = agreement(&[]);
    let entries = [
        E::Rec(kept()),
        E::Rec(kept()),
        E::Rec(stressed("jonas", 4)),
        E::Rec(stressed("jonas", 5)),
    ];
    let past = timeline(&a, &entries);
    let s = signals(&a, &past);
    assert!(s.triggers.default_rule);
    assert_eq!(s.signals.len(), 1, "{:?}", s.signals);
    let signal = &s.signals[0];
    assert_eq!(signal.kind, SignalKind::WellbeingFalling);
    assert_eq!(signal.party, Some(id("jonas")));
    assert_eq!(
        signal.explanation,
        "Jonas's stress was 4 or higher out of 5 at the last two check-ins (16 and 23 March)."
    );
    assert!(
        signal.action.starts_with("Talk about Jonas's load"),
        "{}",
        signal.action
    );
    assert!(
        signal
            .action
            .contains("plan for this: \u{201c}The one who struggles keeps one goal for a month.\u{201d} If it stays"),
        "{}",
        signal.action
    );
    assert!(
        signal.action.ends_with("instead of waiting for 11 May."),
        "{}",
        signal.action
    );
    assert!(signal.proposes_recalibration);
    assert_eq!(signal.since, Some(past[2].at));
}

#[test]
fn wellbeing_needs_the_worrying_end_at_consecutive_recorded_checkins() {
    let a = agreement(&[]);
    // Once is not enough; 3 is not high; a calm check-in between breaks it.
    assert!(ids(&a, &[E::Rec(kept()), E::Rec(stressed("maya", 5))]).is_empty());
    assert!(
        ids(
            &a,
            &[E::Rec(stressed("maya", 3)), E::Rec(stressed("maya", 3))]
        )
        .is_empty()
    );
    let broken = [
        E::Rec(stressed("maya", 5)),
        E::Rec(kept()),
        E::Rec(stressed("maya", 5)),
    ];
    assert!(ids(&a, &broken).is_empty());
    // Two partners, one high each time: not the same person.
    assert!(
        ids(
            &a,
            &[E::Rec(stressed("maya", 5)), E::Rec(stressed("jonas", 5))]
        )
        .is_empty()
    );
    // Pauses and unrecorded check-ins between do not break the run.
    let gaps = [
        E::Rec(stressed("maya", 4)),
        E::Paused,
        E::Rec(stressed("maya", 4)),
    ];
    assert_eq!(ids(&a, &gaps), [who("wellbeing-falling", "maya")]);
    // Low is the worrying end of sleep: 2 fires, 3 does not.
    let sleep = |v| E::Rec(score(kept(), "maya", Sleep, v));
    assert_eq!(
        ids(&a, &[sleep(2), sleep(1)]),
        [who("wellbeing-falling", "maya")]
    );
    assert!(ids(&a, &[sleep(3), sleep(3)]).is_empty());
    // A past run that ended does not fire now.
    let ended = [
        E::Rec(stressed("maya", 5)),
        E::Rec(stressed("maya", 5)),
        E::Rec(kept()),
    ];
    assert!(ids(&a, &ended).is_empty());
}

#[test]
fn the_agreements_own_trigger_replaces_the_default() {
    let a = agreement(&["Sleep at 1 for three check-ins in a row"]);
    let s = signals(&a, &[]);
    assert!(!s.triggers.default_rule);
    assert_eq!(s.triggers.checked.len(), 1);
    // Stress is no longer checked by default; sleep 1 needs three.
    let stress = [E::Rec(stressed("maya", 5)), E::Rec(stressed("maya", 5))];
    assert!(ids(&a, &stress).is_empty());
    let sleep = || E::Rec(score(kept(), "maya", Sleep, 1));
    assert!(ids(&a, &[sleep(), sleep()]).is_empty());
    let past_entries = [sleep(), sleep(), sleep()];
    let past = timeline(&a, &past_entries);
    let s = signals(&a, &past);
    assert_eq!(s.signals.len(), 1);
    assert!(
        s.signals[0]
            .explanation
            .contains("Your agreement names this as a reason to recalibrate early: \u{201c}Sleep at 1 for three check-ins in a row\u{201d}."),
        "{}",
        s.signals[0].explanation
    );
    assert!(
        s.signals[0]
            .action
            .starts_with("Ask Maya at the next check-in what is wearing down their sleep")
    );
}

#[test]
fn a_trigger_about_one_partner_is_checked_for_that_partner_only() {
    let a = agreement(&["Jonas's stress at 5 for two check-ins running"]);
    let t = &read_triggers(&a).checked[0];
    assert_eq!(t.party, Some(id("jonas")));
    assert!(
        ids(
            &a,
            &[E::Rec(stressed("maya", 5)), E::Rec(stressed("maya", 5))]
        )
        .is_empty()
    );
    assert_eq!(
        ids(
            &a,
            &[E::Rec(stressed("jonas", 5)), E::Rec(stressed("jonas", 5))]
        ),
        [who("wellbeing-falling", "jonas")]
    );
}

#[test]
fn triggers_are_read_in_their_simple_forms() {
    let a = agreement(&[]);
    let read = |t: &str| {
        read_trigger(&a, t).map(|w| {
            (
                w.indicator,
                w.scores,
                w.in_a_row,
                w.party.map(|p| p.to_string()),
            )
        })
    };
    type Reading = (WellbeingIndicator, Vec<u8>, u32);
    let cases: [(&str, Reading); 9] = [
        (
            "Stress at 4 or 5 for two check-ins in a row",
            (Stress, vec![4, 5], 2),
        ),
        (
            "stress at 4 or higher for 3 consecutive check-ins",
            (Stress, vec![4, 5], 3),
        ),
        (
            "Sleep at 2 or lower for two check-ins running",
            (Sleep, vec![1, 2], 2),
        ),
        ("sleep 2 or below twice in a row", (Sleep, vec![1, 2], 2)),
        (
            "Stress 4+ for two checkins in a row",
            (Stress, vec![4, 5], 2),
        ),
        (
            "Stress at least 4 out of 5 for two check-ins in a row.",
            (Stress, vec![4, 5], 2),
        ),
        (
            "stress above 3 for 2 check ins straight",
            (Stress, vec![4, 5], 2),
        ),
        (
            "If either of us scores stress at 5 for two check-ins in a row",
            (Stress, vec![5], 2),
        ),
        (
            "Sleep quality at most 2, three times running",
            (Sleep, vec![1, 2], 3),
        ),
    ];
    for (text, (indicator, scores, n)) in cases {
        assert_eq!(read(text), Ok((indicator, scores, n, None)), "{text}");
    }
    let t = read_trigger(&a, "Stress at 3 or 5 for two check-ins in a row").expect("read");
    assert_eq!(t.band(), "3 or 5");
    assert_eq!(WellbeingTrigger::default_for(Stress).band(), "4 or higher");
    assert_eq!(WellbeingTrigger::default_for(Mood).band(), "2 or lower");
}

#[test]
fn triggers_that_cannot_be_read_are_listed_with_the_reason_never_guessed() {
    let a = agreement(&[]);
    let reason = |t: &str| read_trigger(&a, t).expect_err(t);
    assert!(
        reason("One partner's transition becomes much harder than the other's")
            .contains("not about a well-being score")
    );
    assert!(
        reason("Stress at 4 or 5 and sleep at 2 for two check-ins in a row")
            .contains("more than one")
    );
    assert!(reason("Mood at 1 for two check-ins in a row").contains("does not track mood"));
    for unread in [
        "Stress high for two check-ins in a row",
        "Stress at 4 or 5 for two weeks in a row",
        "Stress at 4 or 5 for two check-ins",
        "Stress at 4 or 5 for two check-ins in a row, or when a client leaves",
        "Stress at 7 for two check-ins in a row",
        "Stress at 4 or 5 for two check-ins in a row for both of us",
        "Maya's or Jonas's stress at 5 for two check-ins in a row",
        "Stress not below 4 for two check-ins in a row",
        "Stress at 4 for two check-ins in a row or 5 for one",
        "Stress at 4 or 5 for zero check-ins in a row",
    ] {
        assert!(
            reason(unread).starts_with("Accord could not read"),
            "{unread}"
        );
    }
    let a = agreement(&[
        "One partner's transition becomes much harder",
        "Stress high for a while",
    ]);
    let s = signals(&a, &[]);
    assert!(
        s.triggers.default_rule,
        "no readable trigger: the default applies"
    );
    assert_eq!(s.triggers.checked.len(), 2, "stress and sleep by default");
    let texts: Vec<&str> = s
        .triggers
        .unchecked
        .iter()
        .map(|u| u.text.as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "One partner's transition becomes much harder",
            "Stress high for a while"
        ]
    );
}

#[test]
fn three_misses_in_a_row_fire_two_do_not() {
    let a = agreement(&[]);
    let miss = || E::Rec(record(&[Missed, Kept], &[Kept]));
    assert!(ids(&a, &[E::Rec(kept()), miss(), miss()]).is_empty());
    let entries = [E::Rec(kept()), miss(), miss(), miss()];
    let past = timeline(&a, &entries);
    let s = signals(&a, &past);
    assert_eq!(s.signals.len(), 1);
    let signal = &s.signals[0];
    assert_eq!(
        (signal.kind, signal.party.clone()),
        (SignalKind::RepeatedMisses, Some(id("maya")))
    );
    assert_eq!(
        signal.explanation,
        "Maya missed at least one commitment at each of the last three check-ins (9, 16 and 23 March)."
    );
    assert!(signal.action.starts_with(
        "Your agreed response for three misses in a row: \u{201c}We renegotiate the goal at the next check-in.\u{201d}"
    ));
    assert_eq!(signal.since, Some(past[1].at));
}

#[test]
fn a_kept_rate_under_half_over_four_checkins_fires() {
    let a = agreement(&[]);
    let m = |o: &[Outcome]| E::Rec(record(o, &[Kept]));
    // 1 kept, 1 partly, 4 missed of 6: 25%.
    let low = [
        m(&[Missed, Missed]),
        m(&[Kept]),
        m(&[Missed, Missed]),
        m(&[PartlyKept]),
    ];
    let past = timeline(&a, &low);
    let s = signals(&a, &past);
    assert_eq!(s.signals.len(), 1);
    assert_eq!(
        s.signals[0].explanation,
        "Over the last four check-ins (2, 9, 16 and 23 March), Maya kept 1, partly kept 1 of 6 commitments: 25% when partly kept counts as half."
    );
    // Exactly half does not fire.
    let half = [m(&[Missed]), m(&[Kept]), m(&[Missed]), m(&[Kept])];
    assert!(ids(&a, &half).is_empty());
    // Three check-ins with something to review are too few to judge.
    let three = [m(&[]), m(&[Missed, Missed]), m(&[Kept]), m(&[PartlyKept])];
    assert!(ids(&a, &three).is_empty());
}

#[test]
fn two_missed_checkins_in_a_row_fire() {
    let a = agreement(&[]);
    assert!(ids(&a, &[E::Rec(kept()), E::Missed]).is_empty());
    assert!(ids(&a, &[E::Missed, E::Missed, E::Rec(kept())]).is_empty());
    assert_eq!(
        ids(&a, &[E::Rec(kept()), E::Missed, E::Missed]),
        [("checkins-missed", None)]
    );
    let paused = [E::Rec(kept()), E::Missed, E::Paused, E::Missed];
    let past = timeline(&a, &paused);
    let s = signals(&a, &past);
    assert_eq!(
        s.signals[0].explanation,
        "Neither of you recorded the last two check-ins (9 and 23 March)."
    );
    assert!(s.signals[0].action.starts_with(
        "Do what you agreed for a missed check-in: \u{201c}We reschedule within 48 hours.\u{201d}"
    ));
}

#[test]
fn three_checkins_without_commitments_are_a_drift_into_support() {
    let a = agreement(&[]);
    let support = || E::Rec(record(&[], &[]));
    assert!(ids(&a, &[E::Rec(kept()), support(), support()]).is_empty());
    assert_eq!(
        ids(&a, &[support(), support(), support()]),
        [("drift-to-support", None)]
    );
    let one_reviewed = [support(), E::Rec(record(&[], &[Kept])), support()];
    assert!(ids(&a, &one_reviewed).is_empty());
    // A missed check-in between does not interrupt a drift.
    assert_eq!(
        ids(&a, &[support(), E::Missed, support(), support()])
            .into_iter()
            .filter(|(k, _)| *k == "drift-to-support")
            .count(),
        1
    );
}

fn recorded_by<'a>(mut past: Vec<Past<'a>>, by: &[&str]) -> Vec<Past<'a>> {
    for (p, b) in past.iter_mut().zip(by) {
        p.recorded_by = Some(id(b));
    }
    past
}

#[test]
fn facilitation_that_never_rotates_fires_after_four() {
    let a = agreement(&[]);
    let entries: Vec<E> = (0..4).map(|_| E::Rec(kept())).collect();
    let stuck = recorded_by(timeline(&a, &entries), &["maya"; 4]);
    let s = signals(&a, &stuck);
    assert_eq!(s.signals.len(), 1);
    assert_eq!(s.signals[0].party, Some(id("maya")));
    assert_eq!(
        s.signals[0].explanation,
        "Maya recorded each of the last four check-ins (2, 9, 16 and 23 March), though you agreed to take turns: the rota gave two of them to Jonas."
    );
    // Three is too few; taking turns is fine.
    assert!(fired(&a, &stuck[..3]).is_empty());
    let turns = recorded_by(timeline(&a, &entries), &["maya", "jonas", "maya", "jonas"]);
    assert!(fired(&a, &turns).is_empty());
    let one_off = recorded_by(timeline(&a, &entries), &["maya", "maya", "jonas", "maya"]);
    assert!(fired(&a, &one_off).is_empty());
    // A fixed facilitator is meant to record every time.
    let mut fixed = a.clone();
    if let Some(c) = fixed.cadence.as_mut() {
        c.facilitation = Some(Facilitation::Fixed(id("maya")));
    }
    assert!(fired(&fixed, &stuck).is_empty());
}

#[test]
fn one_partner_recording_and_preparing_everything_fires() {
    let a = agreement(&[]);
    let entries: Vec<E> = (0..6).map(|_| E::Rec(kept())).collect();
    let carried = |by: &[&str], prep: &[Option<Vec<&str>>]| {
        let mut past = recorded_by(timeline(&a, &entries), by);
        for (p, prep) in past.iter_mut().zip(prep) {
            p.prepared_by = prep.as_ref().map(|v| v.iter().map(|s| id(s)).collect());
        }
        past
    };
    let five = ["maya", "maya", "jonas", "maya", "maya", "maya"];
    let only_maya: Vec<Option<Vec<&str>>> = vec![Some(vec!["maya"]); 6];
    let past = carried(&five, &only_maya);
    let s = signals(&a, &past);
    let carry: Vec<&Signal> = s
        .signals
        .iter()
        .filter(|s| s.kind == SignalKind::OnePartnerCarries)
        .collect();
    assert_eq!(carry.len(), 1);
    assert_eq!(
        carry[0].explanation,
        "Maya recorded five of the last six check-ins (since 2 March) and wrote all of the preparation for them; Jonas prepared for none."
    );
    assert!(!carry[0].proposes_recalibration);
    let four = ["maya", "jonas", "jonas", "maya", "maya", "maya"];
    assert!(fired(&a, &carried(&four, &only_maya)).is_empty());
    let mut jonas_once = only_maya.clone();
    jonas_once[3] = Some(vec!["maya", "jonas"]);
    assert!(fired(&a, &carried(&five, &jonas_once)).is_empty());
    let mut unknown = only_maya.clone();
    unknown[0] = None;
    assert!(fired(&a, &carried(&five, &unknown)).is_empty());
    // Five recorded check-ins are too few to judge.
    let all_maya = carried(&["maya"; 6], &only_maya);
    let carries = |past: &[Past<'_>]| {
        fired(&a, past)
            .iter()
            .filter(|(k, _)| *k == "one-partner-carries")
            .count()
    };
    assert_eq!(carries(&all_maya), 1);
    assert_eq!(carries(&all_maya[1..]), 0);
}

#[test]
fn nothing_a_partner_wrote_reaches_a_signal() {
    let a = agreement(&[]);
    let mut bad = record(&[Missed, PartlyKept], &[Missed]);
    for r in &mut bad.reports {
        r.win = "WIN-TEXT".into();
        r.next_step = "STEP-TEXT".into();
    }
    let bad = score(score(bad, "maya", Stress, 5), "jonas", Sleep, 1);
    let entries: Vec<E> = (0..6).map(|_| E::Rec(bad.clone())).collect();
    let past = recorded_by(timeline(&a, &entries), &["maya"; 6]);
    let s = signals(&a, &past);
    assert!(s.signals.len() >= 4, "{:?}", s.signals);
    let json = serde_json::to_string(&s).expect("json");
    for private in [
        OBSTACLE,
        "WIN-TEXT",
        "STEP-TEXT",
        "Commitment 0",
        "Commitment 1",
    ] {
        assert!(!json.contains(private), "{private} in {json}");
    }
    // Most pressing first.
    assert_eq!(s.signals[0].kind, SignalKind::WellbeingFalling);
}

proptest::proptest! {
    #[test]
    fn reading_any_text_never_panics_and_reads_only_sound_triggers(text in "\\PC{0,80}") {
        let a = agreement(&[]);
        if let Ok(t) = read_trigger(&a, &text) {
            proptest::prop_assert!(!t.scores.is_empty());
            proptest::prop_assert!(t.scores.iter().all(|s| (1..=5).contains(s)));
            proptest::prop_assert!(t.in_a_row >= 1);
        }
    }

    #[test]
    fn reading_trigger_shaped_text_never_panics(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "stress", "sleep", "at", "or", "higher", "lower", "4", "5", "0", "9", "4+", "+",
                "two", "check-ins", "in", "a", "row", "running", "twice", "times", "above",
                "below", "than", "least", "most", "out", "of", "jonas's", "maya", "for", "one",
            ]),
            0..14,
        )
    ) {
        let a = agreement(&[]);
        if let Ok(t) = read_trigger(&a, &words.join(" ")) {
            proptest::prop_assert!(!t.scores.is_empty());
            proptest::prop_assert!(t.scores.iter().all(|s| (1..=5).contains(s)));
            proptest::prop_assert!(t.in_a_row >= 1);
        }
    }
}
