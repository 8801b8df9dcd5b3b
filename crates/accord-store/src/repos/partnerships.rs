//! Partnerships, their members and roles, and invitations to join them.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// Partnerships, their members and roles, and invitations to join them.
pub trait Partnerships: Send + Sync {
    // --- Partnerships ------------------------------------------------------

    /// Starts a partnership with its creator as first partner and the
    /// given first draft at revision 1.
    fn create_partnership<'a>(&'a self, new: &'a NewPartnership<'a>) -> Fut<'a, Partnership> {
        self.create_partnership_keyed(new, None)
    }
    /// [`Self::create_partnership`] under an idempotency key.
    fn create_partnership_keyed<'a>(
        &'a self,
        new: &'a NewPartnership<'a>,
        keyed: Option<&'a Keyed<Partnership>>,
    ) -> Fut<'a, Partnership>;
    /// The partnership with this id, whoever asks: callers check membership.
    fn partnership<'a>(&'a self, id: &'a PartnershipId) -> Fut<'a, Option<Partnership>>;
    /// The partnerships the user belongs to, oldest first, with their role.
    fn memberships<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<Membership>>;
    /// The partnership with the user's role in it, in one read; `None` when
    /// there is no such partnership or the user is not a member. (What
    /// every request naming a partnership checks first.)
    fn membership<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, Option<Membership>>;
    /// The user's role in the partnership; `None` when not a member.
    fn role_in<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, Option<Role>>;
    /// The partnership's members, partners first, then by joining time.
    fn members<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Member>>;

    // --- Invitations -------------------------------------------------------

    /// Stores an invitation.
    fn create_invitation<'a>(&'a self, new: &'a NewInvitation<'a>) -> Fut<'a, Invitation> {
        self.create_invitation_keyed(new, None)
    }
    /// [`Self::create_invitation`] under an idempotency key.
    fn create_invitation_keyed<'a>(
        &'a self,
        new: &'a NewInvitation<'a>,
        keyed: Option<&'a Keyed<Invitation>>,
    ) -> Fut<'a, Invitation>;
    /// The invitation with this token digest (used or not).
    fn invitation_by_token<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<Invitation>>;
    /// The partnership's invitations, newest first.
    fn invitations<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Invitation>>;
    /// Accepts an invitation, atomically: it must be unused and unexpired at
    /// `now`, the user not yet a member and the role not full. Adds the
    /// membership and marks the invitation used; on any problem, changes
    /// nothing and says which ([`StoreError::Invitation`]).
    fn accept_invitation<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Membership> {
        self.accept_invitation_keyed(token, user, now, None, None)
    }
    /// [`Self::accept_invitation`], with the draft changed as `redraft`
    /// says (the stored draft in; the draft to save out, `None` to leave
    /// it) when a partner joins, in the same transaction, and under an
    /// idempotency key.
    fn accept_invitation_keyed<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
        redraft: Option<Redraft<'a>>,
        keyed: Option<&'a Keyed<Membership>>,
    ) -> Fut<'a, Membership>;
    /// Withdraws an unused invitation of this partnership; `false` when it
    /// has none with this id.
    fn withdraw_invitation<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a InvitationId,
    ) -> Fut<'a, bool>;
    /// Ends `user`'s membership as the partnership's coach; `false` when
    /// they are not its coach (a partner is never removed: the agreement
    /// is theirs). What they wrote stays, under their name.
    fn remove_coach<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, bool>;
}

impl Partnerships for SqlStore {
    fn create_partnership_keyed<'a>(
        &'a self,
        new: &'a crate::NewPartnership<'a>,
        keyed: Option<&'a crate::Keyed<crate::Partnership>>,
    ) -> crate::Fut<'a, crate::Partnership> {
        Box::pin(crate::shared::partnerships::create_partnership(
            &self.pool, new, keyed,
        ))
    }
    fn partnership<'a>(
        &'a self,
        id: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Option<crate::Partnership>> {
        Box::pin(crate::shared::partnerships::partnership(&self.pool, id))
    }
    fn memberships<'a>(
        &'a self,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, Vec<crate::Membership>> {
        Box::pin(crate::shared::partnerships::memberships(&self.pool, user))
    }
    fn membership<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, Option<crate::Membership>> {
        Box::pin(crate::shared::partnerships::membership(
            &self.pool,
            partnership,
            user,
        ))
    }
    fn role_in<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, Option<crate::Role>> {
        Box::pin(crate::shared::partnerships::role_in(
            &self.pool,
            partnership,
            user,
        ))
    }
    fn members<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Member>> {
        Box::pin(crate::shared::partnerships::members(
            &self.pool,
            partnership,
        ))
    }
    fn create_invitation_keyed<'a>(
        &'a self,
        new: &'a crate::NewInvitation<'a>,
        keyed: Option<&'a crate::Keyed<crate::Invitation>>,
    ) -> crate::Fut<'a, crate::Invitation> {
        Box::pin(crate::shared::partnerships::create_invitation(
            &self.pool, new, keyed,
        ))
    }
    fn invitation_by_token<'a>(
        &'a self,
        token: &'a crate::TokenHash,
    ) -> crate::Fut<'a, Option<crate::Invitation>> {
        Box::pin(crate::shared::partnerships::invitation_by_token(
            &self.pool, token,
        ))
    }
    fn invitations<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Invitation>> {
        Box::pin(crate::shared::partnerships::invitations(
            &self.pool,
            partnership,
        ))
    }
    fn accept_invitation_keyed<'a>(
        &'a self,
        token: &'a crate::TokenHash,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
        redraft: Option<crate::Redraft<'a>>,
        keyed: Option<&'a crate::Keyed<crate::Membership>>,
    ) -> crate::Fut<'a, crate::Membership> {
        Box::pin(crate::shared::partnerships::accept_invitation(
            &self.pool, token, user, now, redraft, keyed,
        ))
    }
    fn withdraw_invitation<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        id: &'a crate::InvitationId,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::partnerships::withdraw_invitation(
            &self.pool,
            partnership,
            id,
        ))
    }
    fn remove_coach<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::partnerships::remove_coach(
            &self.pool,
            partnership,
            user,
        ))
    }
}
