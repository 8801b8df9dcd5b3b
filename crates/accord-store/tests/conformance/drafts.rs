//! Conformance cases for saving the draft, signing it, and reading the
//! versions signed from it.

use accord_store::{PartnershipId, Role, Signed, Store, StoreError, UserId};

use crate::common::{at, invite, pair, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    saving(store).await;
    signing(store).await;
    editing_after_one_signature_starts_a_new_version(store).await;
}

fn stale<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: i64, current: i64) {
    match result {
        Err(StoreError::Stale {
            expected: e,
            current: c,
        }) => assert_eq!((e, c), (expected, current)),
        other => panic!("expected Stale {{ {expected}, {current} }}, got {other:?}"),
    }
}

async fn saving<S: Store + ?Sized>(store: &S) {
    let (p, _, _) = pair(store).await;
    assert_eq!(
        store
            .save_draft(&p.id, 1, "format = 1\n# two\n", at(500))
            .await
            .unwrap(),
        2
    );
    let saved = store.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(saved.draft, "format = 1\n# two\n");
    assert_eq!(saved.draft_revision, 2);
    assert_eq!(saved.draft_updated_at, at(500));
    assert_eq!(saved.created_at, p.created_at);

    // Based on an older revision, or a future one: nothing is written.
    stale(store.save_draft(&p.id, 1, "lost", at(600)).await, 1, 2);
    stale(store.save_draft(&p.id, 7, "lost", at(600)).await, 7, 2);
    assert_eq!(store.partnership(&p.id).await.unwrap(), Some(saved));
    assert_eq!(
        store.save_draft(&p.id, 2, "three", at(700)).await.unwrap(),
        3
    );

    let unknown = store
        .save_draft(&PartnershipId::random(), 1, "x", at(0))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound("partnership"))),
        "{unknown:?}"
    );
}

async fn signing<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = pair(store).await;
    let coach = user(store, "Ana Coach").await;
    let (t, _) = invite(store, &p.id, Role::Coach, &maya.id, 1_000_000).await;
    store
        .accept_invitation(&t, &coach.id, at(30))
        .await
        .unwrap();
    let revision = store
        .save_draft(&p.id, 1, "format = 1\n# agreed\n", at(40))
        .await
        .unwrap();

    // The first signature takes version 1, not yet complete.
    let first = store.sign_draft(&p.id, revision, &maya.id, at(100)).await;
    assert_eq!(
        first.unwrap(),
        Signed {
            number: 1,
            complete: false
        }
    );
    let versions = store.versions(&p.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let v1 = &versions[0];
    assert_eq!(v1.number, 1);
    assert_eq!(v1.draft_revision, revision);
    assert_eq!(v1.toml, "format = 1\n# agreed\n");
    assert_eq!(v1.created_at, at(100));
    assert_eq!(v1.signed_at, None);
    assert_eq!(v1.signatures.len(), 1);
    assert_eq!(v1.signatures[0].user_id, maya.id);
    assert_eq!(v1.signatures[0].name, "Maya Chen");
    assert_eq!(v1.signatures[0].signed_at, at(100));

    // Signing again changes nothing.
    let again = store.sign_draft(&p.id, revision, &maya.id, at(150)).await;
    assert_eq!(
        again.unwrap(),
        Signed {
            number: 1,
            complete: false
        }
    );
    assert_eq!(store.versions(&p.id).await.unwrap(), versions);

    // An older revision is stale; a coach or a stranger cannot sign.
    stale(
        store
            .sign_draft(&p.id, revision - 1, &jonas.id, at(160))
            .await,
        revision - 1,
        revision,
    );
    let by_coach = store.sign_draft(&p.id, revision, &coach.id, at(160)).await;
    assert!(
        matches!(by_coach, Err(StoreError::NotFound("partner"))),
        "{by_coach:?}"
    );
    let stranger = user(store, "Sam Lee").await;
    let by_stranger = store
        .sign_draft(&p.id, revision, &stranger.id, at(160))
        .await;
    assert!(
        matches!(by_stranger, Err(StoreError::NotFound("partner"))),
        "{by_stranger:?}"
    );
    let unknown = store
        .sign_draft(&PartnershipId::random(), 1, &maya.id, at(160))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound("partnership"))),
        "{unknown:?}"
    );
    assert_eq!(store.versions(&p.id).await.unwrap(), versions);

    // The other partner completes it.
    let second = store.sign_draft(&p.id, revision, &jonas.id, at(200)).await;
    assert_eq!(
        second.unwrap(),
        Signed {
            number: 1,
            complete: true
        }
    );
    let v1 = store.version(&p.id, 1).await.unwrap().unwrap();
    assert_eq!(v1.signed_at, Some(at(200)));
    let signers: Vec<(UserId, _)> = v1
        .signatures
        .iter()
        .map(|s| (s.user_id.clone(), s.signed_at))
        .collect();
    assert_eq!(
        signers,
        vec![(maya.id.clone(), at(100)), (jonas.id.clone(), at(200))]
    );

    // Repeats after completion change nothing and still say complete.
    for (who, ms) in [(&jonas.id, 300), (&maya.id, 310)] {
        let repeat = store.sign_draft(&p.id, revision, who, at(ms)).await;
        assert_eq!(
            repeat.unwrap(),
            Signed {
                number: 1,
                complete: true
            }
        );
    }
    assert_eq!(store.version(&p.id, 1).await.unwrap(), Some(v1.clone()));
    assert_eq!(store.versions(&p.id).await.unwrap(), vec![v1]);
    assert_eq!(store.version(&p.id, 2).await.unwrap(), None);
    assert_eq!(
        store.version(&PartnershipId::random(), 1).await.unwrap(),
        None
    );
    assert!(
        store
            .versions(&PartnershipId::random())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn editing_after_one_signature_starts_a_new_version<S: Store + ?Sized>(store: &S) {
    let (p, maya, jonas) = pair(store).await;
    let first = store.sign_draft(&p.id, 1, &maya.id, at(100)).await;
    assert_eq!(
        first.unwrap(),
        Signed {
            number: 1,
            complete: false
        }
    );

    // Jonas edits instead of signing; the old revision can no longer be signed.
    assert_eq!(
        store
            .save_draft(&p.id, 1, "format = 1\n# edited\n", at(110))
            .await
            .unwrap(),
        2
    );
    stale(store.sign_draft(&p.id, 1, &jonas.id, at(120)).await, 1, 2);

    // Both sign the new revision at the same moment: version 2, complete,
    // signatures ordered by time, then name.
    let maya_signs = store.sign_draft(&p.id, 2, &maya.id, at(130)).await;
    assert_eq!(
        maya_signs.unwrap(),
        Signed {
            number: 2,
            complete: false
        }
    );
    let jonas_signs = store.sign_draft(&p.id, 2, &jonas.id, at(130)).await;
    assert_eq!(
        jonas_signs.unwrap(),
        Signed {
            number: 2,
            complete: true
        }
    );

    let versions = store.versions(&p.id).await.unwrap();
    let numbers: Vec<_> = versions
        .iter()
        .map(|v| (v.number, v.draft_revision))
        .collect();
    assert_eq!(numbers, vec![(1, 1), (2, 2)]);
    // Version 1 stays incomplete, with Maya's signature only.
    assert_eq!(versions[0].signed_at, None);
    assert_eq!(versions[0].toml, "format = 1\n");
    assert_eq!(versions[0].signatures.len(), 1);
    assert_eq!(versions[1].signed_at, Some(at(130)));
    assert_eq!(versions[1].toml, "format = 1\n# edited\n");
    let names: Vec<&str> = versions[1]
        .signatures
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, vec!["Jonas Berg", "Maya Chen"]);
    assert_eq!(
        store.version(&p.id, 1).await.unwrap().as_ref(),
        versions.first()
    );
    assert_eq!(
        store.version(&p.id, 2).await.unwrap().as_ref(),
        versions.get(1)
    );
}
