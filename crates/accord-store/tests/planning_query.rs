//! The planning query reads only what is due: on both databases its plan
//! is a range over the `schedule_plans_by_until` index, already in the
//! order asked for, with no scan of `partnerships`, no subquery per row and
//! no sort (the worker runs it every step, however many partnerships there
//! are). PostgreSQL's plan is read with sequential scans disabled, since on
//! a near-empty table it would rightly prefer one.
#![allow(clippy::unwrap_used)]

use accord_store::{Db, PLANNING_QUERY};
use sqlx::Connection;

fn assert_index_range(plan: &str) {
    assert!(plan.contains("schedule_plans_by_until"), "{plan}");
    let lower = plan.to_lowercase();
    for bad in [
        "partnerships ",
        "temp b-tree",
        "sort",
        "subplan",
        "correlated",
    ] {
        assert!(!lower.contains(bad), "`{bad}` in the plan:\n{plan}");
    }
}

#[tokio::test]
async fn sqlite_plans_from_the_index_alone() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    drop(Db::connect(&url).await.unwrap());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let rows: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {PLANNING_QUERY}"))
            .bind(1_000_i64)
            .bind(50_i64)
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let plan: Vec<String> = rows.into_iter().map(|r| r.3).collect();
    let plan = plan.join("\n");
    eprintln!("SQLite plan:\n{plan}");
    assert!(plan.contains("SEARCH"), "{plan}");
    assert_index_range(&plan);
}

#[tokio::test]
async fn postgres_plans_from_the_index_alone() {
    let Ok(admin) = std::env::var("ACCORD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ACCORD_TEST_POSTGRES_URL"
        );
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: the PostgreSQL plan was not read");
        return;
    };
    let name = format!("accord_plan_{}", uuid::Uuid::new_v4().simple());
    let mut server = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut server)
        .await
        .unwrap();
    let base = admin.split_once('?').map_or(admin.as_str(), |(b, _)| b);
    let url = format!("{}/{name}", base.rsplit_once('/').map_or(base, |(s, _)| s));
    let outcome = read_plan(&url).await;
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut server)
        .await
        .unwrap();
    let plan = outcome.unwrap();
    eprintln!("PostgreSQL plan:\n{plan}");
    assert!(plan.contains("Index"), "{plan}");
    assert_index_range(&plan);
}

/// The plan PostgreSQL makes for the query on a migrated database at `url`.
async fn read_plan(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    drop(Db::connect(url).await?);
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql("SET enable_seqscan = off")
        .execute(&mut conn)
        .await?;
    let explain = format!("EXPLAIN {PLANNING_QUERY}");
    let lines: Vec<String> = sqlx::query_scalar(&explain)
        .bind(1_000_i64)
        .bind(50_i64)
        .fetch_all(&mut conn)
        .await?;
    Ok(lines.join("\n"))
}
