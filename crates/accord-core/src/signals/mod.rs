//! Early warnings: patterns in the check-ins that come before a
//! partnership fades, each with a plain explanation and a concrete next
//! step.
//!
//! Agreements rarely end in a decision; they stop. The patterns that come
//! first are known (falling well-being, repeated misses, check-ins that do
//! not happen, a drift into support only, one partner doing all the work),
//! and naming them early, with the people and dates, gives the partners a
//! chance to change the agreement instead of dropping it. The rules, each
//! with a stable [`SignalKind::id`]:
//!
//! - `wellbeing-falling`: the agreement's own readable well-being triggers
//!   (see [`read_triggers`]), or, when it has none, for every tracked
//!   indicator: stress at 4 or 5, or sleep, energy or mood at 1 or 2, for
//!   the same partner at two recorded check-ins in a row;
//! - `checkins-missed`: the last two or more check-ins due were missed;
//! - `repeated-misses`: a partner missed a commitment at three or more
//!   check-ins in a row (the consequence ladder's count), or kept under
//!   half over their last four check-ins with something to review;
//! - `drift-to-support`: the last three recorded check-ins reviewed no
//!   commitment of either partner;
//! - `facilitation-stuck`: facilitation is agreed to rotate, yet one
//!   partner recorded each of the last four check-ins, some of which the
//!   rota gave to the other;
//! - `one-partner-carries`: one partner recorded five or more of the last
//!   six check-ins and wrote all the preparation for them.
//!
//! Every rule looks at where things stand now (the runs end at the newest
//! check-in). Explanations use names, numbers, dates and the agreement's
//! own clauses only; nothing a partner wrote in a record (what got in the
//! way, wins, notes) is ever quoted.

mod trigger;
mod words;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::checkin::{Outcome, Status, consecutive_misses, step};
use crate::metrics::{Past, zone};
use crate::model::{Agreement, Facilitation, PartyId, filled};
use crate::review::quote;

pub use trigger::{
    FILLER, Triggers, UncheckedTrigger, WellbeingTrigger, read_trigger, read_triggers,
};

use words::{count, dates};

pub use words::percent;
pub(crate) use words::{count as count_word, percent as percent_word};

/// Consecutive check-ins with a missed commitment that raise a signal.
pub const MISSES_IN_A_ROW: u32 = 3;
/// Recent check-ins with something reviewed, over which the kept rate is taken.
pub const RECENT_REVIEWED: usize = 4;
/// A kept rate under this over [`RECENT_REVIEWED`] check-ins raises a signal.
pub const LOW_KEPT_RATE: f64 = 0.5;
/// Missed check-ins in a row that raise a signal.
pub const CHECKINS_MISSED: usize = 2;
/// Recorded check-ins without any commitment reviewed that raise a signal.
pub const SUPPORT_ONLY: usize = 3;
/// Recorded check-ins looked at for facilitation that does not rotate.
pub const ROTATION_WINDOW: usize = 4;
/// Recorded check-ins looked at for one partner carrying the work.
pub const CARRY_WINDOW: usize = 6;
/// Check-ins of [`CARRY_WINDOW`] recorded by one partner that count as carrying.
pub const CARRY_RECORDED: usize = 5;

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    /// A partner's well-being score is at the worrying end and staying there.
    WellbeingFalling,
    /// Check-ins are not happening.
    CheckinsMissed,
    /// A partner keeps missing commitments.
    RepeatedMisses,
    /// Check-ins no longer review commitments.
    DriftToSupport,
    /// Facilitation agreed to rotate does not.
    FacilitationStuck,
    /// One partner does the recording and the preparation.
    OnePartnerCarries,
}

impl SignalKind {
    /// Every kind, most pressing first: the order signals are listed in.
    pub const ALL: [SignalKind; 6] = [
        Self::WellbeingFalling,
        Self::CheckinsMissed,
        Self::RepeatedMisses,
        Self::DriftToSupport,
        Self::FacilitationStuck,
        Self::OnePartnerCarries,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::WellbeingFalling => "wellbeing-falling",
            Self::CheckinsMissed => "checkins-missed",
            Self::RepeatedMisses => "repeated-misses",
            Self::DriftToSupport => "drift-to-support",
            Self::FacilitationStuck => "facilitation-stuck",
            Self::OnePartnerCarries => "one-partner-carries",
        }
    }
}

/// One early warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// What it is about.
    pub kind: SignalKind,
    /// The partner it is about; `None` when it is about both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyId>,
    /// What was seen, with names, numbers and dates.
    pub explanation: String,
    /// What to do about it.
    pub action: String,
    /// Whether it is a reason to recalibrate before the agreed date.
    pub proposes_recalibration: bool,
    /// The check-in where the pattern began.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
}

/// The signals of a version, and which triggers Accord checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signals {
    /// The warnings, most pressing kind first.
    pub signals: Vec<Signal>,
    /// The triggers, sorted into those checked and those left to the
    /// partners.
    pub triggers: Triggers,
}

impl Signals {
    /// Whether any signal suggests recalibrating early.
    pub fn propose_recalibration(&self) -> bool {
        self.signals.iter().any(|s| s.proposes_recalibration)
    }
}

/// The signals raised by `past` (the version's check-ins, oldest first).
pub fn signals(agreement: &Agreement, past: &[Past<'_>]) -> Signals {
    let cx = Cx {
        a: agreement,
        tz: zone(agreement),
        recorded: past.iter().filter(|p| p.is_recorded()).collect(),
    };
    let triggers = read_triggers(agreement);
    let mut out = Vec::new();
    for t in &triggers.checked {
        wellbeing(&cx, t, &mut out);
    }
    checkins_missed(&cx, past, &mut out);
    for p in &agreement.parties {
        repeated_misses(&cx, &p.id, &mut out);
    }
    drift_to_support(&cx, &mut out);
    facilitation_stuck(&cx, &mut out);
    one_partner_carries(&cx, &mut out);
    // Stable: within a kind, the order of triggers and parties stays.
    out.sort_by_key(|s| SignalKind::ALL.iter().position(|k| *k == s.kind));
    Signals {
        signals: out,
        triggers,
    }
}

/// What every rule reads.
struct Cx<'a, 'r> {
    a: &'a Agreement,
    tz: TimeZone,
    /// The recorded check-ins, oldest first.
    recorded: Vec<&'a Past<'r>>,
}

impl Cx<'_, '_> {
    fn name(&self, id: &PartyId) -> String {
        self.a
            .party(id)
            .map_or_else(|| id.to_string(), |p| p.short_name().to_owned())
    }

    /// The other partner of a two-party agreement.
    fn other(&self, id: &PartyId) -> Option<&PartyId> {
        self.a.parties.iter().map(|p| &p.id).find(|p| *p != id)
    }

    fn dates(&self, ps: &[&Past<'_>]) -> String {
        let ats: Vec<Timestamp> = ps.iter().map(|p| p.at).collect();
        dates(&self.tz, &ats)
    }

    /// The newest `n` recorded check-ins, oldest first; `None` when there
    /// are fewer.
    fn last_recorded(&self, n: usize) -> Option<&[&Past<'_>]> {
        let len = self.recorded.len();
        (len >= n).then(|| &self.recorded[len - n..])
    }

    /// `what` to do early: "… instead of waiting for 11 May", or with a
    /// note that no date is set.
    fn early(&self, what: &str) -> String {
        match self.a.recalibration.as_ref().and_then(|r| r.date) {
            Some(date) => {
                let d = date.get();
                format!(
                    "{what} instead of waiting for {} {}",
                    d.day(),
                    d.strftime("%B")
                )
            }
            None => format!("{what}; the agreement has no recalibration date yet"),
        }
    }
}

fn wellbeing(cx: &Cx<'_, '_>, t: &WellbeingTrigger, out: &mut Vec<Signal>) {
    for party in &cx.a.parties {
        if t.party.as_ref().is_some_and(|p| p != &party.id) {
            continue;
        }
        let run: Vec<&Past<'_>> = cx
            .recorded
            .iter()
            .rev()
            .take_while(|p| {
                p.report(&party.id)
                    .and_then(|r| r.score(t.indicator))
                    .is_some_and(|s| t.matches(s))
            })
            .copied()
            .collect();
        if run.len() < usize::try_from(t.in_a_row).unwrap_or(usize::MAX) {
            continue;
        }
        let run: Vec<&Past<'_>> = run.into_iter().rev().collect();
        let name = cx.name(&party.id);
        let indicator = t.indicator.as_str();
        let mut explanation = format!(
            "{name}'s {indicator} was {} out of 5 at the last {} check-ins ({}).",
            t.band(),
            count(run.len()),
            cx.dates(&run)
        );
        if let Some(text) = &t.text {
            explanation.push_str(&format!(
                " Your agreement names this as a reason to recalibrate early: {}",
                quoted(text)
            ));
        }
        let talk = if crate::metrics::high_is_bad(t.indicator) {
            format!(
                "Talk about {name}'s load at the next check-in, before commitments: what can wait or come off the list for the next two weeks?"
            )
        } else {
            format!(
                "Ask {name} at the next check-in what is wearing down their {indicator}, and make the next commitments lighter until it recovers."
            )
        };
        let plan =
            cx.a.recalibration
                .as_ref()
                .and_then(|r| filled(&r.if_one_struggles))
                .map(|p| format!(" You agreed a plan for this: {}", quoted(p)))
                .unwrap_or_default();
        out.push(Signal {
            kind: SignalKind::WellbeingFalling,
            party: Some(party.id.clone()),
            explanation,
            action: format!(
                "{talk}{plan} If it stays this way, {}.",
                cx.early("consider bringing the recalibration forward")
            ),
            proposes_recalibration: true,
            since: run.first().map(|p| p.at),
        });
    }
}

fn checkins_missed(cx: &Cx<'_, '_>, past: &[Past<'_>], out: &mut Vec<Signal>) {
    let run: Vec<&Past<'_>> = past
        .iter()
        .rev()
        .filter(|p| matches!(p.status, Status::Recorded | Status::Missed))
        .take_while(|p| p.status == Status::Missed)
        .collect();
    if run.len() < CHECKINS_MISSED {
        return;
    }
    let run: Vec<&Past<'_>> = run.into_iter().rev().collect();
    let agreed = cx
        .a
        .cadence()
        .and_then(|c| filled(&c.missed_checkin))
        .map_or_else(
            || {
                "Agree now what happens when a check-in is missed, and write it into the agreement."
                    .to_owned()
            },
            |m| format!("Do what you agreed for a missed check-in: {}", quoted(m)),
        );
    out.push(Signal {
        kind: SignalKind::CheckinsMissed,
        party: None,
        explanation: format!(
            "Neither of you recorded the last {} check-ins ({}).",
            count(run.len()),
            cx.dates(&run)
        ),
        action: format!(
            "{agreed} Then ask each other whether the day, time and format still fit your weeks; if they do not, change them at an early recalibration rather than letting the agreement fade."
        ),
        proposes_recalibration: true,
        since: run.first().map(|p| p.at),
    });
}

fn repeated_misses(cx: &Cx<'_, '_>, id: &PartyId, out: &mut Vec<Signal>) {
    let name = cx.name(id);
    let records = cx.recorded.iter().filter_map(|p| p.record);
    let misses = consecutive_misses(records, id);
    // The check-ins with something reviewed for this party, newest first.
    let reviewed: Vec<&Past<'_>> = cx
        .recorded
        .iter()
        .rev()
        .filter(|p| p.report(id).is_some_and(|r| !r.reviewed.is_empty()))
        .copied()
        .collect();
    if misses >= MISSES_IN_A_ROW {
        let run: Vec<&Past<'_>> = reviewed
            .iter()
            .take(usize::try_from(misses).unwrap_or(usize::MAX))
            .rev()
            .copied()
            .collect();
        let ladder = match step(&cx.a.consequences, misses) {
            Some(c) => format!(
                "Your agreed response for {} misses in a row: {}",
                count(usize::try_from(misses).unwrap_or(usize::MAX)),
                quoted(&c.response)
            ),
            None => "Your consequence ladder has no step for this yet; decide together what happens now, and add it to the agreement.".into(),
        };
        out.push(Signal {
            kind: SignalKind::RepeatedMisses,
            party: Some(id.clone()),
            explanation: format!(
                "{name} missed at least one commitment at each of the last {} check-ins ({}).",
                count(run.len()),
                cx.dates(&run)
            ),
            action: format!(
                "{ladder} Then look at the size of {name}'s commitments together: a smaller one that gets kept does more than a bigger one that does not. If the goal itself no longer fits, {}.",
                cx.early("renegotiate it at an early recalibration")
            ),
            proposes_recalibration: true,
            since: run.first().map(|p| p.at),
        });
        return;
    }
    if reviewed.len() < RECENT_REVIEWED {
        return;
    }
    let window: Vec<&Past<'_>> = reviewed[..RECENT_REVIEWED].iter().rev().copied().collect();
    let outcomes: Vec<Outcome> = window
        .iter()
        .filter_map(|p| p.report(id))
        .flat_map(|r| r.reviewed.iter().map(|x| x.outcome))
        .collect();
    let n = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    let (kept, partly) = (n(Outcome::Kept), n(Outcome::PartlyKept));
    let rate = crate::metrics::kept_rate(
        u32::try_from(kept).unwrap_or(u32::MAX),
        u32::try_from(partly).unwrap_or(u32::MAX),
        u32::try_from(n(Outcome::Missed)).unwrap_or(u32::MAX),
    );
    let Some(rate) = rate.filter(|r| *r < LOW_KEPT_RATE) else {
        return;
    };
    let partly_words = if partly > 0 {
        format!(", partly kept {partly}")
    } else {
        String::new()
    };
    out.push(Signal {
        kind: SignalKind::RepeatedMisses,
        party: Some(id.clone()),
        explanation: format!(
            "Over the last {} check-ins ({}), {name} kept {kept}{partly_words} of {} commitments: {} when partly kept counts as half.",
            count(window.len()),
            cx.dates(&window),
            outcomes.len(),
            percent(rate)
        ),
        action: format!(
            "Before making new commitments, ask {name} what got in the way most often, and make the next ones fewer or smaller. If the goal itself no longer fits, {}.",
            cx.early("renegotiate it at an early recalibration")
        ),
        proposes_recalibration: true,
        since: window.first().map(|p| p.at),
    });
}

fn drift_to_support(cx: &Cx<'_, '_>, out: &mut Vec<Signal>) {
    let Some(last) = cx.last_recorded(SUPPORT_ONLY) else {
        return;
    };
    let nothing_reviewed = last.iter().all(|p| {
        p.record
            .is_some_and(|r| r.reports.iter().all(|rep| rep.reviewed.is_empty()))
    });
    if !nothing_reviewed {
        return;
    }
    out.push(Signal {
        kind: SignalKind::DriftToSupport,
        party: None,
        explanation: format!(
            "None of the last {} check-ins ({}) reviewed a commitment: they were about support only.",
            count(last.len()),
            cx.dates(last)
        ),
        action: "Open the next check-in with each of your commitments from last time, kept or not, before anything else, and each leave with at least one commitment for the coming period. If your agenda does not start there, change it at the recalibration.".into(),
        proposes_recalibration: true,
        since: last.first().map(|p| p.at),
    });
}

fn facilitation_stuck(cx: &Cx<'_, '_>, out: &mut Vec<Signal>) {
    let rotating =
        cx.a.cadence()
            .is_some_and(|c| c.facilitation == Some(Facilitation::Rotating));
    let Some(last) = cx.last_recorded(ROTATION_WINDOW).filter(|_| rotating) else {
        return;
    };
    let Some(recorder) = last[0].recorded_by.as_ref() else {
        return;
    };
    if !last
        .iter()
        .all(|p| p.recorded_by.as_ref() == Some(recorder))
    {
        return;
    }
    let others: Vec<&PartyId> = last
        .iter()
        .filter_map(|p| p.facilitator.as_ref())
        .filter(|f| *f != recorder)
        .collect();
    let Some(other) = others.first() else {
        return;
    };
    let (name, other) = (cx.name(recorder), cx.name(other));
    out.push(Signal {
        kind: SignalKind::FacilitationStuck,
        party: Some(recorder.clone()),
        explanation: format!(
            "{name} recorded each of the last {} check-ins ({}), though you agreed to take turns: the rota gave {} of them to {other}.",
            count(last.len()),
            cx.dates(last),
            count(others.len())
        ),
        action: format!(
            "Let {other} lead and record the next check-in. If taking turns does not suit you, agree on one facilitator at the recalibration and write that into the agreement instead."
        ),
        proposes_recalibration: true,
        since: last.first().map(|p| p.at),
    });
}

fn one_partner_carries(cx: &Cx<'_, '_>, out: &mut Vec<Signal>) {
    let Some(last) = cx.last_recorded(CARRY_WINDOW) else {
        return;
    };
    let Some(prepared) = last
        .iter()
        .map(|p| p.prepared_by.as_deref())
        .collect::<Option<Vec<&[PartyId]>>>()
    else {
        return;
    };
    for party in &cx.a.parties {
        let id = &party.id;
        let recorded = last
            .iter()
            .filter(|p| p.recorded_by.as_ref() == Some(id))
            .count();
        let wrote_some = prepared.iter().any(|by| by.contains(id));
        let others_wrote = prepared.iter().any(|by| by.iter().any(|p| p != id));
        if recorded < CARRY_RECORDED || !wrote_some || others_wrote {
            continue;
        }
        let name = cx.name(id);
        let other = cx
            .other(id)
            .map_or_else(|| "the other partner".to_owned(), |o| cx.name(o));
        out.push(Signal {
            kind: SignalKind::OnePartnerCarries,
            party: Some(id.clone()),
            explanation: format!(
                "{name} recorded {} of the last {} check-ins ({}) and wrote all of the preparation for them; {other} prepared for none.",
                count(recorded),
                count(last.len()),
                cx.dates(last)
            ),
            action: format!(
                "Ask {other} to prepare for and record the next two check-ins. If the effort stays this uneven, compare your commitment levels and hours again at the recalibration."
            ),
            proposes_recalibration: false,
            since: last.first().map(|p| p.at),
        });
    }
}

/// The agreement's own words in quotes, ending the sentence: a full stop
/// follows unless the quoted words end with their own.
fn quoted(text: &str) -> String {
    let stop = if text.trim_end().ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    format!("{}{stop}", quote(text))
}

#[cfg(test)]
mod tests;
