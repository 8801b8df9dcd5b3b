//! Conformance cases for writes made under an idempotency key: the answer
//! is stored with the effect, a second write with the key writes nothing
//! and is given the first answer, a write that fails (or whose answer
//! cannot be made) leaves the key free, keys are per account, and every
//! keyed write of the store answers. [`race`] runs two stores on one
//! database at once.

use std::sync::Arc;

use accord_store::{
    Answer, Keyed, NewCheckin, NewNote, NewPartnership, NewPause, PauseId, Role, Store, StoreError,
    StoredResponse, UserId,
};
use tokio::task::JoinSet;

use crate::common::{at, pair, signed_pair, token, unique, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    the_answer_is_stored_with_the_effect(store).await;
    a_failed_write_leaves_the_key_free(store).await;
    every_keyed_write_answers(store).await;
    a_partner_joining_redrafts_in_the_same_transaction(store).await;
    answers_are_forgotten_after_a_day(store).await;
}

/// Housekeeping deletes an answer once it is 24 hours old; until then a
/// retry is answered, afterwards the key is free and the write runs anew.
async fn answers_are_forgotten_after_a_day<S: Store + ?Sized>(store: &S) {
    const DAY: i64 = 86_400_000;
    let maya = user(store, "Maya Chen").await;
    let key = format!("POST /api/v1/partnerships\n{}", unique("day"));
    let mut k = keyed(&maya.id, &key, 201);
    k.now = at(DAY);
    store
        .create_partnership_keyed(&new_partnership(&maya.id, "Kept a day"), Some(&k))
        .await
        .unwrap();
    store.housekeeping(at(2 * DAY), at(0)).await.unwrap();
    assert!(
        store
            .idempotent_response(&maya.id, &key)
            .await
            .unwrap()
            .is_some()
    );
    let again = store
        .create_partnership_keyed(&new_partnership(&maya.id, "Kept a day"), Some(&k))
        .await;
    assert!(matches!(again, Err(StoreError::Replay(_))), "{again:?}");

    store.housekeeping(at(2 * DAY + 1), at(0)).await.unwrap();
    assert_eq!(
        store.idempotent_response(&maya.id, &key).await.unwrap(),
        None
    );
    store
        .create_partnership_keyed(&new_partnership(&maya.id, "Kept a day"), Some(&k))
        .await
        .unwrap();
    assert_eq!(titled(store, &maya.id, "Kept a day").await, 2);
}

/// Accepting with a redraft: a partner's joining saves the new draft (one
/// revision on) in the same transaction, and the membership returned
/// holds it; a coach's joining, or a redraft with nothing to change,
/// leaves the draft alone.
async fn a_partner_joining_redrafts_in_the_same_transaction<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let ruth = user(store, "Ruth Coach").await;
    let p = crate::common::partnership(store, &maya.id, 10).await;
    let joined = |d: &str| Some(format!("{d}# Jonas joined\n"));
    let nothing = |_: &str| None;
    let (t, _) = crate::common::invite(store, &p.id, Role::Coach, &maya.id, 1_000_000).await;
    let m = store
        .accept_invitation_keyed(&t, &ruth.id, at(20), Some(&joined), None)
        .await
        .unwrap();
    assert_eq!(m.partnership.draft_revision, 1);
    let (t, _) = crate::common::invite(store, &p.id, Role::Partner, &maya.id, 1_000_000).await;
    let m = store
        .accept_invitation_keyed(&t, &jonas.id, at(30), Some(&joined), None)
        .await
        .unwrap();
    assert_eq!(m.partnership.draft_revision, 2);
    assert_eq!(m.partnership.draft, "format = 1\n# Jonas joined\n");
    assert_eq!(m.partnership.draft_updated_at, at(30));
    let stored = store.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(stored, m.partnership);

    let other = crate::common::partnership(store, &maya.id, 40).await;
    let (t, _) = crate::common::invite(store, &other.id, Role::Partner, &maya.id, 1_000_000).await;
    let m = store
        .accept_invitation_keyed(&t, &jonas.id, at(50), Some(&nothing), None)
        .await
        .unwrap();
    assert_eq!(
        m.partnership,
        store.partnership(&other.id).await.unwrap().unwrap()
    );
    assert_eq!(m.partnership.draft_revision, 1);
}

/// A key whose answer is `status` and the debug text of the result.
fn keyed<T: std::fmt::Debug + 'static>(user: &UserId, key: &str, status: u16) -> Keyed<T> {
    Keyed {
        user: user.clone(),
        key: key.to_owned(),
        fingerprint: Some(format!("print of {key}")),
        now: at(500),
        answer: Arc::new(move |t: &T| {
            Ok(Answer {
                status,
                body: format!("{t:?}"),
            })
        }),
    }
}

fn new_partnership<'a>(creator: &'a UserId, title: &'a str) -> NewPartnership<'a> {
    NewPartnership {
        title,
        creator,
        draft: "format = 1\n",
        now: at(100),
    }
}

async fn titled<S: Store + ?Sized>(store: &S, user: &UserId, title: &str) -> usize {
    let memberships = store.memberships(user).await.unwrap();
    memberships
        .iter()
        .filter(|m| m.partnership.title == title)
        .count()
}

async fn the_answer_is_stored_with_the_effect<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let key = "POST /api/v1/partnerships\nkey-1";
    let k = keyed(&maya.id, key, 201);
    let made = store
        .create_partnership_keyed(&new_partnership(&maya.id, "Keyed"), Some(&k))
        .await
        .unwrap();
    let stored = store.idempotent_response(&maya.id, key).await.unwrap();
    assert_eq!(
        stored,
        Some(StoredResponse {
            status: 201,
            body: format!("{made:?}"),
            fingerprint: Some(format!("print of {key}")),
        })
    );

    // Again with the key: nothing is written, the first answer comes back.
    let again = store
        .create_partnership_keyed(&new_partnership(&maya.id, "Keyed"), Some(&k))
        .await;
    match again {
        Err(StoreError::Replay(first)) => assert_eq!(Some(*first), stored),
        other => panic!("wanted the stored answer, got {other:?}"),
    }
    assert_eq!(titled(store, &maya.id, "Keyed").await, 1);

    // Keys are per account.
    let theirs = keyed(&jonas.id, key, 201);
    store
        .create_partnership_keyed(&new_partnership(&jonas.id, "Keyed"), Some(&theirs))
        .await
        .unwrap();
    assert_eq!(titled(store, &jonas.id, "Keyed").await, 1);
    assert_eq!(titled(store, &maya.id, "Keyed").await, 1);

    // Without a key, every write runs.
    for _ in 0..2 {
        store
            .create_partnership(&new_partnership(&maya.id, "Keyed"))
            .await
            .unwrap();
    }
    assert_eq!(titled(store, &maya.id, "Keyed").await, 3);
}

async fn a_failed_write_leaves_the_key_free<S: Store + ?Sized>(store: &S) {
    let (p, maya, _) = pair(store).await;
    let key = "POST notes\nkey-2";
    let k = keyed(&maya.id, key, 201);
    let note = NewNote {
        partnership: &p.id,
        occurrence: at(1_000),
        author: &maya.id,
        private: false,
        body: "Before anything was recorded",
        now: at(1_100),
    };
    // No check-in there: refused, and the key stays free.
    assert!(matches!(
        store.add_note_keyed(&note, Some(&k)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.idempotent_response(&maya.id, key).await.unwrap(),
        None
    );

    // An answer that cannot be made undoes the write.
    let broken: Keyed<accord_store::Partnership> = Keyed {
        answer: Arc::new(|_| Err("no answer".to_owned())),
        ..keyed(&maya.id, key, 201)
    };
    let title = unique("Unanswered");
    assert!(matches!(
        store
            .create_partnership_keyed(&new_partnership(&maya.id, &title), Some(&broken))
            .await,
        Err(StoreError::Answer(_))
    ));
    assert_eq!(titled(store, &maya.id, &title).await, 0);
    assert_eq!(
        store.idempotent_response(&maya.id, key).await.unwrap(),
        None
    );

    // The key is free for the retry that succeeds.
    store
        .create_partnership_keyed(
            &new_partnership(&maya.id, &title),
            Some(&keyed(&maya.id, key, 201)),
        )
        .await
        .unwrap();
    assert_eq!(titled(store, &maya.id, &title).await, 1);
    assert!(
        store
            .idempotent_response(&maya.id, key)
            .await
            .unwrap()
            .is_some()
    );
}

/// Every keyed write stores its answer, and a second write with its key
/// is a replay that changes nothing.
async fn every_keyed_write_answers<S: Store + ?Sized>(store: &S) {
    let replayed = |r: Result<String, StoreError>, first: &str| match r {
        Err(StoreError::Replay(stored)) => assert_eq!(stored.body, first),
        other => panic!("wanted a replay of {first:?}, got {other:?}"),
    };
    let dbg = |r: Result<String, StoreError>| r.unwrap();

    // Invitation and accepting it.
    let (p, maya, jonas) = signed_pair(store).await;
    let coach = user(store, "Ruth Coach").await;
    let t = token();
    let new = accord_store::NewInvitation {
        token: &t,
        partnership: &p.id,
        role: Role::Coach,
        email: None,
        invited_by: &maya.id,
        now: at(30),
        expires_at: at(1_000_000_000),
    };
    let k = keyed(&maya.id, "invite", 201);
    let first = dbg(store
        .create_invitation_keyed(&new, Some(&k))
        .await
        .map(|i| format!("{i:?}")));
    let t2 = token();
    let other = accord_store::NewInvitation { token: &t2, ..new };
    replayed(
        store
            .create_invitation_keyed(&other, Some(&k))
            .await
            .map(|i| format!("{i:?}")),
        &first,
    );
    assert_eq!(store.invitations(&p.id).await.unwrap().len(), 2);
    let k = keyed(&coach.id, "accept", 200);
    let first = dbg(store
        .accept_invitation_keyed(&t, &coach.id, at(40), None, Some(&k))
        .await
        .map(|m| format!("{m:?}")));
    replayed(
        store
            .accept_invitation_keyed(&t, &coach.id, at(41), None, Some(&k))
            .await
            .map(|m| format!("{m:?}")),
        &first,
    );

    // A check-in, then a note on it.
    let record = NewCheckin {
        partnership: &p.id,
        occurrence: at(10_000),
        version: 1,
        record: "{}",
        recorded_by: &maya.id,
        note: None,
        consequences: &[],
        notifications: &[],
        link: None,
        now: at(10_100),
    };
    let k = keyed(&maya.id, "record", 201);
    let first = dbg(store
        .record_checkin_keyed(&record, Some(&k))
        .await
        .map(|c| format!("{c:?}")));
    replayed(
        store
            .record_checkin_keyed(&record, Some(&k))
            .await
            .map(|c| format!("{c:?}")),
        &first,
    );
    let note = NewNote {
        partnership: &p.id,
        occurrence: at(10_000),
        author: &jonas.id,
        private: true,
        body: "Once",
        now: at(10_200),
    };
    let k = keyed(&jonas.id, "note", 201);
    let first = dbg(store
        .add_note_keyed(&note, Some(&k))
        .await
        .map(|n| format!("{n:?}")));
    replayed(
        store
            .add_note_keyed(&note, Some(&k))
            .await
            .map(|n| format!("{n:?}")),
        &first,
    );
    assert_eq!(
        store
            .notes(&p.id, at(10_000), &jonas.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // A pause proposed, agreed and withdrawn.
    let pause = NewPause {
        partnership: &p.id,
        first_day: "2026-08-01",
        last_day: "2026-08-14",
        reason: "Holidays",
        proposed_by: &maya.id,
        now: at(20_000),
    };
    let k = keyed(&maya.id, "propose", 201);
    let proposed = store.propose_pause_keyed(&pause, Some(&k)).await.unwrap();
    replayed(
        store
            .propose_pause_keyed(&pause, Some(&k))
            .await
            .map(|p| format!("{p:?}")),
        &format!("{proposed:?}"),
    );
    assert_eq!(store.pauses(&p.id).await.unwrap().len(), 1);
    let id: &PauseId = &proposed.id;
    let k = keyed(&jonas.id, "agree", 200);
    let agree = |ms| store.agree_pause_keyed(&p.id, id, &jonas.id, at(ms), Some(&k));
    let first = dbg(agree(20_100).await.map(|p| format!("{p:?}")));
    replayed(agree(20_200).await.map(|p| format!("{p:?}")), &first);
    let k = keyed(&maya.id, "withdraw", 200);
    let withdraw = |ms| store.withdraw_pause_keyed(&p.id, id, &maya.id, at(ms), Some(&k));
    let first = dbg(withdraw(20_300).await.map(|p| format!("{p:?}")));
    replayed(withdraw(20_400).await.map(|p| format!("{p:?}")), &first);

    // Signing a new revision.
    let revision = store
        .save_draft(&p.id, 1, "format = 1\n# v2\n", at(30_000))
        .await
        .unwrap();
    let k = keyed(&maya.id, "sign", 200);
    let first = dbg(store
        .sign_draft_keyed(&p.id, revision, &maya.id, at(30_100), Some(&k))
        .await
        .map(|s| format!("{s:?}")));
    replayed(
        store
            .sign_draft_keyed(&p.id, revision, &maya.id, at(30_200), Some(&k))
            .await
            .map(|s| format!("{s:?}")),
        &first,
    );
}

/// Two stores on one database (two app processes) make the same keyed
/// write at once, many times over: each key takes effect once; every other
/// racer is told the key is in flight or given the first answer.
pub async fn race<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    let maya = user(a, "Maya Chen").await;
    for round in 0..20 {
        let key = format!("raced-{round}");
        let title = unique("Raced");
        let mut racers = JoinSet::new();
        for racer in 0..4 {
            let (a, b, maya, key, title) = (
                a.clone(),
                b.clone(),
                maya.id.clone(),
                key.clone(),
                title.clone(),
            );
            racers.spawn(async move {
                let k = keyed(&maya, &key, 201);
                let new = new_partnership(&maya, &title);
                if racer % 2 == 0 {
                    a.create_partnership_keyed(&new, Some(&k)).await
                } else {
                    b.create_partnership_keyed(&new, Some(&k)).await
                }
            });
        }
        let (mut made, mut turned_away) = (0, 0);
        while let Some(r) = racers.join_next().await {
            match r.unwrap() {
                Ok(_) => made += 1,
                Err(StoreError::Replay(_) | StoreError::KeyInFlight) => turned_away += 1,
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        assert_eq!((made, turned_away), (1, 3), "round {round}");
        assert_eq!(titled(a, &maya.id, &title).await, 1, "round {round}");
    }
}
