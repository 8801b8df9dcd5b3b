//! The coach's plan for the conversation after a review: how to frame the
//! exercise for this scenario, which rules to watch most closely, the debrief
//! in the scenario's order with the draft's findings on each topic, and how
//! to raise each red flag.

use serde::Serialize;

use crate::model::{Agreement, Party, Scenario, filled};
use crate::review::{Finding, FindingKind, Rule, quote};

/// A debrief topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// Support-style preferences.
    Support,
    /// The consequence ladder and missed check-ins.
    Consequences,
    /// Commitment levels and hours.
    Commitment,
    /// Goals.
    Goals,
    /// Cadence and format.
    Cadence,
    /// The recalibration date.
    Recalibration,
    /// Stretch and exposure of both parties' goals.
    Stretch,
    /// The plan for when one partner struggles.
    AsymmetryPlan,
    /// Earlier attempts.
    History,
    /// Boundaries.
    Boundaries,
}

impl Topic {
    /// The id used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Consequences => "consequences",
            Self::Commitment => "commitment",
            Self::Goals => "goals",
            Self::Cadence => "cadence",
            Self::Recalibration => "recalibration",
            Self::Stretch => "stretch",
            Self::AsymmetryPlan => "asymmetry-plan",
            Self::History => "history",
            Self::Boundaries => "boundaries",
        }
    }

    /// The topic a rule's findings are discussed under, if any.
    pub fn of(rule: Rule) -> Option<Topic> {
        use Rule as R;
        Some(match rule {
            R::SupportMissing | R::SupportVague => Self::Support,
            R::ConsequenceMissing | R::MissedCheckinUndefined => Self::Consequences,
            R::CommitmentMismatch => Self::Commitment,
            R::GoalMissing
            | R::GoalUnmeasurable
            | R::GoalNoDeadline
            | R::GoalNoActions
            | R::GoalSlowerThanCadence => Self::Goals,
            R::CadenceMissing | R::CadenceTooSparse | R::CadenceTooHeavy => Self::Cadence,
            R::RecalibrationMissing | R::RecalibrationNotCalendared | R::RecalibrationTooFar => {
                Self::Recalibration
            }
            R::StretchAsymmetry => Self::Stretch,
            R::AsymmetryPlanMissing => Self::AsymmetryPlan,
            R::HistoryMissing | R::HistoryUnaddressed => Self::History,
            R::BoundaryNoPhrase | R::BoundaryUnobservable => Self::Boundaries,
            _ => return None,
        })
    }
}

/// The debrief order per scenario, from the spec.
pub fn debrief_order(scenario: Scenario) -> &'static [Topic] {
    use Topic as T;
    match scenario {
        Scenario::TriedBefore => &[T::Support, T::Consequences, T::Commitment],
        Scenario::SoloWorker => &[T::Goals, T::Recalibration],
        Scenario::ParallelTransitions => &[T::Stretch, T::Support, T::AsymmetryPlan],
        Scenario::General => &[T::Goals, T::Support, T::Consequences, T::Recalibration],
    }
}

/// The rules each scenario watches most closely, most telling first.
pub fn watch_list(scenario: Scenario) -> &'static [Rule] {
    use Rule as R;
    match scenario {
        Scenario::TriedBefore => &[
            R::AgendaMissing,
            R::RecalibrationMissing,
            R::AgendaNoAccountability,
            R::RecalibrationNotCalendared,
            R::ConsequenceMissing,
            R::SupportVague,
            R::HistoryMissing,
            R::HistoryUnaddressed,
        ],
        Scenario::SoloWorker => &[
            R::GoalSlowerThanCadence,
            R::GoalUnmeasurable,
            R::CadenceMissing,
            R::CadenceTooSparse,
            R::CadenceTooHeavy,
            R::RecalibrationMissing,
            R::RecalibrationNotCalendared,
        ],
        Scenario::ParallelTransitions => &[
            R::StretchAsymmetry,
            R::GoalMissing,
            R::AgendaNoAccountability,
            R::SupportVague,
            R::AsymmetryPlanMissing,
            R::InformationBoundariesMissing,
        ],
        Scenario::General => &[
            R::AgendaMissing,
            R::ConsequenceMissing,
            R::RecalibrationMissing,
            R::CommitmentMismatch,
            R::GoalUnmeasurable,
        ],
    }
}

/// One step of the debrief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebriefStep {
    /// What the step is about.
    pub topic: Topic,
    /// The question to ask.
    pub prompt: String,
    /// The rules of the draft's findings that belong to this topic.
    pub findings: Vec<Rule>,
}

/// A red flag found in the draft and how to raise it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedFlag {
    /// The red-flag rule.
    pub rule: Rule,
    /// How to name it in the conversation.
    pub prompt: String,
}

/// The coach's plan for the conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guide {
    /// The agreement's scenario.
    pub scenario: Scenario,
    /// How to introduce the exercise to this client.
    pub framing: Vec<String>,
    /// The rules this scenario watches most closely.
    pub watch: Vec<Rule>,
    /// The debrief, in the scenario's order.
    pub debrief: Vec<DebriefStep>,
    /// The red flags found, with how to raise them.
    pub red_flags: Vec<RedFlag>,
}

/// Builds the guide for an agreement from its review findings.
pub fn guide(a: &Agreement, findings: &[Finding]) -> Guide {
    let scenario = a.scenario();
    let debrief = debrief_order(scenario)
        .iter()
        .map(|&topic| {
            let mut rules: Vec<Rule> = Vec::new();
            for f in findings.iter().filter(|f| Topic::of(f.rule) == Some(topic)) {
                if !rules.contains(&f.rule) {
                    rules.push(f.rule);
                }
            }
            // Most severe first, so the step opens with what matters most.
            rules.sort_by_key(|r| std::cmp::Reverse(r.severity()));
            DebriefStep {
                topic,
                prompt: prompt(a, scenario, topic),
                findings: rules,
            }
        })
        .collect();
    let red_flags = findings
        .iter()
        .filter(|f| f.kind == FindingKind::RedFlag)
        .map(|f| RedFlag {
            rule: f.rule,
            prompt: red_flag_prompt(a, f),
        })
        .collect();
    Guide {
        scenario,
        framing: framing(a, scenario),
        watch: watch_list(scenario).to_vec(),
        debrief,
        red_flags,
    }
}

fn names(a: &Agreement) -> (String, String) {
    match a.parties.as_slice() {
        [x, y] => (x.short_name().to_owned(), y.short_name().to_owned()),
        _ => ("the client".into(), "the partner".into()),
    }
}

fn framing(a: &Agreement, scenario: Scenario) -> Vec<String> {
    let (x, y) = names(a);
    let mut lines = Vec::new();
    match scenario {
        Scenario::TriedBefore => {
            lines.push("Start with what went wrong before: ask for the exact moment each earlier arrangement began to fall apart, not a general impression.".to_owned());
            for h in &a.history {
                let what = filled(&h.description).map_or("An earlier attempt".to_owned(), quote);
                let weeks = h
                    .lasted_weeks
                    .map_or(String::new(), |w| format!(" lasted {} weeks and", w.get()));
                let causes: Vec<&str> = h.causes.iter().map(|c| c.in_words()).collect();
                let why = if causes.is_empty() {
                    "no cause is named yet".to_owned()
                } else {
                    format!("faded because {}", causes.join("; and because "))
                };
                lines.push(format!(
                    "{what}{weeks} {why}: make sure this agreement answers each cause explicitly."
                ));
            }
            lines.push("Then make explicit what was assumed last time: what a check-in covers, what happens after a miss, how committed each of you is.".to_owned());
            lines.push("Listen for a partner who is a spouse, close friend or relative: such closeness often brings conflict avoidance and the wish not to disappoint.".to_owned());
        }
        Scenario::SoloWorker => {
            lines.push(format!("Frame {x} and {y}'s partnership as the structure an office would otherwise give: someone who sees the deadline and asks about it every week. It is structure, not motivation."));
            lines.push("Goals must be checkable every week or two, and the format light enough to survive the busiest client week.".to_owned());
            lines.push("Listen for someone who relies on outside accountability in every part of life and keeps on track alone in none; then the coaching matters as much as the partnership.".to_owned());
        }
        Scenario::ParallelTransitions => {
            lines.push(format!("{x} and {y} are going through comparable changes. Shared experience is a strength, but it pulls toward mutual support; design support and accountability explicitly, with goals ambitious enough to need both."));
            lines.push("Check that accountability runs both ways, so that neither becomes the other's coach.".to_owned());
            lines.push("If the organisations compete, agree the information boundaries before the first check-in.".to_owned());
        }
        Scenario::General => {
            lines.push(format!("Walk {x} and {y} through the agreement part by part, and make explicit what each of you would otherwise assume: what a check-in covers, what happens after a miss, when you will look at this again."));
        }
    }
    lines
}

fn quotes_of(party: &Party) -> String {
    if party.support.is_empty() {
        return "nothing written yet".into();
    }
    party
        .support
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(" ")
}

fn prompt(a: &Agreement, scenario: Scenario, topic: Topic) -> String {
    let (x, y) = names(a);
    match topic {
        Topic::Support => match (scenario, a.parties.as_slice()) {
            (Scenario::ParallelTransitions, [p, q]) => format!(
                "{x}, read {y}'s support preferences aloud ({}); {y}, read {x}'s ({}). Could each of you give that consistently, in your own hardest week?",
                quotes_of(q),
                quotes_of(p)
            ),
            _ => "Read each support preference aloud and ask: is this what you want from your partner, or what sounds reasonable in writing? What would they see you do?".into(),
        },
        Topic::Consequences => {
            let mut ladder: Vec<_> = a.consequences.iter().collect();
            ladder.sort_by_key(|c| c.after_misses);
            match ladder.first() {
                Some(first) => format!(
                    "Walk through the ladder with a real miss in mind: after {} miss{}, {} What happens after the third miss in a row, and when a check-in itself is missed?",
                    first.after_misses.get(),
                    if first.after_misses.get() == 1 { "" } else { "es" },
                    first.response.trim()
                ),
                None => "Next week one of you misses a commitment. What exactly happens then, and what changes if it happens three weeks running?".into(),
            }
        }
        Topic::Commitment => {
            let levels: Vec<String> = a
                .parties
                .iter()
                .map(|p| match p.commitment_level {
                    Some(l) => format!("{} {}", p.short_name(), l.get()),
                    None => format!("{} not rated", p.short_name()),
                })
                .collect();
            format!(
                "How committed is each of you, honestly, on a scale of 1 to 10 ({})? What would it take to close the gap, or to shrink the plan to what the less committed can keep?",
                levels.join(", ")
            )
        }
        Topic::Goals => match scenario {
            Scenario::SoloWorker => "Picture a successful check-in three months from now: what does each of you report? Which of these goals can show progress every week?".into(),
            _ => "For each goal, what will you be able to see change from one check-in to the next, and by when is it kept?".into(),
        },
        Topic::Cadence => "Could this rhythm and format survive your busiest week? If not, what is the lightest version you would still keep?".into(),
        Topic::Recalibration => match a.recalibration.as_ref().and_then(|r| r.date) {
            Some(date) => format!("You look at this again on {date}. Is it in both calendars yet? Do it now, before this session ends."),
            None => "When will you look at this agreement again? Choose a date within three months and put it in both calendars before this session ends.".into(),
        },
        Topic::Stretch => {
            let describe = |p: &Party| {
                match (
                    a.average_rating(&p.id, |g| g.stretch),
                    a.average_rating(&p.id, |g| g.exposure),
                ) {
                    (Some(s), Some(e)) => format!("{} stretch {s:.1}, exposure {e:.1}", p.short_name()),
                    _ => format!("{} not rated", p.short_name()),
                }
            };
            let ratings: Vec<String> = a.parties.iter().map(describe).collect();
            format!(
                "Put both sets of goals side by side ({}). Are they equally ambitious, and equally uncomfortable to be held to?",
                ratings.join("; ")
            )
        }
        Topic::AsymmetryPlan => match a.recalibration.as_ref().and_then(|r| filled(&r.if_one_struggles)) {
            Some(plan) => format!("Your plan if one transition gets much harder: {}. Would each of you really say so early enough for it to work?", quote(plan)),
            None => "If one transition becomes much harder than the other, what will you do? Agree it now, while it is still hypothetical.".into(),
        },
        Topic::History => "What made each earlier attempt fade, and which clause of this agreement answers it?".into(),
        Topic::Boundaries => "Which boundary will be tested first, and what will you say in that moment?".into(),
    }
}

fn red_flag_prompt(a: &Agreement, f: &Finding) -> String {
    let (x, y) = names(a);
    let who = f.party.as_ref().map_or(x.clone(), |p| {
        a.party(p)
            .map_or(p.to_string(), |p| p.short_name().to_owned())
    });
    match f.rule {
        Rule::CloseRelationship => format!(
            "Name it gently: \u{201c}You two are close. What would make it hard to tell each other that a commitment was missed?\u{201d} Ask {x} whether a more neutral peer would make that easier, without pressing {y} to step aside."
        ),
        Rule::ExternalReliance => format!(
            "Ask {who} where they have ever kept themselves on track alone and what made it work. Say plainly that the partnership can support that, not replace it."
        ),
        Rule::CompetingOrganizations => "Name it as structure, not suspicion: \u{201c}Your organisations compete. What stays out of our check-ins?\u{201d} Write the answer into the information boundaries.".into(),
        _ => f.suggestion.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_rules_and_orders_match_the_spec() {
        let ids = |s| {
            debrief_order(s)
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(Scenario::TriedBefore),
            ["support", "consequences", "commitment"]
        );
        assert_eq!(ids(Scenario::SoloWorker), ["goals", "recalibration"]);
        assert_eq!(
            ids(Scenario::ParallelTransitions),
            ["stretch", "support", "asymmetry-plan"]
        );
        assert_eq!(
            ids(Scenario::General),
            ["goals", "support", "consequences", "recalibration"]
        );
        for topic in [
            Topic::Support,
            Topic::Consequences,
            Topic::Commitment,
            Topic::Goals,
            Topic::Cadence,
            Topic::Recalibration,
            Topic::Stretch,
            Topic::AsymmetryPlan,
            Topic::History,
            Topic::Boundaries,
        ] {
            assert!(
                Rule::ALL.iter().any(|r| Topic::of(*r) == Some(topic)),
                "{topic:?}"
            );
        }
    }
}
