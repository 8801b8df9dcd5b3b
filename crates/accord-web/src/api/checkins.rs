//! Check-ins over the API: the schedule of the agreement in force with
//! where each check-in stands, one check-in with everything the caller may
//! see of it, preparing for it, recording it (with the consequence ladder
//! and the recap), notes, and the consequence log.
//!
//! The work is done by `crate::running`, as for the pages: the same checks,
//! the same ladder, the same single transaction. A check-in is named in a
//! path by its start, as an RFC 3339 instant or in unix milliseconds.

mod convert;
pub mod types;

use std::sync::Arc;

use accord_core::checkin::{MAX_TEXT, OPENS_BEFORE, Status, expected_commitments, grace_end};
use accord_core::schedule::{Occurrence, Schedule};
use accord_store::{NewNote, Note};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use utoipa::IntoParams;

use super::docs::{Forbidden, Invalid, NotFound, TooLarge, Unauthenticated};
use super::idempotency::{IdempotencyKey, idempotent, to_value};
use super::support::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::partnerships::access::{self, Access};
use crate::running::{self, InForce, Recorded};
use crate::state::AppState;
use convert::{consequence_info, note_info, occurrence_info, preparation_info, stored_checkin};
use types::{
    CheckinDetail, CheckinList, CheckinRecord, ConsequenceInfo, ExpectedCommitments, FiredStep,
    NoteInfo, NoteInput, PreparationInfo, PreparationInput, RecordRequest, RecordedCheckin,
};

/// How far back the list starts by default.
const DEFAULT_BACK: SignedDuration = SignedDuration::from_hours(4 * 7 * 24);
/// How far ahead the list reaches by default.
const DEFAULT_AHEAD: SignedDuration = SignedDuration::from_hours(8 * 7 * 24);
/// The longest range the list answers.
const MAX_RANGE: SignedDuration = SignedDuration::from_hours(731 * 24);

/// Refuses a coach: only partners prepare, record, write notes and
/// propose, agree to or withdraw pauses.
pub(super) fn require_partner(access: &Access) -> Result<(), AppError> {
    if access.is_partner() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the two partners prepare for, record and add notes to check-ins, and propose, \
             agree to or withdraw pauses; a coach reads them."
                .into(),
        ))
    }
}

/// The partnership's agreement in force, or 409 when there is none yet.
pub(super) async fn in_force(state: &AppState, access: &Access) -> Result<Arc<InForce>, AppError> {
    running::load(state, &access.partnership)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "There is no agreement in force yet: check-ins and pauses start once both \
                 partners have signed a version."
                    .into(),
            )
        })
}

/// The schedule of the agreement in force, or 409 saying what it lacks.
fn schedule_of(inforce: &InForce) -> Result<&Schedule, AppError> {
    inforce.schedule.as_ref().map_err(|u| {
        AppError::Conflict(format!(
            "The agreement in force has no check-in schedule yet ({u}). Add it to the draft \
             and sign a new version."
        ))
    })
}

/// An instant written as RFC 3339 (`2026-11-24T07:00:00Z`,
/// `2026-11-24T08:00:00+01:00`) or as unix milliseconds. A `+` that a
/// query string turned into a space is read as `+`.
pub fn parse_instant(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .ok()
            .and_then(|ms| Timestamp::from_millisecond(ms).ok());
    }
    text.parse::<Timestamp>()
        .or_else(|_| text.replace(' ', "+").parse::<Timestamp>())
        .ok()
}

/// The check-in named in a path: 404 when `at` is not one of the schedule's
/// check-ins, 409 when there is no schedule.
fn occurrence_at(inforce: &InForce, at: &str) -> Result<Occurrence, AppError> {
    let at = parse_instant(at).ok_or(AppError::NotFound)?;
    running::occurrence(inforce, at).map(|(_, occ)| occ)
}

/// The range of check-ins to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// From this instant (inclusive): RFC 3339 (encode `+` as `%2B`) or
    /// unix milliseconds. Default: four weeks ago, or when the version in
    /// force was signed if that is later.
    pub from: Option<String>,
    /// To this instant (exclusive), at most two years after `from`.
    /// Default: eight weeks from now (or from `from`, if that is later).
    pub to: Option<String>,
}

/// One end of the range, or 422 naming it.
fn range_end(field: &'static str, text: &str) -> Result<Timestamp, AppError> {
    parse_instant(text).ok_or_else(|| {
        AppError::invalid(
            field,
            format!(
                "Write `{field}` as an RFC 3339 instant (2026-11-24T07:00:00Z) or in unix \
                 milliseconds."
            ),
        )
    })
}

/// The check-ins of the agreement in force in a range, with where each
/// stands.
///
/// Any member. Check-ins are counted from the signing of the version in
/// force; none come before it.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/checkins", tag = "checkins",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id."), Range),
    responses(
        (status = 200, description = "The check-ins in the range.", body = CheckinList),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "No version is in force yet, or it has no check-in schedule (`conflict`, with the reason).", body = ErrorBody),
        (status = 422, response = Invalid),
    ),
)]
pub async fn list_checkins(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(range): ApiQuery<Range>,
) -> Result<Json<CheckinList>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let inforce = in_force(&state, &access).await?;
    let schedule = schedule_of(&inforce)?;
    let now = state.clock.now();
    let from = match range.from.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => range_end("from", text)?,
        None => now
            .checked_sub(DEFAULT_BACK)
            .unwrap_or(now)
            .max(schedule.from()),
    };
    let to = match range.to.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => range_end("to", text)?,
        None => now.max(from).checked_add(DEFAULT_AHEAD).unwrap_or(now),
    };
    if to < from {
        return Err(AppError::invalid("to", "`to` comes before `from`: swap them.").into());
    }
    if to.duration_since(from) > MAX_RANGE {
        return Err(
            AppError::invalid("to", "Ask for at most two years of check-ins at a time.").into(),
        );
    }
    let occurrences = schedule
        .between(from, to)
        .iter()
        .map(|o| occurrence_info(&inforce, o, now))
        .collect();
    Ok(Json(CheckinList {
        version: inforce.version.number,
        timezone: schedule.zone_name().to_owned(),
        from,
        to,
        occurrences,
    }))
}

/// One check-in: when, the agenda, the commitments due for review,
/// preparation, the record, the agreed responses that fired, and notes.
///
/// Any member. A partner sees their own preparation, and their partner's
/// once the check-in is open (or over); a coach sees no preparation. Notes
/// are the shared ones and the caller's own private ones.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/checkins/{at}", tag = "checkins",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("at" = String, Path, description = "The check-in's start: an RFC 3339 instant (`2026-11-24T07:00:00Z`) or unix milliseconds."),
    ),
    responses(
        (status = 200, description = "The check-in.", body = CheckinDetail),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such partnership for the caller, or `at` is not one of its check-ins (`not_found`).", body = ErrorBody),
        (status = 409, description = "No version is in force yet, or it has no check-in schedule (`conflict`).", body = ErrorBody),
    ),
)]
pub async fn get_checkin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, at)): ApiPath<(String, String)>,
) -> Result<Json<CheckinDetail>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let inforce = in_force(&state, &access).await?;
    let occ = occurrence_at(&inforce, &at)?;
    let schedule = schedule_of(&inforce)?;
    let (at, now) = (occ.at(), state.clock.now());
    let agreement = &inforce.agreement;
    let history = inforce.before(at);
    let expected = expected_commitments(agreement, history.last())
        .into_iter()
        .map(|(party, commitments)| ExpectedCommitments {
            name: agreement.name_of(&party).to_owned(),
            party: party.to_string(),
            commitments,
        })
        .collect();
    let partners_visible = matches!(
        inforce.status(&occ, now),
        Status::Open | Status::Recorded | Status::Missed
    );
    let mut preparations: Vec<PreparationInfo> = if access.is_partner() {
        state
            .store
            .preparations(&inforce.id, at)
            .await?
            .into_iter()
            .filter(|p| {
                p.user == user.id
                    || (partners_visible && inforce.partners().any(|m| m.user_id == p.user))
            })
            .map(|p| preparation_info(&inforce, p))
            .collect()
    } else {
        Vec::new()
    };
    // In the agreement's party order.
    let place = |p: &PreparationInfo| {
        agreement
            .parties
            .iter()
            .position(|x| Some(x.id.as_str()) == p.party.as_deref())
    };
    preparations.sort_by_key(|p| (place(p).is_none(), place(p)));
    let consequences = state
        .store
        .consequence_log(&inforce.id)
        .await?
        .into_iter()
        .filter(|c| c.occurrence == at)
        .map(consequence_info)
        .collect();
    let notes = state
        .store
        .notes(&inforce.id, at, &user.id)
        .await?
        .into_iter()
        .map(|n| note_info(&inforce.members, n))
        .collect();
    Ok(Json(CheckinDetail {
        occurrence: occurrence_info(&inforce, &occ, now),
        version: inforce.version.number,
        timezone: schedule.zone_name().to_owned(),
        opens_at: at.checked_sub(OPENS_BEFORE).unwrap_or(at),
        closes_at: grace_end(schedule, &occ),
        agenda: agreement.agenda_items().to_vec(),
        expected,
        preparations,
        record: inforce
            .entry(at)
            .map(|e| stored_checkin(&inforce.members, e)),
        consequences,
        notes,
    }))
}

/// Saves the caller's preparation for a check-in.
///
/// Partners only, until the check-in is recorded or its window closes.
/// Saving again replaces the answers. The partner sees them once the
/// check-in opens.
#[utoipa::path(
    put, path = "/api/v1/partnerships/{id}/checkins/{at}/preparation", tag = "checkins",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("at" = String, Path, description = "The check-in's start: an RFC 3339 instant or unix milliseconds."),
    ),
    request_body = PreparationInput,
    responses(
        (status = 200, description = "Saved; the answers as stored.", body = PreparationInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "The check-in is recorded, missed or paused, or there is no schedule (`conflict`, with the reason).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn put_preparation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, at)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<PreparationInput>,
) -> Result<Json<PreparationInfo>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let inforce = in_force(&state, &access).await?;
    let at = occurrence_at(&inforce, &at)?.at();
    let answers = running::Answers {
        committed: input.committed,
        happened: input.happened,
        want: input.want,
    };
    running::prepare(&state, &inforce, &user.id, at, &answers, None).await?;
    let saved = state
        .store
        .preparations(&inforce.id, at)
        .await?
        .into_iter()
        .find(|p| p.user == user.id)
        .ok_or_else(|| AppError::internal("a saved preparation could not be read back"))?;
    Ok(Json(preparation_info(&inforce, saved)))
}

/// Records a check-in.
///
/// Partners only (usually the facilitator, with both present), from an
/// hour before the check-in starts until its window closes; one record per
/// check-in. Every commitment due (`expected` in the check-in) is marked,
/// in order; partly kept and missed ones say what got in the way. A party
/// who missed a commitment gets the agreed step of the consequence ladder
/// for their run of misses; the answer and the consequence log list it,
/// and the recap goes to both partners. An incomplete record is refused
/// with every problem under `problems`, each naming its field
/// (`reports[0].win`). With an `Idempotency-Key`, a retry returns the first
/// answer and records nothing; the same key with another body is refused.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/checkins/{at}", tag = "checkins",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("at" = String, Path, description = "The check-in's start: an RFC 3339 instant or unix milliseconds."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key with the same body returns the first answer (`Idempotent-Replayed: true`) and records nothing; with another body it is refused (422, field `Idempotency-Key`)."),
    ),
    request_body = RecordRequest,
    responses(
        (status = 201, description = "Recorded: the stored record, the ladder steps that fired, and the recap.", body = RecordedCheckin),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "The check-in is not open yet, recorded already, missed or paused; or there is no schedule (`conflict`, with the reason).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, description = "The record is incomplete (`invalid`, every problem under `problems` with its `field`), the body does not fit, or the Idempotency-Key was used with another body.", body = ErrorBody,
            example = json!({"error": "invalid", "message": "2 things to fix before this check-in can be saved; the first: Write Maya's one win, however small.", "field": "reports[0].win", "problems": [{"message": "Write Maya's one win, however small.", "field": "reports[0].win"}, {"message": "Write Jonas's one concrete next step.", "field": "reports[1].next_step"}]})),
    ),
)]
pub async fn record_checkin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, at)): ApiPath<(String, String)>,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<RecordRequest>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let inforce = in_force(&state, &access).await?;
    let at = occurrence_at(&inforce, &at)?.at();
    let keying = key
        .scoped(format!(
            "POST /api/v1/partnerships/{}/checkins/{}",
            inforce.id,
            at.as_millisecond()
        ))
        .body(&input)?;
    let members = inforce.members.clone();
    let render = move |done: &Recorded| {
        let body = RecordedCheckin {
            checkin: stored_checkin(&members, &done.entry),
            fired: done
                .fired
                .iter()
                .map(|f| FiredStep {
                    party: f.party.to_string(),
                    misses: f.misses,
                    after_misses: f.after_misses,
                    response: f.response.clone(),
                })
                .collect(),
            recap: done.recap.text(),
        };
        Ok((StatusCode::CREATED, to_value(&body)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        let record = CheckinRecord {
            reports: input.reports,
        }
        .to_core()
        .map_err(AppError::InvalidCheckin)?;
        if let Some(note) = &input.note
            && note.text.trim().chars().count() > MAX_TEXT
        {
            return Err(AppError::invalid(
                "note.text",
                format!("Keep the note under {MAX_TEXT} characters."),
            )
            .into());
        }
        let note = input.note.map(|n| (n.private, n.text));
        let done =
            running::record(&state, &inforce, &user.id, at, record, note, None, keyed).await?;
        Ok(done)
    })
    .await
}

/// Adds a note to a recorded check-in.
///
/// Partners only. A private note is only ever shown to its author: not to
/// the partner, not to the coach, and never in the recap.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/checkins/{at}/notes", tag = "checkins",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("at" = String, Path, description = "The check-in's start: an RFC 3339 instant or unix milliseconds."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key with the same body returns the first answer and adds nothing."),
    ),
    request_body = NoteInput,
    responses(
        (status = 201, description = "Added.", body = NoteInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "The check-in is not recorded (yet), or there is no schedule (`conflict`).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn add_note(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, at)): ApiPath<(String, String)>,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let inforce = in_force(&state, &access).await?;
    let at = occurrence_at(&inforce, &at)?.at();
    if inforce.entry(at).is_none() {
        return Err(AppError::Conflict(
            "Notes go on a recorded check-in, and this one is not recorded.".into(),
        )
        .into());
    }
    let text = input.text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("text", "Write the note's text.").into());
    }
    if text.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            "text",
            format!("Keep the note under {MAX_TEXT} characters."),
        )
        .into());
    }
    let keying = key
        .scoped(format!(
            "POST /api/v1/partnerships/{}/checkins/{}/notes",
            inforce.id,
            at.as_millisecond()
        ))
        .body(&input)?;
    let members = inforce.members.clone();
    let render = move |note: &Note| {
        let info = note_info(&members, note.clone());
        Ok((StatusCode::CREATED, to_value(&info)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        let new = NewNote {
            partnership: &inforce.id,
            occurrence: at,
            author: &user.id,
            private: input.private,
            body: text,
            now: state.clock.now(),
        };
        Ok(state.store.add_note_keyed(&new, keyed.as_ref()).await?)
    })
    .await
}

/// The consequence log: every agreed response that fired, oldest check-in
/// first.
///
/// Any member. `ladder` entries are steps of a party's consequence ladder
/// after consecutive missed commitments; `missed-checkin` entries are the
/// agreed response to a check-in nobody recorded in time.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/consequences", tag = "checkins",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The log, by check-in, then time fired.", body = Vec<ConsequenceInfo>),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list_consequences(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ConsequenceInfo>>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let log = state.store.consequence_log(&access.partnership.id).await?;
    Ok(Json(log.into_iter().map(consequence_info).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_rfc_3339_or_unix_milliseconds() {
        let t: Timestamp = "2026-11-24T07:00:00Z".parse().unwrap_or_default();
        assert_eq!(parse_instant("2026-11-24T07:00:00Z"), Some(t));
        assert_eq!(parse_instant("2026-11-24T08:00:00+01:00"), Some(t));
        assert_eq!(parse_instant("2026-11-24T08:00:00 01:00"), Some(t));
        assert_eq!(parse_instant(&t.as_millisecond().to_string()), Some(t));
        assert_eq!(parse_instant("next tuesday"), None);
        assert_eq!(parse_instant(""), None);
    }
}
