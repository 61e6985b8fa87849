//! Webhooks to city systems: `server webhook add|list|remove|resend`, the
//! delivery worker every app server runs, and the signature.
//!
//! Each event is a JSON body (`id`, `type`, `occurred_at`, the suggestion's
//! public fields, `from_status`, `to_status`, `reply`) POSTed with
//! - `X-Linli-Event`: `suggestion.created`, `suggestion.status_changed`
//!   or `suggestion.replied`;
//! - `X-Linli-Event-Id`: the same on every retry, to de-duplicate by;
//! - `X-Linli-Signature: t=UNIX_SECONDS,v1=HEX`, the HMAC-SHA256 of
//!   `t.BODY` with the webhook's secret. A receiver recomputes it and
//!   refuses a `t` more than a few minutes old (a replay).
//!
//! A 2xx answer delivers it. Anything else (an error status, a timeout, no
//! connection) is tried again after 30 s, 1 min, 2 min, … (doubling, at
//! most an hour apart) until the attempts run out (12 by default: about
//! six and a half hours), then it is dead until an admin resends it. A
//! worker claims an event for a lease; if its server dies mid-delivery the
//! lease lapses and another server sends it again: at least once.

use std::time::Duration;

use anyhow::bail;
use axum::body::Bytes;
use axum::http::Request;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::{connect::HttpConnector, Client as HttpClient};
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;

use app::domain::admin::accounts::WebhookProblem;
use app::server::store::{Delivery, NewWebhook, NewWebhookRefused, EVENT_KINDS};
use app::server::Db;

/// How deliveries are paced; `server serve` reads them from the settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// How often a worker looks for due events.
    pub poll: Duration,
    /// The first retry's delay; each next one doubles, up to [`MAX_DELAY`].
    pub retry_base: Duration,
    /// Attempts before an event is dead.
    pub attempts: u32,
    /// How long a receiver has to answer.
    pub timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(30),
            attempts: 12,
            timeout: Duration::from_secs(10),
        }
    }
}

/// The longest wait between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);
/// Events one worker sends at once.
const BATCH: i64 = 16;

/// The wait after the `failed`-th failed attempt, `None` when that was
/// the last one.
pub fn retry_delay(settings: &Settings, failed: u32) -> Option<Duration> {
    if failed >= settings.attempts {
        return None;
    }
    let doubling = 2u32.saturating_pow(failed.saturating_sub(1));
    Some(settings.retry_base.saturating_mul(doubling).min(MAX_DELAY))
}

/// The hex HMAC-SHA256 of `t.body`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `header` (`t=…,v1=…`) signs `body` with `secret`, made within
/// `tolerance` of `now` (Unix seconds): what a receiver checks.
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let Ok(expected) = (0..v1.len())
        .step_by(2)
        .map(|i| v1.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or(())
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    (now - t).abs() <= tolerance && mac.verify_slice(&expected).is_ok()
}

/// The HTTP client of deliveries: HTTP/1.1, HTTPS with the system's
/// certificates; redirects are not followed (a 3xx is a failure).
#[derive(Clone)]
pub struct Client {
    http: HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

pub fn client(settings: &Settings) -> Client {
    let ring = || std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let https = match HttpsConnectorBuilder::new().with_provider_and_native_roots(ring()) {
        Ok(b) => b,
        Err(e) => {
            // No system certificates: plain HTTP still works, HTTPS fails
            // each delivery with a reason the admin sees.
            tracing::warn!(error = %e, "no system certificates for webhook HTTPS");
            HttpsConnectorBuilder::new().with_tls_config(
                rustls::ClientConfig::builder_with_provider(ring())
                    .with_safe_default_protocol_versions()
                    .expect("ring supports the default versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            )
        }
    };
    let connector = https.https_or_http().enable_http1().build();
    Client {
        http: HttpClient::builder(TokioExecutor::new()).build(connector),
        timeout: settings.timeout,
    }
}

/// Sends one event; `Err` with the reason on anything but a 2xx.
async fn send(client: &Client, d: &Delivery) -> Result<(), String> {
    let t = chrono::Utc::now().timestamp();
    let request = Request::post(d.url.as_str())
        .header("content-type", "application/json")
        .header("user-agent", "Linli-Webhooks/1")
        .header("x-linli-event", &d.kind)
        .header("x-linli-event-id", &d.event_id)
        .header("x-linli-signature", format!("t={t},v1={}", sign(&d.secret, t, &d.body)))
        .body(Full::new(Bytes::from(d.body.clone())))
        .map_err(|e| format!("not a usable address: {e}"))?;
    let response = match tokio::time::timeout(client.timeout, client.http.request(request)).await {
        Err(_) => return Err("no answer in time".into()),
        Ok(Err(e)) => return Err(format!("could not connect: {e}")),
        Ok(Ok(r)) => r,
    };
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answered {status}"))
    }
}

/// Claims the due events and sends them; returns how many were delivered.
pub async fn run_once(db: &Db, client: &Client, settings: &Settings) -> anyhow::Result<usize> {
    // A lease longer than a delivery can take, so only a dead worker's
    // claim lapses.
    let lease = settings.timeout.as_millis() as i64 * 3 + 5_000;
    let batch = db.claim_deliveries(lease, BATCH).await?;
    let mut sends = tokio::task::JoinSet::new();
    for d in batch {
        let client = client.clone();
        sends.spawn(async move {
            let outcome = send(&client, &d).await;
            (d, outcome)
        });
    }
    let mut delivered = 0;
    while let Some(done) = sends.join_next().await {
        let Ok((d, outcome)) = done else { continue };
        match outcome {
            Ok(()) => {
                db.delivered(d.outbox_id).await?;
                delivered += 1;
            }
            Err(reason) => {
                let failed = d.attempts + 1;
                let retry_at = retry_delay(settings, failed)
                    .map(|wait| chrono::Utc::now().timestamp_millis() + wait.as_millis() as i64);
                if retry_at.is_none() {
                    tracing::warn!(event = %d.event_id, url = %d.url, %reason, "webhook event dead after {failed} attempts");
                }
                db.delivery_failed(d.outbox_id, retry_at, &reason).await?;
            }
        }
    }
    Ok(delivered)
}

/// The worker of `server serve`: forever, every `poll`.
pub async fn run(db: Db, settings: Settings) {
    let client = client(&settings);
    loop {
        if let Err(e) = run_once(&db, &client, &settings).await {
            tracing::warn!(error = %e, "webhook deliveries paused; trying again");
        }
        tokio::time::sleep(settings.poll).await;
    }
}

/// Adds a webhook (`server webhook add`, the accounts page): its new
/// secret, to show once, or why not.
pub async fn add(
    db: &Db,
    name: &str,
    url: &str,
    community: Option<&str>,
    events: &[&str],
) -> anyhow::Result<Result<String, WebhookProblem>> {
    if !crate::keys::valid_name(name) {
        return Ok(Err(WebhookProblem::Name));
    }
    match url.parse::<axum::http::Uri>() {
        Ok(u) if matches!(u.scheme_str(), Some("https" | "http")) && u.host().is_some_and(|h| !h.is_empty()) => {}
        _ => return Ok(Err(WebhookProblem::Url)),
    }
    if events.is_empty() || events.iter().any(|e| !EVENT_KINDS.contains(e)) {
        return Ok(Err(WebhookProblem::Events));
    }
    let secret = app::server::auth::random_hex32();
    let new = NewWebhook {
        name,
        url,
        secret: &secret,
        community,
        events,
    };
    Ok(match db.add_webhook(&new).await? {
        Ok(_) => Ok(secret),
        Err(NewWebhookRefused::NameTaken) => Err(WebhookProblem::Taken),
        Err(NewWebhookRefused::UnknownCommunity) => Err(WebhookProblem::UnknownCommunity),
    })
}

/// `server webhook list`: name, community (`*` all), events, URL,
/// delivered, pending, dead, the latest error; tab-separated.
pub async fn list(db: &Db) -> anyhow::Result<String> {
    let mut out = String::from("name\tcommunity\tevents\turl\tdelivered\tpending\tdead\tlast_error\n");
    for w in db.webhooks().await? {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            w.name,
            w.community.as_deref().unwrap_or("*"),
            w.events.join(","),
            w.url,
            w.delivered,
            w.pending,
            w.dead,
            w.last_error
        ));
    }
    Ok(out)
}

pub async fn remove(db: &Db, name: &str) -> anyhow::Result<()> {
    if !db.remove_webhook(name).await? {
        bail!("no webhook `{name}` (see `server webhook list`)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_its_body_secret_and_time() {
        let body = r#"{"id":"e1","type":"suggestion.created"}"#;
        let header = format!("t=1700000000,v1={}", sign("s3cret", 1_700_000_000, body));
        assert!(verify("s3cret", &header, body, 1_700_000_100, 300));
        assert!(!verify("other", &header, body, 1_700_000_100, 300));
        assert!(!verify(
            "s3cret",
            &header,
            &body.replace("e1", "e2"),
            1_700_000_100,
            300
        ));
        assert!(!verify("s3cret", &header, body, 1_700_001_000, 300), "a replay");
        assert!(!verify("s3cret", "t=1700000000", body, 1_700_000_000, 300));
        assert!(!verify("s3cret", "t=x,v1=zz", body, 1_700_000_000, 300));
        // The known HMAC-SHA256 of RFC 4231's second test case.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn retries_double_up_to_an_hour_then_stop() {
        let s = Settings::default();
        let delays: Vec<u64> = (1..=12)
            .filter_map(|n| retry_delay(&s, n))
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
        assert_eq!(retry_delay(&s, 12), None);
        let total: u64 = delays.iter().sum();
        assert!(total > 5 * 3600 && total < 7 * 3600, "{total}");
    }
}
