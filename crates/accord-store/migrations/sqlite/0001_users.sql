-- Accounts. Released migrations are never edited; add a new file instead.
-- Times are UTC unix milliseconds: INTEGER sorts and compares correctly.
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
