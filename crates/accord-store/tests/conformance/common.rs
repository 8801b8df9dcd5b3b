//! Helpers the conformance cases share: times, tokens, and accounts,
//! partnerships, invitations and outbox rows made in one call. Every helper
//! makes fresh ids, addresses and dedupe keys, so cases sharing one store
//! never collide.

use accord_store::{
    Channel, Invitation, InvitationProblem, LinkProblem, Member, NewInvitation, NewNotification,
    NewPartnership, NewSession, NewUser, Partnership, PartnershipId, Role, Store, StoreError,
    TokenHash, User, UserId,
};
use jiff::Timestamp;

/// A password hash of the right shape; the store never checks it.
pub const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

/// The time `ms` milliseconds after the epoch.
pub fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap()
}

/// A new random token digest.
pub fn token() -> TokenHash {
    let hex = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    TokenHash::from_hex(&hex).unwrap()
}

/// What creating an account named `name` needs, at an address of its own.
pub fn new_user<'a>(email: &'a str, name: &'a str, now: Timestamp) -> NewUser<'a> {
    NewUser {
        email,
        name,
        password_hash: HASH,
        now,
    }
}

/// An account named `name`, at a fresh address.
pub async fn user<S: Store + ?Sized>(store: &S, name: &str) -> User {
    let email = format!(
        "{}-{}@example.org",
        name.to_lowercase().replace(' ', "."),
        uuid::Uuid::new_v4().simple()
    );
    store
        .create_user(&new_user(&email, name, at(1)))
        .await
        .unwrap()
}

/// A session of `user` expiring at `expires_at`, returning its id digest.
pub async fn session<S: Store + ?Sized>(store: &S, user: &UserId, expires_at: i64) -> TokenHash {
    let id = token();
    store
        .create_session(&NewSession {
            id: &id,
            user,
            csrf_token: "csrf",
            now: at(0),
            expires_at: at(expires_at),
        })
        .await
        .unwrap();
    id
}

/// A partnership started by `creator` at `now` (milliseconds).
pub async fn partnership<S: Store + ?Sized>(store: &S, creator: &UserId, now: i64) -> Partnership {
    store
        .create_partnership(&NewPartnership {
            title: "Maya and Jonas",
            creator,
            draft: "format = 1\n",
            now: at(now),
        })
        .await
        .unwrap()
}

/// An invitation to `partnership` in `role`, made at 0 and expiring at
/// `expires_at`, with its token digest.
pub async fn invite<S: Store + ?Sized>(
    store: &S,
    partnership: &PartnershipId,
    role: Role,
    by: &UserId,
    expires_at: i64,
) -> (TokenHash, Invitation) {
    let token = token();
    let invitation = store
        .create_invitation(&NewInvitation {
            token: &token,
            partnership,
            role,
            email: None,
            invited_by: by,
            now: at(0),
            expires_at: at(expires_at),
        })
        .await
        .unwrap();
    (token, invitation)
}

/// A partnership of two partners, started by the first, with the second
/// joined by invitation at 20.
pub async fn pair<S: Store + ?Sized>(store: &S) -> (Partnership, User, User) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let p = partnership(store, &maya.id, 10).await;
    let (t, _) = invite(store, &p.id, Role::Partner, &maya.id, 1_000_000).await;
    store
        .accept_invitation(&t, &jonas.id, at(20))
        .await
        .unwrap();
    (p, maya, jonas)
}

/// The members' ids and roles, in the order the store lists them.
pub fn roster(members: &[Member]) -> Vec<(UserId, Role)> {
    members
        .iter()
        .map(|m| (m.user_id.clone(), m.role))
        .collect()
}

/// Whether `result` is the invitation problem `problem`.
pub fn is_problem<T>(result: &Result<T, StoreError>, problem: InvitationProblem) -> bool {
    matches!(result, Err(StoreError::Invitation(p)) if *p == problem)
}

/// Whether `result` is the check-in link problem `problem`.
pub fn is_link_problem<T>(result: &Result<T, StoreError>, problem: LinkProblem) -> bool {
    matches!(result, Err(StoreError::Link(p)) if *p == problem)
}

/// A [`pair`] whose draft both partners signed at revision 1 (at 30): an
/// agreement in force.
pub async fn signed_pair<S: Store + ?Sized>(store: &S) -> (Partnership, User, User) {
    let (p, maya, jonas) = pair(store).await;
    store.sign_draft(&p.id, 1, &maya.id, at(30)).await.unwrap();
    let signed = store.sign_draft(&p.id, 1, &jonas.id, at(30)).await.unwrap();
    assert!(signed.complete);
    (p, maya, jonas)
}

/// A dedupe key (or any text) of its own, starting with `prefix`.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// An e-mail reminder for the partnership, due at `due` (milliseconds),
/// with a fresh dedupe key.
pub fn notification(partnership: Option<&PartnershipId>, due: i64) -> NewNotification {
    NewNotification {
        partnership: partnership.cloned(),
        user: None,
        channel: Channel::Email,
        kind: "reminder".to_owned(),
        dedupe: unique("reminder"),
        due_at: at(due),
        payload: r#"{"occurrence":"2026-03-02T08:00:00Z"}"#.to_owned(),
    }
}

/// Whether the outbox already holds a row with this dedupe key: enqueuing
/// it again inserts nothing. (When it does not, it is enqueued now.)
pub async fn in_outbox<S: Store + ?Sized>(store: &S, row: &NewNotification) -> bool {
    store.enqueue(std::slice::from_ref(row)).await.unwrap() == 0
}
