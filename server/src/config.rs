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
        }
    }
}
