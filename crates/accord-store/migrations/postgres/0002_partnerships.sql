-- Sessions, reset and API tokens, login throttling, partnerships with their
-- members, invitations, draft and signed versions, and idempotency keys.
-- Released migrations are never edited; add a new file instead.
-- Times are UTC unix milliseconds: the same representation as on SQLite.
-- Secrets are never stored, only their SHA-256 digests (64 hex digits).

-- Signed-in browsers. `id` is the digest of the session id in the cookie.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Password reset links, single use.
CREATE TABLE reset_tokens (
    token      TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX reset_tokens_by_user ON reset_tokens (user_id);
CREATE INDEX reset_tokens_by_expiry ON reset_tokens (expires_at);

-- API tokens, listed to their owner by id and label.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token      TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

-- Failed logins, one row per failure and key (account, address, pair).
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Browsers (digest of the device cookie) that have logged in to an account.
CREATE TABLE devices (
    device    TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (device, user_id)
);

-- Partnerships and their one current draft (TOML), revised by every save.
CREATE TABLE partnerships (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    draft            TEXT NOT NULL,
    draft_revision   BIGINT NOT NULL,
    draft_updated_at BIGINT NOT NULL
);

-- Two partners and at most one coach per partnership.
CREATE TABLE memberships (
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id),
    role           TEXT NOT NULL CHECK (role IN ('partner', 'coach')),
    joined_at      BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE invitations (
    id             TEXT PRIMARY KEY,
    token          TEXT NOT NULL UNIQUE,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('partner', 'coach')),
    email          TEXT,
    invited_by     TEXT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    accepted_at    BIGINT,
    accepted_by    TEXT REFERENCES users (id)
);
CREATE INDEX invitations_by_partnership ON invitations (partnership_id, created_at);

-- Snapshots of the draft put up for signing, numbered 1, 2, 3… per
-- partnership, at most one per draft revision.
CREATE TABLE versions (
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    number         BIGINT NOT NULL,
    draft_revision BIGINT NOT NULL,
    toml           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    signed_at      BIGINT,
    PRIMARY KEY (partnership_id, number),
    UNIQUE (partnership_id, draft_revision)
);

CREATE TABLE signatures (
    partnership_id TEXT NOT NULL,
    number         BIGINT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    signed_at      BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, number, user_id),
    FOREIGN KEY (partnership_id, number)
        REFERENCES versions (partnership_id, number) ON DELETE CASCADE
);

-- Responses to requests made with an idempotency key; the first one wins.
CREATE TABLE idempotency (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    status     BIGINT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
