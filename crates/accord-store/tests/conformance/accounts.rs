//! Conformance cases for accounts, passwords, sessions and password resets.

use accord_store::{NewSession, Store, StoreError, UserId};

use crate::common::{at, new_user, session, token, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    accounts(store).await;
    sessions_expire_and_end(store).await;
    a_new_password_ends_every_credential(store).await;
    reset_tokens_are_single_use(store).await;
    expired_reset_tokens_are_consumed_without_effect(store).await;
}

/// Create, then find by id and by e-mail in any case; addresses are unique.
async fn accounts<S: Store + ?Sized>(store: &S) {
    let created = store
        .create_user(&new_user(
            "Maya@Example.org ",
            "Maya Chen",
            at(1_700_000_000_123),
        ))
        .await
        .unwrap();
    assert_eq!(created.email, "maya@example.org");
    assert_eq!(created.name, "Maya Chen");
    assert_eq!(created.created_at, at(1_700_000_000_123));
    let by_id = store.user_by_id(&created.id).await.unwrap().unwrap();
    assert_eq!(by_id, created);
    let by_email = store
        .user_by_email("MAYA@example.ORG")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_email, created);

    // The same address in another case is taken.
    let again = store
        .create_user(&new_user("maya@EXAMPLE.org", "Other", at(1)))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    // Unknown accounts are absent, not errors.
    assert!(
        store
            .user_by_email("nobody@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.user_by_id(&UserId::random()).await.unwrap().is_none());

    // Ids are distinct.
    let other = store
        .create_user(&new_user("jonas@example.org", "Jonas Berg", at(2)))
        .await
        .unwrap();
    assert_ne!(other.id, created.id);
}

async fn sessions_expire_and_end<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let id = session(store, &maya.id, 1_000).await;

    let found = store.session(&id, at(999)).await.unwrap().unwrap();
    assert_eq!(found.user, maya);
    assert_eq!(found.csrf_token, "csrf");
    assert_eq!(found.expires_at, at(1_000));

    // Expired at the very millisecond it expires.
    assert_eq!(store.session(&id, at(1_000)).await.unwrap(), None);
    assert_eq!(store.session(&token(), at(0)).await.unwrap(), None);

    store.delete_session(&id).await.unwrap();
    assert_eq!(store.session(&id, at(0)).await.unwrap(), None);
    // Unknown ids are not an error.
    store.delete_session(&id).await.unwrap();
}

/// A new password ends every session and API token of the account, the
/// changing browser's too; its fresh session is stored in the same
/// transaction. Other accounts keep theirs.
async fn a_new_password_ends_every_credential<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let first = session(store, &maya.id, 10_000).await;
    let changing = session(store, &maya.id, 10_000).await;
    let other = session(store, &jonas.id, 10_000).await;
    let (maya_token, jonas_token) = (
        api_token(store, &maya.id).await,
        api_token(store, &jonas.id).await,
    );

    let fresh = token();
    let new = NewSession {
        id: &fresh,
        user: &maya.id,
        csrf_token: "fresh csrf",
        now: at(0),
        expires_at: at(10_000),
    };
    store
        .set_password(&maya.id, "new hash", Some(&new))
        .await
        .unwrap();
    let changed = store.user_by_id(&maya.id).await.unwrap().unwrap();
    assert_eq!(changed.password_hash, "new hash");
    assert!(store.session(&first, at(0)).await.unwrap().is_none());
    assert!(store.session(&changing, at(0)).await.unwrap().is_none());
    let kept = store.session(&fresh, at(0)).await.unwrap().unwrap();
    assert_eq!(
        (kept.user.password_hash.as_str(), kept.csrf_token.as_str()),
        ("new hash", "fresh csrf")
    );
    assert_eq!(
        store.user_by_api_token(&maya_token, at(0)).await.unwrap(),
        None
    );
    assert!(store.api_tokens(&maya.id).await.unwrap().is_empty());
    // Another account's sessions and tokens are untouched.
    assert!(store.session(&other, at(0)).await.unwrap().is_some());
    assert!(
        store
            .user_by_api_token(&jonas_token, at(0))
            .await
            .unwrap()
            .is_some()
    );

    // Without a fresh session, every session ends.
    store.set_password(&maya.id, "newer", None).await.unwrap();
    assert!(store.session(&fresh, at(0)).await.unwrap().is_none());
    assert!(store.session(&other, at(0)).await.unwrap().is_some());

    let unknown = store.set_password(&UserId::random(), "x", None).await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
}

async fn reset_tokens_are_single_use<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let used = token();
    let sibling = token();
    let theirs = token();
    for (t, u) in [
        (&used, &maya.id),
        (&sibling, &maya.id),
        (&theirs, &jonas.id),
    ] {
        store
            .create_reset_token(t, u, at(0), at(2_000))
            .await
            .unwrap();
    }
    let signed_in = session(store, &maya.id, 10_000).await;
    let their_session = session(store, &jonas.id, 10_000).await;
    let (maya_token, jonas_token) = (
        api_token(store, &maya.id).await,
        api_token(store, &jonas.id).await,
    );

    let reset = store.reset_password(&used, "reset hash", at(1_500)).await;
    assert_eq!(reset.unwrap(), Some(maya.id.clone()));
    let changed = store.user_by_id(&maya.id).await.unwrap().unwrap();
    assert_eq!(changed.password_hash, "reset hash");
    assert!(store.session(&signed_in, at(0)).await.unwrap().is_none());
    assert_eq!(
        store.user_by_api_token(&maya_token, at(0)).await.unwrap(),
        None
    );
    assert!(
        store
            .user_by_api_token(&jonas_token, at(0))
            .await
            .unwrap()
            .is_some()
    );

    // Single use, and the account's other tokens are gone too.
    assert_eq!(
        store
            .reset_password(&used, "again", at(1_500))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .reset_password(&sibling, "sibling", at(1_500))
            .await
            .unwrap(),
        None
    );
    let unchanged = store.user_by_id(&maya.id).await.unwrap().unwrap();
    assert_eq!(unchanged.password_hash, "reset hash");

    // Another account's token and sessions are untouched.
    assert!(
        store
            .session(&their_session, at(0))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .reset_password(&theirs, "theirs", at(1_500))
            .await
            .unwrap(),
        Some(jonas.id)
    );
    assert_eq!(
        store.reset_password(&token(), "x", at(0)).await.unwrap(),
        None
    );
}

async fn expired_reset_tokens_are_consumed_without_effect<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let expired = token();
    store
        .create_reset_token(&expired, &maya.id, at(0), at(2_000))
        .await
        .unwrap();
    let signed_in = session(store, &maya.id, 10_000).await;

    // Expired at the very millisecond it expires.
    assert_eq!(
        store
            .reset_password(&expired, "late", at(2_000))
            .await
            .unwrap(),
        None
    );
    let unchanged = store.user_by_id(&maya.id).await.unwrap().unwrap();
    assert_eq!(unchanged.password_hash, maya.password_hash);
    assert!(store.session(&signed_in, at(0)).await.unwrap().is_some());

    // Consumed: even at a time it would have been valid, it is gone.
    assert_eq!(
        store
            .reset_password(&expired, "early", at(1_000))
            .await
            .unwrap(),
        None
    );
    let unchanged = store.user_by_id(&maya.id).await.unwrap().unwrap();
    assert_eq!(unchanged.password_hash, maya.password_hash);
}

/// A new API token of `user`'s; its secret's digest.
async fn api_token<S: Store + ?Sized>(store: &S, user: &UserId) -> accord_store::TokenHash {
    let secret = token();
    store
        .create_api_token(&secret, user, "script", at(0))
        .await
        .unwrap();
    secret
}
