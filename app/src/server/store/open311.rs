//! Suggestions as the Open311 door reads them: public fields only, with the
//! latest public reply and the first visible photo. Hidden suggestions are
//! not there at all; contact details and internal notes are never read.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Db, StoreError};
use crate::domain::coords::LatLng;
use crate::domain::suggestion::{Category, ReceiptCode, Status};

/// The most one listing returns, newest first (GeoReport v2 lets a server
/// cap its answers; 1 000 is the figure the specification suggests).
pub const REQUESTS_MAX: i64 = 1000;

/// One visible suggestion, public fields only.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestRecord {
    pub receipt_code: ReceiptCode,
    pub community: String,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub description: String,
    pub location: Option<LatLng>,
    pub location_text: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub updated_at: i64,
    /// The committee's latest public reply; empty when none.
    pub latest_reply: String,
    /// Storage key of the first photo not hidden by the committee.
    pub photo_key: Option<String>,
}

/// Which suggestions a listing asks for; every part narrows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestFilter {
    /// A community code; `None`: every community.
    pub community: Option<String>,
    /// Any of these categories; empty: every category.
    pub categories: Vec<Category>,
    /// `Some(true)`: open ones only, `Some(false)`: closed ones only.
    pub open: Option<bool>,
    /// Filed within these milliseconds since the epoch, both included.
    pub created: (i64, i64),
    /// Only those with a position inside this box (south-west, north-east);
    /// the caller keeps those within its radius.
    pub within: Option<(LatLng, LatLng)>,
}

const COLUMNS: &str = "s.receipt_code, s.community, s.category, s.status, s.title, s.description, s.lat, s.lng, \
     s.location_text, s.created_at, s.updated_at, \
     (SELECT e.public_text FROM suggestion_events e WHERE e.suggestion_id = s.id AND e.public_text <> '' \
      ORDER BY e.at DESC, e.id DESC LIMIT 1) AS latest_reply, \
     (SELECT p.storage_key FROM suggestion_photos p WHERE p.suggestion_id = s.id AND p.hidden = 0 \
      ORDER BY p.position LIMIT 1) AS photo_key";

impl Db {
    /// Visible suggestions matching `filter`, newest first, at most
    /// [`REQUESTS_MAX`].
    pub async fn open311_requests(&self, filter: &RequestFilter) -> Result<Vec<RequestRecord>, StoreError> {
        let open: Vec<String> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // The statuses are our own constants, not input.
        let sql = format!(
            "SELECT {COLUMNS} FROM suggestions s WHERE s.hidden = 0 \
             AND ($1 = '' OR s.community = $1) AND ($2 = '' OR $2 LIKE '%,' || s.category || ',%') \
             AND ($3 = '' OR ($3 = 'open') = (s.status IN ({open}))) \
             AND s.created_at BETWEEN $4 AND $5 \
             AND ($6 = 0 OR (s.lat BETWEEN $7 AND $8 AND s.lng BETWEEN $9 AND $10)) \
             ORDER BY s.created_at DESC, s.id DESC LIMIT $11",
            open = open.join(", ")
        );
        let (sw, ne) = filter.within.unwrap_or((LatLng::new(0.0, 0.0), LatLng::new(0.0, 0.0)));
        let rows = sqlx::query(&sql)
            .bind(filter.community.as_deref().unwrap_or(""))
            .bind(match filter.categories.as_slice() {
                [] => String::new(),
                some => format!(",{},", some.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")),
            })
            .bind(match filter.open {
                Some(true) => "open",
                Some(false) => "closed",
                None => "",
            })
            .bind(filter.created.0)
            .bind(filter.created.1)
            .bind(i64::from(filter.within.is_some()))
            .bind(sw.lat)
            .bind(ne.lat)
            .bind(sw.lng)
            .bind(ne.lng)
            .bind(REQUESTS_MAX)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Visible suggestions by receipt code, in the order asked; unknown or
    /// hidden ones are left out.
    pub async fn open311_requests_by_code(&self, codes: &[ReceiptCode]) -> Result<Vec<RequestRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM suggestions s WHERE s.receipt_code = $1 AND s.hidden = 0");
        let mut found = Vec::with_capacity(codes.len());
        for code in codes {
            if let Some(row) = sqlx::query(&sql).bind(code.as_str()).fetch_optional(&self.pool).await? {
                found.push(record_from_row(&row)?);
            }
        }
        Ok(found)
    }
}

fn record_from_row(row: &AnyRow) -> Result<RequestRecord, StoreError> {
    let code: String = row.try_get("receipt_code")?;
    let category: String = row.try_get("category")?;
    let status: String = row.try_get("status")?;
    let lat: Option<f64> = row.try_get("lat")?;
    let lng: Option<f64> = row.try_get("lng")?;
    let latest_reply: Option<String> = row.try_get("latest_reply")?;
    Ok(RequestRecord {
        receipt_code: ReceiptCode::parse(&code).ok_or_else(|| corrupt(format!("receipt code {code}")))?,
        community: row.try_get("community")?,
        category: Category::parse(&category).ok_or_else(|| corrupt(format!("category {category}")))?,
        status: Status::parse(&status).ok_or_else(|| corrupt(format!("status {status}")))?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: lat.zip(lng).map(|(lat, lng)| LatLng::new(lat, lng)),
        location_text: row.try_get("location_text")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        latest_reply: latest_reply.unwrap_or_default(),
        photo_key: row.try_get("photo_key")?,
    })
}

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt("suggestion".into(), what)
}
