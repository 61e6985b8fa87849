//! The browser's import: files staged between preview and confirmation,
//! and the confirmed import written in one transaction with a history row
//! per facility.

use sqlx::Row;

use super::facilities::{insert_in, update_in, FacilityRecord};
use super::{now_millis, Db, StoreError};
use crate::domain::facility::Facility;

/// A staged file is confirmed within this long, or uploaded again.
pub const STAGE_TTL_MS: i64 = 3600 * 1000;

/// An uploaded file waiting for its confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedImport {
    pub file_name: String,
    pub format: String,
    pub crs: String,
    pub content: Vec<u8>,
}

/// One facility a confirmed import writes: `before` as stored (`None`: a
/// new one), `after` as the file has it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportChange {
    pub before: Option<FacilityRecord>,
    pub after: Facility,
}

impl Db {
    /// Keeps an upload for its confirmation; forgets stale ones.
    pub async fn stage_import(&self, token: &str, user_id: i64, staged: &StagedImport) -> Result<(), StoreError> {
        let now = now_millis();
        sqlx::query("DELETE FROM import_stages WHERE created_at < $1")
            .bind(now - STAGE_TTL_MS)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO import_stages (token, user_id, created_at, file_name, format, crs, content) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token)
        .bind(user_id)
        .bind(now)
        .bind(&staged.file_name)
        .bind(&staged.format)
        .bind(&staged.crs)
        .bind(&staged.content)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The member's own staged upload, while it is fresh.
    pub async fn staged_import(&self, token: &str, user_id: i64) -> Result<Option<StagedImport>, StoreError> {
        let row = sqlx::query(
            "SELECT file_name, format, crs, content FROM import_stages \
             WHERE token = $1 AND user_id = $2 AND created_at >= $3",
        )
        .bind(token)
        .bind(user_id)
        .bind(now_millis() - STAGE_TTL_MS)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StagedImport {
                file_name: r.try_get("file_name")?,
                format: r.try_get("format")?,
                crs: r.try_get("crs")?,
                content: r.try_get("content")?,
            })
        })
        .transpose()
    }

    /// Writes a confirmed import: every change and every retirement, each
    /// with its history row by `actor`, in one transaction, and the staged
    /// file is deleted with it. `Ok(false)`: a facility changed since the
    /// plan was made (nothing was written; plan again).
    pub async fn apply_import(
        &self,
        stage: &str,
        changes: &[ImportChange],
        retire: &[FacilityRecord],
        actor: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let staged = sqlx::query("DELETE FROM import_stages WHERE token = $1")
            .bind(stage)
            .execute(&mut *tx)
            .await?;
        if staged.rows_affected() != 1 {
            return Ok(false); // Confirmed twice: the first one did it.
        }
        for c in changes {
            match &c.before {
                Some(before) => {
                    if !update_in(&mut tx, before, &c.after, actor, "imported").await? {
                        return Ok(false);
                    }
                }
                None => {
                    insert_in(&mut tx, &c.after, actor, "imported").await?;
                }
            }
        }
        for before in retire {
            let after = Facility {
                retired: true,
                ..before.facility.clone()
            };
            if !update_in(&mut tx, before, &after, actor, "retired").await? {
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
