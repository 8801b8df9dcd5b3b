//! The database stops growing under a steady load that adds nothing new:
//! keyed API writes whose effects are undone (an invitation made under a
//! fresh `Idempotency-Key`, then withdrawn), day after day, with the
//! housekeeping `accord serve` runs. Idempotency answers go after 24 hours,
//! so rows return to their baseline each day and, on SQLite, the file
//! stops growing once its free pages are reused. On both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use api_support::*;
use common::*;
use jiff::SignedDuration;
use reqwest::Method;
use serde_json::json;

on_both_databases!(steady_load: steady_load_on_sqlite, steady_load_on_postgres);

/// Requests per simulated day, and days.
const PER_DAY: usize = 150;
const DAYS: usize = 6;

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    if app.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&app.url).await.unwrap();
        let n: i64 = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(&app.url).await.unwrap();
        let n: i64 = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

/// SQLite's size in pages (the WAL included, as a reader sees it).
async fn pages(app: &TestApp) -> Option<i64> {
    if !app.url.starts_with("sqlite:") {
        return None;
    }
    let pool = sqlx::SqlitePool::connect(&app.url).await.unwrap();
    let n: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    Some(n)
}

async fn steady_load(app: &TestApp) {
    let maya = user(app, &Api::anonymous(app), "Maya Chen", "maya@example.org").await;
    let made = maya
        .post(
            "/api/v1/partnerships",
            json!({"title": "Maya and a partner"}),
        )
        .await
        .ok(201);
    let id = made["id"].as_str().unwrap();
    let invitations = format!("/api/v1/partnerships/{id}/invitations");
    let baseline = (
        count(app, "idempotency").await,
        count(app, "invitations").await,
    );
    let mut sizes = Vec::new();
    for day in 0..DAYS {
        for i in 0..PER_DAY {
            let key = format!("day-{day}-request-{i}");
            let made = maya
                .send(
                    Method::POST,
                    &invitations,
                    Some(json!({"role": "coach"})),
                    &[("Idempotency-Key", &key)],
                )
                .await
                .ok(201);
            let withdraw = format!("{invitations}/{}", made["id"].as_str().unwrap());
            assert_eq!(maya.delete(&withdraw).await.status, 204);
        }
        // The day's answers are kept for a retry that comes within 24 h.
        assert_eq!(count(app, "idempotency").await, baseline.0 + PER_DAY as i64);
        app.clock.advance(SignedDuration::from_hours(25));
        let now = app.state.clock.now();
        let day_ago = now - SignedDuration::from_hours(24);
        app.store.housekeeping(now, day_ago).await.unwrap();
        let rows = (
            count(app, "idempotency").await,
            count(app, "invitations").await,
        );
        assert_eq!(rows, baseline, "day {day}: rows back to the baseline");
        sizes.push(pages(app).await);
    }
    eprintln!("steady load, {PER_DAY} keyed writes a day: SQLite pages by day {sizes:?}");
    if let (Some(Some(second)), Some(Some(last))) = (sizes.get(1), sizes.last()) {
        assert!(
            last <= second,
            "the file grew from {second} to {last} pages under a load that adds nothing"
        );
    }
}
