//! Pins the review rules about each party and the balance between them
//! (goals, support, commitment, stretch, boundaries, external reliance) at and
//! around their thresholds in `shared/spec/agreement-format.md`. Each test
//! starts from a complete agreement with no findings (`BASE`), changes one
//! thing, and asserts the exact findings (rule, party, severity); every
//! finding is also checked against the spec's table (kind, section, party
//! presence), for a message and a suggestion that differ, and for the JSON
//! contract. `rules.rs` covers the other rules, from the same `BASE`.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod rules_common;

use accord_core::model::*;

use rules_common::*;

#[test]
fn commitment_mismatch_levels_and_hours() {
    let fires = "commitment-mismatch high";
    for (lx, ly, hx, hy, want) in [
        (8, 6, 1.5, 1.5, ""),
        (6, 8, 1.5, 1.5, ""),
        (8, 5, 1.5, 1.5, fires),
        (2, 5, 1.5, 1.5, fires),
        (8, 8, 1.0, 2.0, ""),
        (8, 8, 2.0, 1.0, ""),
        (8, 8, 1.0, 2.01, fires),
        (8, 8, 2.01, 1.0, fires),
        (10, 1, 1.0, 5.0, fires), // both reasons, one finding
    ] {
        check! { |a| {
            (a.parties[0].commitment_level, a.parties[1].commitment_level) = (level(lx), level(ly));
            (a.parties[0].hours_per_week, a.parties[1].hours_per_week) = (hours(hx), hours(hy));
        } => want }
    }
    // With one level or one number of hours missing there is nothing to compare.
    check! { |a| {
        (a.parties[0].commitment_level, a.parties[1].commitment_level) = (level(1), None);
        (a.parties[0].hours_per_week, a.parties[1].hours_per_week) = (hours(9.0), None);
    } => "" }
}

#[test]
fn goal_missing_per_party() {
    check! { |a| a.goals.truncate(1) => "goal-missing jonas high" }
    check! { |a| { a.goals.remove(0); } => "goal-missing maya high" }
    check! { |a| a.goals.clear() => "goal-missing jonas high, goal-missing maya high" }
}

#[test]
fn goal_unmeasurable_deadline_and_actions_per_goal() {
    let unmeasurable = "goal-unmeasurable maya medium";
    check! { |a| a.goals[0].indicator = None => unmeasurable }
    check! { |a| a.goals[0].indicator = Some(" ".into()) => unmeasurable }
    check! { |a| a.goals[0].target = None => unmeasurable }
    check! { |a| (a.goals[0].indicator, a.goals[0].target) = (None, None) => unmeasurable }
    check! { |a| (a.goals[0].baseline, a.goals[0].unit) = (None, None) => "" }
    check! { |a| a.goals[1].due = None => "goal-no-deadline jonas low" }
    check! { |a| a.goals[1].actions.clear() => "goal-no-actions jonas low" }
    check! { |a| {
        second_goal(a, 3);
        a.goals.iter_mut().for_each(|g| (g.due, g.actions) = (None, vec![]));
    } => "goal-no-actions jonas low, goal-no-actions maya low, goal-no-actions maya low, \
          goal-no-deadline jonas low, goal-no-deadline maya low, goal-no-deadline maya low" }
}

#[test]
fn goal_slower_than_cadence_against_days_per_checkin() {
    use Observable::*;
    use Weekday::{Friday, Tuesday};
    let (maya, jonas) = (
        "goal-slower-than-cadence maya medium",
        "goal-slower-than-cadence jonas medium",
    );
    let sparse = "cadence-too-sparse medium";
    let both = format!("{maya}, {jonas}");
    let sparse_maya = format!("{sparse}, {maya}");
    // Maya's goal against 7 × interval ÷ weekdays; Jonas's stays weekly.
    for (observable, days, weeks, want) in [
        (Weekly, &[Tuesday][..], 1, ""),       // 7 = 7
        (Biweekly, &[Tuesday], 1, maya),       // 14 > 7
        (Biweekly, &[Tuesday], 2, ""),         // 14 = 14
        (Daily, &[Tuesday, Friday], 1, jonas), // 7 > 3.5
        (Weekly, &[Tuesday, Friday], 1, &both),
        (Monthly, &[Tuesday], 4, sparse),         // 28 = 28
        (Monthly, &[Tuesday], 3, &sparse_maya),   // 28 > 21
        (Quarterly, &[Tuesday], 4, &sparse_maya), // 91 > 28
    ] {
        check! { |a| {
            a.goals[0].observable = Some(observable);
            call(a, CheckinFormat::TextMessage, 15, days, weeks);
        } => want }
    }
    check! { |a| a.goals[0].observable = None => "" }
}

#[test]
fn support_missing_per_party_and_vague_per_statement() {
    check! { |a| a.parties[1].support.clear() => "support-missing jonas medium" }
    let both = "support-missing jonas medium, support-missing maya medium";
    check! { |a| a.parties.iter_mut().for_each(|p| p.support.clear()) => both }
    let vague = [
        "Be direct but kind.",
        "Be supportive.",
        "Tough love.",
        "When things get hard, be understanding.",
        "Be honest and gentle with me.",
        "Go easy on me.",
    ];
    for v in vague {
        check! { |a| a.parties[0].support.push(v.into()) => "support-vague maya medium" }
    }
    let twice = "support-vague maya medium, support-vague maya medium";
    check! { |a| a.parties[0].support = strings(&vague[..2]) => twice }
    // A behaviour without a situation is not vague.
    let actionable = ["Remind me of my actions.", "Point out when I drift."];
    check! { |a| a.parties[1].support = strings(&actionable) => "" }
}

#[test]
fn stretch_asymmetry_by_average_gap() {
    let high = "stretch-asymmetry high";
    check! { |a| a.goals[0].stretch = rating(5) => high } // 5 vs 3
    check! { |a| a.goals[0].stretch = rating(4) => "" } // 4 vs 3
    check! { |a| a.goals[1].stretch = rating(1) => high } // 3 vs 1
    check! { |a| { a.goals[0].stretch = rating(5); second_goal(a, 4) } => "" } // 4.5 vs 3
    check! { |a| { a.goals[0].stretch = rating(5); second_goal(a, 5) } => high } // 5 vs 3
    check! { |a| {
        second_goal(a, 5);
        (a.goals[0].stretch, a.goals[1].stretch) = (rating(4), rating(2));
    } => high } // 4.5 vs 2
    check! { |a| a.goals[0].exposure = rating(2) => high } // exposure 2 vs 4
    check! { |a| a.goals[0].exposure = rating(5) => "" } // 5 vs 4
    // Both ratings differ: one finding.
    check! { |a| (a.goals[0].stretch, a.goals[0].exposure) = (rating(5), rating(1)) => high }
    let medium = "stretch-asymmetry medium";
    check! { |a| (a.scenario, a.goals[0].stretch) = (None, rating(5)) => medium }
    let solo = Some(Scenario::SoloWorker);
    check! { |a| (a.scenario, a.goals[0].stretch) = (solo, rating(1)) => medium }
    // Jonas has goals but none rated, or no goal at all: nothing to compare.
    check! { |a| {
        (a.goals[0].stretch, a.goals[0].exposure) = (rating(5), rating(1));
        (a.goals[1].stretch, a.goals[1].exposure) = (None, None);
    } => "" }
    check! { |a| {
        a.goals[0].stretch = rating(5);
        a.goals.truncate(1);
    } => "goal-missing jonas high" }
}

#[test]
fn boundary_rules_per_boundary() {
    check! { |a| a.boundaries[1].phrase = None => "boundary-no-phrase jonas low" }
    check! { |a| a.boundaries[0].measure = Some(" ".into()) => "boundary-unobservable maya low" }
    let all = "boundary-no-phrase jonas low, boundary-no-phrase maya low, \
               boundary-unobservable jonas low, boundary-unobservable maya low";
    check! { |a| a.boundaries.iter_mut().for_each(|b| (b.phrase, b.measure) = (None, None)) => all }
    check! { |a| a.boundaries.clear() => "" }
}

#[test]
fn external_reliance_in_three_domains_and_none_kept() {
    let fires = "external-reliance jonas low";
    for (relies, keeps, want) in [
        (&["work", "health", "money"][..], &[][..], fires),
        (&["work", "health"], &[], ""),
        (&["work", "health", "money"], &["exercise"], ""),
        (&["work", "work", "health"], &[], ""),
        (&["work", "work", "health", "money"], &[], fires),
    ] {
        check! { |a| {
            let p = &mut a.parties[1];
            (p.relies_on_others_for, p.keeps_self_on_track_in) = (strings(relies), strings(keeps));
        } => want }
    }
}
