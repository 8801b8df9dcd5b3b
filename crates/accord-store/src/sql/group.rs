//! Group commit on SQLite: the writes of one process that arrive while
//! another is being written share one transaction and one fsync.
//!
//! SQLite has one writer, and with `synchronous = FULL` each commit waits
//! for an fsync. One transaction per write made every write wait for the
//! fsyncs of all the writes queued before it. Here writers queue first
//! come first served for their turn ([`WriteTurn`]); each write runs inside
//! a savepoint of a transaction (a batch) that the writer hands, still
//! open, to the next writer in the queue. The batch commits when no writer
//! is waiting, when it holds [`MOST`] writes, or when the queue has moved
//! past everyone who was waiting when it was handed on (a sweeper task
//! queued behind them commits it), so a batch never waits for writers
//! that come later.
//!
//! What a writer is promised does not change: [`Job::commit`] returns only
//! once the batch holding its write has committed, on disk; a write that
//! fails or is dropped is rolled back to its savepoint and takes nothing
//! of the others with it; and if the batch itself cannot commit, every
//! write in it is told so, none is acknowledged. Other processes sharing
//! the file still queue for SQLite's write lock in its busy handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// The most writes one commit carries: a bound on how long SQLite's write
/// lock stays with this process while other processes may be waiting.
pub(crate) const MOST: usize = 64;

/// How long a writer waits for its turn: as long as SQLite's busy timeout,
/// so a writer stuck behind a transaction that never ends fails as it did
/// when it waited inside SQLite.
const PATIENCE: Duration = Duration::from_secs(5);

/// The queue a process's SQLite writers wait in, and the batch they share.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteTurn {
    writer: Arc<Mutex<Writer>>,
    /// Writers waiting for the turn (sweepers are not counted).
    waiting: Arc<AtomicUsize>,
    /// Commits made, for the tests and the benchmarks' curiosity.
    commits: Arc<AtomicU64>,
}

/// What the turn guards: the open batch, if any.
#[derive(Debug, Default)]
struct Writer {
    batches: u64,
    open: Option<Batch>,
}

/// A transaction in progress (`BEGIN IMMEDIATE` on `conn`) and the writers
/// whose writes it holds, each waiting to hear how its commit went.
#[derive(Debug)]
struct Batch {
    id: u64,
    conn: PoolConnection<Sqlite>,
    members: Vec<oneshot::Sender<Result<(), String>>>,
}

/// One write: the turn, and the batch's connection inside the write's own
/// savepoint. [`Job::commit`] keeps it; dropping it undoes it.
#[derive(Debug)]
pub(crate) struct Job {
    held: Option<(OwnedMutexGuard<Writer>, Batch)>,
    turn: WriteTurn,
}

/// Counts a writer as waiting until dropped (also when its wait is cut
/// short, its future dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WriteTurn {
    /// How many commits this process has made through the turn.
    #[cfg(test)]
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }

    /// Waits for the turn, then joins the open batch or begins one.
    pub(crate) async fn begin(&self, pool: &SqlitePool) -> Result<Job, sqlx::Error> {
        let waiting = Waiting::new(&self.waiting);
        let turn = tokio::time::timeout(PATIENCE, Arc::clone(&self.writer).lock_owned()).await;
        drop(waiting);
        let mut guard = turn.map_err(|_| sqlx::Error::PoolTimedOut)?;
        let mut batch = match guard.open.take() {
            Some(batch) => batch,
            None => {
                let mut conn = pool.acquire().await?;
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
                guard.batches += 1;
                Batch {
                    id: guard.batches,
                    conn,
                    members: Vec::new(),
                }
            }
        };
        if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *batch.conn).await {
            // The batch takes no more writes: it ends with what it has.
            self.close(guard, batch).await;
            return Err(e);
        }
        Ok(Job {
            held: Some((guard, batch)),
            turn: self.clone(),
        })
    }

    /// After a write: hands the open batch to the next writer waiting, or
    /// commits it.
    async fn pass_on(&self, mut guard: OwnedMutexGuard<Writer>, batch: Batch) {
        if batch.members.len() < MOST && self.waiting.load(Ordering::SeqCst) > 0 {
            let id = batch.id;
            guard.open = Some(batch);
            drop(guard);
            // Queued behind the writers waiting now, so that the batch
            // commits once they have written, not after later arrivals.
            let turn = self.clone();
            tokio::spawn(async move { turn.sweep(id).await });
            return;
        }
        self.close(guard, batch).await;
    }

    /// Commits batch `id` if it is still open when the sweeper's turn comes.
    async fn sweep(self, id: u64) {
        let mut guard = Arc::clone(&self.writer).lock_owned().await;
        match guard.open.take() {
            Some(batch) if batch.id == id => self.close(guard, batch).await,
            other => guard.open = other,
        }
    }

    /// Commits the batch and tells every writer in it how that went.
    async fn close(&self, guard: OwnedMutexGuard<Writer>, mut batch: Batch) {
        let committed = sqlx::query("COMMIT").execute(&mut *batch.conn).await;
        self.commits.fetch_add(1, Ordering::SeqCst);
        match committed {
            Ok(_) => {
                for member in batch.members {
                    // A writer that gave up listening has nothing to hear.
                    let _ = member.send(Ok(()));
                }
            }
            Err(e) => self.lose(batch, &e).await,
        }
        drop(guard);
    }

    /// The batch cannot commit (or SQLite ended its transaction): none of
    /// its writes is acknowledged, and its connection is closed rather
    /// than given back to the pool inside a transaction.
    async fn lose(&self, mut batch: Batch, cause: &sqlx::Error) {
        let said = format!("the group commit failed: {cause}");
        for member in batch.members.drain(..) {
            let _ = member.send(Err(said.clone()));
        }
        let _ = sqlx::query("ROLLBACK").execute(&mut *batch.conn).await;
        drop(batch.conn.detach());
    }
}

impl Job {
    /// The batch's connection, inside this write's savepoint.
    pub(crate) fn conn(&mut self) -> Result<&mut SqliteConnection, sqlx::Error> {
        match &mut self.held {
            Some((_, batch)) => Ok(&mut batch.conn),
            None => Err(sqlx::Error::PoolClosed),
        }
    }

    /// Keeps the write, and returns once the batch holding it has
    /// committed (an error if it could not).
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let Some((guard, mut batch)) = self.held.take() else {
            return Err(sqlx::Error::PoolClosed);
        };
        if let Err(e) = sqlx::query("RELEASE job").execute(&mut *batch.conn).await {
            // SQLite ended the transaction (the savepoint is gone with it).
            self.turn.lose(batch, &e).await;
            drop(guard);
            return Err(e);
        }
        let (told, hear) = oneshot::channel();
        batch.members.push(told);
        self.turn.pass_on(guard, batch).await;
        match hear.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(said)) => Err(sqlx::Error::Io(std::io::Error::other(said))),
            Err(_) => Err(sqlx::Error::Io(std::io::Error::other(
                "the group commit was abandoned",
            ))),
        }
    }

    /// Undoes the write and passes the batch on.
    async fn roll_back(turn: WriteTurn, guard: OwnedMutexGuard<Writer>, mut batch: Batch) {
        let undone = match sqlx::query("ROLLBACK TO job")
            .execute(&mut *batch.conn)
            .await
        {
            Ok(_) => sqlx::query("RELEASE job").execute(&mut *batch.conn).await,
            Err(e) => Err(e),
        };
        match undone {
            Ok(_) => turn.pass_on(guard, batch).await,
            Err(e) => {
                turn.lose(batch, &e).await;
                drop(guard);
            }
        }
    }
}

impl Drop for Job {
    /// A write dropped before its commit (an error on the way, or its task
    /// stopped) is undone in a task of its own, which holds the turn until
    /// the savepoint is rolled back.
    fn drop(&mut self) {
        let Some((guard, batch)) = self.held.take() else {
            return;
        };
        let turn = self.turn.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(Job::roll_back(turn, guard, batch));
            }
            Err(_) => {
                // Nothing can be awaited without a runtime: the writers in
                // the batch hear it was abandoned, and the connection is
                // closed with its transaction uncommitted.
                let Batch { conn, members, .. } = batch;
                drop(members);
                drop(conn.detach());
                drop(guard);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sql::{Pool, begin_write, query};

    /// A store's pool on a fresh file with a table `t`, its turn, and a
    /// second pool on the same file: another process's view, which sees
    /// only what is committed.
    async fn setup() -> (tempfile::TempDir, Pool, WriteTurn, SqlitePool) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("group.db");
        let store = crate::SqlStore::open(&path).await.expect("open");
        let pool = store.pool.clone();
        let Pool::Sqlite(_, turn) = &pool else {
            panic!("a SQLite store");
        };
        let turn = turn.clone();
        query("CREATE TABLE t (n INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .expect("create");
        let other = SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("second pool");
        (dir, pool, turn, other)
    }

    async fn rows(other: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(other)
            .await
            .expect("rows")
    }

    /// Writes `n`, committing it when `keep`, dropping it otherwise; once
    /// a kept write is acknowledged, another connection sees it.
    async fn write(pool: Pool, other: SqlitePool, n: i64, keep: bool) -> Result<(), sqlx::Error> {
        let mut job = begin_write(&pool).await?;
        query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(&mut job)
            .await?;
        if !keep {
            return Ok(());
        }
        job.commit().await?;
        let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM t WHERE n = $1")
            .bind(n)
            .fetch_one(&other)
            .await?;
        assert_eq!(
            seen, 1,
            "write {n} was acknowledged before it was committed"
        );
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_queued_together_share_one_commit_and_each_is_on_disk_when_acknowledged() {
        let (_dir, pool, turn, other) = setup().await;
        let mut first = begin_write(&pool).await.expect("first");
        let writers: Vec<_> = (1..=32)
            .map(|n| tokio::spawn(write(pool.clone(), other.clone(), n, true)))
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        query("INSERT INTO t (n) VALUES (0)")
            .execute(&mut first)
            .await
            .expect("insert");
        let before = turn.commits();
        first.commit().await.expect("first commit");
        for w in writers {
            w.await.expect("task").expect("write");
        }
        assert_eq!(rows(&other).await, (0..=32).collect::<Vec<_>>());
        assert_eq!(
            turn.commits() - before,
            1,
            "33 writes queued together, one commit"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_dropped_in_a_batch_takes_nothing_of_the_others() {
        let (_dir, pool, turn, other) = setup().await;
        let first = begin_write(&pool).await.expect("first");
        let writers: Vec<_> = (1..=10)
            .map(|n| tokio::spawn(write(pool.clone(), other.clone(), n, n % 2 == 0)))
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = turn.commits();
        // The first write is dropped too.
        drop(first);
        for w in writers {
            w.await.expect("task").expect("write");
        }
        assert_eq!(rows(&other).await, vec![2, 4, 6, 8, 10]);
        assert_eq!(turn.commits() - before, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_cannot_commit_acknowledges_none_of_its_writes() {
        let (_dir, pool, _turn, other) = setup().await;
        let mut first = begin_write(&pool).await.expect("first");
        query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut first)
            .await
            .expect("insert");
        // A second writer, queued, ends the batch's transaction under it
        // (as SQLite does after some errors).
        let breaker = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut job = begin_write(&pool).await?;
                query("ROLLBACK").execute(&mut job).await?;
                job.commit().await
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = first.commit().await;
        assert!(
            first.is_err(),
            "the first write was in the lost batch: {first:?}"
        );
        assert!(breaker.await.expect("task").is_err());
        assert!(rows(&other).await.is_empty());
        // The turn goes on: the next write starts a batch of its own.
        write(pool.clone(), other.clone(), 7, true)
            .await
            .expect("next");
        assert_eq!(rows(&other).await, vec![7]);
    }
}
