//! API keys of the city systems that file through Open311. Only the
//! SHA-256 of a key is kept; a key is looked up by that hash.

use sqlx::Row;

use super::{now_millis, Db, StoreError};
pub use crate::domain::admin::accounts::ApiKeySummary;

/// A key that may be used: who it is and what it may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The one community it may file into; `None`: any.
    pub community: Option<String>,
    /// Requests a minute it may make.
    pub per_minute: u32,
}

/// Why a key was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum NewKeyRefused {
    NameTaken,
    UnknownCommunity,
}

impl Db {
    /// Stores a new key's hash; refused when the name is taken or the
    /// community unknown.
    pub async fn create_api_key(
        &self,
        name: &str,
        community: Option<&str>,
        key_hash: &str,
        per_minute: u32,
    ) -> Result<Result<(), NewKeyRefused>, StoreError> {
        if let Some(code) = community {
            let known = sqlx::query("SELECT 1 AS one FROM communities WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?;
            if known.is_none() {
                return Ok(Err(NewKeyRefused::UnknownCommunity));
            }
        }
        let row = sqlx::query(
            "INSERT INTO api_keys (name, community, key_hash, per_minute, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(community)
        .bind(key_hash)
        .bind(i64::from(per_minute))
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|_| ()).ok_or(NewKeyRefused::NameTaken))
    }

    /// Every key, revoked ones too, by name.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeySummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, community, per_minute, created_at, last_used_at, revoked_at FROM api_keys ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiKeySummary {
                    name: r.try_get("name")?,
                    community: r.try_get("community")?,
                    per_minute: r.try_get::<i64, _>("per_minute")?.clamp(1, i64::from(u32::MAX)) as u32,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes a key at once; `false` when there is no such key or it was
    /// revoked already.
    pub async fn revoke_api_key(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The key with this hash, if it is not revoked; notes its use.
    pub async fn use_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL \
             RETURNING id, name, community, per_minute",
        )
        .bind(key_hash)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ApiKey {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                community: r.try_get("community")?,
                per_minute: r.try_get::<i64, _>("per_minute")?.clamp(1, i64::from(u32::MAX)) as u32,
            })
        })
        .transpose()
    }
}
