//! Rules about each party and the balance between them: goals, support
//! preferences, commitment, stretch and exposure, boundaries, and reliance on
//! outside accountability.

use std::collections::HashSet;

use crate::model::{Goal, Party, Rating, Scenario, filled};
use crate::support::{classify, rewrite};

use super::structure::both;
use super::{Context, Finding, Rule, Severity, quote};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    goals(cx, out);
    support(cx, out);
    commitment(cx, out);
    stretch(cx, out);
    boundaries(cx, out);
    reliance(cx, out);
}

fn goals(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    for party in a.parties.iter() {
        if a.goals_of(&party.id).next().is_none() {
            let other = a.parties.iter().find(|p| p.id != party.id);
            out.push(
                Finding::new(
                    Rule::GoalMissing,
                    format!(
                        "{} has no goal in this agreement. When only one partner has something to be held to, the pair drifts into coach and client instead of holding each other accountable.",
                        party.short_name()
                    ),
                    format!(
                        "Give {} at least one goal of their own{}, with an indicator, a target and a due date.",
                        party.short_name(),
                        other.map_or(String::new(), |o| format!(
                            ", as specific as {}'s",
                            o.short_name()
                        ))
                    ),
                )
                .party(&party.id),
            );
        }
    }
    let cadence_days = a.cadence().and_then(|c| c.days_between_checkins());
    for goal in a.goals.iter() {
        let who = a
            .party(&goal.party)
            .map_or(goal.party.as_str(), Party::short_name);
        let what = quote(&goal.outcome);
        if filled(&goal.indicator).is_none() || goal.target.is_none() {
            let missing = match (filled(&goal.indicator).is_none(), goal.target.is_none()) {
                (true, true) => "no indicator and no target",
                (true, false) => "no indicator",
                _ => "no target",
            };
            out.push(
                Finding::new(
                    Rule::GoalUnmeasurable,
                    format!(
                        "{what} has {missing}, so at a check-in neither of you can say whether it moved. A goal that cannot be measured cannot be missed, and so cannot be kept either."
                    ),
                    match filled(&goal.indicator) {
                        Some(indicator) => format!(
                            "Say where \u{201c}{indicator}\u{201d} should stand by the due date: target = a number{}.",
                            filled(&goal.unit).map_or(String::new(), |u| format!(" of {u}"))
                        ),
                        None => format!(
                            "Decide with {who} what to count each week that shows {what} moving (for example {}), then write it as indicator = \"\u{2026}\" with a baseline and a target.",
                            example_indicator(goal)
                        ),
                    },
                )
                .party(&goal.party),
            );
        }
        if goal.due.is_none() {
            out.push(
                Finding::new(
                    Rule::GoalNoDeadline,
                    format!("{what} has no due date, so there is no point at which it is clearly kept or missed."),
                    format!("Add due = YYYY-MM-DD to {what}; a date before the recalibration lets you judge it there."),
                )
                .party(&goal.party),
            );
        }
        if goal.actions.is_empty() {
            out.push(
                Finding::new(
                    Rule::GoalNoActions,
                    format!(
                        "{what} has no weekly actions. Outcomes move slowly; what {who} does each week is what a check-in can actually hold them to."
                    ),
                    format!(
                        "List one to three observable actions for {what}, such as \u{201c}Block two mornings a week for it\u{201d}."
                    ),
                )
                .party(&goal.party),
            );
        }
        if let (Some(observable), Some(days)) = (goal.observable, cadence_days)
            && f64::from(observable.days()) > days
        {
            out.push(
                    Finding::new(
                        Rule::GoalSlowerThanCadence,
                        format!(
                            "Progress on {what} shows only {} (every {} days), but you check in every {} days, so most check-ins will have nothing new to say about it.",
                            observable.as_str(),
                            observable.days(),
                            format_days(days)
                        ),
                        format!(
                            "Give {what} a leading measure {who} can report at every check-in{}, such as the weekly action that drives it, or check in less often on this goal.",
                            filled(&goal.indicator).map_or(String::new(), |i| format!(
                                " alongside \u{201c}{i}\u{201d}"
                            ))
                        ),
                    )
                    .party(&goal.party),
                );
        }
    }
}

fn example_indicator(goal: &Goal) -> String {
    match filled(&goal.unit) {
        Some(unit) => format!("{unit} completed"),
        None => "sections drafted, sessions held, or pages written".into(),
    }
}

fn format_days(days: f64) -> String {
    if days.fract() == 0.0 {
        format!("{days}")
    } else {
        format!("{days:.1}")
    }
}

fn support(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    for party in a.parties.iter() {
        let partner = other_name(cx, party);
        if party.support.is_empty() {
            out.push(
                Finding::new(
                    Rule::SupportMissing,
                    format!(
                        "{} has not said how they want to be supported, so {partner} will guess, usually by giving the support they would want themselves.",
                        party.short_name()
                    ),
                    format!(
                        "Ask {}: when you miss a commitment, what should {partner} do first? Write the answer as a behaviour, such as \u{201c}Ask me what got in the way before offering suggestions.\u{201d}",
                        party.short_name()
                    ),
                )
                .party(&party.id),
            );
        }
        for statement in party.support.iter() {
            let c = classify(statement);
            if c.actionable {
                continue;
            }
            let attitude = match c.attitudes.as_slice() {
                [] => String::new(),
                words => format!(
                    " ({})",
                    words
                        .iter()
                        .take(3)
                        .map(|w| format!("\u{201c}{w}\u{201d}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Finding::new(
                    Rule::SupportVague,
                    format!(
                        "{} asks for an attitude{attitude}, not something {partner} can do. Neither of you can tell afterwards whether it happened, so in a hard week it means whatever each assumes.",
                        quote(statement)
                    ),
                    format!(
                        "Rewrite it as a behaviour {partner} can be seen to do or not do, keeping what {} meant, for example: \u{201c}{}\u{201d}",
                        party.short_name(),
                        rewrite(statement, &c)
                    ),
                )
                .party(&party.id),
            );
        }
    }
}

fn other_name<'a>(cx: &'a Context<'_>, party: &Party) -> &'a str {
    cx.a.parties
        .iter()
        .find(|p| p.id != party.id)
        .map_or("their partner", |p| p.short_name())
}

fn commitment(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let [x, y] = a.parties.as_slice() else { return };
    let mut reasons = Vec::new();
    if let (Some(lx), Some(ly)) = (x.commitment_level, y.commitment_level)
        && lx.get().abs_diff(ly.get()) >= cx.t.commitment_level_gap
    {
        reasons.push(format!(
            "{} rates their commitment {} out of 10 and {} {}",
            x.short_name(),
            lx.get(),
            y.short_name(),
            ly.get()
        ));
    }
    if let (Some(hx), Some(hy)) = (x.hours_per_week, y.hours_per_week) {
        let (hx, hy) = (hx.get(), hy.get());
        if hx > cx.t.hours_ratio * hy || hy > cx.t.hours_ratio * hx {
            reasons.push(format!(
                "{} plans {hx} hours a week and {} {hy}",
                x.short_name(),
                y.short_name()
            ));
        }
    }
    if reasons.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            Rule::CommitmentMismatch,
            format!(
                "{}. A large gap in commitment is the most common reason partnerships fade: the more committed partner carries it until they stop.",
                reasons.join("; ")
            ),
            format!(
                "Ask {} what would make each of them a 7 or more, and what the less committed one can realistically promise; agree on the smaller commitment rather than paper over the gap.",
                both(a)
            ),
        ),
    );
}

fn stretch(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let [x, y] = a.parties.as_slice() else { return };
    let mut gaps = Vec::new();
    for (what, rating) in [
        (
            "stretch",
            (|g: &Goal| g.stretch) as fn(&Goal) -> Option<Rating>,
        ),
        ("exposure", |g: &Goal| g.exposure),
    ] {
        if let (Some(ax), Some(ay)) = (
            a.average_rating(&x.id, rating),
            a.average_rating(&y.id, rating),
        ) && (ax - ay).abs() >= cx.t.rating_gap
        {
            gaps.push(format!(
                "{what} averages {} for {} and {} for {}",
                format_days(ax),
                x.short_name(),
                format_days(ay),
                y.short_name()
            ));
        }
    }
    if gaps.is_empty() {
        return;
    }
    let parallel = a.scenario() == Scenario::ParallelTransitions;
    let mut f = Finding::new(
        Rule::StretchAsymmetry,
        format!(
            "The goals are uneven: {}. When one partner's goals are much more stretching or exposed, the pair drifts into fixed coach and client roles.",
            gaps.join(", and ")
        ),
        "Compare the goals side by side and ask each: is this as ambitious, and as uncomfortable to be held to, as your partner's? Raise the lighter goal or split the heavier one.".into(),
    );
    if parallel {
        f = f.severity(Severity::High);
    }
    out.push(f);
}

fn boundaries(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    for b in a.boundaries.iter() {
        let rule = quote(&b.rule);
        if filled(&b.phrase).is_none() {
            out.push(
                Finding::new(
                    Rule::BoundaryNoPhrase,
                    format!("{rule} has no shared phrase. In the moment a boundary is defended by something short to say, not by the rule itself."),
                    format!(
                        "Agree a sentence {} can say when it is tested, such as \u{201c}I'll reply after nine tomorrow.\u{201d}",
                        a.name_of(&b.party)
                    ),
                )
                .party(&b.party),
            );
        }
        if filled(&b.measure).is_none() {
            out.push(
                Finding::new(
                    Rule::BoundaryUnobservable,
                    format!("{rule} has no measure, so a check-in cannot tell whether it held this week."),
                    format!("Say what is counted, such as \u{201c}evenings this week when {rule} held\u{201d}."),
                )
                .party(&b.party),
            );
        }
    }
}

fn reliance(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for party in cx.a.parties.iter() {
        let relies: HashSet<String> = party
            .relies_on_others_for
            .iter()
            .map(|d| d.trim().to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        let keeps_any = party
            .keeps_self_on_track_in
            .iter()
            .any(|d| !d.trim().is_empty());
        if relies.len() >= cx.t.reliance_domains && !keeps_any {
            let mut domains: Vec<&str> = relies.iter().map(String::as_str).collect();
            domains.sort_unstable();
            out.push(
                Finding::new(
                    Rule::ExternalReliance,
                    format!(
                        "{} keeps on track only with outside accountability, in {} ({}), and on their own in none. The partnership can help, but it cannot be the whole structure.",
                        party.short_name(),
                        domains.len(),
                        domains.join(", ")
                    ),
                    format!(
                        "Explore with {} where they once kept themselves on track and what made that work; the coaching matters here as much as the partnership.",
                        party.short_name()
                    ),
                )
                .party(&party.id),
            );
        }
    }
}
