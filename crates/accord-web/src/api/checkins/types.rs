//! The JSON shapes of the check-in API, with their OpenAPI schemas (the
//! engine's types, `accord_core::checkin`, know nothing of OpenAPI): the
//! record sent and read back mirrors `CheckinRecord` field for field, so a
//! record posted here reads the same in the file format's terms, and
//! problems name the same paths (`reports[0].win`). [`super::convert`]
//! converts.

use accord_core::checkin::Status;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a check-in stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckinStatus {
    /// Not open for recording yet (it opens an hour before its start).
    Upcoming,
    /// Can be recorded now: from an hour before its start until 48 hours
    /// after it, or the next check-in's start if that is sooner.
    Open,
    /// Recorded.
    Recorded,
    /// Nobody recorded it within its window.
    Missed,
    /// It falls in a pause both partners agreed to: nothing is due.
    Paused,
}

impl From<Status> for CheckinStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Upcoming => Self::Upcoming,
            Status::Open => Self::Open,
            Status::Recorded => Self::Recorded,
            Status::Missed => Self::Missed,
            Status::Paused => Self::Paused,
        }
    }
}

/// How a commitment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Done as agreed.
    Kept,
    /// Partly done: say what got in the way.
    PartlyKept,
    /// Not done: say what got in the way.
    Missed,
}

/// A well-being indicator the agreement may track (`[wellbeing] track`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WellbeingIndicator {
    /// Stress (high is bad).
    Stress,
    /// Sleep quality.
    Sleep,
    /// Energy, or appetite for work.
    Energy,
    /// Mood.
    Mood,
}

/// One commitment from the last check-in, reviewed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewedCommitment {
    /// The commitment, exactly as it was made (as listed under `expected`
    /// in the check-in).
    pub commitment: String,
    /// How it went.
    pub outcome: Outcome,
    /// What got in the way: required when partly kept or missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacle: Option<String>,
}

/// Where a goal's indicator stands today.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorReading {
    /// The goal's position in the agreement's `goal` list, from 0; it must
    /// be one of this party's goals with an `indicator`.
    pub goal: usize,
    /// The value.
    #[schema(example = 6)]
    pub value: f64,
}

/// A boundary of this party that slipped since the last check-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundarySlip {
    /// The boundary's position in the agreement's `boundary` list, from 0.
    pub boundary: usize,
    /// What happened, briefly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One well-being score.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WellbeingScore {
    /// Which indicator: one the agreement tracks.
    pub indicator: WellbeingIndicator,
    /// 1 (low) to 5 (high).
    #[schema(minimum = 1, maximum = 5, example = 3)]
    pub score: u8,
}

/// What one party reports at a check-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyReport {
    /// The party's id in the agreement (`maya`).
    #[schema(example = "maya")]
    pub party: String,
    /// Every commitment due for review (the check-in's `expected` list for
    /// this party), in order, each marked.
    #[serde(default)]
    pub reviewed: Vec<ReviewedCommitment>,
    /// Indicator values for the party's goals that have an indicator.
    #[serde(default)]
    pub indicators: Vec<IndicatorReading>,
    /// The party's boundaries that slipped.
    #[serde(default)]
    pub slips: Vec<BoundarySlip>,
    /// One score for each indicator the agreement tracks.
    #[serde(default)]
    pub wellbeing: Vec<WellbeingScore>,
    /// One win, however small (required).
    #[serde(default)]
    pub win: String,
    /// The commitments for the next period (1 to 12): what the next
    /// check-in reviews.
    #[serde(default)]
    pub next_commitments: Vec<String>,
    /// One concrete next step (required).
    #[serde(default)]
    pub next_step: String,
}

/// A check-in record: one report per party, in the agreement's party
/// order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinRecord {
    /// One report per party.
    #[serde(default)]
    pub reports: Vec<PartyReport>,
}

/// A check-in to record, with an optional note by the recorder.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// One report per party, in the agreement's party order.
    #[serde(default)]
    pub reports: Vec<PartyReport>,
    /// A note by the recorder, stored with the check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<NoteInput>,
}

/// A note on a recorded check-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// The text (up to 2000 characters).
    pub text: String,
    /// `true`: only its author ever sees it (not the partner, not the
    /// coach). `false` (the default): every member sees it.
    #[serde(default)]
    pub private: bool,
}

/// One check-in of the schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OccurrenceInfo {
    /// Its start as an RFC 3339 instant in UTC: the check-in's identity,
    /// used in its path (as is, or as unix milliseconds).
    #[schema(value_type = String, format = DateTime, example = "2026-11-24T07:00:00Z")]
    pub at: Timestamp,
    /// Its start in the agreement's zone, with the offset and the zone's
    /// name.
    #[schema(example = "2026-11-24T08:00:00+01:00[Europe/Berlin]")]
    pub local: String,
    /// When it ends (RFC 3339, UTC), when the agreement gives its length.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends: Option<Timestamp>,
    /// Its place in the series: 0 for the first after the version in force
    /// was signed.
    pub number: u32,
    /// The party who facilitates it, when the agreement says who does.
    #[schema(example = "maya")]
    pub facilitator: Option<String>,
    /// Where it stands now.
    pub status: CheckinStatus,
}

/// The agreed step of the consequence ladder that fired for a party.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiredStep {
    /// Whose miss.
    pub party: String,
    /// Consecutive check-ins with a missed commitment, this one included.
    pub misses: u32,
    /// The threshold of the step that applies (the highest with
    /// `after_misses` ≤ `misses`).
    pub after_misses: u32,
    /// The agreed response, as written in the agreement.
    pub response: String,
}

/// A recorded check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredCheckin {
    /// The check-in's start (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The number of the version in force when it was recorded.
    pub version: i64,
    /// The account id of the partner who recorded it.
    #[schema(format = "uuid")]
    pub recorded_by: String,
    /// Their name.
    pub recorded_by_name: String,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// What was recorded, as stored (text trimmed, empty commitments and
    /// obstacles dropped).
    pub record: CheckinRecord,
}

/// The answer to recording a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedCheckin {
    /// The stored check-in.
    #[serde(flatten)]
    pub checkin: StoredCheckin,
    /// The steps of the consequence ladder that fired (also in the
    /// consequence log).
    pub fired: Vec<FiredStep>,
    /// The recap sent to both partners, as plain text.
    pub recap: String,
}

/// The commitments a party reviews at a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpectedCommitments {
    /// The party's id.
    pub party: String,
    /// The party's name.
    pub name: String,
    /// What they committed to at the last recorded check-in (before the
    /// first: the actions of their goals), in order: the `reviewed` list
    /// of their report marks each of them.
    pub commitments: Vec<String>,
}

/// The answers to `PUT …/preparation`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreparationInput {
    /// What I committed to (required, up to 2000 characters).
    #[serde(default)]
    pub committed: String,
    /// What happened (required).
    #[serde(default)]
    pub happened: String,
    /// What I want from my partner today (required).
    #[serde(default)]
    pub want: String,
}

/// One person's preparation for a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreparationInfo {
    /// Their account id.
    #[schema(format = "uuid")]
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// Their party in the agreement, if they are one.
    pub party: Option<String>,
    /// What they committed to.
    pub committed: String,
    /// What happened.
    pub happened: String,
    /// What they want from their partner today.
    pub want: String,
    /// When they last saved it.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// An entry of the consequence log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsequenceInfo {
    /// The check-in it belongs to (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `ladder` (a step after a party's consecutive misses) or
    /// `missed-checkin` (nobody recorded the check-in in time).
    #[schema(example = "ladder")]
    pub kind: String,
    /// The party it applies to (a ladder step).
    pub party: Option<String>,
    /// The consecutive misses that triggered it (a ladder step).
    pub misses: Option<i64>,
    /// The agreed response, as written in the agreement.
    pub response: String,
    /// When it was logged.
    #[schema(value_type = String, format = DateTime)]
    pub fired_at: Timestamp,
}

/// A note on a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteInfo {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// The author's account id.
    #[schema(format = "uuid")]
    pub author: String,
    /// The author's name.
    pub author_name: String,
    /// Whether only its author sees it.
    pub private: bool,
    /// The text.
    pub text: String,
    /// When it was written.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// The check-ins in a range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinList {
    /// The number of the version in force.
    pub version: i64,
    /// The agreement's time zone (IANA name).
    #[schema(example = "Europe/Berlin")]
    pub timezone: String,
    /// The start of the range (inclusive).
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    /// The end of the range (exclusive).
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    /// The check-ins that start in the range, in order.
    pub occurrences: Vec<OccurrenceInfo>,
}

/// One check-in, as the caller may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinDetail {
    /// The check-in.
    pub occurrence: OccurrenceInfo,
    /// The number of the version in force.
    pub version: i64,
    /// The agreement's time zone (IANA name).
    pub timezone: String,
    /// When it can be recorded from (an hour before its start).
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: Timestamp,
    /// When its window closes: unrecorded then, it is missed.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// The agreed agenda.
    pub agenda: Vec<String>,
    /// The commitments each party reviews at it.
    pub expected: Vec<ExpectedCommitments>,
    /// Preparation, in the agreement's party order: the caller's own; the
    /// partner's once the check-in is open (or over); none for a coach.
    pub preparations: Vec<PreparationInfo>,
    /// The record, once recorded.
    pub record: Option<StoredCheckin>,
    /// The consequence-log entries that fired at it.
    pub consequences: Vec<ConsequenceInfo>,
    /// The notes the caller may read: every shared note and their own
    /// private ones.
    pub notes: Vec<NoteInfo>,
}
