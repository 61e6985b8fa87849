//! Per-client rate limits on everything that writes: filing suggestions,
//! the form's steps and supports, and sign-in throttling. Keyed by the
//! client's address (`forwarded`), so one noisy client is slowed down and
//! everyone else is not.
//!
//! Two homes for the buckets, one behaviour: with SQLite (one server) they
//! live in this process, in `governor` (the crate under tower_governor);
//! with PostgreSQL every app server shares them in the database
//! (`Db::take_rate_token`, the same algorithm in one statement), so five
//! failed sign-ins spread over several servers still lock the account. A
//! limit check that cannot reach the database lets the request through (and
//! says so in the log): the request itself will meet the outage.
//!
//! Not a layer, because the answer differs by caller: JSON with a code for
//! the API, a page in the resident's language for the form.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Extensions;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use app::server::store::{ApiKey, Backend, Db};

/// Write limits: a burst, then one more request per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteQuota {
    pub burst: u32,
    pub period: Duration,
}

impl Default for WriteQuota {
    /// A resident filing through the five-step form uses five requests; 30
    /// allows several suggestions and supports in a row, then one request
    /// every 2 seconds (about 6 suggestions a minute from one address).
    fn default() -> Self {
        Self {
            burst: 30,
            period: Duration::from_secs(2),
        }
    }
}

/// Supports of one suggestion from one address: ten, then one an hour.
const SUPPORT_BURST: u32 = 10;
const SUPPORT_PERIOD: Duration = Duration::from_secs(3600);
/// Sign-in: twenty attempts a quarter-hour from an address, five failures a
/// quarter-hour for an account.
const LOGIN_CLIENT_BURST: u32 = 20;
const LOGIN_ACCOUNT_FAILURES: u32 = 5;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct WriteLimiter {
    quota: WriteQuota,
    home: Home,
}

#[derive(Clone)]
enum Home {
    /// One server: the buckets live in this process.
    Local {
        writes: Arc<DefaultKeyedRateLimiter<IpAddr>>,
        supports: SupportLimiter,
        logins: LoginLimiter,
        keys: KeyLimiter,
    },
    /// Several servers: the buckets live in the shared database.
    Shared(Db),
}

impl WriteLimiter {
    /// Buckets in this process (one server).
    pub fn new(quota: WriteQuota) -> Self {
        let burst = NonZeroU32::new(quota.burst.max(1)).expect("at least one");
        let governed = Quota::with_period(quota.period.max(Duration::from_millis(1)))
            .expect("a positive period")
            .allow_burst(burst);
        Self {
            quota,
            home: Home::Local {
                writes: Arc::new(RateLimiter::keyed(governed)),
                supports: SupportLimiter::default(),
                logins: LoginLimiter::default(),
                keys: KeyLimiter::default(),
            },
        }
    }

    /// Buckets in the database, shared by every server using it.
    pub fn shared(quota: WriteQuota, db: Db) -> Self {
        Self {
            quota,
            home: Home::Shared(db),
        }
    }

    /// In the database with PostgreSQL (any number of servers), in this
    /// process with SQLite (one server, and no extra disk write per check).
    pub fn for_backend(quota: WriteQuota, db: &Db) -> Self {
        match db.backend() {
            Backend::Postgres => Self::shared(quota, db.clone()),
            Backend::Sqlite => Self::new(quota),
        }
    }

    /// `Err(wait)` when `client` is over its write limit.
    pub async fn check(&self, client: IpAddr) -> Result<(), Duration> {
        match &self.home {
            Home::Local { writes, .. } => writes
                .check_key(&client)
                .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now())),
            Home::Shared(db) => {
                let period = self.quota.period.as_millis().max(1) as i64;
                shared_take(db, &format!("w:{client}"), period, self.quota.burst).await
            }
        }
    }

    /// The write limit and the per-suggestion support limit together.
    pub async fn check_support(&self, client: IpAddr, code: &str) -> Result<(), Duration> {
        self.check(client).await?;
        match &self.home {
            Home::Local { supports, .. } => supports.check(client, code),
            Home::Shared(db) => {
                let period = SUPPORT_PERIOD.as_millis() as i64;
                shared_take(db, &format!("s:{client}:{code}"), period, SUPPORT_BURST).await
            }
        }
    }

    /// Before verifying a password: `Err(wait)` when the address or the
    /// account is throttled. Every attempt counts against the address.
    pub async fn check_login(&self, client: IpAddr, username: &str) -> Result<(), Duration> {
        match &self.home {
            Home::Local { logins, .. } => logins.check(client, username),
            Home::Shared(db) => {
                let period = (LOGIN_WINDOW / LOGIN_CLIENT_BURST).as_millis() as i64;
                shared_take(db, &format!("l:{client}"), period, LOGIN_CLIENT_BURST).await?;
                let window = LOGIN_WINDOW.as_millis() as i64;
                match db.login_failures(&username.to_lowercase(), window).await {
                    Ok((failures, since)) if failures >= i64::from(LOGIN_ACCOUNT_FAILURES) => {
                        let left = since + window - chrono::Utc::now().timestamp_millis();
                        Err(Duration::from_millis(left.max(1) as u64))
                    }
                    Ok(_) => Ok(()),
                    Err(e) => {
                        tracing::warn!(error = %e, "sign-in throttle unavailable; letting the attempt through");
                        Ok(())
                    }
                }
            }
        }
    }

    /// Only failures count against an account (so nobody can lock a member
    /// out by signing in as them successfully).
    pub async fn login_failed(&self, username: &str) {
        match &self.home {
            Home::Local { logins, .. } => logins.failed(username),
            Home::Shared(db) => {
                let window = LOGIN_WINDOW.as_millis() as i64;
                if let Err(e) = db.add_login_failure(&username.to_lowercase(), window).await {
                    tracing::warn!(error = %e, "recording a failed sign-in failed");
                }
            }
        }
    }

    pub async fn login_succeeded(&self, username: &str) {
        match &self.home {
            Home::Local { logins, .. } => logins.succeeded(username),
            Home::Shared(db) => {
                if let Err(e) = db.clear_login_failures(&username.to_lowercase()).await {
                    tracing::warn!(error = %e, "clearing failed sign-ins failed");
                }
            }
        }
    }

    /// Forgets clients that are back to a full quota; called periodically so
    /// the tables do not grow without bound. With several servers each one
    /// runs it; the deletes are idempotent.
    pub async fn forget_idle(&self) {
        match &self.home {
            Home::Local {
                writes,
                supports,
                logins,
                ..
            } => {
                writes.retain_recent();
                supports.forget_idle();
                logins.forget_idle();
            }
            Home::Shared(db) => {
                if let Err(e) = db.purge_rate_limits().await {
                    tracing::warn!(error = %e, "purging rate limits failed");
                }
                if let Err(e) = db.purge_login_failures(LOGIN_WINDOW.as_millis() as i64).await {
                    tracing::warn!(error = %e, "purging sign-in failures failed");
                }
            }
        }
    }
}

impl WriteLimiter {
    /// `Err(wait)` when an API key is over its own limit (its requests a
    /// minute, as a burst of that many refilled over the minute).
    pub async fn check_api_key(&self, key: &ApiKey) -> Result<(), Duration> {
        let per_minute = key.per_minute.max(1);
        match &self.home {
            Home::Local { keys, .. } => keys.check(key.id, per_minute),
            Home::Shared(db) => {
                let period = (60_000 / i64::from(per_minute)).max(1);
                shared_take(db, &format!("k:{}", key.id), period, per_minute).await
            }
        }
    }
}

/// Per-key buckets in this process; a key's quota is read with it on every
/// request, so a changed quota takes effect at once.
#[derive(Clone, Default)]
pub struct KeyLimiter {
    buckets: Arc<std::sync::Mutex<std::collections::HashMap<i64, KeyBucket>>>,
}

/// A key's requests a minute, and its bucket at that rate.
type KeyBucket = (u32, Arc<governor::DefaultDirectRateLimiter>);

impl KeyLimiter {
    fn check(&self, id: i64, per_minute: u32) -> Result<(), Duration> {
        let limiter = {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let entry = buckets
                .entry(id)
                .or_insert_with(|| (0, Arc::new(RateLimiter::direct(per_minute_quota(1)))));
            if entry.0 != per_minute {
                *entry = (per_minute, Arc::new(RateLimiter::direct(per_minute_quota(per_minute))));
            }
            entry.1.clone()
        };
        limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

fn per_minute_quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("at least one"))
}

/// One token from a shared bucket; an unreachable database lets it through.
async fn shared_take(db: &Db, key: &str, period_ms: i64, burst: u32) -> Result<(), Duration> {
    match db.take_rate_token(key, period_ms, burst).await {
        Ok(None) => Ok(()),
        Ok(Some(wait_ms)) => Err(Duration::from_millis(wait_ms.max(1) as u64)),
        Err(e) => {
            tracing::warn!(error = %e, "rate limit unavailable; letting the request through");
            Ok(())
        }
    }
}

/// Supports of one suggestion from one address: the device cookie stops a
/// reload from counting twice, but clearing cookies would not; this bounds
/// what one address can add to one suggestion (generously, since many
/// phones share a carrier's address).
#[derive(Clone)]
pub struct SupportLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<(IpAddr, String)>>,
}

impl SupportLimiter {
    pub fn new(burst: u32, period: Duration) -> Self {
        let quota = Quota::with_period(period.max(Duration::from_millis(1)))
            .expect("a positive period")
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("at least one"));
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    pub fn check(&self, client: IpAddr, code: &str) -> Result<(), Duration> {
        self.limiter
            .check_key(&(client, code.to_string()))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

impl Default for SupportLimiter {
    fn default() -> Self {
        Self::new(SUPPORT_BURST, SUPPORT_PERIOD)
    }
}

/// Sign-in throttling: every attempt counts against the client address;
/// only failures count against the account name (so nobody can lock a member
/// out by signing in as them successfully… nor by failing from many
/// addresses for more than the window). Names are checked for shape first,
/// so the per-account table only holds plausible usernames.
#[derive(Clone)]
pub struct LoginLimiter {
    per_client: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    failures: Arc<std::sync::Mutex<std::collections::HashMap<String, (u32, std::time::Instant)>>>,
    account_failures: u32,
    window: Duration,
}

impl LoginLimiter {
    pub fn new(client_burst: u32, account_failures: u32, window: Duration) -> Self {
        let quota = Quota::with_period(window.max(Duration::from_millis(1)) / client_burst.max(1))
            .expect("a positive period")
            .allow_burst(NonZeroU32::new(client_burst.max(1)).expect("at least one"));
        Self {
            per_client: Arc::new(RateLimiter::keyed(quota)),
            failures: Arc::default(),
            account_failures: account_failures.max(1),
            window,
        }
    }

    /// Before verifying a password: `Err(wait)` when the address or the
    /// account is throttled.
    pub fn check(&self, client: IpAddr, username: &str) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        self.per_client.check_key(&client).map_err(|n| n.wait_time_from(now))?;
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get(&username.to_lowercase()) {
            Some((count, since)) if *count >= self.account_failures && since.elapsed() < self.window => {
                Err(self.window - since.elapsed())
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = failures
            .entry(username.to_lowercase())
            .or_insert((0, std::time::Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, std::time::Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&username.to_lowercase());
    }

    pub fn forget_idle(&self) {
        self.per_client.retain_recent();
        let window = self.window;
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, since)| since.elapsed() < window);
    }
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(LOGIN_CLIENT_BURST, LOGIN_ACCOUNT_FAILURES, LOGIN_WINDOW)
    }
}

/// The client's address: the peer, or who a trusted proxy says it
/// forwarded (`forwarded`).
pub fn client_ip(extensions: &Extensions) -> IpAddr {
    crate::forwarded::client(extensions).ip
}

/// Whole seconds to wait, at least one (for a `Retry-After` header).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_client_over_its_burst_waits_and_others_do_not() {
        let limiter = WriteLimiter::new(WriteQuota {
            burst: 3,
            period: Duration::from_secs(60),
        });
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert!(limiter.check(a).await.is_ok());
        }
        let wait = limiter.check(a).await.unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(limiter.check(b).await.is_ok(), "another client is unaffected");
        let supports = SupportLimiter::new(2, Duration::from_secs(3600));
        assert!(supports.check(b, "WH-2222").is_ok() && supports.check(b, "WH-2222").is_ok());
        assert!(
            supports.check(b, "WH-2222").is_err(),
            "a third from the same address waits"
        );
        assert!(
            supports.check(b, "WH-3333").is_ok(),
            "another suggestion is not affected"
        );
        let logins = LoginLimiter::new(2, 2, Duration::from_secs(60));
        assert!(logins.check(a, "wang").is_ok());
        logins.failed("wang");
        logins.failed("WANG");
        assert!(
            logins.check(b, "wang").is_err(),
            "the account is throttled from any address"
        );
        assert!(logins.check(b, "li").is_ok(), "other accounts are not");
        logins.succeeded("li");
        assert!(logins.check(a, "li").is_ok());
        assert!(
            logins.check(a, "zhao").is_err(),
            "the address is throttled for any account"
        );
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
