//! Conformance cases for a partnership's history read as one snapshot, and
//! its change count: every change to what the agreement in force is built
//! from counts (on both databases, by triggers); a draft save or a note
//! does not.

use accord_store::{NewCheckin, NewNote, NewPause, PartnershipId, Role, Store};

use crate::common::{at, invite, signed_pair, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    every_change_to_the_history_counts_and_nothing_else(store).await;
    the_history_is_what_the_single_reads_return(store).await;
}

async fn changes<S: Store + ?Sized>(store: &S, p: &PartnershipId) -> i64 {
    let listed = store
        .partnership(p)
        .await
        .unwrap()
        .expect("partnership")
        .changes;
    let read = store.history(p).await.unwrap().expect("history").changes;
    assert_eq!(listed, read, "the partnership and its history agree");
    listed
}

async fn every_change_to_the_history_counts_and_nothing_else<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let mut last = changes(store, &p.id).await;
    let grew = |last: &mut i64, now: i64, what: &str| {
        assert!(now > *last, "{what} counts as a change ({last} -> {now})");
        *last = now;
    };

    // A draft save is not history.
    let revision = store
        .save_draft(&p.id, 1, "format = 1\n", at(40))
        .await
        .unwrap();
    assert_eq!(
        changes(store, &p.id).await,
        last,
        "a draft save does not count"
    );

    store
        .sign_draft(&p.id, revision, &maya.id, at(50))
        .await
        .unwrap();
    grew(&mut last, changes(store, &p.id).await, "a signature");
    store
        .sign_draft(&p.id, revision, &jonas.id, at(50))
        .await
        .unwrap();
    grew(
        &mut last,
        changes(store, &p.id).await,
        "the second signature",
    );

    let pause = store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: "2030-01-01",
            last_day: "2030-01-07",
            reason: "holiday",
            proposed_by: &maya.id,
            now: at(60),
        })
        .await
        .unwrap();
    grew(&mut last, changes(store, &p.id).await, "a proposed pause");
    store
        .agree_pause(&p.id, &pause.id, &jonas.id, at(61))
        .await
        .unwrap();
    grew(&mut last, changes(store, &p.id).await, "an agreed pause");

    let checkin = NewCheckin {
        partnership: &p.id,
        occurrence: at(1_000),
        version: 2,
        record: r#"{"reviews":[]}"#,
        recorded_by: &maya.id,
        note: None,
        consequences: &[],
        notifications: &[],
        link: None,
        now: at(1_001),
    };
    store.record_checkin(&checkin).await.unwrap();
    grew(
        &mut last,
        changes(store, &p.id).await,
        "a recorded check-in",
    );

    // A note is read on its own page, never from the history.
    store
        .add_note(&NewNote {
            partnership: &p.id,
            occurrence: at(1_000),
            author: &jonas.id,
            private: false,
            body: "well done",
            now: at(1_002),
        })
        .await
        .unwrap();
    assert_eq!(changes(store, &p.id).await, last, "a note does not count");

    let coach = user(store, "Coach").await;
    let (token, _) = invite(store, &p.id, Role::Coach, &maya.id, 1_000_000).await;
    store
        .accept_invitation(&token, &coach.id, at(90))
        .await
        .unwrap();
    grew(&mut last, changes(store, &p.id).await, "a new member");

    // Another partnership's history is its own.
    let (other, _, _) = signed_pair(store).await;
    let before = changes(store, &p.id).await;
    store.sign_draft(&other.id, 1, &maya.id, at(70)).await.ok();
    assert_eq!(changes(store, &p.id).await, before);
    assert!(
        store
            .history(&PartnershipId::random())
            .await
            .unwrap()
            .is_none()
    );
}

async fn the_history_is_what_the_single_reads_return<S: Store + ?Sized>(store: &S) {
    let (p, maya, _) = signed_pair(store).await;
    store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: "2030-02-01",
            last_day: "2030-02-03",
            reason: "move",
            proposed_by: &maya.id,
            now: at(80),
        })
        .await
        .unwrap();
    let history = store.history(&p.id).await.unwrap().expect("history");
    assert_eq!(history.versions, store.versions(&p.id).await.unwrap());
    assert_eq!(history.members, store.members(&p.id).await.unwrap());
    assert_eq!(history.pauses, store.pauses(&p.id).await.unwrap());
    assert_eq!(history.checkins, store.checkins(&p.id).await.unwrap());
    assert_eq!(
        history.changes,
        store.partnership(&p.id).await.unwrap().unwrap().changes
    );
}
