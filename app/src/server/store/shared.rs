//! What app servers share through the database: the catalogue's version,
//! rate limits, sign-in failures and photo bytes. Each is one statement, so
//! any number of servers can run them at once without a lock.

use sqlx::Row;

use super::{now_millis, Db, StoreError};

/// See [`Db::catalog_version`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CatalogVersion {
    pub facilities: i64,
    pub sorting: i64,
}

/// The counters, through any executor (the pool, or a transaction that
/// reads them in the same snapshot as the rows, see
/// [`Db::facility_changes`]).
pub(super) async fn read_catalog_version<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<CatalogVersion, StoreError> {
    let row = sqlx::query("SELECT facilities, sorting FROM catalog_version WHERE id = 1")
        .fetch_one(executor)
        .await?;
    Ok(CatalogVersion {
        facilities: row.try_get("facilities")?,
        sorting: row.try_get("sorting")?,
    })
}

impl Db {
    /// Bumped by triggers on every change, by any process: facilities and
    /// communities, and the sorting dictionary. A server rebuilds the part
    /// of its catalogue whose counter moved. Counters in the database, not
    /// times, so hosts' clocks do not matter.
    pub async fn catalog_version(&self) -> Result<CatalogVersion, StoreError> {
        read_catalog_version(&self.pool).await
    }

    /// Takes one request from `key`'s bucket (generic cell rate algorithm:
    /// one request per `period_ms`, bursts of `burst`), atomically on
    /// every backend. `Ok(None)`: allowed; `Ok(Some(ms))`: wait that long.
    pub async fn take_rate_token(&self, key: &str, period_ms: i64, burst: u32) -> Result<Option<i64>, StoreError> {
        let now = now_millis();
        let tolerance = period_ms * i64::from(burst.max(1) - 1);
        // SET sees the row as it was: both columns decide on the old `tat`,
        // and RETURNING gives what this statement wrote.
        let row = sqlx::query(
            "INSERT INTO rate_limits (key, tat, allowed) VALUES ($1, $2 + $3, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               allowed = CASE WHEN rate_limits.tat - $2 > $4 THEN 0 ELSE 1 END, \
               tat = CASE WHEN rate_limits.tat - $2 > $4 THEN rate_limits.tat \
                          WHEN rate_limits.tat < $2 THEN $2 + $3 \
                          ELSE rate_limits.tat + $3 END \
             RETURNING tat, allowed",
        )
        .bind(key)
        .bind(now)
        .bind(period_ms)
        .bind(tolerance)
        .fetch_one(&self.pool)
        .await?;
        if row.try_get::<i64, _>("allowed")? == 1 {
            return Ok(None);
        }
        let tat: i64 = row.try_get("tat")?;
        Ok(Some((tat - now - tolerance).max(1)))
    }

    /// Forgets buckets that are full again (housekeeping).
    pub async fn purge_rate_limits(&self) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
            .bind(now_millis())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Failed sign-ins of `username` in the window that began after
    /// `window_start` (older failures have expired).
    pub async fn login_failures(&self, username: &str, window_ms: i64) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query("SELECT failures, window_start FROM login_failures WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        let now = now_millis();
        Ok(match row {
            Some(r) if now - r.try_get::<i64, _>("window_start")? < window_ms => {
                (r.try_get("failures")?, r.try_get("window_start")?)
            }
            _ => (0, now),
        })
    }

    /// Counts one failed sign-in; a window that has run out starts again.
    pub async fn add_login_failure(&self, username: &str, window_ms: i64) -> Result<(), StoreError> {
        let now = now_millis();
        sqlx::query(
            "INSERT INTO login_failures (username, failures, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (username) DO UPDATE SET \
               failures = CASE WHEN $2 - login_failures.window_start >= $3 THEN 1 \
                               ELSE login_failures.failures + 1 END, \
               window_start = CASE WHEN $2 - login_failures.window_start >= $3 THEN $2 \
                                   ELSE login_failures.window_start END",
        )
        .bind(username)
        .bind(now)
        .bind(window_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets windows that have run out (housekeeping).
    pub async fn purge_login_failures(&self, window_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM login_failures WHERE window_start < $1")
            .bind(now_millis() - window_ms)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Stores a photo's bytes under its key; storing it again only marks
    /// it fresh (the bytes of a key never change).
    pub async fn put_photo_blob(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO photo_blobs (key, bytes, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET created_at = excluded.created_at",
        )
        .bind(key)
        .bind(bytes)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn photo_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT bytes FROM photo_blobs WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("bytes")).transpose()?)
    }

    /// Deletes photos no suggestion or form refers to that are older than
    /// `before` (ms), in one statement: safe with every server sweeping.
    pub async fn sweep_photo_blobs(&self, before: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM photo_blobs WHERE created_at < $1 \
             AND key NOT IN (SELECT storage_key FROM suggestion_photos) \
             AND key NOT IN (SELECT storage_key FROM staged_photos)",
        )
        .bind(before)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }
}
