//! The recap both partners get after a check-in: what was kept and missed,
//! which agreed responses fired, the commitments for the next period and
//! the next date. Built from the record only, so private notes can never
//! reach it.

use std::fmt::Write as _;

use jiff::Zoned;

use crate::model::Agreement;

use super::{CheckinRecord, Fired, Outcome};

/// One party's part of a recap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRecap {
    /// The party's name.
    pub name: String,
    /// Commitments kept.
    pub kept: Vec<String>,
    /// Commitments partly kept, with what got in the way.
    pub partly: Vec<(String, String)>,
    /// Commitments missed, with what got in the way.
    pub missed: Vec<(String, String)>,
    /// The win.
    pub win: String,
    /// Commitments for the next period.
    pub next_commitments: Vec<String>,
    /// The next step.
    pub next_step: String,
}

/// A check-in's recap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recap {
    /// The agreement's title, or a neutral name.
    pub title: String,
    /// When the check-in was, in words.
    pub held: String,
    /// Each party's part.
    pub parties: Vec<PartyRecap>,
    /// The agreed responses that fired, as sentences.
    pub fired: Vec<String>,
    /// When the next check-in is, in words.
    pub next: Option<String>,
}

/// A moment in words in the agreement's zone, e.g. "Tuesday 24 November
/// 2026, 08:00 (Europe/Berlin)".
pub fn when(at: &Zoned) -> String {
    format!(
        "{} ({})",
        at.strftime("%A %-d %B %Y, %H:%M"),
        at.time_zone().iana_name().unwrap_or("UTC")
    )
}

/// The recap of `record`, held at `held`, with the steps that fired and
/// the next check-in.
pub fn recap(
    agreement: &Agreement,
    held: &Zoned,
    record: &CheckinRecord,
    fired: &[Fired],
    next: Option<&Zoned>,
) -> Recap {
    let parties = record
        .reports
        .iter()
        .map(|r| {
            let pick = |o: Outcome| {
                r.reviewed
                    .iter()
                    .filter(move |x| x.outcome == o)
                    .map(|x| (x.commitment.clone(), x.obstacle.clone().unwrap_or_default()))
            };
            PartyRecap {
                name: agreement.name_of(&r.party).to_owned(),
                kept: pick(Outcome::Kept).map(|(c, _)| c).collect(),
                partly: pick(Outcome::PartlyKept).collect(),
                missed: pick(Outcome::Missed).collect(),
                win: r.win.clone(),
                next_commitments: r.next_commitments.clone(),
                next_step: r.next_step.clone(),
            }
        })
        .collect();
    let fired = fired
        .iter()
        .map(|f| {
            let who = agreement
                .party(&f.party)
                .map_or(f.party.as_str(), |p| p.short_name());
            let run = if f.misses == 1 {
                "a miss".to_owned()
            } else {
                format!("{} misses in a row", f.misses)
            };
            format!("{who}, {run}. As agreed: {}", f.response)
        })
        .collect();
    Recap {
        title: agreement
            .title
            .clone()
            .unwrap_or_else(|| "Your accountability agreement".into()),
        held: when(held),
        parties,
        fired,
        next: next.map(when),
    }
}

impl Recap {
    /// A subject line for the e-mail.
    pub fn subject(&self) -> String {
        format!("Check-in recap: {}", self.title)
    }

    /// The recap as plain text, for e-mail.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "{}: check-in of {}\n", self.title, self.held);
        for p in &self.parties {
            let _ = writeln!(t, "{}", p.name);
            for c in &p.kept {
                let _ = writeln!(t, "  kept: {c}");
            }
            for (c, why) in &p.partly {
                let _ = writeln!(t, "  partly kept: {c} (in the way: {why})");
            }
            for (c, why) in &p.missed {
                let _ = writeln!(t, "  missed: {c} (in the way: {why})");
            }
            let _ = writeln!(t, "  win: {}", p.win);
            let _ = writeln!(t, "  next period:");
            for c in &p.next_commitments {
                let _ = writeln!(t, "    - {c}");
            }
            let _ = writeln!(t, "  next step: {}\n", p.next_step);
        }
        if !self.fired.is_empty() {
            let _ = writeln!(t, "Agreed responses due now:");
            for f in &self.fired {
                let _ = writeln!(t, "  - {f}");
            }
            t.push('\n');
        }
        match &self.next {
            Some(next) => {
                let _ = writeln!(t, "Next check-in: {next}");
            }
            None => {
                let _ = writeln!(t, "No next check-in is scheduled.");
            }
        }
        t
    }
}
