//! What the check-in pages show of the stored things: a recorded check-in
//! per party, the agreed responses that fired, the recap, notes, and small
//! helpers for names and times in the agreement's zone.

use accord_core::Agreement;
use accord_core::checkin::{self, CheckinRecord, Fired, Outcome, Recap};
use accord_core::model::PartyId;
use accord_store::{ConsequenceEntry, ConsequenceKind, Member, Note, UserId};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::running::{self, InForce};

/// A moment in words in the agreement's zone (UTC without a schedule).
pub fn when_in(inforce: &InForce, at: Timestamp) -> String {
    checkin::when(&at.to_zoned(zone(inforce)))
}

/// The agreement's zone, or UTC when it names none.
pub fn zone(inforce: &InForce) -> TimeZone {
    match &inforce.schedule {
        Ok(s) => s.time_zone().clone(),
        Err(_) => inforce
            .agreement
            .timezone
            .as_ref()
            .and_then(|z| jiff::tz::db().get(z.as_str()).ok())
            .unwrap_or(TimeZone::UTC),
    }
}

/// A member's name, or a neutral phrase for someone who left.
pub fn member_name(members: &[Member], user: &UserId) -> String {
    members
        .iter()
        .find(|m| &m.user_id == user)
        .map_or_else(|| "a former member".to_owned(), |m| m.name.clone())
}

/// The first word of a name, for sentences.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Who facilitates, from the viewer's side.
pub fn facilitator(agreement: &Agreement, who: Option<&PartyId>, me: Option<&PartyId>) -> String {
    match who {
        None => "The agreement does not say who facilitates.".to_owned(),
        Some(p) if Some(p) == me => "You facilitate.".to_owned(),
        Some(p) => format!("{} facilitates.", agreement.name_of(p)),
    }
}

/// One commitment, reviewed.
pub struct ReviewedView {
    /// The commitment.
    pub commitment: String,
    /// kept, partly-kept or missed (a CSS class).
    pub class: &'static str,
    /// "Kept", "Partly kept", "Missed".
    pub outcome: &'static str,
    /// What got in the way.
    pub obstacle: String,
}

/// One party's report, shown.
pub struct ReportView {
    /// The party's name.
    pub name: String,
    /// The commitments from last time.
    pub reviewed: Vec<ReviewedView>,
    /// (indicator with unit, value).
    pub indicators: Vec<(String, String)>,
    /// (boundary, note).
    pub slips: Vec<(String, String)>,
    /// (indicator, score).
    pub scores: Vec<(&'static str, u8)>,
    /// The win.
    pub win: String,
    /// The next period's commitments.
    pub next_commitments: Vec<String>,
    /// The next step.
    pub next_step: String,
}

/// A recorded check-in's reports, in the record's order.
pub fn reports(agreement: &Agreement, record: &CheckinRecord) -> Vec<ReportView> {
    record
        .reports
        .iter()
        .map(|r| ReportView {
            name: agreement.name_of(&r.party).to_owned(),
            reviewed: r
                .reviewed
                .iter()
                .map(|x| ReviewedView {
                    commitment: x.commitment.clone(),
                    class: x.outcome.as_str(),
                    outcome: match x.outcome {
                        Outcome::Kept => "Kept",
                        Outcome::PartlyKept => "Partly kept",
                        Outcome::Missed => "Missed",
                    },
                    obstacle: x.obstacle.clone().unwrap_or_default(),
                })
                .collect(),
            indicators: r
                .indicators
                .iter()
                .map(|v| {
                    let goal = agreement.goals.get(v.goal);
                    let label = goal
                        .and_then(|g| g.indicator.clone())
                        .unwrap_or_else(|| format!("Goal {}", v.goal.saturating_add(1)));
                    let unit = goal.and_then(|g| g.unit.as_deref()).unwrap_or("");
                    (label, format!("{} {unit}", v.value).trim().to_owned())
                })
                .collect(),
            slips: r
                .slips
                .iter()
                .map(|s| {
                    let rule = agreement.boundaries.get(s.boundary).map_or_else(
                        || format!("Boundary {}", s.boundary.saturating_add(1)),
                        |b| b.rule.clone(),
                    );
                    (rule, s.note.clone().unwrap_or_default())
                })
                .collect(),
            scores: r
                .wellbeing
                .iter()
                .map(|s| (s.indicator.as_str(), s.score))
                .collect(),
            win: r.win.clone(),
            next_commitments: r.next_commitments.clone(),
            next_step: r.next_step.clone(),
        })
        .collect()
}

/// The ladder steps logged at an occurrence, as the engine's [`Fired`].
pub fn fired_at(log: &[ConsequenceEntry], at: Timestamp) -> Vec<Fired> {
    log.iter()
        .filter(|e| e.occurrence == at && e.kind == ConsequenceKind::Ladder)
        .filter_map(|e| {
            let misses = u32::try_from(e.misses.unwrap_or(1)).unwrap_or(1);
            Some(Fired {
                party: PartyId::parse(e.party.as_deref()?).ok()?,
                misses,
                after_misses: misses,
                response: e.response.clone(),
            })
        })
        .collect()
}

/// The agreed responses due at an occurrence, as sentences ("Maya, a
/// miss. As agreed: …"), ladder steps first, then a missed check-in.
pub fn as_agreed(inforce: &InForce, log: &[ConsequenceEntry], at: Timestamp) -> Vec<String> {
    let a = &inforce.agreement;
    let mut out: Vec<String> = fired_at(log, at)
        .iter()
        .map(|f| {
            let who = a
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
    out.extend(
        log.iter()
            .filter(|e| e.occurrence == at && e.kind == ConsequenceKind::MissedCheckin)
            .map(|e| {
                format!(
                    "Nobody recorded this check-in in time. As agreed: {}",
                    e.response
                )
            }),
    );
    out
}

/// The recap of the check-in recorded at `at`, rebuilt as it was sent.
pub fn recap_of(inforce: &InForce, log: &[ConsequenceEntry], at: Timestamp) -> Option<Recap> {
    let entry = inforce.entry(at)?;
    let fired = fired_at(log, at);
    let occ = inforce
        .schedule
        .as_ref()
        .ok()
        .and_then(|s| Some((s, s.occurrence_at(at)?)));
    let held = occ
        .as_ref()
        .map_or_else(|| at.to_zoned(zone(inforce)), |(_, o)| o.start.clone());
    let next = occ.and_then(|(s, o)| running::next_after(s, inforce, &o));
    Some(checkin::recap(
        &inforce.agreement,
        &held,
        &entry.record,
        &fired,
        next.as_ref().map(|o| &o.start),
    ))
}

/// A note, shown.
pub struct NoteView {
    /// Who wrote it.
    pub author: String,
    /// Whether only its author sees it.
    pub private: bool,
    /// The text.
    pub body: String,
    /// When it was written.
    pub when: String,
}

/// The notes a viewer may read (the store keeps others' private notes
/// out).
pub fn notes(inforce: &InForce, notes: Vec<Note>) -> Vec<NoteView> {
    notes
        .into_iter()
        .map(|n| NoteView {
            author: member_name(&inforce.members, &n.author),
            private: n.private,
            when: when_in(inforce, n.created_at),
            body: n.body,
        })
        .collect()
}
