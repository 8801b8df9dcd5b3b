//! The shortest path through the app: sign up, start a partnership, invite
//! the partner, both sign. The thorough tests are in the other files.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[tokio::test]
async fn two_partners_sign_a_first_version() {
    let app = spawn_app().await;
    let (mut maya, mut jonas, _coach, id) = full_partnership(&app).await;
    let page = maya.get(&format!("/p/{id}")).await;
    assert!(page.body.contains("Jonas Berg"), "{}", page.body);
    let p = maya
        .post(&format!("/p/{id}/sign"), &[("revision", "2")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    jonas.get(&format!("/p/{id}")).await;
    let p = jonas
        .post(&format!("/p/{id}/sign"), &[("revision", "2")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = jonas.get(&format!("/p/{id}")).await;
    assert!(
        page.body
            .contains("it is version 1, the agreement in force"),
        "{}",
        page.body
    );
}
