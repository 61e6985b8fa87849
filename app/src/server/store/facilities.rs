//! Queries of the administration area: facilities as staff see them
//! (retired ones too), each change written with its history row in one
//! transaction, and refused when someone else saved the facility meanwhile.

use sqlx::Row;

use super::{facility_from_row, now_millis, Db, StoreError, FACILITY_COLUMNS};
pub use crate::domain::admin::HistoryEntry;
use crate::domain::facility::Facility;
use crate::domain::facility::Kind;

/// A facility and the time of its last change, which an edit form sends
/// back so that a save over someone else's newer one is refused.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityRecord {
    pub facility: Facility,
    pub updated_at: i64,
}

/// Which facilities an admin list holds (the rest is filtered by the caller).
#[derive(Clone, Debug, Default)]
pub struct FacilityScope<'a> {
    /// `None`: every community.
    pub community: Option<&'a str>,
    pub kind: Option<Kind>,
    pub retired: Option<bool>,
}

fn record_from(r: &sqlx::any::AnyRow) -> Result<FacilityRecord, StoreError> {
    Ok(FacilityRecord {
        facility: facility_from_row(r)?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The JSON kept in the history: every field staff can change.
pub fn history_json(f: &Facility) -> String {
    serde_json::json!({
        "kind": f.kind(),
        "name_zh": f.name_zh,
        "name_en": f.name_en,
        "address_zh": f.address_zh,
        "address_en": f.address_en,
        "lat": f.location.lat,
        "lng": f.location.lng,
        "phone": f.phone,
        "community": f.community,
        "hours": f.hours.to_string(),
        "services": f.services,
        "closures": f.closures,
        "checked_at": f.checked_at,
        "retired": f.retired,
    })
    .to_string()
}

/// Binds the columns every facility write sets, in this order: kind,
/// name_zh, name_en, address_zh, address_en, lat, lng, phone, community,
/// hours, services, closures, checked_at.
fn bind_facility<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    f: &'q Facility,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(f.kind().as_str())
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
        .bind(serde_json::to_string(&f.closures).expect("closures serialise"))
        .bind(f.checked_at)
}

impl Db {
    /// The facilities of a scope, by id, retired ones included.
    pub async fn admin_facilities(&self, scope: &FacilityScope<'_>) -> Result<Vec<FacilityRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {FACILITY_COLUMNS}, updated_at FROM facilities \
             WHERE ($1 = '' OR community = $2) AND ($3 = '' OR kind = $4) AND ($5 < 0 OR retired = $6) ORDER BY id"
        ))
        .bind(scope.community.unwrap_or(""))
        .bind(scope.community.unwrap_or(""))
        .bind(scope.kind.map_or("", Kind::as_str))
        .bind(scope.kind.map_or("", Kind::as_str))
        .bind(scope.retired.map_or(-1i64, i64::from))
        .bind(scope.retired.map_or(-1i64, i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from).collect()
    }

    pub async fn facility_record(&self, id: i64) -> Result<Option<FacilityRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {FACILITY_COLUMNS}, updated_at FROM facilities WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record_from).transpose()
    }

    /// Writes every field of `after` over the facility if it is still as
    /// it was at `before` (its `updated_at`), with a history row `kind` by
    /// `actor`, in one transaction. `Ok(false)`: someone saved it
    /// meanwhile, nothing was written.
    pub async fn write_facility(
        &self,
        before: &FacilityRecord,
        after: &Facility,
        actor: i64,
        kind: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !update_in(&mut tx, before, after, actor, kind).await? {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a facility (its `id` is ignored) with its "created" history
    /// row; returns the new id. `source_ref` must be new.
    pub async fn create_facility(&self, f: &Facility, actor: i64) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_in(&mut tx, f, actor, "created").await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A facility's history, newest first.
    pub async fn facility_history(&self, id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.at, u.username, h.kind, h.before, h.after FROM facility_history h \
             LEFT JOIN users u ON u.id = h.actor WHERE h.facility_id = $1 ORDER BY h.at DESC, h.id DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(history_entry).collect()
    }
}

/// A history row (`at`, the actor's `username`, `kind`, `before`, `after`)
/// of a facility or a community.
pub(super) fn history_entry(r: &sqlx::any::AnyRow) -> Result<HistoryEntry, StoreError> {
    Ok(HistoryEntry {
        at: r.try_get("at")?,
        actor: r.try_get("username")?,
        kind: r.try_get("kind")?,
        before: r.try_get("before")?,
        after: r.try_get("after")?,
    })
}

/// In a transaction: writes `after` over the facility if it is unchanged
/// since `before`, with its history row. `Ok(false)`: changed meanwhile.
pub(super) async fn update_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    before: &FacilityRecord,
    after: &Facility,
    actor: i64,
    kind: &str,
) -> Result<bool, StoreError> {
    // A later time than the one the form saw, even within a millisecond.
    let now = now_millis().max(before.updated_at + 1);
    let update = sqlx::query(
        "UPDATE facilities SET kind = $1, name_zh = $2, name_en = $3, address_zh = $4, address_en = $5, \
         lat = $6, lng = $7, phone = $8, community = $9, hours = $10, services = $11, closures = $12, \
         checked_at = $13, retired = $14, updated_at = $15 WHERE id = $16 AND updated_at = $17",
    );
    let done = bind_facility(update, after)
        .bind(i64::from(after.retired))
        .bind(now)
        .bind(before.facility.id)
        .bind(before.updated_at)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let (was, is) = (history_json(&before.facility), history_json(after));
    insert_history(tx, before.facility.id, now, Some(actor), kind, &was, &is).await?;
    Ok(true)
}

/// In a transaction: adds a facility (its `id` ignored, `source_ref` new)
/// with its history row `kind`; returns the new id.
pub(super) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    f: &Facility,
    actor: i64,
    kind: &str,
) -> Result<i64, StoreError> {
    let now = now_millis();
    let insert = sqlx::query(
        "INSERT INTO facilities (kind, name_zh, name_en, address_zh, address_en, lat, lng, phone, \
         community, hours, services, closures, checked_at, retired, updated_at, source_ref) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15) RETURNING id",
    );
    let id: i64 = bind_facility(insert, f)
        .bind(now)
        .bind(&f.source_ref)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    let stored = Facility { id, ..f.clone() };
    insert_history(tx, id, now, Some(actor), kind, "", &history_json(&stored)).await?;
    Ok(id)
}

async fn insert_history(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    facility: i64,
    at: i64,
    actor: Option<i64>,
    kind: &str,
    before: &str,
    after: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO facility_history (facility_id, at, actor, kind, before, after) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(facility)
    .bind(at)
    .bind(actor)
    .bind(kind)
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
