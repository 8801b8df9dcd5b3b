//! Checks that need the whole agreement: exactly two parties with distinct
//! ids, references to parties that exist, no repeated days or steps, no
//! blank entries in lists.
//!
//! Each problem names its field by path (`goal[1].party`, indices from 0) so
//! that TOML input can point at a line and column and the API at a field.

use std::collections::HashSet;
use std::fmt;

use crate::model::{Agreement, FORMAT_VERSION, Facilitation, PartyId};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(&'static str),
    /// A position in an array, from 0.
    Index(usize),
}

/// The path of a field, such as `goal[1].party`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path, then a key.
    pub fn key(mut self, key: &'static str) -> Self {
        self.0.push(Segment::Key(key));
        self
    }

    /// This path, then an array position.
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Segment::Index(i));
        self
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem found by [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field at fault.
    pub path: FieldPath,
    /// What is wrong and what would be right.
    pub message: String,
}

/// Collects problems with their paths.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: FieldPath, message: impl Into<String>) {
        self.0.push(Problem {
            path,
            message: message.into(),
        });
    }

    /// Blank entries of a list of sentences are mistakes, not drafts.
    fn no_blank_entries(&mut self, base: FieldPath, entries: &[String], what: &str) {
        for (i, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                self.add(
                    base.clone().index(i),
                    format!("this {what} is empty; write it out or remove it from the list"),
                );
            }
        }
    }

    fn not_blank(&mut self, path: FieldPath, text: &str, what: &str) {
        if text.trim().is_empty() {
            self.add(path, format!("{what} must not be empty"));
        }
    }
}

/// Every whole-document problem of an agreement, in document order.
pub fn validate(a: &Agreement) -> Vec<Problem> {
    let mut p = Problems::default();
    let root = FieldPath::root();

    if a.format != FORMAT_VERSION {
        p.add(
            root.clone().key("format"),
            format!(
                "this is format {}, but this version of accord reads format {FORMAT_VERSION}; write `format = {FORMAT_VERSION}`",
                a.format
            ),
        );
    }
    if let Some(title) = &a.title {
        p.not_blank(root.clone().key("title"), title, "the title, when given,");
    }
    check_parties(a, &mut p);
    if let Some(coach) = &a.coach {
        p.not_blank(
            root.clone().key("coach").key("name"),
            &coach.name,
            "the coach's name",
        );
    }

    let ids: Vec<&PartyId> = a.parties.iter().map(|x| &x.id).collect();
    let unknown = |id: &PartyId| -> Option<String> {
        (!ids.contains(&id)).then(|| {
            let known: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
            format!(
                "there is no party with the id \"{id}\"; the parties are {}",
                if known.is_empty() {
                    "not defined yet".into()
                } else {
                    known.join(" and ")
                }
            )
        })
    };

    for (i, goal) in a.goals.iter().enumerate() {
        let at = root.clone().key("goal").index(i);
        if let Some(msg) = unknown(&goal.party) {
            p.add(at.clone().key("party"), msg);
        }
        p.not_blank(at.clone().key("outcome"), &goal.outcome, "a goal's outcome");
        p.no_blank_entries(at.clone().key("actions"), &goal.actions, "action");
    }
    for (i, boundary) in a.boundaries.iter().enumerate() {
        let at = root.clone().key("boundary").index(i);
        if let Some(msg) = unknown(&boundary.party) {
            p.add(at.clone().key("party"), msg);
        }
        p.not_blank(at.clone().key("rule"), &boundary.rule, "a boundary's rule");
    }
    if let Some(cadence) = &a.cadence {
        let at = root.clone().key("cadence");
        if let Some(Facilitation::Fixed(id)) = &cadence.facilitation
            && let Some(msg) = unknown(id)
        {
            p.add(
                at.clone().key("facilitation"),
                format!("{msg}, or write \"rotating\""),
            );
        }
        let mut seen = HashSet::new();
        for (i, day) in cadence.weekdays.iter().enumerate() {
            if !seen.insert(day) {
                p.add(
                    at.clone().key("weekdays").index(i),
                    format!("{day} is listed twice"),
                );
            }
        }
    }
    if let Some(agenda) = &a.agenda {
        p.no_blank_entries(
            root.clone().key("agenda").key("items"),
            &agenda.items,
            "agenda item",
        );
    }
    let mut steps = HashSet::new();
    for (i, step) in a.consequences.iter().enumerate() {
        let at = root.clone().key("consequence").index(i);
        if !steps.insert(step.after_misses) {
            p.add(
                at.clone().key("after_misses"),
                format!(
                    "two consequence steps both start after {} misses; each step needs its own number of misses",
                    step.after_misses.get()
                ),
            );
        }
        p.not_blank(
            at.key("response"),
            &step.response,
            "a consequence step's response",
        );
    }
    if let Some(r) = &a.recalibration {
        p.no_blank_entries(
            root.clone().key("recalibration").key("triggers"),
            &r.triggers,
            "trigger",
        );
    }
    if let Some(w) = &a.wellbeing {
        let mut seen = HashSet::new();
        for (i, indicator) in w.track.iter().enumerate() {
            if !seen.insert(indicator) {
                p.add(
                    root.clone().key("wellbeing").key("track").index(i),
                    format!("{indicator} is listed twice"),
                );
            }
        }
    }
    p.0
}

fn check_parties(a: &Agreement, p: &mut Problems) {
    let root = FieldPath::root();
    if a.parties.len() != 2 {
        let found = match a.parties.len() {
            0 => "none".to_owned(),
            n => n.to_string(),
        };
        let path = match a.parties.len() {
            0 => root.clone().key("party"),
            // Point at the first party too many.
            _ if a.parties.len() > 2 => root.clone().key("party").index(2),
            _ => root.clone().key("party").index(0),
        };
        p.add(
            path,
            format!(
                "an agreement has exactly two partners, each in a [[party]] table with an id and a name; found {found}"
            ),
        );
    }
    let mut seen = HashSet::new();
    for (i, party) in a.parties.iter().enumerate() {
        let at = root.clone().key("party").index(i);
        if !seen.insert(&party.id) {
            p.add(
                at.clone().key("id"),
                format!(
                    "the party id \"{}\" is used twice; give each partner their own id",
                    party.id
                ),
            );
        }
        p.not_blank(at.clone().key("name"), &party.name, "a party's name");
        if let Some(email) = &party.email
            && !looks_like_email(email)
        {
            p.add(
                at.clone().key("email"),
                format!("{email:?} does not look like an e-mail address (name@example.org)"),
            );
        }
        p.no_blank_entries(
            at.clone().key("support"),
            &party.support,
            "support preference",
        );
        p.no_blank_entries(
            at.clone().key("relies_on_others_for"),
            &party.relies_on_others_for,
            "domain",
        );
        p.no_blank_entries(
            at.clone().key("keeps_self_on_track_in"),
            &party.keeps_self_on_track_in,
            "domain",
        );
    }
}

/// A light check: one `@` with text on both sides and a dot in the domain.
/// Only sending mail proves an address; this catches slips of the keyboard.
fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_the_file() {
        let p = FieldPath::root().key("goal").index(1).key("party");
        assert_eq!(p.to_string(), "goal[1].party");
    }

    #[test]
    fn email_shapes() {
        assert!(looks_like_email("maya@example.org"));
        for bad in [
            "maya",
            "maya@",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@@b.org",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
