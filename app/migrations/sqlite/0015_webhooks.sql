-- City systems that listen for suggestion events, and the durable outbox
-- of what is to be sent to them. An event is written in the same
-- transaction as the change it reports; a worker on any app server sends
-- it, signed with the webhook's secret, until the receiver answers 2xx or
-- the attempts run out (then it is dead and waits for an admin's resend).
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    url         TEXT    NOT NULL,
    -- Kept as given: it signs every delivery (HMAC-SHA256).
    secret      TEXT    NOT NULL,
    -- NULL: every community.
    community   TEXT    REFERENCES communities(code),
    -- Comma-separated: created, status_changed, replied.
    events      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE TABLE webhook_outbox (
    id              INTEGER PRIMARY KEY,
    -- What a receiver de-duplicates by; the same on every retry.
    event_id        TEXT    NOT NULL UNIQUE,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks(id),
    suggestion_id   INTEGER NOT NULL REFERENCES suggestions(id),
    kind            TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A worker's claim while it sends; a crashed worker's claim lapses.
    locked_until    INTEGER,
    delivered_at    INTEGER,
    dead_at         INTEGER,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX webhook_outbox_by_suggestion ON webhook_outbox(webhook_id, suggestion_id, id);
