//! One check-in's page, for a partner or the coach, logged in or through a
//! reminder's link: the header (when, who facilitates, where it stands),
//! the agreed agenda as the running order, preparation, the check-in form
//! while it is open, and once recorded the record, the agreed responses
//! that fired, the recap and the notes.
//!
//! Who sees what:
//!
//! - a partner's own preparation is theirs to edit until the check-in is
//!   over; the other partner's answers are shown once the check-in opens
//!   (before, only whether they have prepared);
//! - the coach never sees preparations: they are written by one partner
//!   for the other ("what do I want from my partner today?"), and what the
//!   check-in shares with the coach is its record;
//! - notes: shared ones and the viewer's own private ones, never anyone
//!   else's private ones (the store filters them);
//! - forms only for partners, and only while they can be used.

use accord_core::checkin::{self, Recap, Status, expected_commitments};
use accord_store::Role;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::form::Errors;
use super::form_view::{self, RecordForm, TextField};
use super::view::{self, NoteView, ReportView, first_name, member_name, when_in};
use super::{Subject, Viewer};
use crate::editor::form::Submitted;
use crate::error::AppError;
use crate::running::{self, Answers};
use crate::state::AppState;
use crate::views::Chrome;

/// What a page shows besides the stored state: a message, and a refused
/// form as it was typed.
#[derive(Debug, Default)]
pub struct Shown {
    /// The status to answer with (200 when `None`).
    pub status: Option<StatusCode>,
    /// Good news ("saved").
    pub notice: Option<String>,
    /// Why something could not be done.
    pub problem: Option<String>,
    /// A refused preparation: the answers typed, the field and the message.
    pub prep: Option<(Answers, String, String)>,
    /// A refused check-in form: what was typed, messages by input.
    pub record: Option<(Submitted, Errors)>,
    /// A refused note: the text, whether private, the message.
    pub note: Option<(String, bool, String)>,
    /// The page's link was used just now: no more forms through it.
    pub link_used: bool,
}

impl Shown {
    /// The page with 409 and why.
    pub fn conflict(message: String) -> Self {
        Self {
            status: Some(StatusCode::CONFLICT),
            problem: Some(message),
            ..Self::default()
        }
    }
}

/// Someone's preparation, shown.
pub struct PrepAnswers {
    /// Whose ("You" for the viewer).
    pub name: String,
    /// What they committed to.
    pub committed: String,
    /// What happened.
    pub happened: String,
    /// What they want from their partner today.
    pub want: String,
}

/// The note form.
pub struct NoteForm {
    /// The text.
    pub body: TextField,
    /// Whether "private" is ticked.
    pub private: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "checkin.html")]
struct CheckinPage {
    chrome: Chrome,
    id: String,
    title: String,
    logged_in: bool,
    through_link: Option<String>,
    when: String,
    facilitator: String,
    status: &'static str,
    status_text: String,
    notice: Option<String>,
    problem: Option<String>,
    agenda: Vec<String>,
    coach: bool,
    prep_form: Option<Vec<TextField>>,
    prep_shown: Vec<PrepAnswers>,
    prep_lines: Vec<String>,
    action: String,
    form: Option<RecordForm>,
    record: Vec<ReportView>,
    as_agreed: Vec<String>,
    recap: Option<Recap>,
    notes: Vec<NoteView>,
    note_form: Option<NoteForm>,
}

/// The three preparation prompts: (input name, label).
const PROMPTS: [(&str, &str); 3] = [
    ("committed", "What did I commit to?"),
    ("happened", "What happened?"),
    ("want", "What do I want from my partner today?"),
];

/// Renders the page of `subject` for `viewer`.
pub async fn render(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    shown: Shown,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let inforce = &subject.inforce;
    let agreement = &inforce.agreement;
    let at = subject.at();
    let status = inforce.status(&subject.occ, now);
    let me = inforce.party_of(&viewer.user);
    let partner = viewer.role == Role::Partner && !shown.link_used;
    let log = state.store.consequence_log(&inforce.id).await?;
    let entry = inforce.entry(at);

    let status_text = match (status, entry) {
        (Status::Open, _) => format!(
            "Open: record it during or after the check-in, until {}.",
            inforce.schedule.as_ref().map_or_else(
                |_| String::new(),
                |s| when_in(inforce, checkin::grace_end(s, &subject.occ))
            )
        ),
        (Status::Recorded, Some(e)) => format!(
            "Recorded by {}, {}.",
            member_name(&inforce.members, &e.recorded_by),
            when_in(inforce, e.recorded_at)
        ),
        _ => running::closed_because(inforce, &subject.occ, now).unwrap_or_default(),
    };

    // Preparation.
    let opened = now >= at.checked_sub(checkin::OPENS_BEFORE).unwrap_or(at);
    let preparations = if viewer.role == Role::Partner {
        state.store.preparations(&inforce.id, at).await?
    } else {
        Vec::new()
    };
    let own = preparations.iter().find(|p| p.user == viewer.user);
    let expected = expected_commitments(agreement, inforce.before(at).last());
    let editable = partner && matches!(status, Status::Upcoming | Status::Open);
    let mut prep_shown = Vec::new();
    let mut prep_lines = Vec::new();
    let prep_form = if editable {
        let (typed, field, message) = match shown.prep {
            Some((answers, field, message)) => (Some(answers), field, Some(message)),
            None => (None, String::new(), None),
        };
        let answers = typed.unwrap_or_else(|| match own {
            Some(p) => Answers {
                committed: p.committed.clone(),
                happened: p.happened.clone(),
                want: p.want.clone(),
            },
            None => Answers {
                committed: me
                    .and_then(|p| expected.iter().find(|(q, _)| q == p))
                    .map(|(_, list)| list.join("\n"))
                    .unwrap_or_default(),
                ..Answers::default()
            },
        });
        let values = [answers.committed, answers.happened, answers.want];
        Some(
            PROMPTS
                .iter()
                .zip(values)
                .map(|((name, label), value)| TextField {
                    name: (*name).to_owned(),
                    label: (*label).to_owned(),
                    value,
                    error: (field == *name).then(|| message.clone()).flatten(),
                })
                .collect(),
        )
    } else {
        match own {
            Some(p) => prep_shown.push(PrepAnswers {
                name: "You".into(),
                committed: p.committed.clone(),
                happened: p.happened.clone(),
                want: p.want.clone(),
            }),
            None if viewer.role == Role::Partner => {
                prep_lines.push("You did not prepare for this check-in.".into());
            }
            None => {}
        }
        None
    };
    if viewer.role == Role::Partner {
        for m in inforce.partners().filter(|m| m.user_id != viewer.user) {
            let theirs = preparations.iter().find(|p| p.user == m.user_id);
            let name = first_name(&m.name);
            match (theirs, opened) {
                (Some(p), true) => prep_shown.push(PrepAnswers {
                    name: m.name.clone(),
                    committed: p.committed.clone(),
                    happened: p.happened.clone(),
                    want: p.want.clone(),
                }),
                (Some(_), false) => prep_lines.push(format!(
                    "{name} has prepared; you will see the answers when the check-in opens."
                )),
                (None, _) if matches!(status, Status::Upcoming | Status::Open) => {
                    prep_lines.push(format!("{name} has not prepared yet."));
                }
                (None, _) => prep_lines.push(format!("{name} did not prepare.")),
            }
        }
    }

    // The form, while it is open.
    let form = (partner && status == Status::Open).then(|| {
        let (submitted, errors) = match &shown.record {
            Some((s, e)) => (Some(s), e.clone()),
            None => (None, Errors::new()),
        };
        form_view::view(agreement, &expected, me, submitted, errors)
    });

    // The record and what came with it.
    let notes = match entry {
        Some(_) => view::notes(
            inforce,
            state.store.notes(&inforce.id, at, &viewer.user).await?,
        ),
        None => Vec::new(),
    };
    let note_form = (entry.is_some() && partner && viewer.link.is_none()).then(|| {
        let (body, private, error) = match shown.note {
            Some((b, p, e)) => (b, p, Some(e)),
            None => (String::new(), false, None),
        };
        NoteForm {
            body: TextField {
                name: "body".into(),
                label: "Add a note".into(),
                value: body,
                error,
            },
            private,
        }
    });
    let through_link = viewer.link.as_ref().map(|_| {
        let name = member_name(&inforce.members, &viewer.user);
        if shown.link_used {
            format!(
                "You are {name}. This link has now been used: to change anything or add a note, log in."
            )
        } else {
            format!(
                "You are {name}, here through the link in your reminder. The link works once: for one form."
            )
        }
    });
    let page = CheckinPage {
        chrome: viewer.chrome.clone(),
        id: inforce.id.to_string(),
        title: subject.title.clone(),
        logged_in: viewer.link.is_none(),
        through_link,
        when: checkin::when(&subject.occ.start),
        facilitator: view::facilitator(agreement, subject.occ.facilitator.as_ref(), me),
        status: status.as_str(),
        status_text,
        notice: shown.notice,
        problem: shown.problem,
        agenda: agreement
            .agenda
            .as_ref()
            .map(|a| a.items.clone())
            .unwrap_or_default(),
        coach: viewer.role == Role::Coach,
        prep_form,
        prep_shown,
        prep_lines,
        action: viewer.action.clone(),
        form,
        record: entry.map_or_else(Vec::new, |e| view::reports(agreement, &e.record)),
        as_agreed: view::as_agreed(inforce, &log, at),
        recap: view::recap_of(inforce, &log, at),
        notes,
        note_form,
    };
    Ok((shown.status.unwrap_or(StatusCode::OK), page).into_response())
}
