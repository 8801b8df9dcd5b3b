//! Concurrency cases: two stores on one database (as two app processes
//! would have) race to save the draft, to take the last partner's place, to
//! sign, and to claim outbox rows. Each write must be all or nothing, and
//! exactly one of the racers may win where only one can.

use accord_store::{InvitationProblem, Role, Signed, Store, StoreError};
use tokio::task::JoinSet;

use crate::common::{at, invite, is_problem, pair, partnership, user};

/// Runs every case with `a` and `b`, two stores on the same database.
pub async fn run<A, B>(a: A, b: B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    saves_with_the_same_revision(&a, &b).await;
    saves_free_for_all(&a, &b).await;
    two_users_take_the_last_partner_place(&a, &b).await;
    accepting_while_withdrawn(&a, &b).await;
    both_partners_sign_at_once(&a, &b).await;
    crate::outbox::claims_race(&a, &b).await;
    crate::keyed::race(&a, &b).await;
}

/// Rounds in which four writers (two per store) save with the same
/// expected revision: one wins, the others are told who did.
async fn saves_with_the_same_revision<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    let maya = user(a, "Maya Chen").await;
    let p = partnership(a, &maya.id, 0).await;
    let rounds = 20;
    for revision in 1..=rounds {
        let mut racers = JoinSet::new();
        for writer in 0..4 {
            let id = p.id.clone();
            let draft = format!("format = 1\n# round {revision}, writer {writer}\n");
            if writer % 2 == 0 {
                let store = a.clone();
                racers.spawn(
                    async move { store.save_draft(&id, revision, &draft, at(revision)).await },
                );
            } else {
                let store = b.clone();
                racers.spawn(
                    async move { store.save_draft(&id, revision, &draft, at(revision)).await },
                );
            }
        }
        let results = racers.join_all().await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {revision}: {results:?}");
        for result in results {
            match result {
                Ok(new) => assert_eq!(new, revision + 1),
                Err(StoreError::Stale { expected, current }) => {
                    assert_eq!((expected, current), (revision, revision + 1));
                }
                Err(e) => panic!("round {revision}: {e}"),
            }
        }
    }
    let saved = a.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(saved.draft_revision, rounds + 1);
    assert!(
        saved.draft.contains(&format!("# round {rounds},")),
        "{}",
        saved.draft
    );
}

/// Eight writers each read the revision and save on it, over and over:
/// every save either wins or is stale, and the revision counts the wins.
async fn saves_free_for_all<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    async fn writer<S: Store>(store: S, id: accord_store::PartnershipId) -> (u32, u32) {
        let (mut won, mut lost) = (0, 0);
        for attempt in 0..15 {
            let seen = store
                .partnership(&id)
                .await
                .unwrap()
                .unwrap()
                .draft_revision;
            let draft = format!("format = 1\n# attempt {attempt}\n");
            match store.save_draft(&id, seen, &draft, at(seen)).await {
                Ok(new) => {
                    assert_eq!(new, seen + 1);
                    won += 1;
                }
                Err(StoreError::Stale { expected, current }) => {
                    assert_eq!(expected, seen);
                    assert!(current > seen, "{current} <= {seen}");
                    lost += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
        (won, lost)
    }

    let maya = user(a, "Maya Chen").await;
    let p = partnership(a, &maya.id, 0).await;
    let mut writers = JoinSet::new();
    for n in 0..8 {
        if n % 2 == 0 {
            writers.spawn(writer(a.clone(), p.id.clone()));
        } else {
            writers.spawn(writer(b.clone(), p.id.clone()));
        }
    }
    let tallies = writers.join_all().await;
    let won: u32 = tallies.iter().map(|t| t.0).sum();
    let lost: u32 = tallies.iter().map(|t| t.1).sum();
    assert_eq!(won + lost, 8 * 15);
    assert!(won > 0);
    let saved = b.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(saved.draft_revision, i64::from(won) + 1);
}

/// Two newcomers, each with a partner's invitation, accept at once where
/// one place is left: one joins, the other is told the role is taken and
/// their invitation stays unused.
async fn two_users_take_the_last_partner_place<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    for round in 0..10 {
        let maya = user(a, "Maya Chen").await;
        let p = partnership(a, &maya.id, 0).await;
        let (first_token, _) = invite(a, &p.id, Role::Partner, &maya.id, 10_000).await;
        let (second_token, _) = invite(a, &p.id, Role::Partner, &maya.id, 10_000).await;
        let jonas = user(a, "Jonas Berg").await;
        let sam = user(a, "Sam Lee").await;

        let mut racers = JoinSet::new();
        {
            let (store, t, u) = (a.clone(), first_token.clone(), jonas.id.clone());
            racers.spawn(async move { (0, store.accept_invitation(&t, &u, at(100)).await) });
        }
        {
            let (store, t, u) = (b.clone(), second_token.clone(), sam.id.clone());
            racers.spawn(async move { (1, store.accept_invitation(&t, &u, at(100)).await) });
        }
        let results = racers.join_all().await;
        let winners: Vec<usize> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for (_, result) in &results {
            if result.is_err() {
                assert!(
                    is_problem(result, InvitationProblem::RoleTaken("partner")),
                    "round {round}: {result:?}"
                );
            }
        }
        let members = b.members(&p.id).await.unwrap();
        assert_eq!(members.len(), 2, "round {round}");
        let (winner, loser_token) = if winners[0] == 0 {
            (&jonas.id, &second_token)
        } else {
            (&sam.id, &first_token)
        };
        assert_eq!(&members[1].user_id, winner);
        let unused = b.invitation_by_token(loser_token).await.unwrap().unwrap();
        assert_eq!(unused.accepted_at, None, "round {round}");
    }
}

/// An invitation is accepted through one store while withdrawn through the
/// other: either it was used (and stays on record) or it is gone and
/// nobody joined.
async fn accepting_while_withdrawn<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    for round in 0..10 {
        let maya = user(a, "Maya Chen").await;
        let jonas = user(a, "Jonas Berg").await;
        let p = partnership(a, &maya.id, 0).await;
        let (t, invitation) = invite(a, &p.id, Role::Partner, &maya.id, 10_000).await;
        let accepting = {
            let (store, t, u) = (a.clone(), t.clone(), jonas.id.clone());
            tokio::spawn(async move { store.accept_invitation(&t, &u, at(100)).await })
        };
        let withdrawing = {
            let (store, p, id) = (b.clone(), p.id.clone(), invitation.id.clone());
            tokio::spawn(async move { store.withdraw_invitation(&p, &id).await })
        };
        let accepted = accepting.await.unwrap();
        let withdrawn = withdrawing.await.unwrap().unwrap();
        let members = b.members(&p.id).await.unwrap().len();
        let on_record = b.invitation_by_token(&t).await.unwrap();
        if withdrawn {
            assert!(
                is_problem(&accepted, InvitationProblem::Unknown),
                "round {round}: {accepted:?}"
            );
            assert_eq!((members, on_record), (1, None), "round {round}");
        } else {
            assert!(accepted.is_ok(), "round {round}: {accepted:?}");
            assert_eq!(members, 2, "round {round}");
            assert_eq!(
                on_record.unwrap().accepted_at,
                Some(at(100)),
                "round {round}"
            );
        }
    }
}

/// Both partners sign the same revision at once: one version, completed by
/// whichever came second.
async fn both_partners_sign_at_once<A, B>(a: &A, b: &B)
where
    A: Store + Clone + 'static,
    B: Store + Clone + 'static,
{
    for round in 0..10 {
        let (p, maya, jonas) = pair(a).await;
        let mut racers = JoinSet::new();
        {
            let (store, id, u) = (a.clone(), p.id.clone(), maya.id.clone());
            racers.spawn(async move { store.sign_draft(&id, 1, &u, at(100)).await });
        }
        {
            let (store, id, u) = (b.clone(), p.id.clone(), jonas.id.clone());
            racers.spawn(async move { store.sign_draft(&id, 1, &u, at(100)).await });
        }
        let mut results: Vec<Signed> = racers
            .join_all()
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        results.sort_by_key(|s| s.complete);
        assert_eq!(
            results,
            vec![
                Signed {
                    number: 1,
                    complete: false
                },
                Signed {
                    number: 1,
                    complete: true
                },
            ],
            "round {round}"
        );
        let versions = b.versions(&p.id).await.unwrap();
        assert_eq!(versions.len(), 1, "round {round}");
        assert_eq!(versions[0].signatures.len(), 2, "round {round}");
        assert_eq!(versions[0].signed_at, Some(at(100)), "round {round}");
    }
}
