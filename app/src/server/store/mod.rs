//! The one module that owns every query.
//!
//! Everything goes through `sqlx::AnyPool` with SQL that SQLite and
//! PostgreSQL read alike (`$1` placeholders, `ON CONFLICT … DO UPDATE`,
//! `RETURNING`, no dialect functions), so both backends run the same
//! statements; the URL picks the backend and its migrations folder
//! (`migrations/README.md`). Values cross the boundary as i64, f64 and text
//! only, which every backend of `Any` decodes the same way: integer columns
//! are `BIGINT` on PostgreSQL, flags 0/1, and text sorts by code point on
//! both (`COLLATE "C"` there, SQLite's `BINARY` here). Structured columns
//! (hours, services) are stored as text and parsed here.

mod api_keys;
mod copy;
mod facilities;
mod imports;
mod open311;
mod residences;
mod review;
mod shared;
mod suggestions;
mod users;
mod webhooks;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

use crate::domain::coords::LatLng;
use crate::domain::facility::{Community, Facility, Services};
use crate::domain::hours::WeeklyHours;
use crate::domain::sorting::SortingItem;

pub use api_keys::{ApiKey, ApiKeySummary, NewKeyRefused};
pub use copy::{CopyError, CopyReport};
pub use facilities::{history_json, FacilityRecord, FacilityScope, HistoryEntry};
pub use imports::{ImportChange, StagedImport, STAGE_TTL_MS};
pub use open311::{RequestFilter, RequestRecord, REQUESTS_MAX};
pub use review::{EventRecord, ExportRow, SuggestionChange};
pub use shared::CatalogVersion;
pub use suggestions::{Inserted, NewSuggestion, StoredPhoto};
pub use users::{Account, AccountSummary, InvitationInfo, SessionInfo, SessionSummary};
pub use webhooks::{Delivery, NewWebhook, NewWebhookRefused, WebhookSummary, EVENT_KINDS};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/linli.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL `{0}` (use sqlite://PATH or postgres://USER@HOST/DB)")]
    Unsupported(String),
    #[error("creating the database folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored row {0} is corrupt: {1}")]
    Corrupt(String, String),
}

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One file, embedded: the default, for one server.
    Sqlite,
    /// A server shared by any number of app servers.
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0;
        match scheme {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }
}

/// A held [`Db::lock`]: released when its transaction ends.
pub struct Lock(Option<sqlx::Transaction<'static, sqlx::Any>>);

impl Lock {
    pub async fn release(self) -> Result<(), StoreError> {
        if let Some(tx) = self.0 {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl StoreError {
    /// A unique key (receipt code, idempotency key, username…) was taken,
    /// possibly by a concurrent request: the same on every backend.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Sqlx(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }

    /// The database could not serve now (unreachable, restarting, full,
    /// read-only, busy, no connection free in time), as opposed to this
    /// request being wrong: worth trying again shortly.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Sqlx(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed,
            ) => true,
            StoreError::Sqlx(sqlx::Error::Database(e)) => match e.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                Some(_) => e.code().and_then(|c| c.parse().ok()).is_some_and(sqlite_unavailable),
                None => e.code().is_some_and(|c| postgres_unavailable(&c)),
            },
            _ => false,
        }
    }
}

/// Whether SQLite's (extended) result code says "not now" rather than
/// "not this": its low byte is the primary code.
fn sqlite_unavailable(code: i64) -> bool {
    // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
    matches!(code & 0xff, 5 | 6 | 8 | 10 | 13 | 14)
}

/// The same for a PostgreSQL SQLSTATE: connection exceptions,
/// insufficient resources (disk full, out of memory, too many
/// connections), operator intervention (shutdown, restart, starting up),
/// a standby that cannot write, a database not accepting connections, a
/// serialization failure or deadlock.
fn postgres_unavailable(sqlstate: &str) -> bool {
    ["08", "53", "57P"].iter().any(|class| sqlstate.starts_with(class))
        || matches!(sqlstate, "25006" | "55000" | "40001" | "40P01")
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Facilities per `INSERT` of an import: 13 values each, well inside
/// SQLite's 32 766 and PostgreSQL's 65 535 parameters a statement.
const FACILITY_BATCH: usize = 500;

/// Connections per app server. SQLite has one writer anyway; PostgreSQL
/// shares `max_connections` (100 by default) among every app server.
pub const POOL_SIZE: u32 = 8;

/// How long a request waits for a connection (a free one, or a new one
/// while the database restarts) before it is answered 503: a resident
/// sees "try again" within seconds instead of a page that hangs. Long
/// enough to ride out a quick restart; a pool with no connection free
/// for this long is overloaded, and shedding load is right then too.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A facility before it has an id, as the importer produces it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewFacility {
    pub source_ref: String,
    pub name_zh: String,
    pub name_en: String,
    pub address_zh: String,
    pub address_en: String,
    pub location: LatLng,
    pub phone: String,
    pub community: String,
    pub hours: WeeklyHours,
    pub services: Services,
}

/// See [`Db::facility_changes`].
#[derive(Debug, Default)]
pub struct FacilityChanges {
    pub version: CatalogVersion,
    pub facilities: Vec<Facility>,
    pub communities: Vec<Community>,
    /// Facilities in the database: when a reader's count differs after
    /// applying the changes, rows were deleted (outside Linli) and it must
    /// load everything.
    pub count: i64,
}

/// How much the catalogue holds, and when it last changed (for seeding and
/// reports; servers watch [`Db::catalog_version`] instead).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint {
    pub facilities: i64,
    pub facilities_updated: i64,
    pub communities: i64,
    pub communities_updated: i64,
    pub sorting_items: i64,
    pub sorting_updated: i64,
}

/// The SQLite URL with `mode=rwc` (create when missing), its folder made.
fn sqlite_url(url: &str) -> Result<String, StoreError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let file = path.split('?').next().unwrap_or_default();
    if !file.is_empty() && file != ":memory:" {
        if let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)?;
        }
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

/// A URL fit for messages and logs: any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Db {
    /// Connects, creating a SQLite file (and its folder) when missing, and
    /// applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let db = Self::connect_only(url, POOL_SIZE).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects without migrating (for copying into a database and for
    /// tools that must not change the schema).
    pub async fn connect_only(url: &str, pool_size: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::Unsupported(redact(url)))?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(pool_size.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    if conn.backend_name() != "SQLite" {
                        return Ok(());
                    }
                    // WAL lets readers and the writer work at the same time;
                    // FULL sync makes every commit durable across power loss too: a
                    // suggestion is acknowledged only once it is on disk.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    Ok(())
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    if conn.backend_name() != "SQLite" {
                        return Ok(true);
                    }
                    // A connection must come back outside any transaction.
                    // After SQLITE_FULL, SQLite may roll a transaction back
                    // by itself; sqlx-sqlite then loses count of its
                    // nesting, and a later rollback ("ROLLBACK TO
                    // SAVEPOINT") leaves a transaction open on this
                    // connection, whose reads see an old snapshot. If one
                    // is open, BEGIN fails: close the connection instead.
                    match conn.execute("BEGIN").await {
                        Ok(_) => {
                            conn.execute("ROLLBACK").await?;
                            Ok(true)
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "a SQLite connection came back inside a transaction; closing it");
                            Ok(false)
                        }
                    }
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Waits until no other process holds the lock `name`, then holds it
    /// until [`Lock::release`] or until it is dropped (or this process
    /// dies). PostgreSQL: a transaction-scoped advisory lock in a
    /// transaction of its own, so app servers starting together seed an
    /// empty database once, and no error path can leave it held. SQLite
    /// serves one process, whose writes are serialised anyway: no lock.
    pub async fn lock(&self, name: &str) -> Result<Lock, StoreError> {
        if self.backend == Backend::Sqlite {
            return Ok(Lock(None));
        }
        let key = crate::server::catalog::content_hash(name.bytes()) as i64;
        let mut tx = self.pool.begin().await?;
        // Wrapped so the row has a type every driver decodes (the lock
        // function itself returns `void`).
        sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock($1)) AS l")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        Ok(Lock(Some(tx)))
    }

    /// Applies pending migrations. On PostgreSQL sqlx holds an advisory
    /// lock meanwhile, so app servers starting together migrate once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn fingerprint(&self) -> Result<Fingerprint, StoreError> {
        let summary =
            |table: &str| format!("SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), 0) AS updated FROM {table}");
        let f = sqlx::query(&summary("facilities")).fetch_one(&self.pool).await?;
        let c = sqlx::query(&summary("communities")).fetch_one(&self.pool).await?;
        let s = sqlx::query(&summary("sorting_items")).fetch_one(&self.pool).await?;
        Ok(Fingerprint {
            facilities: f.try_get("n")?,
            facilities_updated: f.try_get("updated")?,
            communities: c.try_get("n")?,
            communities_updated: c.try_get("updated")?,
            sorting_items: s.try_get("n")?,
            sorting_updated: s.try_get("updated")?,
        })
    }

    /// The facilities written after revision `since` (every facility when
    /// `None`), every community, the catalogue version and the facility
    /// count, all from one consistent snapshot of the database: every row
    /// of a revision up to `version.facilities` is there, none later.
    pub async fn facility_changes(&self, since: Option<i64>) -> Result<FacilityChanges, StoreError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            // One snapshot for the whole read (READ COMMITTED takes one per
            // statement). SQLite's read transaction is one snapshot already.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
        }
        let version = shared::read_catalog_version(&mut *tx).await?;
        let rows = sqlx::query(&format!(
            "SELECT {FACILITY_COLUMNS} FROM facilities WHERE revision > $1 ORDER BY id"
        ))
        .bind(since.unwrap_or(i64::MIN))
        .fetch_all(&mut *tx)
        .await?;
        let facilities = rows.iter().map(facility_from_row).collect::<Result<Vec<_>, _>>()?;
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM facilities WHERE retired = 0")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        let rows = sqlx::query(&format!(
            "SELECT {COMMUNITY_COLUMNS} FROM communities ORDER BY district_zh, code"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let communities = rows.iter().map(community_from_row).collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok(FacilityChanges {
            version,
            facilities,
            communities,
            count,
        })
    }

    pub async fn facility(&self, id: i64) -> Result<Option<Facility>, StoreError> {
        let row = sqlx::query(&format!("SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(facility_from_row).transpose()
    }

    /// The community codes alone, for checking a code without reading (and
    /// parsing) every boundary.
    pub async fn community_codes(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT code FROM communities ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("code")?)).collect()
    }

    pub async fn communities(&self) -> Result<Vec<Community>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COMMUNITY_COLUMNS} FROM communities ORDER BY district_zh, code"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(community_from_row).collect()
    }

    /// Inserts or updates (by `source_ref`) every facility in one
    /// transaction: either all of them are stored or none is.
    pub async fn upsert_facilities(&self, facilities: &[NewFacility]) -> Result<usize, StoreError> {
        const COLUMNS: usize = 13;
        let now = now_millis();
        // One row per `source_ref`, the last one given (PostgreSQL refuses a
        // statement that would update one row twice).
        let mut seen = std::collections::HashSet::new();
        let mut rows: Vec<&NewFacility> = facilities.iter().rev().filter(|f| seen.insert(&f.source_ref)).collect();
        rows.reverse();
        let mut tx = self.pool.begin().await?;
        // Many rows a statement: a district of 100 000 facilities is 200
        // statements, not 100 000 round trips (and PostgreSQL's statement
        // trigger bumps the catalogue version 200 times, not 100 000).
        for chunk in rows.chunks(FACILITY_BATCH) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let p: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO facilities (source_ref, kind, name_zh, name_en, address_zh, address_en, lat, lng, phone, community, hours, services, updated_at) \
                 VALUES {} \
                 ON CONFLICT (source_ref) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh, \
                 name_en = excluded.name_en, address_zh = excluded.address_zh, address_en = excluded.address_en, \
                 lat = excluded.lat, lng = excluded.lng, phone = excluded.phone, community = excluded.community, \
                 hours = excluded.hours, services = excluded.services, updated_at = excluded.updated_at",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for f in chunk {
                q = q
                    .bind(&f.source_ref)
                    .bind(f.services.kind().as_str())
                    .bind(&f.name_zh)
                    .bind(&f.name_en)
                    .bind(&f.address_zh)
                    .bind(&f.address_en)
                    .bind(f.location.lat)
                    .bind(f.location.lng)
                    .bind(&f.phone)
                    .bind(&f.community)
                    .bind(f.hours.to_string())
                    .bind(serde_json::to_string(&f.services).expect("services serialise"))
                    .bind(now);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(facilities.len())
    }

    /// Inserts or updates (by `code`) every community in one transaction;
    /// a community given without a boundary keeps the one it has.
    pub async fn upsert_communities(&self, communities: &[Community]) -> Result<usize, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        for c in communities {
            upsert_community(&mut tx, c, now).await?;
        }
        tx.commit().await?;
        Ok(communities.len())
    }

    /// Saves one community from the browser (its boundary removed when
    /// `clear_boundary`) with a history row by `actor`, in one
    /// transaction; returns whether it was new.
    pub async fn write_community(&self, c: &Community, clear_boundary: bool, actor: i64) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let before = sqlx::query(&format!("SELECT {COMMUNITY_COLUMNS} FROM communities WHERE code = $1"))
            .bind(&c.code)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(community_from_row)
            .transpose()?;
        upsert_community(&mut tx, c, now).await?;
        if clear_boundary {
            sqlx::query("UPDATE communities SET boundary = '' WHERE code = $1")
                .bind(&c.code)
                .execute(&mut *tx)
                .await?;
        }
        let after = community_from_row(
            &sqlx::query(&format!("SELECT {COMMUNITY_COLUMNS} FROM communities WHERE code = $1"))
                .bind(&c.code)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        if before.as_ref() != Some(&after) {
            sqlx::query(
                "INSERT INTO community_history (community, at, actor, kind, before, after) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&c.code)
            .bind(now)
            .bind(actor)
            .bind(if before.is_none() { "created" } else { "edited" })
            .bind(before.as_ref().map(community_json).unwrap_or_default())
            .bind(community_json(&after))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(before.is_none())
    }

    /// A community's history, newest first.
    pub async fn community_history(&self, code: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.at, u.username, h.kind, h.before, h.after FROM community_history h \
             LEFT JOIN users u ON u.id = h.actor WHERE h.community = $1 ORDER BY h.at DESC, h.id DESC",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(facilities::history_entry).collect()
    }

    /// The sorting dictionary, in its curated order.
    pub async fn sorting_items(&self) -> Result<Vec<SortingItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name_zh, aliases_zh, name_en, aliases_en, category, tip_zh, tip_en, pinyin, aliases_pinyin \
             FROM sorting_items ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let list = |text: String| -> Vec<String> {
            text.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let category: String = r.try_get("category")?;
                Ok(SortingItem {
                    name_zh: r.try_get("name_zh")?,
                    aliases_zh: list(r.try_get("aliases_zh")?),
                    name_en: r.try_get("name_en")?,
                    aliases_en: list(r.try_get("aliases_en")?),
                    category: crate::domain::facility::WasteCategory::parse(&category)
                        .ok_or_else(|| StoreError::Corrupt(format!("sorting_items/{id}"), category))?,
                    tip_zh: r.try_get("tip_zh")?,
                    tip_en: r.try_get("tip_en")?,
                    pinyin: r.try_get("pinyin")?,
                    aliases_pinyin: list(r.try_get("aliases_pinyin")?),
                })
            })
            .collect()
    }

    /// Replaces the whole dictionary in one transaction: it is curated as a
    /// whole, so an item left out of a new version is meant to go.
    pub async fn replace_sorting_items(&self, items: &[SortingItem]) -> Result<usize, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sorting_items").execute(&mut *tx).await?;
        for (i, item) in items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO sorting_items (id, name_zh, aliases_zh, name_en, aliases_en, category, tip_zh, tip_en, pinyin, aliases_pinyin, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(i as i64 + 1)
            .bind(&item.name_zh)
            .bind(item.aliases_zh.join("|"))
            .bind(&item.name_en)
            .bind(item.aliases_en.join("|"))
            .bind(item.category.as_str())
            .bind(&item.tip_zh)
            .bind(&item.tip_en)
            .bind(&item.pinyin)
            .bind(item.aliases_pinyin.join("|"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(items.len())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

const FACILITY_COLUMNS: &str = "id, source_ref, name_zh, name_en, address_zh, address_en, lat, lng, phone, community, \
     hours, services, closures, checked_at, retired";
/// Inserts or updates (by `code`) one community; one given without a
/// boundary keeps the one it has.
async fn upsert_community(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &Community,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO communities (code, name_zh, name_en, district_zh, district_en, lat, lng, updated_at, boundary) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
         district_zh = excluded.district_zh, district_en = excluded.district_en, lat = excluded.lat, \
         lng = excluded.lng, updated_at = excluded.updated_at, \
         boundary = CASE WHEN excluded.boundary = '' THEN communities.boundary ELSE excluded.boundary END",
    )
    .bind(&c.code)
    .bind(&c.name_zh)
    .bind(&c.name_en)
    .bind(&c.district_zh)
    .bind(&c.district_en)
    .bind(c.centre.lat)
    .bind(c.centre.lng)
    .bind(now)
    // A file without boundaries keeps the ones already known.
    .bind(
        c.boundary
            .as_ref()
            .map(|b| b.to_geojson().to_string())
            .unwrap_or_default(),
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The JSON kept in a community's history: the boundary as its number of
/// points and the start of its SHA-256, so a change shows without the
/// whole polygon.
fn community_json(c: &Community) -> String {
    use sha2::{Digest, Sha256};
    let boundary = c.boundary.as_ref().map(|b| {
        let text = b.to_geojson().to_string();
        let points: usize = b.polygons.iter().flat_map(|p| &p.rings).map(Vec::len).sum();
        let digest = format!("{:x}", Sha256::digest(text.as_bytes()));
        format!("{points} points, {}", &digest[..12])
    });
    serde_json::json!({
        "name_zh": c.name_zh,
        "name_en": c.name_en,
        "district_zh": c.district_zh,
        "district_en": c.district_en,
        "lat": c.centre.lat,
        "lng": c.centre.lng,
        "boundary": boundary,
    })
    .to_string()
}

const COMMUNITY_COLUMNS: &str = "code, name_zh, name_en, district_zh, district_en, lat, lng, boundary";

fn community_from_row(r: &sqlx::any::AnyRow) -> Result<Community, StoreError> {
    let code: String = r.try_get("code")?;
    let boundary: String = r.try_get("boundary")?;
    let boundary = if boundary.is_empty() {
        None
    } else {
        let corrupt = |e: String| StoreError::Corrupt(format!("communities/{code}"), e);
        let geometry: serde_json::Value = serde_json::from_str(&boundary).map_err(|e| corrupt(e.to_string()))?;
        Some(crate::domain::boundary::Boundary::from_geojson(&geometry, |p| p).map_err(|e| corrupt(e.to_string()))?)
    };
    Ok(Community {
        boundary,
        code,
        name_zh: r.try_get("name_zh")?,
        name_en: r.try_get("name_en")?,
        district_zh: r.try_get("district_zh")?,
        district_en: r.try_get("district_en")?,
        centre: LatLng::new(r.try_get("lat")?, r.try_get("lng")?),
    })
}

fn facility_from_row(r: &sqlx::any::AnyRow) -> Result<Facility, StoreError> {
    let id: i64 = r.try_get("id")?;
    let corrupt = |what: String| StoreError::Corrupt(format!("facilities/{id}"), what);
    let hours: String = r.try_get("hours")?;
    let services: String = r.try_get("services")?;
    let closures: String = r.try_get("closures")?;
    let retired: i64 = r.try_get("retired")?;
    Ok(Facility {
        id,
        source_ref: r.try_get("source_ref")?,
        name_zh: r.try_get("name_zh")?,
        name_en: r.try_get("name_en")?,
        address_zh: r.try_get("address_zh")?,
        address_en: r.try_get("address_en")?,
        location: LatLng::new(r.try_get("lat")?, r.try_get("lng")?),
        phone: r.try_get("phone")?,
        community: r.try_get("community")?,
        hours: WeeklyHours::parse(&hours).map_err(|e| corrupt(e.to_string()))?,
        services: serde_json::from_str(&services).map_err(|e| corrupt(e.to_string()))?,
        closures: serde_json::from_str(&closures).map_err(|e| corrupt(e.to_string()))?,
        checked_at: r.try_get("checked_at")?,
        retired: retired != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_and_hide_passwords() {
        assert_eq!(Backend::of_url("sqlite://data/linli.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres://linli@db/linli"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("postgresql://linli@db/linli"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://x@y/z"), None);
        assert_eq!(Backend::of_url("data/linli.db"), None);
        assert_eq!(
            redact("postgres://linli:s3cr@t@db:5432/linli"),
            "postgres://linli:***@db:5432/linli"
        );
        assert_eq!(redact("postgres://linli@db/linli"), "postgres://linli@db/linli");
        assert_eq!(redact("sqlite://data/linli.db"), "sqlite://data/linli.db");
    }

    /// A database that can read but not write (a read-only file or
    /// mount; here SQLite's own switch, which fails writes the same way)
    /// is "try again", not a 500, and reads go on.
    #[tokio::test]
    async fn a_read_only_sqlite_database_is_unavailable_for_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ro.db").display());
        Db::connect(&url).await.unwrap().close().await;
        let db = Db::connect_only(&url, 1).await.unwrap();
        sqlx::query("PRAGMA query_only = ON").execute(&db.pool).await.unwrap();
        let err = db.put_photo_blob(&"a".repeat(64), b"jpeg").await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        assert!(db.communities().await.is_ok(), "reads still work");
    }

    #[test]
    fn error_codes_that_mean_not_now() {
        // SQLite: primary codes and extended ones (READONLY_DBMOVED,
        // IOERR_WRITE), and a unique constraint, which is not.
        for code in [5, 8, 1032, 778, 13, 14] {
            assert!(sqlite_unavailable(code), "{code}");
        }
        assert!(!sqlite_unavailable(2067), "a unique constraint is the request's fault");
        // PostgreSQL (all-digit SQLSTATEs such as "08006" are not SQLite
        // numbers): connection failures, disk full, shutdown, starting up,
        // a standby, serialization; not a syntax error or a unique
        // violation.
        for code in ["08006", "53100", "57P01", "57P03", "25006", "40001", "55000"] {
            assert!(postgres_unavailable(code), "{code}");
        }
        for code in ["42601", "23505"] {
            assert!(!postgres_unavailable(code), "{code}");
        }
    }
}
