//! The one place where the two databases differ at run time: a [`Pool`] of
//! either, a [`Conn`] taken from it (in a transaction or not), and query
//! builders ([`query`], [`query_as`], [`query_scalar`]) that look like
//! sqlx's own but run on whichever database the pool holds.
//!
//! Why not generics over `sqlx::Database`: every query function would carry
//! a dozen higher-ranked bounds (`for<'c> &'c mut DB::Connection:
//! Executor<'c>`, `String: Encode<DB>`, …) that the compiler checks but the
//! reader has to wade through, and two monomorphised copies of each. Why not
//! `sqlx::AnyPool`: it cannot set SQLite's journal and sync modes from
//! typed options, and converts every row through its own value type. Here
//! the store's functions are written once in plain Rust; a query's
//! arguments are collected as [`Value`]s (the store binds only integers,
//! text and booleans) and handed to the real driver, and rows are decoded by
//! the driver itself through `sqlx::FromRow`, which the row types derive for
//! both. See `docs/design/storage.md`.

mod group;

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, Postgres, Sqlite, Type};

pub(crate) use group::WriteTurn;

/// Which database a pool or connection talks to, for the few statements
/// whose text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A pool of connections to either database. A SQLite pool comes with its
/// [`WriteTurn`]: the process's writers take turns, and share commits
/// (group commit, see `group`).
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(sqlx::SqlitePool, WriteTurn),
    Postgres(sqlx::PgPool),
}

impl Pool {
    /// A connection outside any transaction: each statement commits alone.
    pub(crate) async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(p, _) => Conn::SqlitePlain(p.acquire().await?),
            Self::Postgres(p) => Conn::PostgresPlain(p.acquire().await?),
        })
    }
}

/// A transaction for reading then writing. On SQLite it is one write in a
/// group commit (`group`): it holds the process's turn, inside a
/// transaction that began with `BEGIN IMMEDIATE` (the write lock from its
/// start: taking it later, after reading, could fail instead of waiting,
/// and two app processes on one file queue for it), in a savepoint of its
/// own; [`Conn::commit`] returns once that transaction is on disk. On
/// PostgreSQL an ordinary transaction; rows are locked as they are
/// written, or explicitly (see [`Dialect::lock_partnership`]).
pub(crate) async fn begin_write(pool: &Pool) -> Result<Conn, sqlx::Error> {
    Ok(match pool {
        Pool::Sqlite(p, turn) => Conn::SqliteJob(turn.begin(p).await?),
        Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
    })
}

/// A transaction for several reads that all see one snapshot: SQLite's
/// first read takes one (WAL) that the others share; PostgreSQL needs
/// REPEATABLE READ for it (READ COMMITTED gives each statement its own).
pub(crate) async fn begin_read(pool: &Pool) -> Result<Conn, sqlx::Error> {
    Ok(match pool {
        Pool::Sqlite(p, _) => Conn::SqliteTx(p.begin().await?),
        Pool::Postgres(p) => Conn::PostgresTx(
            p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?,
        ),
    })
}

/// A connection from a [`Pool`]: in a transaction ([`begin_write`],
/// [`begin_read`]) or not ([`Pool::acquire`]). Helpers that run inside a
/// caller's transaction take `&mut Conn`.
pub(crate) enum Conn {
    /// A SQLite read transaction.
    SqliteTx(sqlx::Transaction<'static, Sqlite>),
    /// A SQLite write, in its batch ([`begin_write`]).
    SqliteJob(group::Job),
    PostgresTx(sqlx::Transaction<'static, Postgres>),
    SqlitePlain(sqlx::pool::PoolConnection<Sqlite>),
    PostgresPlain(sqlx::pool::PoolConnection<Postgres>),
}

impl Conn {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::SqliteTx(_) | Self::SqliteJob(_) | Self::SqlitePlain(_) => Dialect::Sqlite,
            Self::PostgresTx(_) | Self::PostgresPlain(_) => Dialect::Postgres,
        }
    }

    /// Commits the transaction; on a connection outside one, every
    /// statement has committed already and there is nothing left to do.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::SqliteTx(tx) => tx.commit().await,
            Self::SqliteJob(job) => job.commit().await,
            Self::PostgresTx(tx) => tx.commit().await,
            Self::SqlitePlain(_) | Self::PostgresPlain(_) => Ok(()),
        }
    }

    fn target(&mut self) -> Result<Target<'_>, sqlx::Error> {
        Ok(match self {
            Self::SqliteTx(tx) => Target::SqliteConn(tx),
            Self::SqliteJob(job) => Target::SqliteConn(job.conn()?),
            Self::SqlitePlain(c) => Target::SqliteConn(c),
            Self::PostgresTx(tx) => Target::PostgresConn(tx),
            Self::PostgresPlain(c) => Target::PostgresConn(c),
        })
    }
}

/// Where a query runs: a pool (each statement on whichever connection is
/// free) or one connection.
pub(crate) enum Target<'e> {
    /// A SQLite pool and its writers' turn: a write on the pool
    /// ([`Query::execute`]) takes its turn and its place in a batch like any
    /// other, so that it never waits in SQLite's busy handler behind them.
    SqlitePool(&'e sqlx::SqlitePool, &'e WriteTurn),
    PostgresPool(&'e sqlx::PgPool),
    SqliteConn(&'e mut sqlx::SqliteConnection),
    PostgresConn(&'e mut sqlx::PgConnection),
}

/// What a query can run on: `&Pool` or `&mut Conn`.
pub(crate) trait Executor<'e>: Send {
    fn target(self) -> Result<Target<'e>, sqlx::Error>;
}

impl<'e> Executor<'e> for &'e Pool {
    fn target(self) -> Result<Target<'e>, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p, turn) => Target::SqlitePool(p, turn),
            Pool::Postgres(p) => Target::PostgresPool(p),
        })
    }
}

impl<'e> Executor<'e> for &'e mut Conn {
    fn target(self) -> Result<Target<'e>, sqlx::Error> {
        Conn::target(self)
    }
}

/// An argument of a query. The schema stores times as unix milliseconds
/// and ids as text, so these few kinds are all the store binds; `None`
/// binds a NULL of the variant's type (PostgreSQL wants one).
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => $conv:expr),* $(,)?) => {
        $(
            impl From<$t> for Value {
                fn from(v: $t) -> Self {
                    #[allow(clippy::redundant_closure_call)]
                    Value::$variant(Some(($conv)(v)))
                }
            }
            impl From<Option<$t>> for Value {
                fn from(v: Option<$t>) -> Self {
                    #[allow(clippy::redundant_closure_call)]
                    Value::$variant(v.map($conv))
                }
            }
        )*
    };
}

value_from!(Int: i64 => |v| v);
value_from!(Bool: bool => |v| v);
value_from!(Text: String => |v| v, &str => str::to_owned, &String => String::clone);

fn sqlite_args(values: Vec<Value>) -> Result<SqliteArguments<'static>, sqlx::error::BoxDynError> {
    let mut args = SqliteArguments::default();
    for v in values {
        match v {
            Value::Int(v) => args.add(v)?,
            Value::Text(v) => args.add(v)?,
            Value::Bool(v) => args.add(v)?,
        }
    }
    Ok(args)
}

fn postgres_args(values: Vec<Value>) -> Result<PgArguments, sqlx::error::BoxDynError> {
    let mut args = PgArguments::default();
    for v in values {
        match v {
            Value::Int(v) => args.add(v)?,
            Value::Text(v) => args.add(v)?,
            Value::Bool(v) => args.add(v)?,
        }
    }
    Ok(args)
}

/// What an INSERT, UPDATE or DELETE did.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    rows_affected: u64,
}

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A statement and its arguments, run with [`Query::execute`].
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
}

/// A statement to run, like `sqlx::query`.
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    /// Adds the next argument (`$1`, `$2`, … in order).
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs the statement and says how many rows it changed.
    pub(crate) async fn execute<'e>(self, on: impl Executor<'e>) -> Result<Done, sqlx::Error> {
        let Query { sql, args } = self;
        let rows_affected = match on.target()? {
            Target::SqlitePool(p, turn) => {
                let mut job = turn.begin(p).await?;
                let done = sqlx::query_with(sql, sqlite_args_or(args)?)
                    .execute(job.conn()?)
                    .await?;
                job.commit().await?;
                done.rows_affected()
            }
            Target::SqliteConn(c) => sqlx::query_with(sql, sqlite_args_or(args)?)
                .execute(c)
                .await?
                .rows_affected(),
            Target::PostgresPool(p) => sqlx::query_with(sql, postgres_args_or(args)?)
                .execute(p)
                .await?
                .rows_affected(),
            Target::PostgresConn(c) => sqlx::query_with(sql, postgres_args_or(args)?)
                .execute(c)
                .await?
                .rows_affected(),
        };
        Ok(Done { rows_affected })
    }
}

/// A row type both drivers can decode (what `#[derive(sqlx::FromRow)]`
/// gives, and tuples of plain values).
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A single value both drivers can decode.
pub(crate) trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// A query returning rows of `T`, like `sqlx::query_as`.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct QueryAs<'q, T> {
    query: Query<'q>,
    row: std::marker::PhantomData<fn() -> T>,
}

/// A query whose rows decode to `T`, like `sqlx::query_as`.
pub(crate) fn query_as<T: Row>(sql: &str) -> QueryAs<'_, T> {
    QueryAs {
        query: query(sql),
        row: std::marker::PhantomData,
    }
}

/// Runs `$query` (a [`Query`]) on `$on` as `sqlx::$f::<_, $out, _>`
/// followed by `.$fetch`, on whichever driver the target is.
macro_rules! fetch {
    ($query:expr, $on:expr, $with:ident, $out:ty, $fetch:ident) => {{
        let Query { sql, args } = $query;
        match $on.target()? {
            Target::SqlitePool(p, _) => {
                sqlx::$with::<Sqlite, $out, _>(sql, sqlite_args_or(args)?)
                    .$fetch(p)
                    .await
            }
            Target::SqliteConn(c) => {
                sqlx::$with::<Sqlite, $out, _>(sql, sqlite_args_or(args)?)
                    .$fetch(c)
                    .await
            }
            Target::PostgresPool(p) => {
                sqlx::$with::<Postgres, $out, _>(sql, postgres_args_or(args)?)
                    .$fetch(p)
                    .await
            }
            Target::PostgresConn(c) => {
                sqlx::$with::<Postgres, $out, _>(sql, postgres_args_or(args)?)
                    .$fetch(c)
                    .await
            }
        }
    }};
}

fn sqlite_args_or(values: Vec<Value>) -> Result<SqliteArguments<'static>, sqlx::Error> {
    sqlite_args(values).map_err(sqlx::Error::Encode)
}

fn postgres_args_or(values: Vec<Value>) -> Result<PgArguments, sqlx::Error> {
    postgres_args(values).map_err(sqlx::Error::Encode)
}

impl<'q, T: Row> QueryAs<'q, T> {
    /// Adds the next argument.
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub(crate) async fn fetch_optional<'e>(
        self,
        on: impl Executor<'e>,
    ) -> Result<Option<T>, sqlx::Error> {
        fetch!(self.query, on, query_as_with, T, fetch_optional)
    }

    pub(crate) async fn fetch_all<'e>(self, on: impl Executor<'e>) -> Result<Vec<T>, sqlx::Error> {
        fetch!(self.query, on, query_as_with, T, fetch_all)
    }
}

/// A query returning one value per row, like `sqlx::query_scalar`.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct QueryScalar<'q, T> {
    query: Query<'q>,
    value: std::marker::PhantomData<fn() -> T>,
}

/// A query whose rows are single values of `T`, like `sqlx::query_scalar`.
pub(crate) fn query_scalar<T: Scalar>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar {
        query: query(sql),
        value: std::marker::PhantomData,
    }
}

impl<'q, T: Scalar> QueryScalar<'q, T> {
    /// Adds the next argument.
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub(crate) async fn fetch_one<'e>(self, on: impl Executor<'e>) -> Result<T, sqlx::Error> {
        fetch!(self.query, on, query_scalar_with, T, fetch_one)
    }

    pub(crate) async fn fetch_optional<'e>(
        self,
        on: impl Executor<'e>,
    ) -> Result<Option<T>, sqlx::Error> {
        fetch!(self.query, on, query_scalar_with, T, fetch_optional)
    }

    pub(crate) async fn fetch_all<'e>(self, on: impl Executor<'e>) -> Result<Vec<T>, sqlx::Error> {
        fetch!(self.query, on, query_scalar_with, T, fetch_all)
    }
}

impl<'e> Executor<'e> for &'e mut &mut Conn {
    fn target(self) -> Result<Target<'e>, sqlx::Error> {
        Conn::target(self)
    }
}

impl Dialect {
    /// Reads a partnership (`$1` = its id) and keeps other writers of it
    /// waiting until the transaction ends: `FOR UPDATE` on PostgreSQL; on
    /// SQLite the write transaction already keeps every other writer out.
    pub(crate) fn lock_partnership(self) -> &'static str {
        match self {
            Self::Sqlite => crate::shared::partnerships::PARTNERSHIP_BY_ID,
            Self::Postgres => crate::shared::partnerships::PARTNERSHIP_BY_ID_FOR_UPDATE,
        }
    }

    /// Claims due outbox rows: on PostgreSQL skipping those a concurrent
    /// claim has locked; on SQLite inside a write transaction, which keeps
    /// every other claimer out until it commits.
    pub(crate) fn claim_due(self) -> &'static str {
        match self {
            Self::Sqlite => crate::shared::outbox::CLAIM_DUE_SQLITE,
            Self::Postgres => crate::shared::outbox::CLAIM_DUE_POSTGRES,
        }
    }

    /// Takes an idempotency key (`$1`: user, newline, key) for the
    /// transaction, or says `false` when another transaction holds it.
    ///
    /// On PostgreSQL an advisory lock rather than a row: the server drops
    /// it when the transaction ends, also when the process holding it dies.
    /// Keys whose 64-bit hashes collide share a lock, which costs only a
    /// 409. On SQLite none is needed: the write transaction already keeps
    /// every other writer out until it ends.
    pub(crate) fn lock_key(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Writers waiting for their turn hold no connection: with more writers
    /// queued than the pool has connections, a reader still gets one at
    /// once, and every writer goes through when the first commits. (Before
    /// the turn, each waiting writer sat on a connection inside SQLite's
    /// busy handler, and the reader waited for the pool.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_sqlite_writers_leave_connections_to_readers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::SqlStore::open(&dir.path().join("turn.db"))
            .await
            .expect("open");
        let pool = store.pool.clone();
        query("CREATE TABLE t (n INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .expect("create");
        let mut first = begin_write(&pool).await.expect("first writer");
        let writers: Vec<_> = (0..12_i64)
            .map(|n| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let mut tx = begin_write(&pool).await?;
                    query("INSERT INTO t (n) VALUES ($1)")
                        .bind(n)
                        .execute(&mut tx)
                        .await?;
                    tx.commit().await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let read = tokio::time::timeout(
            Duration::from_secs(2),
            query_scalar::<i64>("SELECT count(*) FROM t").fetch_one(&pool),
        )
        .await
        .expect("a reader gets a connection while writers queue")
        .expect("read");
        assert_eq!(read, 0);
        query("INSERT INTO t (n) VALUES (-1)")
            .execute(&mut first)
            .await
            .expect("first insert");
        first.commit().await.expect("first commit");
        for w in writers {
            w.await.expect("writer task").expect("writer");
        }
        let rows: i64 = query_scalar("SELECT count(*) FROM t")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(rows, 13);
    }
}
