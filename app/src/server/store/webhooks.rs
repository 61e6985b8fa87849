//! Webhooks of city systems and their durable outbox. An event row is
//! written in the transaction of the change it reports ([`enqueue`]), so
//! a change that commits is always announced and one that rolls back never
//! is. Workers on any number of app servers claim due rows with a lease,
//! one event at a time per suggestion and webhook, so a receiver sees each
//! suggestion's events in order.

use sqlx::{Any, Row, Transaction};

use super::{now_millis, Db, StoreError};
use crate::domain::suggestion::Status;

pub use crate::domain::admin::accounts::{WebhookSummary, EVENT_KINDS};

/// A webhook to add.
#[derive(Clone, Debug)]
pub struct NewWebhook<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
    pub community: Option<&'a str>,
    pub events: &'a [&'a str],
}

/// Why a webhook was not added.
#[derive(Debug, PartialEq, Eq)]
pub enum NewWebhookRefused {
    NameTaken,
    UnknownCommunity,
}

/// One event to send, claimed by a worker until `locked_until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub outbox_id: i64,
    pub event_id: String,
    pub kind: String,
    pub body: String,
    pub url: String,
    pub secret: String,
    /// Attempts before this one.
    pub attempts: u32,
}

impl Db {
    pub async fn add_webhook(&self, w: &NewWebhook<'_>) -> Result<Result<i64, NewWebhookRefused>, StoreError> {
        if let Some(code) = w.community {
            let known = sqlx::query("SELECT 1 AS one FROM communities WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?;
            if known.is_none() {
                return Ok(Err(NewWebhookRefused::UnknownCommunity));
            }
        }
        let row = sqlx::query(
            "INSERT INTO webhooks (name, url, secret, community, events, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(w.name)
        .bind(w.url)
        .bind(w.secret)
        .bind(w.community)
        .bind(w.events.join(","))
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Ok(r.try_get("id")?)),
            None => Ok(Err(NewWebhookRefused::NameTaken)),
        }
    }

    /// Every webhook still in use, with how its events stand.
    pub async fn webhooks(&self) -> Result<Vec<WebhookSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT w.name, w.url, w.community, w.events, w.created_at, \
             (SELECT COUNT(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.delivered_at IS NOT NULL) AS delivered, \
             (SELECT COUNT(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.delivered_at IS NULL \
              AND o.dead_at IS NULL) AS pending, \
             (SELECT COUNT(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.dead_at IS NOT NULL) AS dead, \
             (SELECT o.last_error FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.last_error <> '' \
              ORDER BY o.id DESC LIMIT 1) AS last_error \
             FROM webhooks w WHERE w.removed_at IS NULL ORDER BY w.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookSummary {
                    name: r.try_get("name")?,
                    url: r.try_get("url")?,
                    community: r.try_get("community")?,
                    events: r
                        .try_get::<String, _>("events")?
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                    created_at: r.try_get("created_at")?,
                    delivered: r.try_get("delivered")?,
                    pending: r.try_get("pending")?,
                    dead: r.try_get("dead")?,
                    last_error: r.try_get::<Option<String>, _>("last_error")?.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Stops a webhook: nothing more is written for it or sent to it.
    pub async fn remove_webhook(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE webhooks SET removed_at = $2 WHERE name = $1 AND removed_at IS NULL")
            .bind(name)
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sends a webhook's dead events again, from now, with fresh attempts;
    /// returns how many.
    pub async fn resend_dead(&self, name: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $2, locked_until = NULL \
             WHERE dead_at IS NOT NULL AND webhook_id = (SELECT id FROM webhooks WHERE name = $1 AND removed_at IS NULL)",
        )
        .bind(name)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Claims up to `limit` due events for `lease_ms`: the oldest one not
    /// yet sent of each suggestion and webhook (a later one waits for it).
    /// A claim another worker made first is skipped.
    pub async fn claim_deliveries(&self, lease_ms: i64, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT o.id, o.event_id, o.kind, o.body, o.attempts, w.url, w.secret FROM webhook_outbox o \
             JOIN webhooks w ON w.id = o.webhook_id \
             WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND w.removed_at IS NULL \
             AND o.next_attempt_at <= $1 AND (o.locked_until IS NULL OR o.locked_until < $1) \
             AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.webhook_id = o.webhook_id \
               AND p.suggestion_id = o.suggestion_id AND p.id < o.id AND p.delivered_at IS NULL AND p.dead_at IS NULL) \
             ORDER BY o.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let taken = sqlx::query(
                "UPDATE webhook_outbox SET locked_until = $1 WHERE id = $2 \
                 AND delivered_at IS NULL AND (locked_until IS NULL OR locked_until < $3)",
            )
            .bind(now + lease_ms)
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected()
                == 1;
            if taken {
                claimed.push(Delivery {
                    outbox_id: id,
                    event_id: r.try_get("event_id")?,
                    kind: r.try_get("kind")?,
                    body: r.try_get("body")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                    attempts: r.try_get::<i64, _>("attempts")?.max(0) as u32,
                });
            }
        }
        Ok(claimed)
    }

    pub async fn delivered(&self, outbox_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE webhook_outbox SET delivered_at = $2, attempts = attempts + 1, locked_until = NULL, \
             last_error = '' WHERE id = $1",
        )
        .bind(outbox_id)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at`, or dead when `None`.
    pub async fn delivery_failed(&self, outbox_id: i64, retry_at: Option<i64>, error: &str) -> Result<(), StoreError> {
        let now = now_millis();
        sqlx::query(
            "UPDATE webhook_outbox SET attempts = attempts + 1, locked_until = NULL, last_error = $2, \
             next_attempt_at = $3, dead_at = $4 WHERE id = $1",
        )
        .bind(outbox_id)
        .bind(error.chars().take(300).collect::<String>())
        .bind(retry_at.unwrap_or(now))
        .bind(retry_at.is_none().then_some(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Writes an event of `kind` about a suggestion for every webhook that
/// wants it, in the caller's transaction. The body holds what the public
/// tracking page shows, nothing more: a hidden suggestion's words and
/// place are withheld, contact details and notes are never read.
pub(super) async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    suggestion: i64,
    kind: &str,
    change: (Option<Status>, Option<Status>, &str),
    now: i64,
) -> Result<(), StoreError> {
    let hooks = sqlx::query(
        "SELECT w.id FROM webhooks w JOIN suggestions s ON s.id = $1 \
         WHERE w.removed_at IS NULL AND (w.community IS NULL OR w.community = s.community) \
         AND (',' || w.events || ',') LIKE $2 ORDER BY w.id",
    )
    .bind(suggestion)
    .bind(format!("%,{kind},%"))
    .fetch_all(&mut **tx)
    .await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let s = sqlx::query(
        "SELECT receipt_code, community, category, status, hidden, title, description, lat, lng, location_text, \
         created_at FROM suggestions WHERE id = $1",
    )
    .bind(suggestion)
    .fetch_one(&mut **tx)
    .await?;
    let hidden = s.try_get::<i64, _>("hidden")? != 0;
    let code: String = s.try_get("receipt_code")?;
    let shown = |v: String| if hidden { String::new() } else { v };
    let (lat, lng): (Option<f64>, Option<f64>) = if hidden {
        (None, None)
    } else {
        (s.try_get("lat")?, s.try_get("lng")?)
    };
    let rfc3339 = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    for hook in hooks {
        let event_id = {
            let bytes: [u8; 16] = rand::random();
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        let body = serde_json::json!({
            "id": event_id,
            "type": format!("suggestion.{kind}"),
            "occurred_at": rfc3339(now),
            "suggestion": {
                "receipt_code": code,
                "community": s.try_get::<String, _>("community")?,
                "category": s.try_get::<String, _>("category")?,
                "status": s.try_get::<String, _>("status")?,
                "hidden": hidden,
                "title": shown(s.try_get("title")?),
                "description": shown(s.try_get("description")?),
                "lat": lat,
                "lng": lng,
                "location_text": shown(s.try_get("location_text")?),
                "created_at": rfc3339(s.try_get("created_at")?),
                "tracking_path": format!("/track/{code}"),
            },
            "from_status": change.0.map(Status::as_str),
            "to_status": change.1.map(Status::as_str),
            "reply": change.2,
        });
        sqlx::query(
            "INSERT INTO webhook_outbox (event_id, webhook_id, suggestion_id, kind, body, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&event_id)
        .bind(hook.try_get::<i64, _>("id")?)
        .bind(suggestion)
        .bind(format!("suggestion.{kind}"))
        .bind(body.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
