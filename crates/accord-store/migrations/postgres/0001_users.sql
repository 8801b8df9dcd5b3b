-- Accounts. Released migrations are never edited; add a new file instead.
-- Times are UTC unix milliseconds, the same representation as on SQLite.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
