//! Conformance cases for pauses: proposing, agreeing (never by the
//! proposer, never twice), withdrawing, and listing.

use accord_store::{NewPause, PartnershipId, PauseId, Store, StoreError, UserId};

use crate::common::{at, signed_pair};

pub async fn run<S: Store + ?Sized>(store: &S) {
    proposing_agreeing_and_withdrawing(store).await;
    pauses_belong_to_their_partnership(store).await;
}

/// A pause of `p` from `first` to `last`, proposed by `by` at `now`.
fn pause<'a>(
    p: &'a PartnershipId,
    first: &'a str,
    last: &'a str,
    by: &'a UserId,
    now: i64,
) -> NewPause<'a> {
    NewPause {
        partnership: p,
        first_day: first,
        last_day: last,
        reason: "holiday",
        proposed_by: by,
        now: at(now),
    }
}

fn conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
}

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
}

async fn proposing_agreeing_and_withdrawing<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let august = store
        .propose_pause(&pause(&p.id, "2026-08-03", "2026-08-16", &maya.id, 100))
        .await
        .unwrap();
    assert_eq!(
        (
            august.first_day.as_str(),
            august.last_day.as_str(),
            august.reason.as_str()
        ),
        ("2026-08-03", "2026-08-16", "holiday")
    );
    assert_eq!(
        (&august.proposed_by, august.proposed_at),
        (&maya.id, at(100))
    );
    assert_eq!(
        (
            august.agreed_by.clone(),
            august.agreed_at,
            august.withdrawn_at
        ),
        (None, None, None)
    );

    // The proposer cannot agree to their own proposal.
    conflict(
        store
            .agree_pause(&p.id, &august.id, &maya.id, at(150))
            .await,
    );
    let agreed = store
        .agree_pause(&p.id, &august.id, &jonas.id, at(200))
        .await
        .unwrap();
    assert_eq!(agreed.agreed_by.as_ref(), Some(&jonas.id));
    assert_eq!(agreed.agreed_at, Some(at(200)));
    assert_eq!(agreed.withdrawn_at, None);
    // Agreeing twice is refused and changes nothing.
    conflict(
        store
            .agree_pause(&p.id, &august.id, &jonas.id, at(300))
            .await,
    );
    assert_eq!(store.pauses(&p.id).await.unwrap(), vec![agreed.clone()]);

    // An agreed pause can be withdrawn, once.
    let withdrawn = store
        .withdraw_pause(&p.id, &august.id, &maya.id, at(400))
        .await
        .unwrap();
    assert_eq!(withdrawn.withdrawn_at, Some(at(400)));
    assert_eq!(withdrawn.agreed_at, Some(at(200)));
    conflict(
        store
            .withdraw_pause(&p.id, &august.id, &jonas.id, at(500))
            .await,
    );

    // A withdrawn proposal cannot be agreed to.
    let june = store
        .propose_pause(&pause(&p.id, "2026-06-01", "2026-06-07", &jonas.id, 600))
        .await
        .unwrap();
    store
        .withdraw_pause(&p.id, &june.id, &jonas.id, at(700))
        .await
        .unwrap();
    conflict(store.agree_pause(&p.id, &june.id, &maya.id, at(800)).await);

    // Listed by first day, withdrawn ones included.
    let december = store
        .propose_pause(&pause(&p.id, "2026-12-21", "2027-01-03", &maya.id, 50))
        .await
        .unwrap();
    let listed = store.pauses(&p.id).await.unwrap();
    let ids: Vec<&PauseId> = listed.iter().map(|p| &p.id).collect();
    assert_eq!(ids, vec![&june.id, &august.id, &december.id]);
    assert_eq!(listed[1], withdrawn);
    assert_eq!(listed[2], december);
}

async fn pauses_belong_to_their_partnership<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let (other, _, _) = signed_pair(store).await;
    let proposed = store
        .propose_pause(&pause(&p.id, "2026-05-01", "2026-05-02", &maya.id, 1))
        .await
        .unwrap();
    not_found(
        store
            .agree_pause(&other.id, &proposed.id, &jonas.id, at(2))
            .await,
    );
    not_found(
        store
            .withdraw_pause(&other.id, &proposed.id, &maya.id, at(2))
            .await,
    );
    not_found(
        store
            .agree_pause(&p.id, &PauseId::random(), &jonas.id, at(2))
            .await,
    );
    not_found(
        store
            .withdraw_pause(&p.id, &PauseId::random(), &jonas.id, at(2))
            .await,
    );
    assert!(store.pauses(&other.id).await.unwrap().is_empty());
    assert_eq!(store.pauses(&p.id).await.unwrap(), vec![proposed]);

    not_found(
        store
            .propose_pause(&pause(
                &PartnershipId::random(),
                "2026-05-01",
                "2026-05-02",
                &maya.id,
                1,
            ))
            .await,
    );
    not_found(
        store
            .propose_pause(&pause(
                &p.id,
                "2026-05-01",
                "2026-05-02",
                &UserId::random(),
                1,
            ))
            .await,
    );
}
