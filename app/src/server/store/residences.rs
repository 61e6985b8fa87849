//! Residential compounds with their aggregate head counts
//! ([`crate::domain::coverage`]), imported by street offices.

use sqlx::Row;

use super::{now_millis, Db, StoreError};
use crate::domain::coords::LatLng;
use crate::domain::coverage::Residence;

const COLUMNS: &str = "id, source_ref, name_zh, name_en, community, lat, lng, residents, elderly";

fn residence_from_row(r: &sqlx::any::AnyRow) -> Result<Residence, StoreError> {
    let count = |column: &str| -> Result<u32, StoreError> {
        let n: i64 = r.try_get(column)?;
        u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("residences/{column}"), n.to_string()))
    };
    Ok(Residence {
        id: r.try_get("id")?,
        source_ref: r.try_get("source_ref")?,
        name_zh: r.try_get("name_zh")?,
        name_en: r.try_get("name_en")?,
        community: r.try_get("community")?,
        location: LatLng::new(r.try_get("lat")?, r.try_get("lng")?),
        residents: count("residents")?,
        elderly: count("elderly")?,
    })
}

impl Db {
    /// Inserts or updates (by `source_ref`) every compound in one
    /// transaction: either all of them are stored or none is.
    pub async fn upsert_residences(&self, residences: &[Residence]) -> Result<usize, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        for r in residences {
            sqlx::query(
                "INSERT INTO residences (source_ref, name_zh, name_en, community, lat, lng, residents, elderly, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (source_ref) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
                 community = excluded.community, lat = excluded.lat, lng = excluded.lng, \
                 residents = excluded.residents, elderly = excluded.elderly, updated_at = excluded.updated_at",
            )
            .bind(&r.source_ref)
            .bind(&r.name_zh)
            .bind(&r.name_en)
            .bind(&r.community)
            .bind(r.location.lat)
            .bind(r.location.lng)
            .bind(i64::from(r.residents))
            .bind(i64::from(r.elderly))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(residences.len())
    }

    /// The compounds of one community, or of all, by id.
    pub async fn residences(&self, community: Option<&str>) -> Result<Vec<Residence>, StoreError> {
        let rows = match community {
            Some(code) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM residences WHERE community = $1 ORDER BY id"
                ))
                .bind(code)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM residences ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(residence_from_row).collect()
    }
}
