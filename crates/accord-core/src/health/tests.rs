//! Verdicts, the report's parts, and the next version's draft.

use proptest::prelude::*;

use super::*;
use crate::checkin::Outcome::{Kept, Missed};
use crate::metrics::fixture::{E, agreement, id, kept, record, score, timeline, ts};
use crate::model::WellbeingIndicator::Stress;
use crate::review::{Section, Severity};

fn date(s: &str) -> Date {
    Date::parse(s).expect("date")
}

fn report(a: &Agreement, entries: &[E]) -> HealthReport {
    let past = timeline(a, entries);
    health(
        a,
        &past,
        None,
        &[id("maya"), id("maya"), id("jonas")],
        date("2027-05-11"),
        ts("2027-05-11T08:00:00Z"),
    )
}

#[test]
fn a_steady_period_is_healthy() {
    let a = agreement(&[]);
    let entries: Vec<E> = (0..4).map(|_| E::Rec(kept())).collect();
    let r = report(&a, &entries);
    assert_eq!(r.verdict, Verdict::Healthy, "{}", r.reason);
    assert_eq!(
        r.reason,
        "No warning signs; commitments kept: Maya 100%, Jonas 100%."
    );
    assert_eq!(r.period.from, ts("2027-03-02T07:00:00Z"));
    assert_eq!(r.period.to, ts("2027-05-11T08:00:00Z"));
    let fired: Vec<(String, u32)> = r
        .fired
        .iter()
        .map(|f| (f.party.to_string(), f.fired))
        .collect();
    assert_eq!(fired, [("maya".into(), 2), ("jonas".into(), 1)]);
    assert_eq!(r.metrics.totals.held, 4);
    assert!(!r.review.has_high());
}

#[test]
fn one_sign_is_a_watch_burnout_or_fading_is_at_risk() {
    let a = agreement(&[]);
    let support = || E::Rec(record(&[], &[]));
    let r = report(&a, &[support(), support(), support()]);
    assert_eq!(r.verdict, Verdict::Watch);
    assert!(
        r.reason
            .starts_with("One warning sign: None of the last three"),
        "{}",
        r.reason
    );

    let high = || E::Rec(score(kept(), "maya", Stress, 5));
    let r = report(&a, &[high(), high()]);
    assert_eq!(r.verdict, Verdict::AtRisk);
    assert!(
        r.reason.starts_with("Maya's stress was 4 or higher"),
        "{}",
        r.reason
    );

    let r = report(&a, &[E::Rec(kept()), E::Missed, E::Missed]);
    assert_eq!(r.verdict, Verdict::AtRisk);

    let both = [support(), support(), support(), E::Missed, E::Missed];
    let r = report(&a, &both);
    assert_eq!(r.verdict, Verdict::AtRisk);
    assert!(
        r.reason
            .starts_with("Two warning signs; the most pressing: Neither of you"),
        "{}",
        r.reason
    );
}

#[test]
fn a_low_kept_rate_or_nothing_recorded_is_a_watch() {
    let a = agreement(&[]);
    let r = report(&a, &[E::Rec(record(&[Missed, Kept], &[Kept]))]);
    assert_eq!(r.verdict, Verdict::Watch);
    assert_eq!(
        r.reason,
        "No warning signs, but Maya kept only 50% of the commitments made."
    );
    let r = report(&a, &[]);
    assert_eq!(r.verdict, Verdict::Watch);
    assert!(r.reason.starts_with("No check-in has been recorded yet"));
    assert_eq!(r.period.from, r.period.to);
}

#[test]
fn serious_gaps_in_the_agreement_are_a_watch() {
    let mut a = agreement(&[]);
    a.consequences.clear();
    let r = report(&a, &[E::Rec(kept())]);
    assert_eq!(r.verdict, Verdict::Watch);
    assert!(
        r.reason.contains("finds one serious gap in the agreement"),
        "{}",
        r.reason
    );
}

#[test]
fn the_next_draft_repeats_the_interval_from_today_and_changes_nothing_else() {
    let a = agreement(&[]);
    let r = report(&a, &[E::Rec(kept())]);
    let today = date("2027-05-11");
    let next = propose_next(&a, &r, today);
    // 20 February to 11 May is 80 days; from 11 May that is 30 July.
    let recal = next.recalibration.clone().expect("recalibration");
    assert_eq!(recal.date, Some(date("2027-07-30")));
    assert_eq!(recal.calendared, Some(true));
    assert_eq!(next.drafted, Some(today));
    let mut same = next.clone();
    same.drafted = a.drafted;
    same.recalibration = a.recalibration.clone();
    assert_eq!(
        same, a,
        "only the draft date and the recalibration date change"
    );
}

#[test]
fn the_next_interval_is_capped_and_shorter_when_at_risk() {
    let today = date("2027-05-11");
    let mut far = agreement(&[]);
    far.drafted = Some(date("2027-01-01"));
    let ok = report(&far, &[E::Rec(kept())]);
    let next = propose_next(&far, &ok, today);
    assert_eq!(
        next.recalibration.and_then(|r| r.date),
        Some(date("2027-08-10"))
    );

    let high = || E::Rec(score(kept(), "maya", Stress, 5));
    let risky = report(&far, &[high(), high()]);
    assert_eq!(risky.verdict, Verdict::AtRisk);
    let next = propose_next(&far, &risky, today);
    assert_eq!(
        next.recalibration.and_then(|r| r.date),
        Some(date("2027-06-22"))
    );

    let mut none = agreement(&[]);
    none.recalibration = None;
    let next = propose_next(&none, &ok, today);
    let recal = next.recalibration.expect("added");
    assert_eq!(recal.date, Some(date("2027-08-03")));
    assert_eq!(recal.calendared, None);
}

fn recalibration_findings(a: &Agreement, today: Date) -> Vec<(&'static str, Severity)> {
    review(a, today)
        .findings
        .iter()
        .filter(|f| f.section == Section::Recalibration)
        .map(|f| (f.rule.id(), f.severity))
        .collect()
}

/// The proposed draft has no more recalibration findings than the
/// current version, none more severe, and never `recalibration-too-far`.
fn no_worse(current: &Agreement, today: Date) -> Result<(), String> {
    let report = report(current, &[E::Rec(kept())]);
    let next = propose_next(current, &report, today);
    let before = recalibration_findings(current, today);
    let after = recalibration_findings(&next, today);
    let worst = |f: &[(&str, Severity)]| f.iter().map(|x| x.1).max();
    if after.len() > before.len()
        || worst(&after) > worst(&before)
        || after.iter().any(|f| f.0 == "recalibration-too-far")
    {
        return Err(format!("before {before:?}, after {after:?}"));
    }
    Ok(())
}

#[test]
fn the_next_draft_reviews_no_worse_on_recalibration() {
    let today = date("2027-05-11");
    let a = agreement(&[]);
    assert_eq!(no_worse(&a, today), Ok(()));
    let mut far = agreement(&[]);
    far.drafted = Some(date("2026-11-01"));
    assert!(
        recalibration_findings(&far, today)
            .iter()
            .any(|f| f.0 == "recalibration-too-far")
    );
    assert_eq!(no_worse(&far, today), Ok(()));
    let mut none = agreement(&[]);
    none.recalibration = None;
    none.drafted = None;
    assert_eq!(no_worse(&none, today), Ok(()));
}

proptest! {
    #[test]
    fn any_next_draft_is_within_the_review_limit(
        drafted in 0i64..800,
        interval in -100i64..400,
        later in 0i64..400,
        calendared in proptest::option::of(any::<bool>()),
    ) {
        let start = date("2026-01-01").get();
        let day = |n: i64| Date::new(start.checked_add(jiff::Span::new().days(n)).expect("in range"));
        let mut a = agreement(&[]);
        a.drafted = Some(day(drafted));
        if let Some(r) = a.recalibration.as_mut() {
            r.date = Some(day(drafted + interval));
            r.calendared = calendared;
        }
        let today = day(drafted + later);
        prop_assert_eq!(no_worse(&a, today), Ok(()));
    }
}
