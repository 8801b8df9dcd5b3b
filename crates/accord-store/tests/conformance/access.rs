//! Conformance cases for API tokens, login throttling, known devices,
//! housekeeping and idempotency keys.

use accord_store::{ApiTokenId, Store, StoreError, StoredResponse, UserId};

use crate::common::{at, session, token, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    api_tokens(store).await;
    throttling_counts_by_key_and_window(store).await;
    devices(store).await;
    housekeeping_deletes_only_what_expired(store).await;
    idempotency_keeps_the_first_response(store).await;
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

    assert_eq!(
        store.user_by_api_token(&newer_secret).await.unwrap(),
        Some(maya.clone())
    );
    assert_eq!(store.user_by_api_token(&token()).await.unwrap(), None);

    // Another account cannot revoke it.
    assert!(!store.delete_api_token(&jonas.id, &newer.id).await.unwrap());
    assert!(
        store
            .user_by_api_token(&newer_secret)
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
    assert_eq!(store.user_by_api_token(&newer_secret).await.unwrap(), None);
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
    assert_eq!(
        store
            .reset_password(&expired_reset, "x", at(0))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.reset_password(&live_reset, "y", at(0)).await.unwrap(),
        Some(maya.id)
    );
}

async fn idempotency_keeps_the_first_response<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let key = "3f2a-request";
    assert_eq!(
        store.idempotent_response(&maya.id, key).await.unwrap(),
        None
    );

    let first = StoredResponse {
        status: 201,
        body: r#"{"revision":2}"#.to_owned(),
        fingerprint: Some("sha256:5d41402abc4b2a76".to_owned()),
    };
    let second = StoredResponse {
        status: 409,
        body: "conflict".to_owned(),
        fingerprint: None,
    };
    store
        .store_idempotent_response(&maya.id, key, &first, at(10))
        .await
        .unwrap();
    store
        .store_idempotent_response(&maya.id, key, &second, at(20))
        .await
        .unwrap();
    assert_eq!(
        store.idempotent_response(&maya.id, key).await.unwrap(),
        Some(first)
    );

    // The fingerprint is stored with the response, or its absence.
    assert_eq!(
        store
            .idempotent_response(&maya.id, key)
            .await
            .unwrap()
            .unwrap()
            .fingerprint
            .as_deref(),
        Some("sha256:5d41402abc4b2a76")
    );

    // Keys are per account.
    assert_eq!(
        store.idempotent_response(&jonas.id, key).await.unwrap(),
        None
    );
    store
        .store_idempotent_response(&jonas.id, key, &second, at(30))
        .await
        .unwrap();
    assert_eq!(
        store.idempotent_response(&jonas.id, key).await.unwrap(),
        Some(second)
    );
    idempotency_keys_are_claimed_once(store, &maya.id).await;
}

/// One claim per key across every process: a second is refused while the
/// first holds, an abandoned one is taken over (and its late release
/// leaves the new claim), a released one is free, and a stored response
/// ends the claiming.
async fn idempotency_keys_are_claimed_once<S: Store + ?Sized>(store: &S, maya: &UserId) {
    let key = "claimed-key";
    assert!(
        store
            .claim_idempotency_key(maya, key, at(100), at(40))
            .await
            .unwrap()
    );
    // A claim is not a response.
    assert_eq!(store.idempotent_response(maya, key).await.unwrap(), None);
    assert!(
        !store
            .claim_idempotency_key(maya, key, at(101), at(41))
            .await
            .unwrap()
    );
    // Given up, the key is free again.
    store
        .release_idempotency_key(maya, key, at(100))
        .await
        .unwrap();
    assert!(
        store
            .claim_idempotency_key(maya, key, at(200), at(140))
            .await
            .unwrap()
    );
    // Not given up (the process died): taken over once it is old enough.
    assert!(
        !store
            .claim_idempotency_key(maya, key, at(250), at(190))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_idempotency_key(maya, key, at(300), at(240))
            .await
            .unwrap()
    );
    // The slow request whose claim was taken over gives up late: the claim
    // that took over stays.
    store
        .release_idempotency_key(maya, key, at(200))
        .await
        .unwrap();
    assert!(
        !store
            .claim_idempotency_key(maya, key, at(301), at(241))
            .await
            .unwrap()
    );
    // The response replaces the claim; nothing claims or releases it then.
    let done = StoredResponse {
        status: 201,
        body: "{}".to_owned(),
        fingerprint: None,
    };
    store
        .store_idempotent_response(maya, key, &done, at(310))
        .await
        .unwrap();
    assert_eq!(
        store.idempotent_response(maya, key).await.unwrap(),
        Some(done.clone())
    );
    assert!(
        !store
            .claim_idempotency_key(maya, key, at(9_000), at(8_000))
            .await
            .unwrap()
    );
    store
        .release_idempotency_key(maya, key, at(300))
        .await
        .unwrap();
    assert_eq!(
        store.idempotent_response(maya, key).await.unwrap(),
        Some(done)
    );
    // An unknown account has nothing to claim with.
    let nobody = UserId::random();
    assert!(matches!(
        store
            .claim_idempotency_key(&nobody, key, at(1), at(0))
            .await,
        Err(StoreError::NotFound(_))
    ));
}
