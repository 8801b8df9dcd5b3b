//! Kept rates, streaks, boundaries, series, balance and dates ahead.

use proptest::prelude::*;

use super::fixture::{E, OBSTACLE, agreement, id, kept, record, score, timeline, ts};
use super::*;
use crate::checkin::{IndicatorValue, Slip};
use crate::model::WellbeingIndicator::{Sleep, Stress};

use Outcome::{Kept, Missed, PartlyKept};

fn now() -> Timestamp {
    ts("2027-06-01T12:00:00Z")
}

#[test]
fn kept_rate_counts_partly_kept_as_half() {
    let a = agreement(&[]);
    let entries = [
        E::Rec(record(&[Kept, PartlyKept], &[Missed])),
        E::Rec(record(&[Missed, Kept], &[Kept])),
    ];
    let m = metrics(&a, &timeline(&a, &entries), None, now());
    let maya = m.party(&id("maya")).expect("maya");
    assert_eq!((maya.kept, maya.partly_kept, maya.missed), (2, 1, 1));
    assert_eq!(maya.kept_rate, Some(2.5 / 4.0));
    let jonas = m.party(&id("jonas")).expect("jonas");
    assert_eq!(jonas.kept_rate, Some(0.5));
    assert_eq!(kept_rate(0, 0, 0), None);
    assert_eq!(kept_rate(0, 0, 3), Some(0.0));
}

#[test]
fn nothing_reviewed_gives_no_rate_and_no_streak() {
    let a = agreement(&[]);
    let entries = [E::Rec(record(&[], &[]))];
    let m = metrics(&a, &timeline(&a, &entries), None, now());
    let maya = m.party(&id("maya")).expect("maya");
    assert_eq!(maya.kept_rate, None);
    assert_eq!((maya.streak, maya.longest_streak), (0, 0));
    assert_eq!(m.totals.held, 1);
}

#[test]
fn a_pause_in_the_middle_neither_breaks_nor_extends_a_streak() {
    let a = agreement(&[]);
    let entries = [E::Rec(kept()), E::Paused, E::Paused, E::Rec(kept())];
    let past = timeline(&a, &entries);
    assert_eq!(streaks(&past, &id("maya")), (2, 2));
}

#[test]
fn nothing_reviewed_leaves_the_streak_as_it_was() {
    let a = agreement(&[]);
    let entries = [E::Rec(kept()), E::Rec(record(&[], &[Kept])), E::Rec(kept())];
    let past = timeline(&a, &entries);
    assert_eq!(streaks(&past, &id("maya")), (2, 2));
    assert_eq!(streaks(&past, &id("jonas")), (3, 3));
}

#[test]
fn a_missed_checkin_or_commitment_breaks_the_streak() {
    let a = agreement(&[]);
    let entries = [
        E::Rec(kept()),
        E::Rec(kept()),
        E::Rec(kept()),
        E::Missed,
        E::Rec(kept()),
        E::Rec(record(&[Kept, PartlyKept], &[Kept])),
        E::Rec(kept()),
    ];
    let past = timeline(&a, &entries);
    // Maya: 3, broken by the missed check-in, 1, broken by partly kept, 1.
    assert_eq!(streaks(&past, &id("maya")), (1, 3));
    // Jonas: 3, broken by the missed check-in, then 3.
    assert_eq!(streaks(&past, &id("jonas")), (3, 3));
    // Open and upcoming check-ins at the end change nothing yet.
    let mut more = past.clone();
    let mut open = past[0].clone();
    open.status = Status::Open;
    more.push(open);
    assert_eq!(streaks(&more, &id("jonas")), (3, 3));
}

#[test]
fn boundaries_held_count_slips_per_boundary() {
    let a = agreement(&[]);
    let mut slipped = kept();
    slipped.reports[1].slips.push(Slip {
        boundary: 0,
        note: Some(OBSTACLE.into()),
    });
    let entries = [E::Rec(kept()), E::Rec(slipped), E::Missed, E::Rec(kept())];
    let m = metrics(&a, &timeline(&a, &entries), None, now());
    let jonas = m.party(&id("jonas")).expect("jonas");
    assert_eq!(jonas.boundaries.len(), 1);
    let b = &jonas.boundaries[0];
    assert_eq!((b.boundary, b.checkins, b.slipped), (0, 3, 1));
    assert_eq!(b.held_rate, Some(2.0 / 3.0));
    let maya = m.party(&id("maya")).expect("maya");
    assert_eq!(maya.boundaries[0].boundary, 1);
    assert_eq!(maya.boundaries[0].held_rate, Some(1.0));
}

#[test]
fn series_carry_scores_values_and_what_they_are_measured_against() {
    let a = agreement(&[]);
    let mut second = score(kept(), "maya", Stress, 4);
    second.reports[0].indicators.push(IndicatorValue {
        goal: 0,
        value: Number::parse(2.0).expect("n"),
    });
    let entries = [E::Rec(kept()), E::Missed, E::Rec(second)];
    let past = timeline(&a, &entries);
    let m = metrics(&a, &past, None, now());
    let maya = m.party(&id("maya")).expect("maya");
    let stress = &maya.wellbeing[0];
    assert_eq!(stress.indicator, Stress);
    assert!(stress.high_is_bad);
    let scores: Vec<(Timestamp, u8)> = stress.points.iter().map(|p| (p.at, p.value)).collect();
    assert_eq!(scores, [(past[0].at, 2), (past[2].at, 4)]);
    assert_eq!(maya.wellbeing[1].indicator, Sleep);
    assert!(!maya.wellbeing[1].high_is_bad);
    let goal = &maya.goals[0];
    assert_eq!(goal.goal, 0);
    assert_eq!(goal.points.len(), 1);
    assert_eq!(goal.points[0].at, past[2].at);
    assert_eq!(goal.target.map(Number::get), Some(6.0));
    assert_eq!(goal.milestones[0].value.get(), 3.0);
    assert_eq!(goal.due.map(|d| d.to_string()), Some("2027-06-01".into()));
    assert_eq!(m.party(&id("jonas")).expect("jonas").goals[0].goal, 1);
}

#[test]
fn balance_shows_who_facilitates_records_and_gets_the_attention() {
    let a = agreement(&[]);
    let entries = [
        E::Rec(record(&[Kept, Kept, Missed], &[Kept])),
        E::Rec(kept()),
        E::Rec(kept()),
        E::Missed,
    ];
    let mut past = timeline(&a, &entries);
    // Maya records all three; the rota gave her the 1st and 3rd.
    for p in &mut past {
        if p.is_recorded() {
            p.recorded_by = Some(id("maya"));
        }
        p.prepared_by = Some(vec![id("maya")]);
    }
    let m = metrics(&a, &past, None, now());
    let maya = m.party(&id("maya")).expect("maya");
    assert_eq!((maya.facilitated, maya.recorded, maya.prepared), (2, 3, 4));
    let jonas = m.party(&id("jonas")).expect("jonas");
    assert_eq!(
        (jonas.facilitated, jonas.recorded, jonas.prepared),
        (1, 0, 0)
    );
    let shares = &m.balance.parties;
    assert_eq!(shares[0].recorded_share, Some(1.0));
    assert_eq!(shares[1].recorded_share, Some(0.0));
    assert_eq!(shares[0].facilitated_share, Some(2.0 / 3.0));
    assert_eq!((shares[0].reviewed, shares[1].reviewed), (5, 3));
    assert_eq!(shares[0].reviewed_share, Some(5.0 / 8.0));
    assert_eq!(shares[0].indicator_share, None);
    assert_eq!(shares[1].kept_rate, Some(1.0));
}

#[test]
fn totals_and_the_dates_ahead() {
    let a = agreement(&[]);
    let entries = [E::Rec(kept()), E::Missed, E::Paused, E::Rec(kept())];
    let mut past = timeline(&a, &entries);
    let mut open = past[0].clone();
    open.status = Status::Open;
    past.push(open);
    let next = ts("2027-04-06T06:00:00Z");
    let m = metrics(&a, &past, Some(next), ts("2027-04-01T12:00:00Z"));
    assert_eq!(
        m.totals,
        Totals {
            held: 2,
            missed: 1,
            paused: 1,
            open: 1
        }
    );
    let kinds: Vec<(UpcomingKind, String)> = m
        .upcoming
        .iter()
        .map(|u| (u.kind, u.date.to_string()))
        .collect();
    assert_eq!(
        kinds,
        [
            (UpcomingKind::Checkin, "2027-04-06".into()),
            (UpcomingKind::Milestone, "2027-04-15".into()),
            (UpcomingKind::Recalibration, "2027-05-11".into()),
            (UpcomingKind::GoalDue, "2027-06-01".into()),
        ]
    );
    // Past dates drop off; the recalibration stays while it is ahead.
    let later = metrics(&a, &past, None, ts("2027-05-01T12:00:00Z"));
    assert_eq!(later.upcoming[0].kind, UpcomingKind::Recalibration);
    assert_eq!(later.upcoming.len(), 2);
}

#[test]
fn no_free_text_of_a_record_reaches_the_metrics() {
    let a = agreement(&[]);
    let mut r = record(&[Missed, PartlyKept], &[Missed]);
    r.reports[0].slips.push(Slip {
        boundary: 1,
        note: Some(OBSTACLE.into()),
    });
    r.reports[0].win = "WIN-TEXT".into();
    r.reports[0].next_step = "STEP-TEXT".into();
    let entries = [E::Rec(r)];
    let m = metrics(&a, &timeline(&a, &entries), None, now());
    let json = serde_json::to_string(&m).expect("json");
    for private in [OBSTACLE, "WIN-TEXT", "STEP-TEXT", "Commitment 0"] {
        assert!(!json.contains(private), "{private} in {json}");
    }
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![Just(Kept), Just(PartlyKept), Just(Missed)]
}

fn entry() -> impl Strategy<Value = E> {
    let outcomes = || proptest::collection::vec(outcome(), 0..4);
    prop_oneof![
        4 => (outcomes(), outcomes()).prop_map(|(m, j)| E::Rec(record(&m, &j))),
        1 => Just(E::Missed),
        1 => Just(E::Paused),
    ]
}

proptest! {
    #[test]
    fn rates_are_fractions_and_streaks_fit_the_recorded_checkins(
        entries in proptest::collection::vec(entry(), 0..30)
    ) {
        let a = agreement(&[]);
        let past = timeline(&a, &entries);
        let m = metrics(&a, &past, None, now());
        let recorded = u32::try_from(entries.iter().filter(|e| matches!(e, E::Rec(_))).count())
            .expect("small");
        prop_assert_eq!(m.totals.held, recorded);
        for p in &m.parties {
            if let Some(rate) = p.kept_rate {
                prop_assert!((0.0..=1.0).contains(&rate), "{}", rate);
            }
            prop_assert_eq!(p.kept_rate.is_none(), p.kept + p.partly_kept + p.missed == 0);
            prop_assert!(p.streak <= p.longest_streak);
            prop_assert!(p.longest_streak <= recorded);
            for b in &p.boundaries {
                prop_assert!(b.held_rate.is_none_or(|r| (0.0..=1.0).contains(&r)));
            }
        }
        for s in &m.balance.parties {
            for share in [s.facilitated_share, s.recorded_share, s.reviewed_share].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&share));
            }
        }
    }
}
