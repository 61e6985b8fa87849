//! Per-client rate limits on everything that writes: filing suggestions,
//! the form's steps and supports. Keyed by the peer's IP address, so one
//! noisy client is slowed down and everyone else is not.
//!
//! `governor` (the crate under tower_governor) is used directly rather than
//! as a layer, because the answer differs by caller: JSON with a code for
//! the API, a page in the resident's language for the form.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Extensions;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

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

#[derive(Clone)]
pub struct WriteLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// The extra limit on supporting one suggestion.
    pub supports: SupportLimiter,
    /// Sign-in throttling.
    pub logins: LoginLimiter,
}

impl WriteLimiter {
    pub fn new(quota: WriteQuota) -> Self {
        let burst = NonZeroU32::new(quota.burst.max(1)).expect("at least one");
        let quota = Quota::with_period(quota.period.max(Duration::from_millis(1)))
            .expect("a positive period")
            .allow_burst(burst);
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            supports: SupportLimiter::default(),
            logins: LoginLimiter::default(),
        }
    }

    /// `Err(wait)` when `client` is over its limit.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets clients that are back to a full quota; called periodically so
    /// the table does not grow without bound.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.supports.forget_idle();
        self.logins.forget_idle();
    }

    /// The write limit and the per-suggestion support limit together.
    pub fn check_support(&self, client: IpAddr, code: &str) -> Result<(), Duration> {
        self.check(client)?;
        self.supports.check(client, code)
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
    /// Ten supports of one suggestion from one address, then one an hour.
    fn default() -> Self {
        Self::new(10, Duration::from_secs(3600))
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
    /// Twenty attempts a quarter-hour from an address; five failures a
    /// quarter-hour for an account.
    fn default() -> Self {
        Self::new(20, 5, Duration::from_secs(15 * 60))
    }
}

/// The peer's address as the server accepted the connection. Behind a
/// reverse proxy this is the proxy: configure the proxy to rate-limit, or
/// extend this function to trust its `X-Forwarded-For`.
pub fn client_ip(extensions: &Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Whole seconds to wait, at least one (for a `Retry-After` header).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_over_its_burst_waits_and_others_do_not() {
        let limiter = WriteLimiter::new(WriteQuota {
            burst: 3,
            period: Duration::from_secs(60),
        });
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(limiter.check(b).is_ok(), "another client is unaffected");
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
