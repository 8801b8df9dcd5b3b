//! Conformance cases for API tokens, login throttling, known devices,
//! and housekeeping (idempotency keys are `keyed`'s).

use accord_store::{ApiTokenId, Store};

use crate::common::{at, session, token, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    api_tokens(store).await;
    throttling_counts_by_key_and_window(store).await;
    devices(store).await;
    housekeeping_deletes_only_what_expired(store).await;
}

async fn api_tokens<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let (newer_secret, older_secret) = (token(), token());
    // Made out of order: listed oldest first all the same.
    let newer = store
        .create_api_token(&newer_secret, &maya.id, "laptop", at(20))
        .await
        .unwrap();
    let older = store
        .create_api_token(&older_secret, &maya.id, "phone", at(10))
        .await
        .unwrap();
    assert_eq!(newer.label, "laptop");
    assert_eq!(newer.created_at, at(20));
    assert_ne!(newer.id, older.id);
    assert_eq!(
        store.api_tokens(&maya.id).await.unwrap(),
        vec![older.clone(), newer.clone()]
    );
    assert!(store.api_tokens(&jonas.id).await.unwrap().is_empty());

    assert_eq!(newer.last_used_at, None);
    assert_eq!(
        store
            .user_by_api_token(&newer_secret, at(60_000))
            .await
            .unwrap(),
        Some(maya.clone())
    );
    assert_eq!(
        store.user_by_api_token(&token(), at(0)).await.unwrap(),
        None
    );
    // Uses are noted to the minute: one within a minute of the last
    // changes nothing, a later one moves it on.
    assert_eq!(last_use(store, &maya.id, &newer.id).await, Some(at(60_000)));
    assert_eq!(last_use(store, &maya.id, &older.id).await, None);
    store
        .user_by_api_token(&newer_secret, at(119_999))
        .await
        .unwrap();
    assert_eq!(last_use(store, &maya.id, &newer.id).await, Some(at(60_000)));
    store
        .user_by_api_token(&newer_secret, at(120_001))
        .await
        .unwrap();
    assert_eq!(
        last_use(store, &maya.id, &newer.id).await,
        Some(at(120_001))
    );
    let newer = store.api_tokens(&maya.id).await.unwrap().pop().unwrap();

    // Another account cannot revoke it.
    assert!(!store.delete_api_token(&jonas.id, &newer.id).await.unwrap());
    assert!(
        store
            .user_by_api_token(&newer_secret, at(0))
            .await
            .unwrap()
            .is_some()
    );

    assert!(store.delete_api_token(&maya.id, &newer.id).await.unwrap());
    assert!(!store.delete_api_token(&maya.id, &newer.id).await.unwrap());
    assert!(
        !store
            .delete_api_token(&maya.id, &ApiTokenId::random())
            .await
            .unwrap()
    );
    assert_eq!(
        store.user_by_api_token(&newer_secret, at(0)).await.unwrap(),
        None
    );
    assert_eq!(store.api_tokens(&maya.id).await.unwrap(), vec![older]);
}

async fn throttling_counts_by_key_and_window<S: Store + ?Sized>(store: &S) {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let account = format!("account:{run}");
    let address = format!("address:{run}");
    let pair = format!("pair:{run}");

    store
        .record_login_failure(&[account.clone(), address.clone()], at(100))
        .await
        .unwrap();
    store
        .record_login_failure(std::slice::from_ref(&account), at(200))
        .await
        .unwrap();
    store
        .record_login_failure(&[address.clone(), pair.clone()], at(300))
        .await
        .unwrap();
    store.record_login_failure(&[], at(400)).await.unwrap();

    assert_eq!(store.login_failures(&account, at(0)).await.unwrap(), 2);
    assert_eq!(store.login_failures(&account, at(150)).await.unwrap(), 1);
    // `since` is inclusive.
    assert_eq!(store.login_failures(&account, at(200)).await.unwrap(), 1);
    assert_eq!(store.login_failures(&account, at(201)).await.unwrap(), 0);
    assert_eq!(store.login_failures(&address, at(0)).await.unwrap(), 2);
    assert_eq!(store.login_failures(&pair, at(0)).await.unwrap(), 1);
    assert_eq!(
        store
            .login_failures(&format!("other:{run}"), at(0))
            .await
            .unwrap(),
        0
    );

    store.clear_login_failures(&account).await.unwrap();
    assert_eq!(store.login_failures(&account, at(0)).await.unwrap(), 0);
    assert_eq!(store.login_failures(&address, at(0)).await.unwrap(), 2);
}

async fn devices<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let browser = token();
    assert!(!store.device_known(&browser, &maya.id).await.unwrap());

    store
        .remember_device(&browser, &maya.id, at(10))
        .await
        .unwrap();
    // Remembering again is not an error.
    store
        .remember_device(&browser, &maya.id, at(20))
        .await
        .unwrap();
    assert!(store.device_known(&browser, &maya.id).await.unwrap());
    // Known for that account only, and only that browser.
    assert!(!store.device_known(&browser, &jonas.id).await.unwrap());
    assert!(!store.device_known(&token(), &maya.id).await.unwrap());
}

async fn housekeeping_deletes_only_what_expired<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let expired_session = session(store, &maya.id, 1_000).await;
    let live_session = session(store, &maya.id, 1_001).await;
    let (expired_reset, live_reset) = (token(), token());
    store
        .create_reset_token(&expired_reset, &maya.id, at(0), at(1_000))
        .await
        .unwrap();
    store
        .create_reset_token(&live_reset, &maya.id, at(0), at(1_001))
        .await
        .unwrap();
    let key = format!("account:{}", uuid::Uuid::new_v4().simple());
    for ms in [100, 499, 500, 900] {
        store
            .record_login_failure(std::slice::from_ref(&key), at(ms))
            .await
            .unwrap();
    }

    // Browsers are forgotten 90 days after they were last seen.
    const DAY: i64 = 86_400_000;
    let (old_browser, recent_browser) = (token(), token());
    store
        .remember_device(&old_browser, &maya.id, at(0))
        .await
        .unwrap();
    store
        .remember_device(&recent_browser, &maya.id, at(1_000))
        .await
        .unwrap();

    store.housekeeping(at(1_000), at(500)).await.unwrap();

    // Looked up at a time they were valid: the expired ones are gone.
    assert!(
        store
            .session(&expired_session, at(0))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.session(&live_session, at(0)).await.unwrap().is_some());
    assert_eq!(store.login_failures(&key, at(0)).await.unwrap(), 2);
    assert!(store.device_known(&old_browser, &maya.id).await.unwrap());
    assert_eq!(
        store
            .reset_password(&expired_reset, "x", at(0))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.reset_password(&live_reset, "y", at(0)).await.unwrap(),
        Some(maya.id.clone())
    );
    store
        .housekeeping(at(500 + 90 * DAY), at(500))
        .await
        .unwrap();
    assert!(!store.device_known(&old_browser, &maya.id).await.unwrap());
    assert!(store.device_known(&recent_browser, &maya.id).await.unwrap());
}

/// When the token was last used, as its owner's list says.
async fn last_use<S: Store + ?Sized>(
    store: &S,
    user: &accord_store::UserId,
    id: &ApiTokenId,
) -> Option<jiff::Timestamp> {
    let tokens = store.api_tokens(user).await.unwrap();
    tokens
        .into_iter()
        .find(|t| &t.id == id)
        .and_then(|t| t.last_used_at)
}
