//! The form machinery on its own: values read, written, removed and
//! reported by field name.

use std::collections::BTreeMap;

use serde_json::json;

use super::super::fields::spec;
use super::*;

fn submitted(pairs: &[(&str, &str)]) -> Submitted {
    collect(
        &pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>(),
    )
}

fn doc() -> Value {
    json!({"format": 1, "party": [{"id": "maya", "name": "Maya"}, {"id": "jonas", "name": "Jonas"}],
           "goal": [{"party": "maya", "outcome": "Ship", "milestones": [{"date": "2026-01-01", "value": 1}]}]})
}

#[test]
fn root_fields_set_and_remove_values_and_empty_tables() {
    let cadence = spec("cadence").unwrap_or_else(|| unreachable!());
    let mut d = doc();
    let form = submitted(&[
        ("cadence.interval_weeks", "2"),
        ("cadence.weekdays", "monday"),
        ("cadence.weekdays", "thursday"),
        ("cadence.time", "08:00"),
    ]);
    assert!(apply(cadence, &mut d, &form).is_ok());
    assert_eq!(
        d["cadence"],
        json!({"interval_weeks": 2, "weekdays": ["monday", "thursday"], "time": "08:00"})
    );
    assert!(apply(cadence, &mut d, &submitted(&[])).is_ok());
    assert!(
        d.get("cadence").is_none(),
        "an emptied table goes away: {d}"
    );
}

#[test]
fn list_entries_keep_fields_the_form_does_not_show_and_blank_ones_go() {
    let goals = spec("goals").unwrap_or_else(|| unreachable!());
    let mut d = doc();
    let form = submitted(&[
        ("goal.0.party", "maya"),
        ("goal.0.outcome", "Ship v2"),
        ("goal.1.party", ""),
        ("goal.1.outcome", ""),
    ]);
    assert!(apply(goals, &mut d, &form).is_ok());
    assert_eq!(d["goal"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["goal"][0]["outcome"], "Ship v2");
    assert_eq!(d["goal"][0]["milestones"][0]["value"], 1);
    let form = submitted(&[("goal.0.party", ""), ("goal.0.outcome", "")]);
    assert!(apply(goals, &mut d, &form).is_ok());
    assert!(d.get("goal").is_none());
}

#[test]
fn unreadable_numbers_are_reported_by_field_and_nothing_changes() {
    let commitment = spec("commitment").unwrap_or_else(|| unreachable!());
    let mut d = doc();
    let before = d.clone();
    let form = submitted(&[
        ("party.0.commitment_level", "eight"),
        ("party.1.commitment_level", "7"),
    ]);
    let errors = apply(commitment, &mut d, &form).err().unwrap_or_default();
    assert!(
        errors
            .get("party.0.commitment_level")
            .is_some_and(|m| m.contains("whole number"))
    );
    assert_eq!(d, before);
}

#[test]
fn views_show_current_values_and_one_blank_entry_to_add() {
    let goals = spec("goals").unwrap_or_else(|| unreachable!());
    let sets = views(goals, &doc(), None, &BTreeMap::new());
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].legend, "Goal 1");
    assert_eq!(sets[1].legend, "Add a goal");
    let outcome = sets[0].fields.iter().find(|f| f.name == "goal.0.outcome");
    assert_eq!(outcome.map(|f| f.value.as_str()), Some("Ship"));
    let party = sets[0].fields.iter().find(|f| f.name == "goal.0.party");
    assert!(party.is_some_and(|f| f.options.iter().any(|o| o.value == "maya" && o.selected)));
}

#[test]
fn diagnostic_paths_become_field_names() {
    assert_eq!(field_name("goal[1].party"), "goal.1.party");
    assert_eq!(field_name("cadence.time"), "cadence.time");
}
