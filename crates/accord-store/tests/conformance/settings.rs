//! Conformance cases for notification settings, calendar feed tokens and
//! server secrets.

use accord_store::{NotificationSettings, Store, StoreError, UserId};

use crate::common::{at, token, unique, user};

pub async fn run<S: Store + ?Sized>(store: &S) {
    notification_settings(store).await;
    calendar_tokens(store).await;
    server_secrets(store).await;
}

async fn notification_settings<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    // Nothing set: e-mail, no webhook.
    assert_eq!(
        store.notification_settings(&maya.id).await.unwrap(),
        NotificationSettings {
            email: true,
            webhook_url: None,
            webhook_secret: None,
        }
    );
    let hook = NotificationSettings {
        email: false,
        webhook_url: Some("https://ntfy.example.org/maya".to_owned()),
        webhook_secret: Some("whsec_1".to_owned()),
    };
    store
        .set_notification_settings(&maya.id, &hook, at(10))
        .await
        .unwrap();
    assert_eq!(store.notification_settings(&maya.id).await.unwrap(), hook);
    // Setting again replaces everything.
    let email_only = NotificationSettings::default();
    store
        .set_notification_settings(&maya.id, &email_only, at(20))
        .await
        .unwrap();
    assert_eq!(
        store.notification_settings(&maya.id).await.unwrap(),
        email_only
    );
    assert_eq!(
        store.notification_settings(&jonas.id).await.unwrap(),
        NotificationSettings::default()
    );
    let unknown = store
        .set_notification_settings(&UserId::random(), &hook, at(30))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
}

async fn calendar_tokens<S: Store + ?Sized>(store: &S) {
    let maya = user(store, "Maya Chen").await;
    let jonas = user(store, "Jonas Berg").await;
    let (first, second) = (token(), token());
    assert_eq!(store.calendar_since(&maya.id).await.unwrap(), None);
    assert_eq!(store.calendar_user(&first).await.unwrap(), None);

    store
        .set_calendar_token(&maya.id, Some(&first), at(100))
        .await
        .unwrap();
    assert_eq!(
        store.calendar_user(&first).await.unwrap(),
        Some(maya.clone())
    );
    assert_eq!(store.calendar_since(&maya.id).await.unwrap(), Some(at(100)));

    // A new token replaces the old one.
    store
        .set_calendar_token(&maya.id, Some(&second), at(200))
        .await
        .unwrap();
    assert_eq!(store.calendar_user(&first).await.unwrap(), None);
    assert_eq!(
        store.calendar_user(&second).await.unwrap(),
        Some(maya.clone())
    );
    assert_eq!(store.calendar_since(&maya.id).await.unwrap(), Some(at(200)));
    assert_eq!(store.calendar_since(&jonas.id).await.unwrap(), None);

    // Another account cannot take the same token.
    let taken = store
        .set_calendar_token(&jonas.id, Some(&second), at(250))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let unknown = store
        .set_calendar_token(&UserId::random(), Some(&token()), at(250))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );

    // Revoked: gone. Revoking again is not an error.
    store
        .set_calendar_token(&maya.id, None, at(300))
        .await
        .unwrap();
    assert_eq!(store.calendar_user(&second).await.unwrap(), None);
    assert_eq!(store.calendar_since(&maya.id).await.unwrap(), None);
    store
        .set_calendar_token(&maya.id, None, at(400))
        .await
        .unwrap();
}

async fn server_secrets<S: Store + ?Sized>(store: &S) {
    let name = unique("link-signing");
    assert_eq!(store.server_secret(&name, "first").await.unwrap(), "first");
    // Whoever comes later gets the stored one.
    assert_eq!(store.server_secret(&name, "second").await.unwrap(), "first");
    let other = unique("other");
    assert_eq!(
        store.server_secret(&other, "second").await.unwrap(),
        "second"
    );
}
