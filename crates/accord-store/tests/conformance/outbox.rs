//! Conformance cases for the outbox (enqueuing, claiming under leases,
//! marking sent or failed), housekeeping of links and finished rows, and a
//! race of two stores claiming the same rows.
//!
//! The cases share one database with every other case, so each works in a
//! stretch of time of its own (`BASE`) far from the others' and starts by
//! draining whatever is due there (see [`drain`]); counts are compared
//! before and after.

use std::collections::HashSet;

use accord_store::{
    Channel, NewCheckinLink, NewNotification, NewPreparation, OutboxCounts, OutboxId, Outgoing,
    PartnershipId, Store, StoreError, UserId,
};
use jiff::SignedDuration;
use tokio::task::JoinSet;

use crate::common::{at, in_outbox, notification, pair, signed_pair, unique, user};

const MINUTE: SignedDuration = SignedDuration::from_mins(1);
pub const DAY: i64 = 86_400_000;

pub async fn run<S: Store + ?Sized>(store: &S) {
    enqueue_ignores_duplicates(store).await;
    claims_respect_due_times_and_leases(store).await;
    only_the_lease_holder_marks(store).await;
    failures_retry_or_stop(store).await;
    housekeeping_deletes_old_links_and_rows(store).await;
}

/// Claims every row due by `now` and marks it sent, so that a case starts
/// with nothing claimable up to then.
async fn drain<S: Store + ?Sized>(store: &S, now: i64) {
    loop {
        let claimed = store
            .claim_due(at(now), SignedDuration::from_secs(1), 100)
            .await
            .unwrap();
        if claimed.is_empty() {
            return;
        }
        for row in claimed {
            assert!(
                store
                    .mark_sent(&row.id, &row.lease_token, at(now))
                    .await
                    .unwrap()
            );
        }
    }
}

/// The dedupe keys of claimed rows, in the order claimed.
fn keys(claimed: &[Outgoing]) -> Vec<&str> {
    claimed.iter().map(|o| o.dedupe.as_str()).collect()
}

/// Counts after minus counts before, per state.
fn delta(before: OutboxCounts, after: OutboxCounts) -> (i64, i64, i64) {
    let d = |a: u64, b: u64| i64::try_from(a).unwrap() - i64::try_from(b).unwrap();
    (
        d(after.pending, before.pending),
        d(after.sent, before.sent),
        d(after.failed, before.failed),
    )
}

async fn enqueue_ignores_duplicates<S: Store + ?Sized>(store: &S) {
    const BASE: i64 = 2_000_000_000_000;
    let (p, maya, _) = pair(store).await;
    let before = store.outbox_counts().await.unwrap();
    let first = notification(Some(&p.id), BASE);
    let second = NewNotification {
        user: Some(maya.id.clone()),
        channel: Channel::Webhook,
        ..notification(None, BASE)
    };
    let duplicate = NewNotification {
        payload: "{}".to_owned(),
        ..first.clone()
    };
    assert_eq!(
        store
            .enqueue(&[first.clone(), second.clone(), duplicate])
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.enqueue(&[first]).await.unwrap(), 0);
    assert_eq!(store.enqueue(&[]).await.unwrap(), 0);
    assert_eq!(
        delta(before, store.outbox_counts().await.unwrap()),
        (2, 0, 0)
    );

    // A row naming an unknown partnership or user: none inserted.
    let fine = notification(Some(&p.id), BASE);
    for bad in [
        notification(Some(&PartnershipId::random()), BASE),
        NewNotification {
            user: Some(UserId::random()),
            ..notification(None, BASE)
        },
    ] {
        let refused = store.enqueue(&[fine.clone(), bad]).await;
        assert!(
            matches!(refused, Err(StoreError::NotFound(_))),
            "{refused:?}"
        );
    }
    assert!(!in_outbox(store, &fine).await);
}

async fn claims_respect_due_times_and_leases<S: Store + ?Sized>(store: &S) {
    const BASE: i64 = 3_000_000_000_000;
    drain(store, BASE + DAY).await;
    let (p, maya, _) = pair(store).await;
    let a = NewNotification {
        user: Some(maya.id.clone()),
        channel: Channel::Internal,
        kind: "grace-check".to_owned(),
        payload: r#"{"a":1}"#.to_owned(),
        ..notification(Some(&p.id), BASE + 100)
    };
    let b = notification(None, BASE + 200);
    let c = notification(None, BASE + 300);
    let d = notification(None, BASE + 10_000);
    // Enqueued out of order: claimed by due time all the same.
    store
        .enqueue(&[d.clone(), c.clone(), b.clone(), a.clone()])
        .await
        .unwrap();

    let first = store.claim_due(at(BASE + 250), MINUTE, 10).await.unwrap();
    assert_eq!(keys(&first), vec![a.dedupe.as_str(), b.dedupe.as_str()]);
    let claimed_a = &first[0];
    assert_eq!(claimed_a.partnership.as_ref(), Some(&p.id));
    assert_eq!(claimed_a.user.as_ref(), Some(&maya.id));
    assert_eq!(claimed_a.channel, Channel::Internal);
    assert_eq!(claimed_a.kind, "grace-check");
    assert_eq!(claimed_a.due_at, at(BASE + 100));
    assert_eq!(claimed_a.payload, r#"{"a":1}"#);
    assert_eq!(claimed_a.attempts, 1);
    assert_eq!(first[1].partnership, None);
    assert_ne!(first[0].lease_token, first[1].lease_token);

    // Leased rows are not claimed again while the lease lasts.
    let second = store.claim_due(at(BASE + 300), MINUTE, 10).await.unwrap();
    assert_eq!(keys(&second), vec![c.dedupe.as_str()]);
    assert!(
        store
            .claim_due(at(BASE + 300), MINUTE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The limit holds.
    assert!(
        store
            .claim_due(at(BASE + 10_000), MINUTE, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let third = store.claim_due(at(BASE + 10_000), MINUTE, 1).await.unwrap();
    assert_eq!(keys(&third), vec![d.dedupe.as_str()]);

    // When a lease runs out (a crashed worker), the row is claimable again,
    // under a new token, with the attempt counted.
    let expired = BASE + 250 + 60_000;
    let again = store.claim_due(at(expired - 1), MINUTE, 10).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    let again = store.claim_due(at(expired), MINUTE, 10).await.unwrap();
    assert_eq!(keys(&again), vec![a.dedupe.as_str(), b.dedupe.as_str()]);
    assert_eq!(again[0].attempts, 2);
    assert_ne!(again[0].lease_token, first[0].lease_token);
    // The first holder's lease is gone: it can no longer mark the row.
    assert!(
        !store
            .mark_sent(&first[0].id, &first[0].lease_token, at(expired))
            .await
            .unwrap()
    );
    for row in again.iter().chain(&second).chain(&third) {
        assert!(
            store
                .mark_sent(&row.id, &row.lease_token, at(expired))
                .await
                .unwrap()
        );
    }
}

async fn only_the_lease_holder_marks<S: Store + ?Sized>(store: &S) {
    const BASE: i64 = 4_000_000_000_000;
    drain(store, BASE + DAY).await;
    let rows = [notification(None, BASE), notification(None, BASE)];
    store.enqueue(&rows).await.unwrap();
    let claimed = store.claim_due(at(BASE), MINUTE, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    let before = store.outbox_counts().await.unwrap();

    // A wrong token changes nothing, whatever the call.
    let row = &claimed[0];
    assert!(!store.mark_sent(&row.id, "wrong", at(BASE)).await.unwrap());
    assert!(
        !store
            .mark_failed(&row.id, "wrong", "oops", None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_failed(&row.id, "wrong", "oops", Some(at(BASE)))
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_sent(&OutboxId::random(), &row.lease_token, at(BASE))
            .await
            .unwrap()
    );
    assert_eq!(store.outbox_counts().await.unwrap(), before);
    // Still leased: not claimable.
    assert!(
        store
            .claim_due(at(BASE + 1), MINUTE, 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(
        store
            .mark_sent(&row.id, &row.lease_token, at(BASE + 1))
            .await
            .unwrap()
    );
    // Once sent, the token is spent.
    assert!(
        !store
            .mark_sent(&row.id, &row.lease_token, at(BASE + 2))
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_failed(&row.id, &row.lease_token, "late", None)
            .await
            .unwrap()
    );
    assert_eq!(
        delta(before, store.outbox_counts().await.unwrap()),
        (-1, 1, 0)
    );
    // A sent row is never claimed again.
    let later = store
        .claim_due(at(BASE + 120_000), MINUTE, 10)
        .await
        .unwrap();
    assert_eq!(keys(&later), vec![claimed[1].dedupe.as_str()]);
    assert!(
        store
            .mark_sent(&later[0].id, &later[0].lease_token, at(BASE + 120_000))
            .await
            .unwrap()
    );
}

async fn failures_retry_or_stop<S: Store + ?Sized>(store: &S) {
    const BASE: i64 = 5_000_000_000_000;
    drain(store, BASE + DAY).await;
    let row = notification(None, BASE);
    store.enqueue(std::slice::from_ref(&row)).await.unwrap();
    let before = store.outbox_counts().await.unwrap();
    let claimed = store.claim_due(at(BASE), MINUTE, 10).await.unwrap();
    assert_eq!(keys(&claimed), vec![row.dedupe.as_str()]);
    let first = &claimed[0];

    // With a retry time: pending again, due then, lease cleared (so it is
    // claimable at that time although the old lease would still run).
    assert!(
        store
            .mark_failed(
                &first.id,
                &first.lease_token,
                "421 try later",
                Some(at(BASE + 5))
            )
            .await
            .unwrap()
    );
    assert_eq!(store.outbox_counts().await.unwrap(), before);
    assert!(
        store
            .claim_due(at(BASE + 4), MINUTE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store.claim_due(at(BASE + 5), MINUTE, 10).await.unwrap();
    assert_eq!(keys(&retried), vec![row.dedupe.as_str()]);
    assert_eq!(retried[0].attempts, 2);
    assert_eq!(retried[0].due_at, at(BASE + 5));
    // The old lease's token no longer works.
    assert!(
        !store
            .mark_failed(&first.id, &first.lease_token, "stale", None)
            .await
            .unwrap()
    );

    // Without: failed for good, never claimed again.
    assert!(
        store
            .mark_failed(
                &retried[0].id,
                &retried[0].lease_token,
                "550 no such user",
                None
            )
            .await
            .unwrap()
    );
    assert_eq!(
        delta(before, store.outbox_counts().await.unwrap()),
        (-1, 0, 1)
    );
    assert!(
        store
            .claim_due(at(BASE + DAY), MINUTE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .mark_sent(&retried[0].id, &retried[0].lease_token, at(BASE + 6))
            .await
            .unwrap()
    );
}

async fn housekeeping_deletes_old_links_and_rows<S: Store + ?Sized>(store: &S) {
    const NOW: i64 = 8_000_000_000_000;
    let (p, maya, _) = signed_pair(store).await;
    let link = |expires_at: i64| {
        let id = accord_store::LinkId::random();
        let (p, maya) = (p.id.clone(), maya.id.clone());
        async move {
            store
                .create_checkin_link(&NewCheckinLink {
                    id: &id,
                    partnership: &p,
                    occurrence: at(1_000),
                    user: &maya,
                    expires_at: at(expires_at),
                    now: at(0),
                })
                .await
                .unwrap();
            id
        }
    };
    let use_link = |id: accord_store::LinkId, when: i64| {
        let (p, maya) = (p.id.clone(), maya.id.clone());
        async move {
            store
                .save_preparation(&NewPreparation {
                    partnership: &p,
                    occurrence: at(1_000),
                    user: &maya,
                    committed: "",
                    happened: "",
                    want: "",
                    link: Some(&id),
                    now: at(when),
                })
                .await
                .unwrap();
        }
    };
    let expired_long_ago = link(NOW - DAY - 1).await;
    let expired_lately = link(NOW - DAY + 1).await;
    let used_long_ago = link(NOW + 10 * DAY).await;
    use_link(used_long_ago.clone(), NOW - DAY - 1).await;
    let used_lately = link(NOW + 10 * DAY).await;
    use_link(used_lately.clone(), NOW - 10).await;
    let live = link(NOW + DAY).await;

    // Outbox rows finished 31 and 29 days ago, and one still pending.
    let old = NOW - 31 * DAY;
    drain(store, NOW - 40 * DAY).await;
    let (sent, failed, recent, pending) = (
        notification(None, NOW - 40 * DAY),
        notification(None, NOW - 40 * DAY),
        notification(None, NOW - 40 * DAY),
        notification(None, NOW - 40 * DAY),
    );
    store
        .enqueue(&[
            sent.clone(),
            failed.clone(),
            recent.clone(),
            pending.clone(),
        ])
        .await
        .unwrap();
    let claimed = store.claim_due(at(old), MINUTE, 10).await.unwrap();
    assert_eq!(claimed.len(), 4);
    for row in &claimed {
        let done = if row.dedupe == sent.dedupe {
            store.mark_sent(&row.id, &row.lease_token, at(old)).await
        } else if row.dedupe == failed.dedupe {
            store
                .mark_failed(&row.id, &row.lease_token, "x", None)
                .await
        } else if row.dedupe == pending.dedupe {
            store
                .mark_failed(&row.id, &row.lease_token, "x", Some(at(NOW + 100 * DAY)))
                .await
        } else {
            continue;
        };
        assert!(done.unwrap());
    }
    let recent_row = claimed.iter().find(|r| r.dedupe == recent.dedupe).unwrap();
    assert!(
        store
            .mark_sent(&recent_row.id, &recent_row.lease_token, at(NOW - 29 * DAY))
            .await
            .unwrap()
    );

    store.housekeeping(at(NOW), at(0)).await.unwrap();

    for (id, kept) in [
        (&expired_long_ago, false),
        (&expired_lately, true),
        (&used_long_ago, false),
        (&used_lately, true),
        (&live, true),
    ] {
        assert_eq!(
            store.checkin_link(id).await.unwrap().is_some(),
            kept,
            "{id}"
        );
    }
    assert!(!in_outbox(store, &sent).await);
    assert!(!in_outbox(store, &failed).await);
    assert!(in_outbox(store, &recent).await);
    assert!(in_outbox(store, &pending).await);
    // The people and partnership are untouched.
    assert!(store.user_by_id(&maya.id).await.unwrap().is_some());
}

/// Two stores on one database (two worker processes) claim 500 due rows in
/// batches, at once, marking each sent: every row is claimed exactly once.
pub async fn claims_race<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    const NOW: i64 = 9_000_000_000_000;
    drain(a, NOW).await;
    // A partnership and account for some rows, so cascading keys are used.
    let maya = user(a, "Maya Chen").await;
    let run = unique("race");
    let rows: Vec<NewNotification> = (0..500)
        .map(|n| NewNotification {
            user: (n % 2 == 0).then(|| maya.id.clone()),
            dedupe: format!("{run}-{n}"),
            ..notification(None, NOW - n)
        })
        .collect();
    assert_eq!(a.enqueue(&rows).await.unwrap(), 500);

    async fn worker<S: Store>(store: S) -> Vec<(OutboxId, String)> {
        const BATCH: u32 = 7;
        let mut mine = Vec::new();
        loop {
            let claimed = store
                .claim_due(at(NOW), SignedDuration::from_mins(10), BATCH)
                .await
                .unwrap();
            if claimed.is_empty() {
                return mine;
            }
            // However the claims interleave, none takes more than it asked.
            assert!(
                claimed.len() <= BATCH as usize,
                "claimed {} rows with a limit of {BATCH}",
                claimed.len()
            );
            for row in claimed {
                assert_eq!(row.attempts, 1, "{row:?}");
                assert!(
                    store
                        .mark_sent(&row.id, &row.lease_token, at(NOW))
                        .await
                        .unwrap()
                );
                mine.push((row.id, row.dedupe));
            }
        }
    }
    let mut workers = JoinSet::new();
    for n in 0..4 {
        if n % 2 == 0 {
            workers.spawn(worker(a.clone()));
        } else {
            workers.spawn(worker(b.clone()));
        }
    }
    let claimed: Vec<(OutboxId, String)> = workers.join_all().await.into_iter().flatten().collect();
    let ids: HashSet<&OutboxId> = claimed.iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), claimed.len(), "a row was claimed twice");
    let dedupes: HashSet<&str> = claimed.iter().map(|(_, d)| d.as_str()).collect();
    let expected: HashSet<&str> = rows.iter().map(|r| r.dedupe.as_str()).collect();
    assert_eq!(dedupes, expected);
    assert!(b.claim_due(at(NOW), MINUTE, 10).await.unwrap().is_empty());
}
