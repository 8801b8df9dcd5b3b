//! Conformance cases for an agreement in use: recording check-ins (all or
//! nothing, with their links), notes and their privacy, the consequence log
//! and missed check-ins.
//!
//! Outbox rows enqueued here are due around [`DUE`], a stretch of time no
//! outbox case claims in before draining it.

use accord_store::{
    ConsequenceEntry, ConsequenceKind, LinkId, LinkProblem, NewCheckin, NewConsequence, NewNote,
    NoteBody, PartnershipId, Role, Store, StoreError, UserId,
};

use crate::common::{
    at, in_outbox, invite, is_link_problem, notification, pair, signed_pair, user,
};

/// When the outbox rows made here are due.
const DUE: i64 = 5_000_000_000;
use crate::preparation::{MONDAY, NEXT_MONDAY, link};

pub async fn run<S: Store + ?Sized>(store: &S) {
    recording_a_checkin_writes_everything(store).await;
    a_second_checkin_writes_nothing(store).await;
    a_checkin_with_a_bad_link_writes_nothing(store).await;
    notes_need_a_checkin_and_stay_private(store).await;
    the_consequence_log_is_ordered(store).await;
    missed_checkins_are_logged_once(store).await;
}

/// A check-in at `occurrence` recorded by `by`, with nothing attached.
fn checkin<'a>(partnership: &'a PartnershipId, occurrence: i64, by: &'a UserId) -> NewCheckin<'a> {
    NewCheckin {
        partnership,
        occurrence: at(occurrence),
        version: 1,
        record: r#"{"reviews":[{"party":"Maya","status":"kept"}]}"#,
        recorded_by: by,
        note: None,
        consequences: &[],
        notifications: &[],
        link: None,
        now: at(occurrence + 60_000),
    }
}

async fn recording_a_checkin_writes_everything<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let id = link(store, &p.id, MONDAY, &maya.id, MONDAY + 100_000).await;
    let recap = notification(Some(&p.id), DUE);
    let consequences = [NewConsequence {
        occurrence: at(MONDAY),
        kind: ConsequenceKind::Ladder,
        party: Some("Jonas"),
        misses: Some(2),
        response: "Jonas buys the coffee",
    }];
    let notifications = [recap.clone()];
    let mut new = checkin(&p.id, MONDAY, &maya.id);
    new.note = Some(NoteBody {
        private: false,
        body: "good call",
    });
    new.consequences = &consequences;
    new.notifications = &notifications;
    new.link = Some(&id);
    let recorded = store.record_checkin(&new).await.unwrap();
    assert_eq!(recorded.occurrence, at(MONDAY));
    assert_eq!(recorded.version, 1);
    assert_eq!(recorded.record, new.record);
    assert_eq!(recorded.recorded_by, maya.id);
    assert_eq!(recorded.recorded_at, at(MONDAY + 60_000));
    assert_eq!(
        store.checkin(&p.id, at(MONDAY)).await.unwrap(),
        Some(recorded.clone())
    );
    assert_eq!(store.checkin(&p.id, at(NEXT_MONDAY)).await.unwrap(), None);

    // The note is the recorder's; the consequence fired now; the recap is
    // in the outbox; the link is used.
    let notes = store.notes(&p.id, at(MONDAY), &jonas.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (&notes[0].author, notes[0].private, notes[0].body.as_str()),
        (&maya.id, false, "good call")
    );
    assert_eq!(
        store.consequence_log(&p.id).await.unwrap(),
        vec![ConsequenceEntry {
            occurrence: at(MONDAY),
            kind: ConsequenceKind::Ladder,
            party: Some("Jonas".to_owned()),
            misses: Some(2),
            response: "Jonas buys the coffee".to_owned(),
            fired_at: at(MONDAY + 60_000),
        }]
    );
    assert!(in_outbox(store, &recap).await);
    assert_eq!(
        store.checkin_link(&id).await.unwrap().unwrap().used_at,
        Some(at(MONDAY + 60_000))
    );

    // Listed oldest first, whatever the order of recording.
    let earlier = store
        .record_checkin(&checkin(&p.id, MONDAY - 500_000, &jonas.id))
        .await
        .unwrap();
    let later = store
        .record_checkin(&checkin(&p.id, NEXT_MONDAY, &jonas.id))
        .await
        .unwrap();
    assert_eq!(
        store.checkins(&p.id).await.unwrap(),
        vec![earlier, recorded, later]
    );

    let unknown = store
        .record_checkin(&checkin(&PartnershipId::random(), MONDAY, &maya.id))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound("partnership"))),
        "{unknown:?}"
    );
    assert!(
        store
            .checkins(&PartnershipId::random())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Records at MONDAY for `p` with a note, a consequence and a recap, and
/// the given link; returns the result and the recap row.
async fn record_with_everything<S: Store + ?Sized>(
    store: &S,
    p: &PartnershipId,
    by: &UserId,
    link: Option<&LinkId>,
) -> (
    Result<accord_store::Checkin, StoreError>,
    accord_store::NewNotification,
) {
    let recap = notification(Some(p), DUE);
    let consequences = [NewConsequence {
        occurrence: at(MONDAY),
        kind: ConsequenceKind::Ladder,
        party: Some("Maya"),
        misses: Some(1),
        response: "Maya writes a plan",
    }];
    let notifications = [recap.clone()];
    let mut new = checkin(p, MONDAY, by);
    new.record = r#"{"second":true}"#;
    new.note = Some(NoteBody {
        private: false,
        body: "must not land",
    });
    new.consequences = &consequences;
    new.notifications = &notifications;
    new.link = link;
    new.now = at(MONDAY + 70_000);
    (store.record_checkin(&new).await, recap)
}

async fn a_second_checkin_writes_nothing<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let first = store
        .record_checkin(&checkin(&p.id, MONDAY, &maya.id))
        .await
        .unwrap();
    let id = link(store, &p.id, MONDAY, &jonas.id, MONDAY + 100_000).await;
    let (second, recap) = record_with_everything(store, &p.id, &jonas.id, Some(&id)).await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");

    assert_eq!(store.checkin(&p.id, at(MONDAY)).await.unwrap(), Some(first));
    assert!(
        store
            .notes(&p.id, at(MONDAY), &jonas.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.consequence_log(&p.id).await.unwrap().is_empty());
    assert!(!in_outbox(store, &recap).await);
    assert_eq!(
        store.checkin_link(&id).await.unwrap().unwrap().used_at,
        None
    );
}

async fn a_checkin_with_a_bad_link_writes_nothing<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    // Jonas's link, used by Maya: a mismatch.
    let id = link(store, &p.id, MONDAY, &jonas.id, MONDAY + 100_000).await;
    let (refused, recap) = record_with_everything(store, &p.id, &maya.id, Some(&id)).await;
    assert!(
        is_link_problem(&refused, LinkProblem::Unknown),
        "{refused:?}"
    );
    assert_eq!(store.checkin(&p.id, at(MONDAY)).await.unwrap(), None);
    assert!(store.consequence_log(&p.id).await.unwrap().is_empty());
    assert!(!in_outbox(store, &recap).await);

    // An expired one is refused the same way.
    let expired = link(store, &p.id, MONDAY, &maya.id, MONDAY + 70_000).await;
    let (refused, recap) = record_with_everything(store, &p.id, &maya.id, Some(&expired)).await;
    assert!(
        is_link_problem(&refused, LinkProblem::Expired),
        "{refused:?}"
    );
    assert!(store.checkins(&p.id).await.unwrap().is_empty());
    assert!(!in_outbox(store, &recap).await);

    // With the right link it all lands, and the link is used up.
    let (recorded, recap) = record_with_everything(store, &p.id, &jonas.id, Some(&id)).await;
    recorded.unwrap();
    assert!(in_outbox(store, &recap).await);
    assert_eq!(store.consequence_log(&p.id).await.unwrap().len(), 1);
    assert!(
        store
            .checkin_link(&id)
            .await
            .unwrap()
            .unwrap()
            .used_at
            .is_some()
    );
}

async fn notes_need_a_checkin_and_stay_private<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let coach = user(store, "Ana Ruiz").await;
    let (t, _) = invite(store, &p.id, Role::Coach, &maya.id, 1_000_000).await;
    store
        .accept_invitation(&t, &coach.id, at(40))
        .await
        .unwrap();

    fn note<'a>(
        partnership: &'a PartnershipId,
        author: &'a UserId,
        private: bool,
        body: &'a str,
        now: i64,
    ) -> NewNote<'a> {
        NewNote {
            partnership,
            occurrence: at(MONDAY),
            author,
            private,
            body,
            now: at(now),
        }
    }
    // No check-in yet.
    let early = store
        .add_note(&note(&p.id, &maya.id, false, "early", 1))
        .await;
    assert!(matches!(early, Err(StoreError::NotFound(_))), "{early:?}");

    store
        .record_checkin(&checkin(&p.id, MONDAY, &maya.id))
        .await
        .unwrap();
    let secret = store
        .add_note(&note(&p.id, &maya.id, true, "I nearly quit", 100))
        .await
        .unwrap();
    assert!(secret.private);
    assert_eq!(secret.author, maya.id);
    assert_eq!(secret.created_at, at(100));
    let shared = store
        .add_note(&note(&p.id, &maya.id, false, "well done both", 100))
        .await
        .unwrap();
    let his = store
        .add_note(&note(&p.id, &jonas.id, true, "ask about knees", 50))
        .await
        .unwrap();
    let unknown = store
        .add_note(&note(&p.id, &UserId::random(), false, "?", 1))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );

    // Oldest first; in one instant, in the order written.
    assert_eq!(
        store.notes(&p.id, at(MONDAY), &maya.id).await.unwrap(),
        vec![secret.clone(), shared.clone()]
    );
    assert_eq!(
        store.notes(&p.id, at(MONDAY), &jonas.id).await.unwrap(),
        vec![his.clone(), shared.clone()]
    );
    // The coach, and anyone else, sees shared notes only.
    assert_eq!(
        store.notes(&p.id, at(MONDAY), &coach.id).await.unwrap(),
        vec![shared.clone()]
    );
    assert_eq!(
        store
            .notes(&p.id, at(MONDAY), &UserId::random())
            .await
            .unwrap(),
        vec![shared]
    );
    assert!(
        store
            .notes(&p.id, at(NEXT_MONDAY), &maya.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_consequence_log_is_ordered<S: Store + ?Sized>(store: &S) {
    let (p, maya, _) = signed_pair(store).await;
    let step = |occurrence: i64, party: &'static str| NewConsequence {
        occurrence: at(occurrence),
        kind: ConsequenceKind::Ladder,
        party: Some(party),
        misses: Some(1),
        response: "a walk together",
    };
    // Recorded later, but for an earlier occurrence: listed first.
    let late = [step(NEXT_MONDAY, "Maya"), step(NEXT_MONDAY, "Jonas")];
    let mut new = checkin(&p.id, NEXT_MONDAY, &maya.id);
    new.consequences = &late;
    new.now = at(10_000_000);
    store.record_checkin(&new).await.unwrap();
    let early = [step(MONDAY, "Jonas")];
    let mut new = checkin(&p.id, MONDAY, &maya.id);
    new.consequences = &early;
    new.now = at(20_000_000);
    store.record_checkin(&new).await.unwrap();
    assert!(
        store
            .record_missed_checkin(
                &p.id,
                &NewConsequence {
                    occurrence: at(MONDAY - 500_000),
                    kind: ConsequenceKind::MissedCheckin,
                    party: None,
                    misses: None,
                    response: "we call the coach",
                },
                &[],
                at(30_000_000),
            )
            .await
            .unwrap()
    );

    let log = store.consequence_log(&p.id).await.unwrap();
    let order: Vec<(i64, ConsequenceKind, Option<&str>, i64)> = log
        .iter()
        .map(|e| {
            (
                e.occurrence.as_millisecond(),
                e.kind,
                e.party.as_deref(),
                e.fired_at.as_millisecond(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            (
                MONDAY - 500_000,
                ConsequenceKind::MissedCheckin,
                None,
                30_000_000
            ),
            (MONDAY, ConsequenceKind::Ladder, Some("Jonas"), 20_000_000),
            // Same occurrence and time: in the order logged.
            (
                NEXT_MONDAY,
                ConsequenceKind::Ladder,
                Some("Maya"),
                10_000_000
            ),
            (
                NEXT_MONDAY,
                ConsequenceKind::Ladder,
                Some("Jonas"),
                10_000_000
            ),
        ]
    );
    assert_eq!(log[0].misses, None);
    assert_eq!(log[0].response, "we call the coach");
    assert_eq!(ConsequenceKind::MissedCheckin.as_str(), "missed-checkin");
    assert_eq!(
        ConsequenceKind::parse("ladder"),
        Some(ConsequenceKind::Ladder)
    );
    assert_eq!(ConsequenceKind::parse("other"), None);
}

async fn missed_checkins_are_logged_once<S: Store + ?Sized>(store: &S) {
    let (p, maya, _) = signed_pair(store).await;
    // The kind given is overridden: it is logged as a missed check-in.
    let missed = |occurrence: i64| NewConsequence {
        occurrence: at(occurrence),
        kind: ConsequenceKind::Ladder,
        party: None,
        misses: None,
        response: "we call the coach",
    };
    let notice = notification(Some(&p.id), DUE);
    let logged = store
        .record_missed_checkin(
            &p.id,
            &missed(MONDAY),
            std::slice::from_ref(&notice),
            at(MONDAY + 100),
        )
        .await
        .unwrap();
    assert!(logged);
    assert!(in_outbox(store, &notice).await);
    let log = store.consequence_log(&p.id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, ConsequenceKind::MissedCheckin);
    assert_eq!(log[0].fired_at, at(MONDAY + 100));

    // Twice: nothing more, not even the notifications.
    let again = notification(Some(&p.id), DUE);
    assert!(
        !store
            .record_missed_checkin(
                &p.id,
                &missed(MONDAY),
                std::slice::from_ref(&again),
                at(MONDAY + 200),
            )
            .await
            .unwrap()
    );
    assert!(!in_outbox(store, &again).await);
    assert_eq!(store.consequence_log(&p.id).await.unwrap().len(), 1);

    // A recorded check-in is not missed.
    store
        .record_checkin(&checkin(&p.id, NEXT_MONDAY, &maya.id))
        .await
        .unwrap();
    let late = notification(Some(&p.id), DUE);
    assert!(
        !store
            .record_missed_checkin(
                &p.id,
                &missed(NEXT_MONDAY),
                std::slice::from_ref(&late),
                at(NEXT_MONDAY + 100),
            )
            .await
            .unwrap()
    );
    assert!(!in_outbox(store, &late).await);
    assert_eq!(store.consequence_log(&p.id).await.unwrap().len(), 1);

    // Another partnership's check-in at the same time is its own.
    let (other, _, _) = pair(store).await;
    assert!(
        store
            .record_missed_checkin(&other.id, &missed(MONDAY), &[], at(MONDAY + 100))
            .await
            .unwrap()
    );
    let unknown = store
        .record_missed_checkin(&PartnershipId::random(), &missed(MONDAY), &[], at(1))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
}
