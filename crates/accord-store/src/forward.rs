//! [`Db`] implements [`Store`] by forwarding every method to the store it
//! holds, so callers need not know which database they run on.

use jiff::Timestamp;

use crate::{
    ApiToken, ApiTokenId, Db, Fut, Invitation, InvitationId, Member, Membership, NewInvitation,
    NewPartnership, NewSession, NewUser, Partnership, PartnershipId, Role, Session, Signed, Store,
    StoredResponse, TokenHash, User, UserId, Version,
};

impl Store for Db {
    fn create_user<'a>(&'a self, new: &'a NewUser<'a>) -> Fut<'a, User> {
        self.inner().create_user(new)
    }
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>> {
        self.inner().user_by_email(email)
    }
    fn user_by_id<'a>(&'a self, id: &'a UserId) -> Fut<'a, Option<User>> {
        self.inner().user_by_id(id)
    }
    fn set_password<'a>(
        &'a self,
        user: &'a UserId,
        password_hash: &'a str,
        keep: Option<&'a TokenHash>,
    ) -> Fut<'a, ()> {
        self.inner().set_password(user, password_hash, keep)
    }
    fn create_session<'a>(&'a self, new: &'a NewSession<'a>) -> Fut<'a, ()> {
        self.inner().create_session(new)
    }
    fn session<'a>(&'a self, id: &'a TokenHash, now: Timestamp) -> Fut<'a, Option<Session>> {
        self.inner().session(id, now)
    }
    fn delete_session<'a>(&'a self, id: &'a TokenHash) -> Fut<'a, ()> {
        self.inner().delete_session(id)
    }
    fn create_reset_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, ()> {
        self.inner()
            .create_reset_token(token, user, now, expires_at)
    }
    fn reset_password<'a>(
        &'a self,
        token: &'a TokenHash,
        password_hash: &'a str,
        now: Timestamp,
    ) -> Fut<'a, Option<UserId>> {
        self.inner().reset_password(token, password_hash, now)
    }
    fn create_api_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        label: &'a str,
        now: Timestamp,
    ) -> Fut<'a, ApiToken> {
        self.inner().create_api_token(token, user, label, now)
    }
    fn api_tokens<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<ApiToken>> {
        self.inner().api_tokens(user)
    }
    fn user_by_api_token<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<User>> {
        self.inner().user_by_api_token(token)
    }
    fn delete_api_token<'a>(&'a self, user: &'a UserId, id: &'a ApiTokenId) -> Fut<'a, bool> {
        self.inner().delete_api_token(user, id)
    }
    fn record_login_failure<'a>(&'a self, keys: &'a [String], now: Timestamp) -> Fut<'a, ()> {
        self.inner().record_login_failure(keys, now)
    }
    fn login_failures<'a>(&'a self, key: &'a str, since: Timestamp) -> Fut<'a, u64> {
        self.inner().login_failures(key, since)
    }
    fn clear_login_failures<'a>(&'a self, key: &'a str) -> Fut<'a, ()> {
        self.inner().clear_login_failures(key)
    }
    fn remember_device<'a>(
        &'a self,
        device: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, ()> {
        self.inner().remember_device(device, user, now)
    }
    fn device_known<'a>(&'a self, device: &'a TokenHash, user: &'a UserId) -> Fut<'a, bool> {
        self.inner().device_known(device, user)
    }
    fn housekeeping<'a>(&'a self, now: Timestamp, failures_before: Timestamp) -> Fut<'a, ()> {
        self.inner().housekeeping(now, failures_before)
    }
    fn create_partnership<'a>(&'a self, new: &'a NewPartnership<'a>) -> Fut<'a, Partnership> {
        self.inner().create_partnership(new)
    }
    fn partnership<'a>(&'a self, id: &'a PartnershipId) -> Fut<'a, Option<Partnership>> {
        self.inner().partnership(id)
    }
    fn memberships<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<Membership>> {
        self.inner().memberships(user)
    }
    fn role_in<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, Option<Role>> {
        self.inner().role_in(partnership, user)
    }
    fn members<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Member>> {
        self.inner().members(partnership)
    }
    fn create_invitation<'a>(&'a self, new: &'a NewInvitation<'a>) -> Fut<'a, Invitation> {
        self.inner().create_invitation(new)
    }
    fn invitation_by_token<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<Invitation>> {
        self.inner().invitation_by_token(token)
    }
    fn invitations<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Invitation>> {
        self.inner().invitations(partnership)
    }
    fn accept_invitation<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Membership> {
        self.inner().accept_invitation(token, user, now)
    }
    fn withdraw_invitation<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a InvitationId,
    ) -> Fut<'a, bool> {
        self.inner().withdraw_invitation(partnership, id)
    }
    fn save_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        draft: &'a str,
        now: Timestamp,
    ) -> Fut<'a, i64> {
        self.inner()
            .save_draft(partnership, expected_revision, draft, now)
    }
    fn sign_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Signed> {
        self.inner()
            .sign_draft(partnership, expected_revision, user, now)
    }
    fn versions<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Version>> {
        self.inner().versions(partnership)
    }
    fn version<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        number: i64,
    ) -> Fut<'a, Option<Version>> {
        self.inner().version(partnership, number)
    }
    fn idempotent_response<'a>(
        &'a self,
        user: &'a UserId,
        key: &'a str,
    ) -> Fut<'a, Option<StoredResponse>> {
        self.inner().idempotent_response(user, key)
    }
    fn store_idempotent_response<'a>(
        &'a self,
        user: &'a UserId,
        key: &'a str,
        response: &'a StoredResponse,
        now: Timestamp,
    ) -> Fut<'a, ()> {
        self.inner()
            .store_idempotent_response(user, key, response, now)
    }
}
