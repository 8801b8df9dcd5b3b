//! Conformance cases for partnerships, memberships and invitations.

use accord_store::{
    InvitationId, InvitationProblem::*, Membership, NewInvitation, NewPartnership, PartnershipId,
    Role, Store, StoreError, UserId,
};

use crate::common::{at, invite, is_problem, partnership, roster, token, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    creating_a_partnership(store).await;
    memberships_and_members(store).await;
    invitations(store).await;
    invitation_problems_in_order(store).await;
    withdrawing(store).await;
    removing_the_coach(store).await;
}

async fn creating_a_partnership<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let p = store
        .create_partnership(&NewPartnership {
            title: "Maya and Jonas",
            creator: &maya.id,
            draft: "format = 1\ntitle = \"Weekly\"\n",
            now: at(1_000),
        })
        .await
        .unwrap();
    assert_eq!(p.title, "Maya and Jonas");
    assert_eq!(p.draft, "format = 1\ntitle = \"Weekly\"\n");
    assert_eq!(p.draft_revision, 1);
    assert_eq!(p.created_at, at(1_000));
    assert_eq!(p.draft_updated_at, at(1_000));
    assert_eq!(store.partnership(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(
        store.partnership(&PartnershipId::random()).await.unwrap(),
        None
    );

    // The creator is its first partner, and its only member.
    assert_eq!(
        store.role_in(&p.id, &maya.id).await.unwrap(),
        Some(Role::Partner)
    );
    assert_eq!(store.role_in(&p.id, &jonas.id).await.unwrap(), None);
    // The same in one read, with the partnership.
    assert_eq!(
        store.membership(&p.id, &maya.id).await.unwrap(),
        Some(accord_store::Membership {
            partnership: p.clone(),
            role: Role::Partner
        })
    );
    assert_eq!(store.membership(&p.id, &jonas.id).await.unwrap(), None);
    assert_eq!(
        store
            .membership(&PartnershipId::random(), &maya.id)
            .await
            .unwrap(),
        None
    );
    let members = store.members(&p.id).await.unwrap();
    assert_eq!(roster(&members), vec![(maya.id.clone(), Role::Partner)]);
    assert_eq!(members[0].name, "Maya Chen");
    assert_eq!(members[0].email, maya.email);
    assert_eq!(members[0].joined_at, at(1_000));

    // All or nothing: an unknown creator leaves no partnership behind.
    let stranger = UserId::random();
    let orphan = store
        .create_partnership(&NewPartnership {
            title: "Nobody",
            creator: &stranger,
            draft: "format = 1\n",
            now: at(1_000),
        })
        .await;
    assert!(orphan.is_err(), "{orphan:?}");
    assert!(store.memberships(&stranger).await.unwrap().is_empty());
}

async fn memberships_and_members<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let coach = user(store, "Ana Coach").await;
    let later = partnership(store, &maya.id, 2_000).await;
    let earlier = partnership(store, &jonas.id, 1_000).await;
    assert_eq!(store.memberships(&maya.id).await.unwrap().len(), 1);

    // The coach joins before the second partner; partners are listed first.
    let (t, _) = invite(store, &later.id, Role::Coach, &maya.id, 10_000).await;
    store
        .accept_invitation(&t, &coach.id, at(2_100))
        .await
        .unwrap();
    let (t, _) = invite(store, &later.id, Role::Partner, &maya.id, 10_000).await;
    store
        .accept_invitation(&t, &jonas.id, at(2_200))
        .await
        .unwrap();
    let members = store.members(&later.id).await.unwrap();
    assert_eq!(
        roster(&members),
        vec![
            (maya.id.clone(), Role::Partner),
            (jonas.id.clone(), Role::Partner),
            (coach.id.clone(), Role::Coach),
        ]
    );
    assert_eq!(members[1].joined_at, at(2_200));
    assert_eq!(members[2].joined_at, at(2_100));
    assert_eq!(members[2].name, "Ana Coach");

    // Oldest partnership first, each with the member's role in it.
    let later = store.partnership(&later.id).await.unwrap().unwrap();
    assert_eq!(
        store.memberships(&jonas.id).await.unwrap(),
        vec![
            Membership {
                partnership: earlier.clone(),
                role: Role::Partner,
            },
            Membership {
                partnership: later.clone(),
                role: Role::Partner,
            },
        ]
    );
    assert_eq!(
        store.memberships(&coach.id).await.unwrap(),
        vec![Membership {
            partnership: later.clone(),
            role: Role::Coach,
        }]
    );
    assert_eq!(
        store.role_in(&later.id, &coach.id).await.unwrap(),
        Some(Role::Coach)
    );
    assert_eq!(store.role_in(&earlier.id, &coach.id).await.unwrap(), None);
    assert!(
        store
            .members(&PartnershipId::random())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .memberships(&UserId::random())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn invitations<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let p = partnership(store, &maya.id, 1_000).await;
    let partner_token = token();
    let invitation = store
        .create_invitation(&NewInvitation {
            token: &partner_token,
            partnership: &p.id,
            role: Role::Partner,
            email: Some("Jonas@Example.org"),
            invited_by: &maya.id,
            now: at(1_100),
            expires_at: at(5_000),
        })
        .await
        .unwrap();
    assert_eq!(invitation.partnership_id, p.id);
    assert_eq!(invitation.partnership_title, "Maya and Jonas");
    assert_eq!(invitation.role, Role::Partner);
    assert_eq!(invitation.email.as_deref(), Some("jonas@example.org"));
    assert_eq!(invitation.invited_by, "Maya Chen");
    assert_eq!(invitation.created_at, at(1_100));
    assert_eq!(invitation.expires_at, at(5_000));
    assert_eq!(invitation.accepted_at, None);
    assert_eq!(
        store.invitation_by_token(&partner_token).await.unwrap(),
        Some(invitation.clone())
    );
    assert_eq!(store.invitation_by_token(&token()).await.unwrap(), None);

    let (_, coach_invitation) = invite(store, &p.id, Role::Coach, &maya.id, 5_000).await;
    assert_eq!(coach_invitation.email, None);
    // Newest first (the coach's was made at 0, the partner's at 1 100).
    assert_eq!(
        store.invitations(&p.id).await.unwrap(),
        vec![invitation.clone(), coach_invitation.clone()]
    );

    let joined = store
        .accept_invitation(&partner_token, &jonas.id, at(1_200))
        .await
        .unwrap();
    assert_eq!(joined.role, Role::Partner);
    // The same partnership, one member (one change to its history) more.
    assert_eq!(
        joined.partnership,
        accord_store::Partnership {
            changes: p.changes + 1,
            ..p.clone()
        }
    );
    assert_eq!(
        store.role_in(&p.id, &jonas.id).await.unwrap(),
        Some(Role::Partner)
    );
    let used = store
        .invitation_by_token(&partner_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.accepted_at, Some(at(1_200)));
    assert_eq!(store.invitations(&p.id).await.unwrap()[0], used);

    // An unknown partnership or inviter is refused.
    let missing = store
        .create_invitation(&NewInvitation {
            token: &token(),
            partnership: &PartnershipId::random(),
            role: Role::Coach,
            email: None,
            invited_by: &maya.id,
            now: at(0),
            expires_at: at(1),
        })
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    assert!(
        store
            .invitations(&PartnershipId::random())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Each problem is tried with an invitation that also has every later
/// problem, so the first one in the documented order must be the one
/// reported; and a refused acceptance changes nothing.
async fn invitation_problems_in_order<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let coach = user(store, "Ana Coach").await;
    let newcomer = user(store, "Sam Lee").await;
    let p = partnership(store, &maya.id, 1_000).await;
    let (used, _) = invite(store, &p.id, Role::Partner, &maya.id, 2_000).await;
    store
        .accept_invitation(&used, &jonas.id, at(1_100))
        .await
        .unwrap();
    let (t, _) = invite(store, &p.id, Role::Coach, &maya.id, 2_000).await;
    store
        .accept_invitation(&t, &coach.id, at(1_200))
        .await
        .unwrap();
    // Both expire at 2 000.
    let (expired, _) = invite(store, &p.id, Role::Partner, &maya.id, 2_000).await;
    let (partner, _) = invite(store, &p.id, Role::Partner, &maya.id, 10_000).await;
    let (coaching, _) = invite(store, &p.id, Role::Coach, &maya.id, 10_000).await;

    let before = store.members(&p.id).await.unwrap();
    let invitations_before = store.invitations(&p.id).await.unwrap();
    let tries = [
        // Unknown, whoever tries it.
        (token(), &jonas.id, 1_300, Unknown),
        // Used, also expired by now, by someone already a member.
        (used.clone(), &jonas.id, 3_000, Used),
        // Used, whoever tries it.
        (used.clone(), &newcomer.id, 1_300, Used),
        // Expired at the very millisecond, for a member, role full.
        (expired.clone(), &maya.id, 2_000, Expired),
        (expired.clone(), &newcomer.id, 2_500, Expired),
        // Already a member, role full.
        (partner.clone(), &jonas.id, 1_300, AlreadyMember),
        (coaching.clone(), &coach.id, 1_300, AlreadyMember),
        (partner.clone(), &maya.id, 1_300, AlreadyMember),
        // Role full.
        (partner.clone(), &newcomer.id, 1_300, RoleTaken("partner")),
        (coaching.clone(), &newcomer.id, 1_300, RoleTaken("coach")),
    ];
    for (t, who, now, problem) in tries {
        let result = store.accept_invitation(&t, who, at(now)).await;
        assert!(is_problem(&result, problem), "{problem:?}: {result:?}");
    }
    assert_eq!(store.members(&p.id).await.unwrap(), before);
    assert_eq!(store.invitations(&p.id).await.unwrap(), invitations_before);
    assert!(store.memberships(&newcomer.id).await.unwrap().is_empty());
    for t in [&expired, &partner, &coaching] {
        let unused = store.invitation_by_token(t).await.unwrap().unwrap();
        assert_eq!(unused.accepted_at, None);
    }
}

async fn withdrawing<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let p = partnership(store, &maya.id, 1_000).await;
    let other = partnership(store, &jonas.id, 1_000).await;
    let (t, invitation) = invite(store, &p.id, Role::Coach, &maya.id, 10_000).await;

    // Only through its own partnership.
    assert!(
        !store
            .withdraw_invitation(&other.id, &invitation.id)
            .await
            .unwrap()
    );
    assert!(
        store
            .withdraw_invitation(&p.id, &invitation.id)
            .await
            .unwrap()
    );
    assert!(
        !store
            .withdraw_invitation(&p.id, &invitation.id)
            .await
            .unwrap()
    );
    assert!(
        !store
            .withdraw_invitation(&p.id, &InvitationId::random())
            .await
            .unwrap()
    );
    assert_eq!(store.invitation_by_token(&t).await.unwrap(), None);
    assert!(store.invitations(&p.id).await.unwrap().is_empty());
    let result = store.accept_invitation(&t, &jonas.id, at(1_100)).await;
    assert!(is_problem(&result, Unknown), "{result:?}");

    // A used invitation stays on record.
    let (t, used) = invite(store, &p.id, Role::Partner, &maya.id, 10_000).await;
    store
        .accept_invitation(&t, &jonas.id, at(1_100))
        .await
        .unwrap();
    assert!(!store.withdraw_invitation(&p.id, &used.id).await.unwrap());
    assert!(store.invitation_by_token(&t).await.unwrap().is_some());
}

/// A coach's membership can end; a partner's never does through this.
async fn removing_the_coach<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let ruth = user(store, "Ruth Coach").await;
    let p = partnership(store, &maya.id, 1_000).await;
    let other = partnership(store, &jonas.id, 1_000).await;
    for (role, who) in [(Role::Partner, &jonas), (Role::Coach, &ruth)] {
        let (t, _) = invite(store, &p.id, role, &maya.id, 10_000).await;
        store
            .accept_invitation(&t, &who.id, at(1_100))
            .await
            .unwrap();
    }
    // Not through another partnership, and never a partner.
    assert!(!store.remove_coach(&other.id, &ruth.id).await.unwrap());
    assert!(!store.remove_coach(&p.id, &jonas.id).await.unwrap());
    assert!(!store.remove_coach(&p.id, &maya.id).await.unwrap());
    assert!(store.remove_coach(&p.id, &ruth.id).await.unwrap());
    assert!(!store.remove_coach(&p.id, &ruth.id).await.unwrap());
    assert_eq!(
        roster(&store.members(&p.id).await.unwrap()),
        vec![
            (maya.id.clone(), Role::Partner),
            (jonas.id.clone(), Role::Partner)
        ]
    );
    assert_eq!(store.role_in(&p.id, &ruth.id).await.unwrap(), None);
    // The place is free: another coach can be invited and join.
    let (t, _) = invite(store, &p.id, Role::Coach, &maya.id, 10_000).await;
    store
        .accept_invitation(&t, &ruth.id, at(1_200))
        .await
        .unwrap();
    assert_eq!(
        store.role_in(&p.id, &ruth.id).await.unwrap(),
        Some(Role::Coach)
    );
}
