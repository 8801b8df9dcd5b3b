//! Recording a check-in and saving preparation: the checks, the ladder,
//! the recap and its notifications, then one store transaction.

use accord_core::checkin::{
    self, CheckinRecord, Fired, MAX_TEXT, Recap, Status, evaluate, expected_commitments,
};
use accord_core::schedule::{Occurrence, Schedule};
use accord_store::{
    Checkin, ConsequenceKind, Keyed, LinkId, NewCheckin, NewConsequence, NewPreparation, NoteBody,
    StoreError, UserId,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::notify::{self, Message, Payload};
use super::{Entry, InForce};
use crate::error::AppError;
use crate::state::AppState;

/// What recording a check-in did.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The stored record.
    pub entry: Entry,
    /// The ladder steps that fired.
    pub fired: Vec<Fired>,
    /// The recap sent to both partners.
    pub recap: Recap,
}

/// The occurrence at `at` and its schedule, or why there is none.
pub fn occurrence(inforce: &InForce, at: Timestamp) -> Result<(&Schedule, Occurrence), AppError> {
    let schedule = inforce.schedule.as_ref().map_err(|u| {
        AppError::Conflict(format!(
            "The agreement in force has no check-in schedule yet ({u}). Add it to the draft and sign a new version."
        ))
    })?;
    let occ = schedule.occurrence_at(at).ok_or(AppError::NotFound)?;
    Ok((schedule, occ))
}

/// Why a check-in cannot be written now, if it cannot.
pub fn closed_because(inforce: &InForce, occ: &Occurrence, now: Timestamp) -> Option<String> {
    let schedule = inforce.schedule.as_ref().ok()?;
    match inforce.status(occ, now) {
        Status::Open => None,
        Status::Upcoming => Some(format!(
            "This check-in opens for recording at {}, an hour before it starts.",
            checkin::when(
                &occ.at()
                    .checked_sub(checkin::OPENS_BEFORE)
                    .unwrap_or(occ.at())
                    .to_zoned(schedule.time_zone().clone())
            )
        )),
        Status::Recorded => Some("This check-in has been recorded already.".into()),
        Status::Missed => Some(format!(
            "This check-in can no longer be recorded: its window closed at {}.",
            checkin::when(
                &checkin::grace_end(schedule, occ).to_zoned(schedule.time_zone().clone())
            )
        )),
        Status::Paused => Some("This check-in falls in an agreed pause: nothing is due.".into()),
    }
}

/// The next check-in after `occ` that is not paused.
pub fn next_after(schedule: &Schedule, inforce: &InForce, occ: &Occurrence) -> Option<Occurrence> {
    let mut at = occ.at().checked_add(SignedDuration::from_secs(1)).ok()?;
    for _ in 0..520 {
        let next = schedule.next_after(at);
        if !schedule.paused(next.at(), &inforce.pauses) {
            return Some(next);
        }
        at = next.at().checked_add(SignedDuration::from_secs(1)).ok()?;
    }
    None
}

impl Recorded {
    /// What recording did, from the check-in stored.
    fn of(stored: &Checkin, record: CheckinRecord, fired: Vec<Fired>, recap: Recap) -> Self {
        Self {
            entry: Entry {
                occurrence: stored.occurrence,
                version: stored.version,
                record,
                recorded_by: stored.recorded_by.clone(),
                recorded_at: stored.recorded_at,
            },
            fired,
            recap,
        }
    }
}

/// Records the check-in at `at` for the partnership, written by `by`
/// (under an idempotency key, from the API, answered from what recording
/// did).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    state: &AppState,
    inforce: &InForce,
    by: &UserId,
    at: Timestamp,
    record: CheckinRecord,
    note: Option<(bool, String)>,
    link: Option<&LinkId>,
    keyed: Option<Keyed<Recorded>>,
) -> Result<Recorded, AppError> {
    let now = state.clock.now();
    let (schedule, occ) = occurrence(inforce, at)?;
    if let Some(why) = closed_because(inforce, &occ, now) {
        return Err(AppError::Conflict(why));
    }
    let record = record.tidy();
    let history = inforce.before(at);
    let expected = expected_commitments(&inforce.agreement, history.last());
    checkin::check(&inforce.agreement, &expected, &record).map_err(AppError::InvalidCheckin)?;
    let note = note
        .map(|(private, body)| (private, body.trim().to_owned()))
        .filter(|(_, body)| !body.is_empty());
    if note
        .as_ref()
        .is_some_and(|(_, b)| b.chars().count() > MAX_TEXT)
    {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note under {MAX_TEXT} characters."),
        ));
    }
    let fired = evaluate(&inforce.agreement, &history, &record);
    let next = next_after(schedule, inforce, &occ);
    let recap = checkin::recap(
        &inforce.agreement,
        &occ.start,
        &record,
        &fired,
        next.as_ref().map(|o| &o.start),
    );
    let link_url = format!(
        "{}/p/{}/checkins/{}",
        state.settings.base_url,
        inforce.id,
        at.as_millisecond()
    );
    let payload = Payload {
        subject: recap.subject(),
        text: recap.text(),
        link: Some(link_url),
        version: Some(inforce.version.number),
        occurrence: Some(at.as_millisecond()),
        checkin_link: false,
        event: json!({
            "kind": "recap",
            "partnership": inforce.id.to_string(),
            "checkin": occ.start.timestamp().to_string(),
            "fired": fired.iter().map(|f| json!({
                "party": f.party.as_str(), "misses": f.misses, "response": f.response,
            })).collect::<Vec<_>>(),
        }),
    };
    let partners: Vec<_> = inforce.partners().collect();
    let key = format!("recap:{}", at.as_millisecond());
    let notifications = notify::rows(
        state,
        &partners,
        &Message {
            partnership: &inforce.id,
            kind: "recap",
            key: &key,
            due_at: now,
            payload: &payload,
        },
    )
    .await?;
    let consequences: Vec<NewConsequence<'_>> = fired
        .iter()
        .map(|f| NewConsequence {
            occurrence: at,
            kind: ConsequenceKind::Ladder,
            party: Some(f.party.as_str()),
            misses: Some(i64::from(f.misses)),
            response: &f.response,
        })
        .collect();
    let json = serde_json::to_string(&record).map_err(AppError::internal)?;
    let keyed = keyed.map(|k| {
        let (record, fired, recap) = (record.clone(), fired.clone(), recap.clone());
        k.map(move |c: &Checkin| Recorded::of(c, record.clone(), fired.clone(), recap.clone()))
    });
    let stored = state
        .store
        .record_checkin_keyed(
            &NewCheckin {
                partnership: &inforce.id,
                occurrence: at,
                version: inforce.version.number,
                record: &json,
                recorded_by: by,
                note: note.as_ref().map(|(private, body)| NoteBody {
                    private: *private,
                    body,
                }),
                consequences: &consequences,
                notifications: &notifications,
                link,
                now,
            },
            keyed.as_ref(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(
                "This check-in was recorded a moment ago by your partner; nothing was changed."
                    .into(),
            ),
            other => other.into(),
        })?;
    Ok(Recorded::of(&stored, record, fired, recap))
}

/// The three preparation answers.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct Answers {
    /// What I committed to.
    #[serde(default)]
    pub committed: String,
    /// What happened.
    #[serde(default)]
    pub happened: String,
    /// What I want from my partner today.
    #[serde(default)]
    pub want: String,
}

/// Saves a partner's preparation for the check-in at `at`.
pub async fn prepare(
    state: &AppState,
    inforce: &InForce,
    user: &UserId,
    at: Timestamp,
    answers: &Answers,
    link: Option<&LinkId>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let (_, occ) = occurrence(inforce, at)?;
    match inforce.status(&occ, now) {
        Status::Upcoming | Status::Open => {}
        _ => {
            return Err(AppError::Conflict(
                closed_because(inforce, &occ, now)
                    .unwrap_or_else(|| "This check-in is over.".into()),
            ));
        }
    }
    for (field, text, what) in [
        ("committed", &answers.committed, "what you committed to"),
        ("happened", &answers.happened, "what happened"),
        (
            "want",
            &answers.want,
            "what you want from your partner today",
        ),
    ] {
        if text.trim().is_empty() {
            return Err(AppError::invalid(
                field,
                format!("Write {what}, even in a few words."),
            ));
        }
        if text.chars().count() > MAX_TEXT {
            return Err(AppError::invalid(
                field,
                format!("Keep it under {MAX_TEXT} characters."),
            ));
        }
    }
    state
        .store
        .save_preparation(&NewPreparation {
            partnership: &inforce.id,
            occurrence: at,
            user,
            committed: answers.committed.trim(),
            happened: answers.happened.trim(),
            want: answers.want.trim(),
            link,
            now,
        })
        .await?;
    Ok(())
}
