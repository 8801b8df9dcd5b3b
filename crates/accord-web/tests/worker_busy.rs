//! The worker keeps stepping while there is planning to do: many
//! partnerships signed at once are all planned in one go, not one batch per
//! idle pause. On both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod checkins_support;
mod common;

use std::time::{Duration, Instant};

use accord_store::{NewInvitation, NewPartnership, NewUser, Role, TokenHash};
use accord_web::Clock;
use accord_web::worker::{HORIZON, Worker};
use checkins_support::AGREEMENT;
use common::*;

on_both_databases!(many_signed: many_signed_on_sqlite, many_signed_on_postgres);

/// Partnerships signed at once (`ACCORD_TEST_SIGNED` to measure more), and
/// the worker's batch.
fn signed_count() -> usize {
    std::env::var("ACCORD_TEST_SIGNED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120)
}
const BATCH: u32 = 25;

fn random_token() -> TokenHash {
    let hex = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    TokenHash::from_hex(&hex).unwrap()
}

async fn many_signed(app: &TestApp) {
    let signed = signed_count();
    let store = app.store.as_ref();
    let now = app.clock.now();
    let person = |email: &'static str, name: &'static str| NewUser {
        email,
        name,
        password_hash: "$argon2id$unused",
        now,
    };
    let maya = store
        .create_user(&person("maya@example.org", "Maya Chen"))
        .await
        .unwrap();
    let jonas = store
        .create_user(&person("jonas@example.org", "Jonas Berg"))
        .await
        .unwrap();
    for i in 0..signed {
        let title = format!("Pact {i}");
        let new = NewPartnership {
            title: &title,
            creator: &maya.id,
            draft: AGREEMENT,
            now,
        };
        let p = store.create_partnership(&new).await.unwrap();
        let token = random_token();
        let invitation = NewInvitation {
            token: &token,
            partnership: &p.id,
            role: Role::Partner,
            email: None,
            invited_by: &maya.id,
            now,
            expires_at: now
                .checked_add(jiff::SignedDuration::from_hours(24))
                .unwrap(),
        };
        store.create_invitation(&invitation).await.unwrap();
        store
            .accept_invitation(&token, &jonas.id, now)
            .await
            .unwrap();
        for who in [&maya.id, &jonas.id] {
            store.sign_draft(&p.id, 1, who, now).await.unwrap();
        }
    }
    let due = |limit| store.partnerships_to_plan(now.checked_add(HORIZON / 2).unwrap(), limit);
    assert_eq!(due(u32::MAX).await.unwrap().len(), signed);

    // An idle pause of an hour: a worker that paused after each batch would
    // plan one batch and then wait the hour.
    let worker = Worker::new(app.state.clone(), BATCH).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(Duration::from_secs(3600), async {
        let _ = stopped.await;
    }));
    let started = Instant::now();
    while !due(u32::MAX).await.unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} of {signed} partnerships still unplanned after a minute",
            due(u32::MAX).await.unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "{signed} partnerships planned in {:?} by one worker of batch {BATCH}",
        started.elapsed()
    );
    let _ = stop.send(());
    running.await.unwrap();
}
