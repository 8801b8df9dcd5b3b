//! One conformance suite for every store: the same cases run against SQLite
//! always, and against PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set (CI
//! sets it). Each PostgreSQL run gets a database of its own, dropped after.
//!
//! The cases are in `conformance/`, one module per repository, generic over
//! the store. Each module runs as a test of its own on each database, on a
//! fresh store (`on_sqlite::accounts`, `on_postgres::accounts`, …), so a
//! failure names the repository and no case depends on another's leftovers.
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
#[path = "conformance/export_order.rs"]
mod export_order;
#[path = "conformance/history.rs"]
mod history;
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

use accord_store::prelude::*;
use accord_store::{Db, SqlStore, StoreError};
use sqlx::Connection;

use common::{at, new_user, pair, user};

/// Runs one repository's cases on a fresh SQLite store.
async fn on_sqlite_store<F, Fut>(case: F)
where
    F: FnOnce(SqlStore) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open(&dir.path().join("accord.db")).await.unwrap();
    case(store).await;
}

/// The PostgreSQL server the tests may use; `None` (said on the output)
/// when none is configured, which CI treats as a failure.
fn postgres_url() -> Option<String> {
    let url = std::env::var("ACCORD_TEST_POSTGRES_URL").ok();
    if url.is_none() {
        // CI always sets it (.ci/run): there, a missing URL is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ACCORD_TEST_POSTGRES_URL"
        );
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: PostgreSQL conformance not run");
    }
    url
}

/// Runs one repository's cases on a PostgreSQL database of its own,
/// dropped afterwards (also when a case fails).
async fn on_postgres_store<F, Fut>(case: F)
where
    F: FnOnce(SqlStore, String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = postgres_url() else {
        return;
    };
    let db = TempPgDatabase::create(&admin_url).await;
    let url = db.url.clone();
    // Run in a task of its own so that a failure still drops the database.
    let outcome = tokio::spawn(async move {
        let store = SqlStore::connect(&url).await.unwrap();
        case(store, url).await;
    })
    .await;
    db.drop_now().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// One test per repository and database.
macro_rules! repository_cases {
    ($($case:ident),* $(,)?) => {
        /// Each repository's cases on SQLite.
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::on_sqlite_store(|s| async move { super::$case::run(&s).await }).await;
                }
            )*
        }
        /// Each repository's cases on PostgreSQL.
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::on_postgres_store(|s, _| async move { super::$case::run(&s).await })
                        .await;
                }
            )*
        }
    };
}

repository_cases!(
    accounts,
    access,
    keyed,
    partnerships,
    drafts,
    preparation,
    running,
    history,
    pauses,
    settings,
    planning,
    export,
    outbox,
);

#[tokio::test]
async fn db_connects_by_url_to_a_store_that_passes_the_account_cases() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    let db = Db::connect(&url).await.unwrap();
    assert!(matches!(db, Db::Sqlite(_)));
    accounts::run(db.store()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_serialises_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let store = SqlStore::open(&path).await.unwrap();
    // A second pool on the same file, as a second app process would have.
    let second = SqlStore::open(&path).await.unwrap();
    concurrency::run(store, second).await;
}

#[tokio::test]
async fn sqlite_keeps_acknowledged_writes_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let id = {
        let store = SqlStore::open(&path).await.unwrap();
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
    let store = SqlStore::open(&dir.path().join("accord.db")).await.unwrap();
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

    let restored = SqlStore::open(&copy).await.unwrap();
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
    let from = SqlStore::open(&dir.path().join("from.db")).await.unwrap();
    let to = SqlStore::open(&dir.path().join("to.db")).await.unwrap();
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
async fn postgres_serves_two_processes_on_one_database() {
    on_postgres_store(|store, url| async move {
        accounts::run(&store).await;
        // A second process connecting to a migrated database is fine.
        let second = SqlStore::connect(&url).await.unwrap();
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
        let from = SqlStore::connect(&from_url).await.unwrap();
        let to = SqlStore::connect(&to_url).await.unwrap();
        export::round_trip(&from, &to).await;
        // Between the two databases, both ways.
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqlStore::open(&dir.path().join("accord.db")).await.unwrap();
        export::round_trip(&sqlite, &to).await;
        export::round_trip(&from, &sqlite).await;
        export_order::text_order_survives_a_move(&sqlite, &to).await;
        export_order::text_order_survives_a_move(&from, &sqlite).await;
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
        let pg = SqlStore::connect(&url).await.unwrap();
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
        let sqlite = SqlStore::open(&dir.path().join("accord.db")).await.unwrap();
        export_order::text_order_survives_a_move(&sqlite, &pg).await;
        export_order::text_order_survives_a_move(&pg, &sqlite).await;
        export::round_trip(&sqlite, &pg).await;
    })
    .await;
    db.drop_now().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// Using an API token whose use was noted within the minute writes
/// nothing, so it does not wait for SQLite's write lock: an API request
/// does not queue behind every write in progress (it did: the benchmark's
/// requests spent up to 1.3 s on an UPDATE that changed no row).
#[tokio::test]
async fn sqlite_reads_a_recently_used_token_without_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    let store = SqlStore::open(&path).await.unwrap();
    let maya = user(&store, "Maya Chen").await;
    let secret = common::token();
    store
        .create_api_token(&secret, &maya.id, "script", at(0))
        .await
        .unwrap();
    // The first use is noted (a write); the lock is free.
    assert!(
        store
            .user_by_api_token(&secret, at(1_000))
            .await
            .unwrap()
            .is_some()
    );

    // Another process holds the write lock, in the middle of a write.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        store.user_by_api_token(&secret, at(2_000)),
    )
    .await
    .expect("a token noted a second ago waited for the write lock");
    assert_eq!(read.unwrap().map(|u| u.id), Some(maya.id));
    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
}
