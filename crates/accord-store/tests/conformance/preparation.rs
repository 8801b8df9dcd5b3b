//! Conformance cases for preparation (each person's answers before a
//! check-in) and the single-use check-in links that reminders carry.

use accord_store::{
    CheckinLink, LinkId, LinkProblem, NewCheckinLink, NewPreparation, PartnershipId, Store,
    StoreError, UserId,
};

use crate::common::{at, is_link_problem, signed_pair};

/// The occurrences used here and in `running` (unix milliseconds).
pub const MONDAY: i64 = 1_000_000;
pub const NEXT_MONDAY: i64 = 2_000_000;

pub async fn run<S: Store + ?Sized>(store: &S) {
    preparations_are_saved_and_replaced(store).await;
    links_are_single_use_and_specific(store).await;
}

/// Answers for `occurrence` by `user`, saved at `now`.
fn answers<'a>(
    partnership: &'a PartnershipId,
    occurrence: i64,
    user: &'a UserId,
    committed: &'a str,
    now: i64,
) -> NewPreparation<'a> {
    NewPreparation {
        partnership,
        occurrence: at(occurrence),
        user,
        committed,
        happened: "ran twice",
        want: "ideas for Thursdays",
        link: None,
        now: at(now),
    }
}

/// A link for `user` to the check-in at `occurrence`, valid until
/// `expires_at`.
pub async fn link<S: Store + ?Sized>(
    store: &S,
    partnership: &PartnershipId,
    occurrence: i64,
    user: &UserId,
    expires_at: i64,
) -> LinkId {
    let id = LinkId::random();
    store
        .create_checkin_link(&NewCheckinLink {
            id: &id,
            partnership,
            occurrence: at(occurrence),
            user,
            expires_at: at(expires_at),
            now: at(occurrence - 1_000),
        })
        .await
        .unwrap();
    id
}

async fn preparations_are_saved_and_replaced<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    assert!(
        store
            .preparations(&p.id, at(MONDAY))
            .await
            .unwrap()
            .is_empty()
    );
    // Jonas first, but Maya joined first: listed in joining order.
    store
        .save_preparation(&answers(&p.id, MONDAY, &jonas.id, "stretch", 100))
        .await
        .unwrap();
    store
        .save_preparation(&answers(&p.id, MONDAY, &maya.id, "run", 200))
        .await
        .unwrap();
    // Saving again replaces.
    store
        .save_preparation(&answers(&p.id, MONDAY, &maya.id, "run three times", 300))
        .await
        .unwrap();
    // Another occurrence is kept apart.
    store
        .save_preparation(&answers(&p.id, NEXT_MONDAY, &maya.id, "swim", 400))
        .await
        .unwrap();

    let listed = store.preparations(&p.id, at(MONDAY)).await.unwrap();
    let who: Vec<(&UserId, &str, i64)> = listed
        .iter()
        .map(|r| (&r.user, r.committed.as_str(), r.updated_at.as_millisecond()))
        .collect();
    assert_eq!(
        who,
        vec![
            (&maya.id, "run three times", 300),
            (&jonas.id, "stretch", 100)
        ]
    );
    assert_eq!(listed[0].occurrence, at(MONDAY));
    assert_eq!(listed[0].happened, "ran twice");
    assert_eq!(listed[0].want, "ideas for Thursdays");
    assert_eq!(
        store.preparations(&p.id, at(NEXT_MONDAY)).await.unwrap()[0].committed,
        "swim"
    );
    // Who prepared, across the partnership: once per person and
    // occurrence however often they saved, and nothing of another
    // partnership's.
    let (other, other_maya, _) = signed_pair(store).await;
    store
        .save_preparation(&answers(&other.id, MONDAY, &other_maya.id, "x", 500))
        .await
        .unwrap();
    let mut monday = [maya.id.clone(), jonas.id.clone()];
    monday.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let prepared: Vec<(i64, UserId)> = store
        .prepared(&p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.occurrence.as_millisecond(), r.user))
        .collect();
    assert_eq!(
        prepared,
        vec![
            (MONDAY, monday[0].clone()),
            (MONDAY, monday[1].clone()),
            (NEXT_MONDAY, maya.id.clone())
        ]
    );
    assert!(
        store
            .prepared(&PartnershipId::random())
            .await
            .unwrap()
            .is_empty()
    );

    let nowhere = PartnershipId::random();
    let unknown = store
        .save_preparation(&answers(&nowhere, MONDAY, &maya.id, "x", 1))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
    let nobody = UserId::random();
    let unknown = store
        .save_preparation(&answers(&p.id, MONDAY, &nobody, "x", 1))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
}

/// Saves answers through a link.
async fn through<S: Store + ?Sized>(
    store: &S,
    link: &LinkId,
    partnership: &PartnershipId,
    occurrence: i64,
    user: &UserId,
    now: i64,
) -> Result<(), StoreError> {
    let mut new = answers(partnership, occurrence, user, "via link", now);
    new.link = Some(link);
    store.save_preparation(&new).await
}

async fn links_are_single_use_and_specific<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = signed_pair(store).await;
    let (other, _, _) = signed_pair(store).await;
    let id = link(store, &p.id, MONDAY, &maya.id, MONDAY + 10_000).await;
    assert_eq!(
        store.checkin_link(&id).await.unwrap(),
        Some(CheckinLink {
            id: id.clone(),
            partnership: p.id.clone(),
            occurrence: at(MONDAY),
            user: maya.id.clone(),
            expires_at: at(MONDAY + 10_000),
            used_at: None,
        })
    );
    assert_eq!(store.checkin_link(&LinkId::random()).await.unwrap(), None);
    // The same id twice is refused.
    let again = store
        .create_checkin_link(&NewCheckinLink {
            id: &id,
            partnership: &p.id,
            occurrence: at(MONDAY),
            user: &maya.id,
            expires_at: at(MONDAY + 10_000),
            now: at(0),
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let unknown = store
        .create_checkin_link(&NewCheckinLink {
            id: &LinkId::random(),
            partnership: &PartnershipId::random(),
            occurrence: at(MONDAY),
            user: &maya.id,
            expires_at: at(MONDAY + 10_000),
            now: at(0),
        })
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );

    // Unknown, and each kind of mismatch, count as unknown; nothing is
    // written and the link stays unused.
    for (link_id, partnership, occurrence, user) in [
        (&LinkId::random(), &p.id, MONDAY, &maya.id),
        (&id, &other.id, MONDAY, &maya.id),
        (&id, &p.id, NEXT_MONDAY, &maya.id),
        (&id, &p.id, MONDAY, &jonas.id),
    ] {
        let refused = through(store, link_id, partnership, occurrence, user, MONDAY).await;
        assert!(
            is_link_problem(&refused, LinkProblem::Unknown),
            "{refused:?}"
        );
    }
    // Expired: at its expiry time it no longer works.
    let refused = through(store, &id, &p.id, MONDAY, &maya.id, MONDAY + 10_000).await;
    assert!(
        is_link_problem(&refused, LinkProblem::Expired),
        "{refused:?}"
    );
    for (partnership, occurrence) in [(&p.id, MONDAY), (&other.id, MONDAY), (&p.id, NEXT_MONDAY)] {
        assert!(
            store
                .preparations(partnership, at(occurrence))
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(
        store.checkin_link(&id).await.unwrap().unwrap().used_at,
        None
    );

    // Used once, it is used up.
    through(store, &id, &p.id, MONDAY, &maya.id, MONDAY + 9_999)
        .await
        .unwrap();
    assert_eq!(
        store.checkin_link(&id).await.unwrap().unwrap().used_at,
        Some(at(MONDAY + 9_999))
    );
    assert_eq!(
        store.preparations(&p.id, at(MONDAY)).await.unwrap()[0].committed,
        "via link"
    );
    let refused = through(store, &id, &p.id, MONDAY, &maya.id, MONDAY + 9_999).await;
    assert!(is_link_problem(&refused, LinkProblem::Used), "{refused:?}");
    // Its display says what went wrong.
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("already been used")
    );
}
