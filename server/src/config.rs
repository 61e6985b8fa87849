//! Configuration: one `clap` struct, every setting an environment variable
//! (or the flag of the same name). `server --help` lists them all, and a
//! value that does not parse stops start-up with a message naming it,
//! instead of quietly running with the default.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use app::server::store::DEFAULT_DATABASE_URL;

use crate::forwarded::TrustedProxies;
use crate::limits::WriteQuota;

/// Photo files of a SQLite server when `LINLI_PHOTO_DIR` is not set.
pub const DEFAULT_PHOTO_DIR: &str = "data/photos";

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// The database: `sqlite://PATH` (one server; created when missing) or
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (any number of servers).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Connections each app server keeps open to the database.
    #[arg(long, env = "LINLI_DB_POOL", default_value_t = app::server::store::POOL_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=200), global = true)]
    pub db_pool: u32,

    /// Where the server listens.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub site_addr: SocketAddr,

    /// Load the demo data from `seeds/` into an empty database on start.
    #[arg(long, env = "LINLI_SEED", default_value = "true", value_parser = parse_flag,
          action = clap::ArgAction::Set, global = true)]
    pub seed: bool,

    /// Milliseconds between checks for catalogue changes made by other
    /// processes (an import, another server's edit): one primary-key read.
    #[arg(long, env = "LINLI_CATALOG_POLL_MS", default_value_t = 250,
          value_parser = clap::value_parser!(u64).range(100..=3_600_000), global = true)]
    pub catalog_poll_ms: u64,

    /// Milliseconds a client has to send a request's headers (slow
    /// clients holding connections open are cut off after this).
    #[arg(long, env = "LINLI_HEADER_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(100..=600_000), global = true)]
    pub header_timeout_ms: u64,

    /// Brotli and gzip quality of the pages and API answers compressed as
    /// they are sent (the static files are compressed once, at 11); see
    /// README, "Server speed", for what each level costs.
    #[arg(long, env = "LINLI_COMPRESSION_QUALITY", default_value_t = crate::state::COMPRESSION_QUALITY,
          value_parser = clap::value_parser!(u8).range(1..=11), global = true)]
    pub compression_quality: u8,

    /// Connections one server holds at once; more wait in the kernel's
    /// queue until one closes.
    #[arg(long, env = "LINLI_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000), global = true)]
    pub max_connections: u32,

    /// Milliseconds a page, a small form or an API read may take, its
    /// body included (a body dribbled in is cut off with 408).
    #[arg(long, env = "LINLI_REQUEST_TIMEOUT_MS", default_value_t = crate::state::REQUEST_TIMEOUT.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(100..=3_600_000), global = true)]
    pub request_timeout_ms: u64,

    /// The same for uploads: the API's suggestions and the form's steps,
    /// which carry photos.
    #[arg(long, env = "LINLI_UPLOAD_TIMEOUT_MS", default_value_t = crate::state::UPLOAD_TIMEOUT.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(100..=3_600_000), global = true)]
    pub upload_timeout_ms: u64,

    /// A folder for photo files (every server must see the same one). Not
    /// set: `data/photos` with SQLite, the database itself with PostgreSQL.
    #[arg(long, env = "LINLI_PHOTO_DIR", global = true)]
    pub photo_dir: Option<String>,

    /// Writes (suggestions, form steps, supports) one client address may
    /// make at once before it is slowed down.
    #[arg(long, env = "LINLI_WRITE_BURST", default_value_t = WriteQuota::default().burst,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub write_burst: u32,

    /// Milliseconds after which a slowed-down client may write once more.
    #[arg(long, env = "LINLI_WRITE_PERIOD_MS", default_value_t = WriteQuota::default().period.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub write_period_ms: u64,

    /// Reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` are
    /// believed, e.g. `127.0.0.1,10.0.0.0/8`. Not set: those headers are
    /// ignored, and the peer is the client.
    #[arg(long, env = "LINLI_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: TrustedProxies,

    /// `text` or `json` log lines (on standard error). Which lines: RUST_LOG,
    /// e.g. `info` (the default) or `debug,sqlx=warn`.
    #[arg(long, env = "LINLI_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,

    /// Milliseconds before a failed webhook delivery is tried again; each
    /// later retry waits twice as long, at most an hour.
    #[arg(long, env = "LINLI_WEBHOOK_RETRY_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(10..=3_600_000), global = true)]
    pub webhook_retry_ms: u64,

    /// Attempts at delivering a webhook event before it is dead (shown to
    /// admins, who can resend it).
    #[arg(long, env = "LINLI_WEBHOOK_ATTEMPTS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=50), global = true)]
    pub webhook_attempts: u32,

    /// Milliseconds between a server's looks for webhook events to send.
    #[arg(long, env = "LINLI_WEBHOOK_POLL_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(10..=60_000), global = true)]
    pub webhook_poll_ms: u64,

    /// Milliseconds a webhook receiver has to answer; slower counts as a
    /// failed attempt. A server that dies mid-delivery leaves its events
    /// to the others after three times this plus 5 s.
    #[arg(long, env = "LINLI_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(100..=120_000), global = true)]
    pub webhook_timeout_ms: u64,
}

impl Config {
    /// The connection limits of `server serve`.
    pub fn connection_limits(&self) -> crate::http::ConnectionLimits {
        crate::http::ConnectionLimits {
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            max_connections: self.max_connections as usize,
        }
    }

    pub fn request_timeouts(&self) -> crate::state::RequestTimeouts {
        crate::state::RequestTimeouts {
            request: Duration::from_millis(self.request_timeout_ms),
            upload: Duration::from_millis(self.upload_timeout_ms),
        }
    }

    pub fn compression(&self) -> crate::state::Compression {
        crate::state::Compression {
            quality: self.compression_quality,
        }
    }

    pub fn webhooks(&self) -> crate::webhooks::Settings {
        crate::webhooks::Settings {
            poll: Duration::from_millis(self.webhook_poll_ms),
            retry_base: Duration::from_millis(self.webhook_retry_ms),
            attempts: self.webhook_attempts,
            timeout: Duration::from_millis(self.webhook_timeout_ms),
        }
    }

    pub fn write_quota(&self) -> WriteQuota {
        WriteQuota {
            burst: self.write_burst,
            period: Duration::from_millis(self.write_period_ms),
        }
    }
}

/// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`; anything else is an error.
fn parse_flag(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!("`{other}` is not a yes/no value (use 1 or 0)")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn defaults_flags_and_bad_values() {
        let c = Cli::try_parse_from(["server"]).unwrap().config;
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(c.seed);
        assert_eq!(c.write_quota(), WriteQuota::default());
        let c = Cli::try_parse_from(["server", "--seed", "0", "--write-burst", "5"])
            .unwrap()
            .config;
        assert!(!c.seed);
        assert_eq!(c.write_burst, 5);
        for bad in [
            &["server", "--seed", "maybe"][..],
            &["server", "--write-burst", "0"],
            &["server", "--write-period-ms", "-1"],
            &["server", "--site-addr", "localhost"],
            &["server", "--catalog-poll-ms", "ten"],
            &["server", "--catalog-poll-ms", "5"],
            &["server", "--log-format", "xml"],
            &["server", "--trusted-proxies", "10.0.0.0/8,nginx"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?} is refused");
        }
    }
}
