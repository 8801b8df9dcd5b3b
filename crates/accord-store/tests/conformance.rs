//! One conformance suite for every store: the same cases run against SQLite
//! always, and against PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set (CI
//! sets it). Each PostgreSQL run gets a database of its own, dropped after.
#![allow(clippy::unwrap_used)]

use accord_store::{Db, NewUser, PgStore, SqliteStore, Store, StoreError, UserId};
use jiff::Timestamp;
use sqlx::Connection;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap()
}

fn user<'a>(email: &'a str, now: Timestamp) -> NewUser<'a> {
    NewUser {
        email,
        name: "Maya Chen",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        now,
    }
}

/// The cases every store must pass.
async fn conformance<S: Store>(store: &S) {
    // Create, then find by id and by e-mail in any case.
    let created = store
        .create_user(&user("Maya@Example.org ", at(1_700_000_000_123)))
        .await
        .unwrap();
    assert_eq!(created.email, "maya@example.org");
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
    let again = store.create_user(&user("maya@EXAMPLE.org", at(1))).await;
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
        .create_user(&user("jonas@example.org", at(2)))
        .await
        .unwrap();
    assert_ne!(other.id, created.id);
}

#[tokio::test]
async fn sqlite_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("accord.db"))
        .await
        .unwrap();
    conformance(&store).await;
}

#[tokio::test]
async fn sqlite_keeps_acknowledged_writes_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let id = {
        let store = SqliteStore::open(&path).await.unwrap();
        store
            .create_user(&user("maya@example.org", at(5)))
            .await
            .unwrap()
            .id
    };
    // Opening again runs the migrations again: they must be idempotent.
    let store = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(store.user_by_id(&id).await.unwrap().is_some());
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in ["mysql://localhost/accord", "sqlite://", "accord.db"] {
        let err = Db::connect(url).await.unwrap_err();
        assert!(matches!(err, StoreError::UnsupportedUrl(_)), "{url}: {err}");
    }
}

/// A database of its own on the test server, dropped when the test ends.
struct TempPgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TempPgDatabase {
    async fn create(admin_url: &str) -> Self {
        let name = format!("accord_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
        // The name is ours (a UUID), so formatting it into SQL is safe.
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        // Same server and credentials, other database.
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url, ""), |(b, q)| (b, q));
        let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
        let url = if query.is_empty() {
            format!("{server}/{name}")
        } else {
            format!("{server}/{name}?{query}")
        };
        Self {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }

    async fn drop_now(self) {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn postgres_passes_the_conformance_suite() {
    let Ok(admin_url) = std::env::var("ACCORD_TEST_POSTGRES_URL") else {
        // CI always sets it (.ci/run): there, a missing URL is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ACCORD_TEST_POSTGRES_URL"
        );
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: PostgreSQL conformance not run");
        return;
    };
    let db = TempPgDatabase::create(&admin_url).await;
    {
        let store = PgStore::connect(&db.url).await.unwrap();
        conformance(&store).await;
        // A second process connecting to a migrated database is fine.
        let second = Db::connect(&db.url).await.unwrap();
        assert!(
            second
                .user_by_email("maya@example.org")
                .await
                .unwrap()
                .is_some()
        );
    }
    db.drop_now().await;
}
