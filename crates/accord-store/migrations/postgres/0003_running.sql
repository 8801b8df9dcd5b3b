-- Running a signed agreement: preparation, check-ins, notes, the
-- consequence log, pauses, the outbox and its planning state, notification
-- settings, calendar feed tokens, single-use check-in links, server secrets,
-- and the request fingerprint of idempotency keys.
-- Released migrations are never edited; add a new file instead.
-- Times are UTC unix milliseconds: the same representation as on SQLite.
-- A check-in occurrence is its scheduled start, in unix milliseconds.

-- Each person's answers before a check-in, one row per person and occurrence.
CREATE TABLE preparations (
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    occurrence     BIGINT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    committed      TEXT NOT NULL,
    happened       TEXT NOT NULL,
    want           TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, occurrence, user_id)
);

-- The record of a check-in (JSON text), at most one per occurrence.
CREATE TABLE checkins (
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    occurrence     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    record         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES users (id),
    recorded_at    BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, occurrence)
);

-- Notes on a recorded check-in; a private note is shown to its author only.
-- `seq` keeps the order of insertion among notes made in the same instant.
CREATE TABLE notes (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    partnership_id TEXT NOT NULL,
    occurrence     BIGINT NOT NULL,
    author         TEXT NOT NULL REFERENCES users (id),
    private        BOOLEAN NOT NULL,
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    FOREIGN KEY (partnership_id, occurrence)
        REFERENCES checkins (partnership_id, occurrence) ON DELETE CASCADE
);
CREATE INDEX notes_by_checkin ON notes (partnership_id, occurrence, created_at);

-- Every consequence that fired: ladder steps and missed check-ins.
CREATE TABLE consequences (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    occurrence     BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('ladder', 'missed-checkin')),
    party          TEXT,
    misses         BIGINT,
    response       TEXT NOT NULL,
    fired_at       BIGINT NOT NULL
);
CREATE INDEX consequences_by_partnership ON consequences (partnership_id, occurrence, fired_at);
-- A missed check-in is logged once per occurrence, whichever process sees it.
CREATE UNIQUE INDEX consequences_one_missed_checkin ON consequences (partnership_id, occurrence)
    WHERE kind = 'missed-checkin';

-- Pauses: proposed by one partner, in effect once the other agrees.
-- Days are YYYY-MM-DD in the agreement's zone, inclusive.
CREATE TABLE pauses (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    first_day      TEXT NOT NULL,
    last_day       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    proposed_by    TEXT NOT NULL REFERENCES users (id),
    proposed_at    BIGINT NOT NULL,
    agreed_by      TEXT REFERENCES users (id),
    agreed_at      BIGINT,
    withdrawn_by   TEXT REFERENCES users (id),
    withdrawn_at   BIGINT
);
CREATE INDEX pauses_by_partnership ON pauses (partnership_id, first_day);

-- Everything to send, and every deferred job, with the lease of the worker
-- that claimed it. `dedupe` makes planning twice insert once.
CREATE TABLE outbox (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT REFERENCES partnerships (id) ON DELETE CASCADE,
    user_id        TEXT REFERENCES users (id) ON DELETE CASCADE,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'internal')),
    kind           TEXT NOT NULL,
    dedupe         TEXT NOT NULL UNIQUE,
    due_at         BIGINT NOT NULL,
    payload        TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts       BIGINT NOT NULL DEFAULT 0,
    claimed_at     BIGINT,
    lease_until    BIGINT,
    lease_token    TEXT,
    last_error     TEXT,
    finished_at    BIGINT
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE state <> 'pending';
CREATE INDEX outbox_by_partnership ON outbox (partnership_id);
CREATE INDEX outbox_by_user ON outbox (user_id);

-- How far ahead each partnership's outbox rows have been planned.
CREATE TABLE schedule_plans (
    partnership_id TEXT PRIMARY KEY REFERENCES partnerships (id) ON DELETE CASCADE,
    planned_until  BIGINT NOT NULL
);

-- How each person wants to be told; no row means e-mail only.
CREATE TABLE notification_settings (
    user_id        TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email          BOOLEAN NOT NULL,
    webhook_url    TEXT,
    webhook_secret TEXT,
    updated_at     BIGINT NOT NULL
);

-- Each person's calendar feed token (digest), at most one.
CREATE TABLE calendar_tokens (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token      TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Single-use links (from a reminder) to prepare for or record one check-in.
CREATE TABLE checkin_links (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    occurrence     BIGINT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX checkin_links_by_expiry ON checkin_links (expires_at);
CREATE INDEX checkin_links_by_use ON checkin_links (used_at) WHERE used_at IS NOT NULL;

-- Secrets every app process must agree on; the first one stored wins.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A digest of the request body an idempotency key was first used with.
ALTER TABLE idempotency ADD COLUMN fingerprint TEXT;
