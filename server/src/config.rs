//! Configuration from the environment, with defaults that run the demo.

use app::server::store::DEFAULT_DATABASE_URL;

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; a SQLite file by default.
    pub database_url: String,
    /// Load the demo data from `seeds/` into an empty database on start
    /// (`LINLI_SEED=0` to start empty).
    pub seed_demo: bool,
    /// How often to look for facility changes made by other processes
    /// (`LINLI_CATALOG_POLL_SECS`).
    pub catalog_poll_secs: u64,
    /// Where photo files are kept (`LINLI_PHOTO_DIR`, default `data/photos`).
    pub photo_dir: String,
    /// Write rate limit per client address: burst (`LINLI_WRITE_BURST`) and
    /// milliseconds per further request (`LINLI_WRITE_PERIOD_MS`).
    pub write_quota: crate::limits::WriteQuota,
}

impl Config {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            seed_demo: var("LINLI_SEED").is_none_or(|v| v != "0" && v != "false"),
            catalog_poll_secs: var("LINLI_CATALOG_POLL_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            photo_dir: var("LINLI_PHOTO_DIR").unwrap_or_else(|| "data/photos".to_string()),
            write_quota: {
                let default = crate::limits::WriteQuota::default();
                crate::limits::WriteQuota {
                    burst: var("LINLI_WRITE_BURST")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(default.burst),
                    period: var("LINLI_WRITE_PERIOD_MS")
                        .and_then(|v| v.parse().ok())
                        .map_or(default.period, std::time::Duration::from_millis),
                }
            },
        }
    }
}
