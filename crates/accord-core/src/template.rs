//! The commented starting file that `accord new` writes: valid as it stands,
//! with every part of an agreement shown as a commented example in the order
//! a coach works through them, and notes for the chosen scenario.

use crate::model::{Date, Scenario, TimeZoneName};

/// What to say first for each scenario.
fn scenario_notes(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::TriedBefore => {
            "# Scenario: tried before, and it faded.\n\
             # Start with [[history]] below: name exactly why each earlier attempt fell\n\
             # apart. The review checks that every cause is answered by a clause here.\n\
             # The agenda and the recalibration date get the least attention and do the\n\
             # most work; support preferences must be behaviours, not adjectives.\n"
        }
        Scenario::SoloWorker => {
            "# Scenario: working alone.\n\
             # The partner replaces the structure an office would give. Goals must be\n\
             # checkable every week or two; the cadence frequent enough to change a\n\
             # week, and light enough to survive a busy one.\n"
        }
        Scenario::ParallelTransitions => {
            "# Scenario: peers in parallel transitions.\n\
             # Shared experience pulls toward mutual support: design accountability\n\
             # explicitly, keep both partners' goals equally stretching and exposed,\n\
             # and agree now what happens if one transition gets much harder.\n"
        }
        Scenario::General => {
            "# Scenario: general. Make explicit what would otherwise be assumed: what a\n\
             # check-in covers, what happens after a miss, when you look at this again.\n"
        }
    }
}

/// The history block, first for `tried-before` and commented for the others.
const HISTORY: &str = "\
# Earlier attempts and why they faded. Causes: unclear-agenda, no-consequences,
# commitment-mismatch, format-too-heavy, too-infrequent, drifted-to-support,
# no-recalibration, life-event, other.
# [[history]]
# description = \"Friday calls with a colleague in 2024\"
# lasted_weeks = 3
# causes = [\"unclear-agenda\", \"no-consequences\"]
";

/// A party table with its optional fields as commented examples.
fn party(id: &str, name: &str) -> String {
    format!(
        "[[party]]
id = \"{id}\"                    # short, lower-case; used by goal.party and boundary.party
name = \"{name}\"              # replace with the real name
# email = \"{id}@example.org\"
# organization = \"Northwind Health\"
# commitment_level = 8          # 1 to 10: how committed, honestly?
# hours_per_week = 1.0          # time for check-ins and preparation
# relies_on_others_for = [\"work\"]           # where you only keep on track with outside help
# keeps_self_on_track_in = [\"exercise\"]     # where you manage on your own
# Support preferences: behaviours your partner can do or not do, not adjectives.
# support = [
#   \"If I miss a commitment, ask me what got in the way before offering suggestions.\",
# ]
"
    )
}

/// The rest of the agreement, every part commented out.
const BODY: &str = "\
# [coach]
# name = \"Your coach's name\"

# [relationship]
# kind = \"peer\"                  # peer, colleague, former-colleague, coaching-peer, friend,
#                                # close-friend, spouse, life-partner, family, matched-stranger
# organizations_compete = false
# information_boundaries = \"We never discuss clients or pricing.\"

# Goals: a few specific outcomes each, measurable, with weekly actions.
# [[goal]]
# party = \"me\"
# outcome = \"Publish the team operating plan\"
# indicator = \"plan sections approved\"
# unit = \"sections\"
# baseline = 0
# target = 6
# due = 2027-03-01
# observable = \"weekly\"          # daily, weekly, biweekly, monthly, quarterly
# stretch = 3                    # 1 to 5
# exposure = 3                   # 1 to 5: how uncomfortable to be held to it
# actions = [\"Block three mornings a week for plan writing\"]
# milestones = [ { date = 2027-01-15, value = 3 } ]

# Boundaries your partner helps you protect.
# [[boundary]]
# party = \"me\"
# rule = \"No work e-mail after 19:00 on weekdays\"
# phrase = \"I'll answer tomorrow after nine.\"
# measure = \"evenings without sent work e-mail\"
# remind = \"weekdays 18:45\"

# [cadence]
# interval_weeks = 1             # 1 weekly, 2 fortnightly
# weekdays = [\"tuesday\"]
# time = \"08:00\"                 # in the timezone above
# minutes = 25
# format = \"video-call\"          # text-message, shared-document, async-form, phone-call, video-call, in-person
# facilitation = \"rotating\"      # or the id of the party who always facilitates
# missed_checkin = \"The one who missed proposes a new slot within 48 hours.\"

# [agenda]
# items = [
#   \"Commitments since last time: kept, partly kept, missed\",
#   \"What got in the way\",
#   \"Commitments for the coming week\",
# ]

# The consequence ladder, by consecutive misses.
# [[consequence]]
# after_misses = 1
# response = \"The partner asks what got in the way; the one who missed names one change.\"
# [[consequence]]
# after_misses = 3
# response = \"We renegotiate the goal at the next check-in.\"

# [recalibration]
# date = 2027-02-16              # within 13 weeks; put it in both calendars today
# calendared = true
# triggers = [\"Stress at 4 or 5 for two check-ins in a row\"]
# if_one_struggles = \"The one who struggles keeps one goal for a month.\"

# [ground_rules]
# confidentiality = \"Nothing said in a check-in is repeated to anyone else.\"
# feedback_style = \"Name the pattern, then ask before advising.\"

# [wellbeing]
# track = [\"stress\", \"sleep\", \"energy\"]   # also: mood
";

/// A commented agreement file for `scenario`, drafted `today`, with check-in
/// times in `timezone` when given.
pub fn template(scenario: Scenario, today: Date, timezone: Option<&TimeZoneName>) -> String {
    let zone = match timezone {
        Some(tz) => format!("timezone = \"{}\"", tz.as_str()),
        None => "# timezone = \"Europe/Berlin\"   # IANA name; check-in times are in it".into(),
    };
    let mut out = format!(
        "# An Accord agreement, file format 1.\n\
         # Fill it in together. `accord review FILE` lists what is still missing or\n\
         # weak; `accord guide FILE` gives the coach's plan for the conversation.\n\
         # Every field but `format` and the parties' `id` and `name` may stay empty\n\
         # while you draft. Remove the # in front of a line to use it.\n\
         #\n\
         {notes}\n\
         format = 1\n\
         title = \"Our accountability agreement\"\n\
         scenario = \"{scenario}\"\n\
         {zone}\n\
         drafted = {today}\n\n",
        notes = scenario_notes(scenario),
    );
    if scenario == Scenario::TriedBefore {
        out.push_str(HISTORY);
        out.push('\n');
    }
    out.push_str(&party("me", "Alex Example"));
    out.push('\n');
    out.push_str(&party("partner", "Sam Example"));
    out.push('\n');
    if scenario != Scenario::TriedBefore {
        out.push_str(HISTORY);
        out.push('\n');
    }
    out.push_str(BODY);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Rule;

    #[test]
    fn every_template_parses_and_its_review_lists_what_is_missing() {
        let today = Date::parse("2026-11-21").expect("valid");
        let zone = TimeZoneName::parse("Europe/Berlin").expect("known zone");
        for &scenario in Scenario::ALL {
            for tz in [None, Some(&zone)] {
                let text = template(scenario, today, tz);
                let a = crate::parse_toml(&text)
                    .unwrap_or_else(|e| panic!("{scenario} template parses: {e}"));
                assert_eq!(a.scenario(), scenario);
                assert_eq!(a.drafted, Some(today));
                // Placeholder names read naturally in the guide's sentences.
                let g = crate::guide(&a, &crate::review(&a, today).findings);
                assert!(
                    g.framing
                        .iter()
                        .chain(g.debrief.iter().map(|d| &d.prompt))
                        .all(|t| !t.contains("Your"))
                );
                let review = crate::review(&a, today);
                let rules: Vec<Rule> = review.findings.iter().map(|f| f.rule).collect();
                for missing in [
                    Rule::GoalMissing,
                    Rule::AgendaMissing,
                    Rule::CadenceMissing,
                    Rule::ConsequenceMissing,
                ] {
                    assert!(rules.contains(&missing), "{scenario}: {missing} listed");
                }
                assert_eq!(
                    rules.contains(&Rule::HistoryMissing),
                    scenario == Scenario::TriedBefore
                );
            }
        }
    }

    #[test]
    fn uncommented_examples_parse_too() {
        // Removing the leading "# " from the example blocks gives a valid
        // agreement: the examples teach the real format.
        let today = Date::parse("2026-11-21").expect("valid");
        let text = template(Scenario::General, today, None);
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if looks_like_toml(rest) => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        crate::parse_toml(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
    }

    fn looks_like_toml(line: &str) -> bool {
        let t = line.trim_start();
        t.starts_with('[') || t.starts_with('"') || t.starts_with(']') || t.contains(" = ")
    }
}
