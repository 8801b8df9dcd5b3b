//! Accuracy of the support classifier on its labelled data sets, and the
//! grammar cases it must get right.

use super::*;

const TUNING: &str = include_str!("../../data/support-statements.tsv");
const HOLDOUT: &str = include_str!("../../data/support-statements-holdout.tsv");

/// Parses `label<TAB>statement` lines, skipping comments and blank lines.
fn labelled(data: &str) -> Vec<(bool, &str)> {
    data.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let (label, text) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("line {}: expected label<TAB>statement", n + 1));
            let actionable = match label {
                "actionable" => true,
                "vague" => false,
                other => panic!("line {}: unknown label {other:?}", n + 1),
            };
            (actionable, text)
        })
        .collect()
}

/// Accuracy on a data set, printing every miss so that a failure explains
/// itself.
fn accuracy(name: &str, data: &str) -> f64 {
    let rows = labelled(data);
    let mut wrong = 0;
    for (expected, text) in &rows {
        let c = classify(text);
        if c.actionable != *expected {
            wrong += 1;
            println!(
                "{name}: expected {}, got {} ({:?}): {text}",
                if *expected { "actionable" } else { "vague" },
                if c.actionable { "actionable" } else { "vague" },
                c.behaviours
            );
        }
    }
    let acc = 1.0 - wrong as f64 / rows.len() as f64;
    println!(
        "{name}: {} statements, {wrong} wrong, accuracy {:.1}%",
        rows.len(),
        acc * 100.0
    );
    acc
}

#[test]
fn data_sets_are_balanced_and_large_enough() {
    for (name, data, min) in [("tuning", TUNING, 100), ("holdout", HOLDOUT, 60)] {
        let rows = labelled(data);
        let actionable = rows.iter().filter(|(a, _)| *a).count();
        assert!(rows.len() >= min, "{name}: {} statements", rows.len());
        assert_eq!(actionable * 2, rows.len(), "{name}: half each way");
    }
}

#[test]
fn tuning_set_accuracy_is_at_least_95_percent() {
    let acc = accuracy("tuning", TUNING);
    assert!(acc >= 0.95, "accuracy {:.1}% is below 95%", acc * 100.0);
}

#[test]
fn holdout_set_accuracy_is_measured() {
    // Never tuned on: this is the honest figure for new statements. The floor
    // guards against regressions; the README reports the measured value.
    let acc = accuracy("holdout", HOLDOUT);
    assert!(acc >= 0.85, "holdout accuracy {:.1}%", acc * 100.0);
}

#[test]
fn the_spec_examples() {
    for vague in [
        "Be direct but kind.",
        "Honest feedback.",
        "be supportive",
        "When things get hard, be understanding.",
        "Go easy on me.",
        "Tough love",
        "No-nonsense, please.",
    ] {
        assert!(!classify(vague).actionable, "{vague:?} should be vague");
    }
    for actionable in [
        "Ask me for evidence, not feelings.",
        "Point out when I'm overcommitting.",
        "Every Friday, send me my goal.",
        "If I miss a commitment, ask me what got in the way before offering suggestions.",
        "Celebrate a kept commitment out loud before we move on.",
    ] {
        assert!(
            classify(actionable).actionable,
            "{actionable:?} should be actionable"
        );
    }
}

#[test]
fn grammar_cases() {
    // Nouns and other people's acts are not requests.
    assert!(!classify("Be calm on our video calls.").actionable);
    assert!(!classify("When I text you late, be patient.").actionable);
    assert!(!classify("Push me to send the proposal.").actionable);
    // Attitudes dressed as acts.
    assert!(!classify("Show some empathy.").actionable);
    assert!(!classify("Don't let me off the hook.").actionable);
    // Requests in other forms.
    assert!(classify("I'd like you to email me the recap.").actionable);
    assert!(classify("It helps when you ask what I tried first.").actionable);
    assert!(classify("I want to be asked for my numbers first.").actionable);
    assert!(classify("Don't offer solutions until I ask for them.").actionable);
    assert!(classify("Weekly reminders about my deadlines.").actionable);
    // What is quoted is speech, not a request.
    assert!(!classify("When I say \"call me later\", be patient.").actionable);
    // An unbalanced quote does not swallow the rest.
    assert!(classify("When I say \"done, ask me to show you.").actionable);
}

#[test]
fn situations_are_found() {
    let c = classify("When things get hard, be understanding.");
    assert_eq!(c.situation.as_deref(), Some("When things get hard"));
    assert!(c.attitudes.contains(&"understanding".to_owned()));
    assert!(classify("Text me on Fridays if I go quiet.").has_situation);
    // Idioms are quoted whole, never as their filler verbs.
    assert_eq!(classify("Go easy on me.").attitudes, ["go easy"]);
    assert_eq!(classify("Keep me honest.").attitudes, ["keep me honest"]);
    assert_eq!(
        classify("Have my back when it's hard").attitudes,
        ["have my back"]
    );
    assert_eq!(
        classify("Be direct but kind.").attitudes,
        ["direct", "kind"]
    );
    assert!(!classify("Ask me for evidence, not feelings.").has_situation);
}

#[test]
fn rewrites_keep_the_situation_and_the_intent() {
    let s = "When things get hard, be understanding.";
    let r = rewrite(s, &classify(s));
    assert!(
        r.starts_with("When things get hard, ask me what got in the way"),
        "{r}"
    );
    assert!(classify(&r).actionable, "the rewrite must itself pass: {r}");
    let s = "Be direct but kind.";
    let r = rewrite(s, &classify(s));
    assert!(classify(&r).actionable, "{r}");
    // Stems match whole-word beginnings only: "really" is not "real".
    let s = "I really need you to be patient.";
    assert!(rewrite(s, &classify(s)).contains("ask me what got in the way"));
    let s = "Ask me for evidence, not feelings.";
    let tip = sharpen(s, &classify(s)).expect("no situation yet");
    assert!(
        tip.contains("When I miss a commitment, ask me for evidence, not feelings."),
        "{tip}"
    );
    assert_eq!(sharpen("Be kind.", &classify("Be kind.")), None);
}
