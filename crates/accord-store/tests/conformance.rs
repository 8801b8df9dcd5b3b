//! One conformance suite for every store: the same cases run against SQLite
//! always, and against PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set (CI
//! sets it). Each PostgreSQL run gets a database of its own, dropped after.
//!
//! The cases are in `conformance/`, one module per part of the [`Store`]
//! trait, generic over the store; this file runs them on each database.
#![allow(clippy::unwrap_used)]

#[path = "conformance/access.rs"]
mod access;
#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/common.rs"]
mod common;
#[path = "conformance/concurrency.rs"]
mod concurrency;
#[path = "conformance/drafts.rs"]
mod drafts;
#[path = "conformance/export.rs"]
mod export;
#[path = "conformance/export_fill.rs"]
mod export_fill;
#[path = "conformance/keyed.rs"]
mod keyed;
#[path = "conformance/outbox.rs"]
mod outbox;
#[path = "conformance/partnerships.rs"]
mod partnerships;
#[path = "conformance/pauses.rs"]
mod pauses;
#[path = "conformance/planning.rs"]
mod planning;
#[path = "conformance/preparation.rs"]
mod preparation;
#[path = "conformance/running.rs"]
mod running;
#[path = "conformance/settings.rs"]
mod settings;

use accord_store::{Db, PgStore, SqliteStore, Store, StoreError};
use sqlx::Connection;

use common::{at, new_user, pair, user};

/// The cases every store must pass, on one store.
async fn conformance<S: Store + ?Sized>(store: &S) {
    accounts::run(store).await;
    access::run(store).await;
    keyed::run(store).await;
    partnerships::run(store).await;
    drafts::run(store).await;
    preparation::run(store).await;
    running::run(store).await;
    pauses::run(store).await;
    settings::run(store).await;
    planning::run(store).await;
    export::run(store).await;
    // Last: it claims everything due in its stretches of time, and its
    // housekeeping deletes what has long expired.
    outbox::run(store).await;
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
async fn db_passes_the_conformance_suite_through_its_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    let db = Db::connect(&url).await.unwrap();
    assert!(matches!(db, Db::Sqlite(_)));
    conformance(db.store()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_serialises_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let store = SqliteStore::open(&path).await.unwrap();
    // A second pool on the same file, as a second app process would have.
    let second = SqliteStore::open(&path).await.unwrap();
    concurrency::run(store, second).await;
}

#[tokio::test]
async fn sqlite_keeps_acknowledged_writes_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let id = {
        let store = SqliteStore::open(&path).await.unwrap();
        store
            .create_user(&new_user("maya@example.org", "Maya Chen", at(5)))
            .await
            .unwrap()
            .id
    };
    // Opening again runs the migrations again: they must be idempotent.
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(db.store().user_by_id(&id).await.unwrap().is_some());
}

#[tokio::test]
async fn sqlite_backs_up_a_database_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("accord.db"))
        .await
        .unwrap();
    let (p, maya, _) = pair(&store).await;
    store
        .save_draft(&p.id, 1, "format = 1\n# backed up\n", at(50))
        .await
        .unwrap();
    store.sign_draft(&p.id, 2, &maya.id, at(60)).await.unwrap();

    let copy = dir.path().join("backup.db");
    store.backup_to(&copy).await.unwrap();
    // The live database goes on being written.
    store
        .save_draft(&p.id, 2, "format = 1\n# later\n", at(70))
        .await
        .unwrap();

    let restored = SqliteStore::open(&copy).await.unwrap();
    assert_eq!(
        restored.user_by_id(&maya.id).await.unwrap(),
        Some(maya.clone())
    );
    let backed_up = restored.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(backed_up.draft_revision, 2);
    assert_eq!(backed_up.draft, "format = 1\n# backed up\n");
    assert_eq!(
        restored.versions(&p.id).await.unwrap(),
        store.versions(&p.id).await.unwrap()
    );
    assert_eq!(restored.members(&p.id).await.unwrap().len(), 2);
    // The copy is a working database of its own.
    assert_eq!(
        restored
            .save_draft(&p.id, 2, "format = 1\n", at(80))
            .await
            .unwrap(),
        3
    );

    // A backup never replaces a file, and says where it could not write.
    let before = std::fs::read(&copy).unwrap();
    let err = store.backup_to(&copy).await.unwrap_err();
    assert!(matches!(err, StoreError::BackupTarget { .. }), "{err}");
    assert!(err.to_string().contains("backup.db"), "{err}");
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    let nowhere = dir.path().join("missing").join("backup.db");
    let err = store.backup_to(&nowhere).await.unwrap_err();
    assert!(matches!(err, StoreError::BackupTarget { .. }), "{err}");
}

#[tokio::test]
async fn sqlite_moves_a_partnership_to_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let from = SqliteStore::open(&dir.path().join("from.db"))
        .await
        .unwrap();
    let to = SqliteStore::open(&dir.path().join("to.db")).await.unwrap();
    export::round_trip(&from, &to).await;
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
        Self::create_with(admin_url, "").await.unwrap()
    }

    /// A database made with `options` after `CREATE DATABASE name` (a
    /// constant of the test, such as a locale), or the server's refusal.
    async fn create_with(admin_url: &str, options: &str) -> Result<Self, sqlx::Error> {
        let name = format!("accord_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(admin_url).await?;
        // The name is ours (a UUID), so formatting it into SQL is safe.
        sqlx::raw_sql(&format!("CREATE DATABASE {name} {options}"))
            .execute(&mut admin)
            .await?;
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
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name,
            url,
        })
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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
    let url = db.url.clone();
    // Run in a task of its own so that a failure still drops the database.
    let outcome = tokio::spawn(async move {
        let store = PgStore::connect(&url).await.unwrap();
        conformance(&store).await;
        // A second process connecting to a migrated database is fine.
        let second = PgStore::connect(&url).await.unwrap();
        assert!(
            second
                .user_by_email("maya@example.org")
                .await
                .unwrap()
                .is_some()
        );
        let maya = user(&second, "Maya Chen").await;
        assert_eq!(store.user_by_id(&maya.id).await.unwrap(), Some(maya));
        concurrency::run(store, second).await;
    })
    .await;
    db.drop_now().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_moves_a_partnership_to_a_fresh_database_and_from_sqlite() {
    let Ok(admin_url) = std::env::var("ACCORD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ACCORD_TEST_POSTGRES_URL"
        );
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: PostgreSQL export not run");
        return;
    };
    let (first, second) = (
        TempPgDatabase::create(&admin_url).await,
        TempPgDatabase::create(&admin_url).await,
    );
    let (from_url, to_url) = (first.url.clone(), second.url.clone());
    let outcome = tokio::spawn(async move {
        let from = PgStore::connect(&from_url).await.unwrap();
        let to = PgStore::connect(&to_url).await.unwrap();
        export::round_trip(&from, &to).await;
        // Between the two databases, both ways.
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqliteStore::open(&dir.path().join("accord.db"))
            .await
            .unwrap();
        export::round_trip(&sqlite, &to).await;
        export::round_trip(&from, &sqlite).await;
        export::text_order_survives_a_move(&sqlite, &to).await;
        export::text_order_survives_a_move(&from, &sqlite).await;
    })
    .await;
    first.drop_now().await;
    second.drop_now().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// A database whose text collation is not byte order (ICU's `en-US`, as
/// `initdb` gives most servers in some locale): exports still order text
/// by bytes, so a partnership moved from or to SQLite exports the same
/// bytes on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_orders_exports_by_bytes_under_a_locale_collation() {
    let Ok(admin_url) = std::env::var("ACCORD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ACCORD_TEST_POSTGRES_URL"
        );
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: PostgreSQL collation not tested");
        return;
    };
    const EN_US: &str = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'";
    let db = match TempPgDatabase::create_with(&admin_url, EN_US).await {
        Ok(db) => db,
        Err(e) => {
            // ICU databases need PostgreSQL 15 built with ICU (as packaged).
            assert!(
                std::env::var_os("CI").is_none(),
                "CI's PostgreSQL must make ICU databases: {e}"
            );
            eprintln!("no ICU database ({e}): PostgreSQL collation not tested");
            return;
        }
    };
    let url = db.url.clone();
    let outcome = tokio::spawn(async move {
        let pg = PgStore::connect(&url).await.unwrap();
        // The database really orders these addresses otherwise.
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let locale: Vec<String> = sqlx::query_scalar(
            "SELECT e FROM (VALUES ('a.b'), ('a_c'), ('ab')) AS v(e) ORDER BY e",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert_ne!(locale, ["a.b", "a_c", "ab"]);
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqliteStore::open(&dir.path().join("accord.db"))
            .await
            .unwrap();
        export::text_order_survives_a_move(&sqlite, &pg).await;
        export::text_order_survives_a_move(&pg, &sqlite).await;
        export::round_trip(&sqlite, &pg).await;
    })
    .await;
    db.drop_now().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}
