//! Conformance cases for planning: which partnerships are due for it, the
//! compare-and-set plan that enqueues rows with it, and its reset when a
//! new version is signed.

use accord_store::{PartnershipId, PlanSave, Store, StoreError};

use crate::common::{at, in_outbox, notification, pair, signed_pair};
use crate::outbox::DAY;

pub async fn run<S: Store + ?Sized>(store: &S) {
    plans_are_compared_and_set(store).await;
    plans_are_saved_together(store).await;
}

/// A batch of plans is one transaction in which each plan is checked on its
/// own terms (answers in the order given); an error saves none of them.
async fn plans_are_saved_together<S: Store + ?Sized>(store: &S) {
    const PLAN: i64 = 9_000_000;
    let (a, _, _) = signed_pair(store).await;
    let (b, _, _) = signed_pair(store).await;
    let (c, _, _) = signed_pair(store).await;
    let rows_a = [notification(Some(&a.id), 6_100_000_000)];
    let rows_b = [notification(Some(&b.id), 6_100_000_000)];
    let plan = |id, version, rows| PlanSave {
        partnership: id,
        version,
        expected: None,
        until: at(PLAN),
        rows,
    };
    // `a` names a version that is not in force: refused, the other saved.
    let saved = store
        .save_plans(&[plan(&b.id, 1, &rows_b[..]), plan(&a.id, 9, &rows_a[..])])
        .await
        .unwrap();
    assert_eq!(saved, [true, false]);
    assert!(in_outbox(store, &rows_b[0]).await);
    assert!(!in_outbox(store, &rows_a[0]).await);
    assert_eq!(store.planned_until(&b.id).await.unwrap(), Some(at(PLAN)));
    assert_eq!(store.planned_until(&a.id).await.unwrap(), None);

    // An unknown partnership in the batch: nothing of it is saved.
    let rows_c = [notification(Some(&c.id), 6_100_000_000)];
    let unknown = PartnershipId::random();
    let failed = store
        .save_plans(&[plan(&c.id, 1, &rows_c[..]), plan(&unknown, 1, &[])])
        .await;
    assert!(matches!(failed, Err(StoreError::NotFound(_))), "{failed:?}");
    assert!(!in_outbox(store, &rows_c[0]).await);
    assert_eq!(store.planned_until(&c.id).await.unwrap(), None);
    assert_eq!(store.save_plans(&[]).await.unwrap(), Vec::<bool>::new());
}

async fn plans_are_compared_and_set<S: Store + ?Sized>(store: &S) {
    const PLAN: i64 = 7_000_000;
    let everything = u32::MAX;
    let (p, maya, jonas) = pair(store).await;
    let listed = |ids: Vec<PartnershipId>, id: &PartnershipId| ids.iter().position(|i| i == id);

    // No version in force yet: nothing to plan, even once one partner signed.
    let to_plan = store
        .partnerships_to_plan(at(PLAN), everything)
        .await
        .unwrap();
    assert_eq!(listed(to_plan, &p.id), None);
    store.sign_draft(&p.id, 1, &maya.id, at(30)).await.unwrap();
    let to_plan = store
        .partnerships_to_plan(at(PLAN), everything)
        .await
        .unwrap();
    assert_eq!(listed(to_plan, &p.id), None);
    store.sign_draft(&p.id, 1, &jonas.id, at(40)).await.unwrap();
    let to_plan = store
        .partnerships_to_plan(at(PLAN), everything)
        .await
        .unwrap();
    assert!(listed(to_plan, &p.id).is_some());
    assert_eq!(store.planned_until(&p.id).await.unwrap(), None);
    assert_eq!(
        store.partnerships_to_plan(at(PLAN), 1).await.unwrap().len(),
        1
    );

    // Compare and set: expecting a plan when there is none fails.
    let stale = [notification(Some(&p.id), 6_000_000_000)];
    assert!(
        !store
            .save_plan(&p.id, 1, Some(at(PLAN)), at(PLAN + 1_000), &stale)
            .await
            .unwrap()
    );
    assert_eq!(store.planned_until(&p.id).await.unwrap(), None);
    assert!(!in_outbox(store, &stale[0]).await);

    let first = [notification(Some(&p.id), 6_000_000_000)];
    assert!(
        store
            .save_plan(&p.id, 1, None, at(PLAN), &first)
            .await
            .unwrap()
    );
    assert_eq!(store.planned_until(&p.id).await.unwrap(), Some(at(PLAN)));
    assert!(in_outbox(store, &first[0]).await);
    // A second planner expecting no plan loses, and enqueues nothing.
    let late = [notification(Some(&p.id), 6_000_000_000)];
    assert!(
        !store
            .save_plan(&p.id, 1, None, at(PLAN + 5), &late)
            .await
            .unwrap()
    );
    assert!(!in_outbox(store, &late[0]).await);
    assert!(
        !store
            .save_plan(&p.id, 1, Some(at(PLAN - 1)), at(PLAN + 5), &[])
            .await
            .unwrap()
    );
    assert_eq!(store.planned_until(&p.id).await.unwrap(), Some(at(PLAN)));

    // Planned until `before`: not due for planning; planned less far: due,
    // after every partnership not planned at all.
    let to_plan = store
        .partnerships_to_plan(at(PLAN), everything)
        .await
        .unwrap();
    assert_eq!(listed(to_plan, &p.id), None);
    let (q, _, _) = signed_pair(store).await;
    let to_plan = store
        .partnerships_to_plan(at(PLAN + 1), everything)
        .await
        .unwrap();
    let (mine, unplanned) = (listed(to_plan.clone(), &p.id), listed(to_plan, &q.id));
    assert!(unplanned.unwrap() < mine.unwrap());

    let next = [notification(Some(&p.id), 6_000_000_000)];
    assert!(
        store
            .save_plan(&p.id, 1, Some(at(PLAN)), at(PLAN + DAY), &next)
            .await
            .unwrap()
    );
    assert_eq!(
        store.planned_until(&p.id).await.unwrap(),
        Some(at(PLAN + DAY))
    );
    assert!(in_outbox(store, &next[0]).await);

    for expected in [None, Some(at(PLAN))] {
        let unknown = store
            .save_plan(&PartnershipId::random(), 1, expected, at(PLAN), &[])
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{unknown:?}"
        );
    }

    // A new version: the first signature keeps the plan, the completing
    // one resets it, and signing again changes nothing.
    store
        .save_draft(&p.id, 1, "format = 1\n# v2\n", at(50))
        .await
        .unwrap();
    store.sign_draft(&p.id, 2, &maya.id, at(60)).await.unwrap();
    assert_eq!(
        store.planned_until(&p.id).await.unwrap(),
        Some(at(PLAN + DAY))
    );
    store.sign_draft(&p.id, 2, &jonas.id, at(70)).await.unwrap();
    assert_eq!(store.planned_until(&p.id).await.unwrap(), None);
    // A planner that read version 1 before the signature loses, and
    // enqueues nothing: version 2 is planned from the start.
    let old = [notification(Some(&p.id), 6_000_000_000)];
    assert!(
        !store
            .save_plan(&p.id, 1, None, at(PLAN), &old)
            .await
            .unwrap()
    );
    assert!(!in_outbox(store, &old[0]).await);
    assert_eq!(store.planned_until(&p.id).await.unwrap(), None);
    assert!(
        store
            .save_plan(&p.id, 2, None, at(PLAN), &[])
            .await
            .unwrap()
    );
    store.sign_draft(&p.id, 2, &maya.id, at(80)).await.unwrap();
    assert_eq!(store.planned_until(&p.id).await.unwrap(), Some(at(PLAN)));
}
