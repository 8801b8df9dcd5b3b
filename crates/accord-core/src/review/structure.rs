//! Rules about the agreement's mechanisms, shared by both parties: history,
//! agenda, consequences, cadence, recalibration, ground rules, well-being and
//! the relationship.

use crate::model::{Agreement, HistoryCause, RelationshipKind, Scenario, filled};

use super::{Context, Finding, Rule, Severity, quote, reviews_accountability};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    history(cx, out);
    agenda(cx, out);
    consequences(cx, out);
    cadence(cx, out);
    recalibration(cx, out);
    relationship(cx, out);
    ground_rules_and_wellbeing(cx, out);
}

/// "Ana and Leo", from the parties' first names.
pub(crate) fn both(a: &Agreement) -> String {
    match a.parties.as_slice() {
        [x, y] => format!("{} and {}", x.short_name(), y.short_name()),
        _ => "both partners".into(),
    }
}

fn history(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    if a.history.is_empty() {
        if a.scenario() == Scenario::TriedBefore {
            out.push(Finding::new(
                Rule::HistoryMissing,
                "This client has tried accountability partnerships before, but the draft does not say how they went. Why the earlier ones faded is the most useful thing to design against.".into(),
                "Before anything else, add a [[history]] entry for each earlier attempt: what it was, how many weeks it lasted, and the causes (unclear-agenda, no-consequences, commitment-mismatch, format-too-heavy, too-infrequent, drifted-to-support, no-recalibration, life-event, other).".into(),
            ));
        }
        return;
    }
    let mut seen: Vec<HistoryCause> = Vec::new();
    for attempt in &a.history {
        for cause in &attempt.causes {
            if seen.contains(cause) {
                continue;
            }
            seen.push(*cause);
            if let Some((missing, clause)) = unanswered(cx, *cause) {
                let attempts: Vec<String> = a
                    .history
                    .iter()
                    .filter(|h| h.causes.contains(cause))
                    .map(|h| filled(&h.description).map_or("an earlier attempt".into(), quote))
                    .collect();
                out.push(
                    Finding::new(
                        Rule::HistoryUnaddressed,
                        format!(
                            "{} faded partly because {}, and this draft does not answer that yet: {missing}",
                            capitalise(&attempts.join(" and ")),
                            cause.in_words()
                        ),
                        format!("Answer \u{201c}{cause}\u{201d} with {clause}"),
                    ),
                );
            }
        }
    }
}

/// Why a cause is not answered, and the clause that would answer it; `None`
/// when the agreement answers it (or nothing in an agreement can).
fn unanswered(cx: &Context<'_>, cause: HistoryCause) -> Option<(String, String)> {
    let a = cx.a;
    let t = cx.t;
    let cadence = a.cadence();
    match cause {
        HistoryCause::UnclearAgenda => a.agenda_items().is_empty().then(|| {
            (
                "there is no check-in agenda.".into(),
                "an [agenda] that lists what every check-in covers, in order.".into(),
            )
        }),
        HistoryCause::NoConsequences => a.consequences.is_empty().then(|| {
            (
                "there is no consequence ladder.".into(),
                "[[consequence]] steps: what the partner does after one miss, and what changes when misses repeat.".into(),
            )
        }),
        HistoryCause::CommitmentMismatch => {
            let levels: Vec<Option<u32>> = a
                .parties
                .iter()
                .map(|p| p.commitment_level.map(|c| c.get()))
                .collect();
            match levels.as_slice() {
                [Some(x), Some(y)] if x.abs_diff(*y) <= t.answered_commitment_gap => None,
                [Some(x), Some(y)] => Some((
                    format!("the commitment levels are {x} and {y}, {} apart.", x.abs_diff(*y)),
                    format!(
                        "commitment levels within {} of each other, agreed after an honest conversation about the gap.",
                        t.answered_commitment_gap
                    ),
                )),
                _ => Some((
                    "not both partners have rated their commitment.".into(),
                    format!(
                        "a commitment_level (1 to 10) for each partner, within {} of each other.",
                        t.answered_commitment_gap
                    ),
                )),
            }
        }
        HistoryCause::FormatTooHeavy => {
            let light = cadence.and_then(|c| c.format).is_some_and(|f| {
                f.is_written()
                    || (f.is_call()
                        && cadence
                            .and_then(|c| c.minutes)
                            .is_some_and(|m| m.get() <= t.light_call_minutes))
            });
            (!light).then(|| {
                (
                    match cadence.and_then(|c| c.format) {
                        Some(f) => format!("the check-in format is a {}{}.", f.as_str().replace('-', " "),
                            cadence.and_then(|c| c.minutes).map_or(String::new(), |m| format!(" of {} minutes", m.get()))),
                        None => "no check-in format is chosen.".into(),
                    },
                    format!(
                        "a light format: a text message, a shared document, an async form, or a call of {} minutes or less.",
                        t.light_call_minutes
                    ),
                )
            })
        }
        HistoryCause::TooInfrequent => {
            let interval = cadence.and_then(|c| c.interval_weeks).map(|i| i.get());
            match interval {
                Some(i) if i <= t.max_interval_weeks => None,
                _ => Some((
                    match interval {
                        Some(i) => format!("check-ins are {i} weeks apart."),
                        None => "no check-in interval is set.".into(),
                    },
                    format!(
                        "check-ins at least every {} weeks (interval_weeks = 1 or 2).",
                        t.max_interval_weeks
                    ),
                )),
            }
        }
        HistoryCause::DriftedToSupport => {
            (!a.agenda_items().iter().any(|i| reviews_accountability(i))).then(|| {
                (
                    "no agenda item looks back at commitments or progress.".into(),
                    "an agenda item such as \u{201c}Commitments since last time: kept, partly kept, missed\u{201d}, before any time for support.".into(),
                )
            })
        }
        HistoryCause::NoRecalibration => {
            let dated = a.recalibration.as_ref().and_then(|r| r.date).is_some();
            (!dated).then(|| {
                (
                    "there is no recalibration date.".into(),
                    "a [recalibration] date within 13 weeks, put in both calendars before this session ends.".into(),
                )
            })
        }
        // Nothing in an agreement answers these; the coach explores them.
        HistoryCause::LifeEvent | HistoryCause::Other => None,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn agenda(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let items = cx.a.agenda_items();
    if items.is_empty() {
        out.push(Finding::new(
            Rule::AgendaMissing,
            "There is no check-in agenda. Without one, every check-in is improvised, and looking back at last week's commitments is the first thing to get skipped.".into(),
            "Add [agenda] items in the order you will cover them, for example: \u{201c}Commitments since last time: kept, partly kept, missed\u{201d}, \u{201c}What got in the way\u{201d}, \u{201c}Commitments for the coming week\u{201d}.".into(),
        ));
    } else if !items.iter().any(|i| reviews_accountability(i)) {
        out.push(
            Finding::new(
                Rule::AgendaNoAccountability,
                format!(
                    "None of the agenda items ({}) looks back at what was committed, kept or missed, so check-ins can become support without accountability.",
                    items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "Start with an item such as \u{201c}Commitments since last time: kept, partly kept, missed\u{201d}, before {}.",
                    quote(&items[0])
                ),
            ),
        );
    }
}

fn consequences(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    if a.consequences.is_empty() {
        let goal = a
            .goals
            .first()
            .map_or("the goal".into(), |g| quote(&g.outcome));
        out.push(Finding::new(
            Rule::ConsequenceMissing,
            "Nothing says what happens when someone misses a commitment. Detailed goals without an agreed response to falling behind repeat the most common way partnerships fade.".into(),
            format!(
                "Add a [[consequence]] ladder, for example: after 1 miss, the partner asks what got in the way and the one who missed names one change; after 2, an extra ten-minute check-in that week; after 3, renegotiate {goal} at the next check-in."
            ),
        ));
    }
    let missed = a.cadence.as_ref().and_then(|c| filled(&c.missed_checkin));
    if missed.is_none() {
        out.push(Finding::new(
            Rule::MissedCheckinUndefined,
            "Nothing says what happens when a check-in itself is missed. A skipped check-in with no agreed next step is usually how the quiet stop begins.".into(),
            "Set cadence.missed_checkin, for example: \u{201c}The one who missed proposes a new slot within 48 hours.\u{201d}".into(),
        ));
    }
}

fn cadence(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let Some(c) = a.cadence() else {
        out.push(Finding::new(
            Rule::CadenceMissing,
            "No check-in cadence is set: how often, on which day, for how long and by what medium. Partnerships without a fixed rhythm rarely survive the first busy week.".into(),
            "Add a [cadence]: interval_weeks = 1, the weekday and time, minutes = 15 to 30, and a format light enough for your busiest week (a text message or a short call).".into(),
        ));
        return;
    };
    if let Some(interval) = c.interval_weeks.map(|i| i.get())
        && interval > cx.t.max_interval_weeks
    {
        let solo = a.scenario() == Scenario::SoloWorker;
        let mut f = Finding::new(
            Rule::CadenceTooSparse,
            format!(
                "Check-ins every {interval} weeks are too far apart to change weekly behaviour{}: by the time you meet, the week that went wrong is long gone.",
                if solo {
                    ", and for someone working alone the check-in is the structure an office would otherwise give"
                } else {
                    ""
                }
            ),
            format!(
                "Meet every week or every two weeks (interval_weeks = 1 or 2); if time is the problem, make each check-in shorter{} rather than rarer.",
                c.minutes
                    .map_or(String::new(), |m| format!(" than {} minutes", m.get()))
            ),
        );
        if solo {
            f = f.severity(Severity::High);
        }
        out.push(f);
    }
    if let (Some(format), Some(minutes), Some(interval)) = (c.format, c.minutes, c.interval_weeks) {
        let per_week = f64::from(minutes.get()) * c.checkins_per_active_week() as f64
            / f64::from(interval.get());
        if format.is_synchronous() && per_week >= cx.t.heavy_minutes_per_week {
            out.push(
                Finding::new(
                    Rule::CadenceTooHeavy,
                    format!(
                        "A {} of {} minutes comes to about {} minutes a week together. A format this heavy is the first thing dropped in a busy week.",
                        format.as_str().replace('-', " "),
                        minutes.get(),
                        per_week.round()
                    ),
                    "Keep synchronous time under 45 minutes a week: shorten the call to 20 or 25 minutes, or move the routine part to a text message or shared document and keep the call for what needs talking through.".into(),
                ),
            );
        }
    }
}

fn recalibration(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let r = a.recalibration.clone().unwrap_or_default();
    match r.date {
        None => out.push(Finding::new(
            Rule::RecalibrationMissing,
            "There is no recalibration date. Agreements without one do not get renegotiated when they stop fitting; they quietly stop.".into(),
            format!(
                "Set [recalibration] date to a day within {} weeks and put it in both calendars before this session ends (calendared = true).",
                cx.t.recalibration_max_weeks
            ),
        )),
        Some(date) => {
            if r.calendared != Some(true) {
                out.push(Finding::new(
                    Rule::RecalibrationNotCalendared,
                    format!("The recalibration on {date} is not in your calendars yet. A date that lives only in this document is easy to let pass."),
                    format!("Before this session ends, both put {date} in your calendars, then set calendared = true."),
                ));
            }
            let (base, base_word) = match a.drafted {
                Some(d) => (d, "the draft date"),
                None => (cx.today, "today"),
            };
            let limit = base.get().saturating_add(jiff::Span::new().weeks(cx.t.recalibration_max_weeks));
            if date.get() > limit {
                let days = (date.get() - base.get()).get_days();
                out.push(Finding::new(
                    Rule::RecalibrationTooFar,
                    format!(
                        "The recalibration on {date} is {} weeks after {base_word} ({base}). Partnerships usually fade within weeks, so the first look has to come sooner.",
                        days / 7
                    ),
                    format!(
                        "Move the first recalibration to {limit} or earlier ({} weeks after {base}); later ones can be further apart.",
                        cx.t.recalibration_max_weeks
                    ),
                ));
            }
        }
    }
    if a.scenario() == Scenario::ParallelTransitions && filled(&r.if_one_struggles).is_none() {
        out.push(Finding::new(
            Rule::AsymmetryPlanMissing,
            format!(
                "Nothing says what happens if one transition becomes much harder than the other. Without a plan agreed now, {} tend to slip into fixed helper and helped roles.",
                both(a)
            ),
            "Write recalibration.if_one_struggles, for example: \u{201c}The one who struggles keeps one goal for a month; the other keeps theirs, and we still meet weekly.\u{201d}".into(),
        ));
    }
}

fn relationship(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let rel = a.relationship.clone().unwrap_or_default();
    if let Some(kind) = rel.kind.filter(|k| k.is_close()) {
        let what = match kind {
            RelationshipKind::CloseFriend => "close friends",
            RelationshipKind::Spouse => "married",
            RelationshipKind::LifePartner => "life partners",
            _ => "family",
        };
        out.push(Finding::new(
            Rule::CloseRelationship,
            format!(
                "{} are {what}. Close relationships bring their own habits into accountability (avoiding conflict, not wanting to disappoint, unclear authority), which make a miss hard to name.",
                both(a)
            ),
            "Ask each of them how they would raise a missed commitment with the other, and whether a more neutral peer would make that easier.".into(),
        ));
    }
    if rel.organizations_compete == Some(true) {
        out.push(Finding::new(
            Rule::CompetingOrganizations,
            format!(
                "The organisations of {} compete. That is a structural fact, not a judgement of the relationship, but it limits what can be said in a check-in.",
                both(a)
            ),
            "Name it early and agree together what stays out of check-ins (clients, pricing, plans, people by name).".into(),
        ));
        if filled(&rel.information_boundaries).is_none() {
            out.push(Finding::new(
                Rule::InformationBoundariesMissing,
                "The organisations compete, but nothing says what information stays out of check-ins. Unspoken limits make both partners guarded, or worse, careless.".into(),
                "Write relationship.information_boundaries, for example: \u{201c}We talk about our own behaviour, never about clients, pricing or our employers' plans.\u{201d}".into(),
            ));
        }
    }
}

fn ground_rules_and_wellbeing(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let a = cx.a;
    let g = a.ground_rules.clone().unwrap_or_default();
    let missing: Vec<&str> = [
        (filled(&g.confidentiality).is_none(), "confidentiality"),
        (filled(&g.feedback_style).is_none(), "feedback style"),
    ]
    .into_iter()
    .filter_map(|(gap, what)| gap.then_some(what))
    .collect();
    if !missing.is_empty() {
        out.push(Finding::new(
            Rule::GroundRulesMissing,
            format!(
                "No {} agreed yet. Partners who have not said what stays between them, or how feedback is given, tend to hold back the honest part of a check-in.",
                missing.join(" and no ")
            ),
            "Add [ground_rules], for example confidentiality = \u{201c}Nothing said in a check-in is repeated to anyone else.\u{201d} and feedback_style = \u{201c}Name the pattern, then ask before advising.\u{201d}".into(),
        ));
    }
    let tracked = a.wellbeing.as_ref().is_some_and(|w| !w.track.is_empty());
    if !tracked {
        out.push(Finding::new(
            Rule::WellbeingUntracked,
            "No well-being indicators are tracked, so check-ins will notice burnout only once a goal has already slipped.".into(),
            "Track two or three at each check-in, scored 1 to 5: [wellbeing] track = [\"stress\", \"sleep\", \"energy\"].".into(),
        ));
    }
}
