//! Queries for suggestions, their photos, timeline and supports.

use sqlx::{Any, Row, Transaction};

use super::{now_millis, Db, StoreError};
use crate::domain::coords::LatLng;
use crate::domain::suggestion::view::photo_url;
use crate::domain::suggestion::{
    Category, PublicEvent, PublicPhoto, PublicSuggestion, ReceiptCode, Source, Status, SuggestionSummary,
    ValidSuggestion,
};

/// A re-encoded photo already in the photo store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPhoto {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

/// A suggestion ready to insert: validated, community resolved.
#[derive(Clone, Debug)]
pub struct NewSuggestion<'a> {
    pub valid: &'a ValidSuggestion,
    pub community: &'a str,
    /// The community was the nearest centre, no boundary containing the place.
    pub community_guessed: bool,
    pub receipt_code: &'a ReceiptCode,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: &'a str,
    pub photos: &'a [StoredPhoto],
    /// Staged photos to consume in the same transaction.
    pub staged_tokens: &'a [String],
    /// Filed by a committee member for a resident (who, and how the
    /// resident reached them); `None`: by the resident.
    pub assisted: Option<(i64, Source)>,
    /// Filed by a city system through Open311 with this API key.
    pub api_key: Option<i64>,
    /// The committee's eyes only, on the first event.
    pub note: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    Created(i64),
    /// Another suggestion already has this receipt code: draw another.
    CodeTaken,
    /// A suggestion with this idempotency key exists (possibly inserted a
    /// moment ago by a concurrent retry).
    KeyTaken,
}

const PUBLIC_COLUMNS: &str = "s.id, s.receipt_code, s.category, s.status, s.community, s.hidden, s.title, \
     s.description, s.lat, s.lng, s.location_text, s.supports, s.created_at, d.receipt_code AS duplicate_code";

impl Db {
    /// Inserts the suggestion, its photos and its first timeline event in
    /// one transaction. Nothing is acknowledged before the commit.
    pub async fn insert_suggestion(&self, new: &NewSuggestion<'_>) -> Result<Inserted, StoreError> {
        let now = now_millis();
        let v = new.valid;
        let mut tx = self.pool.begin().await?;
        // Not kept prepared: sqlx 0.8's Any driver sends a NULL f64 as a
        // NULL float4 (sqlx issue 4284), so a connection whose first
        // suggestion had no position prepared `lat` as float4, and every
        // later one with a position failed there on PostgreSQL. Parsed
        // afresh, each insert declares the types of its own values.
        let inserted = sqlx::query(
            "INSERT INTO suggestions (receipt_code, idempotency_key, request_hash, community, category, title, \
             description, lat, lng, location_text, contact_name, contact_phone, status, created_at, updated_at, \
             community_guessed, source, filed_by, api_key_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18) RETURNING id",
        )
        .persistent(false)
        .bind(new.receipt_code.as_str())
        .bind(new.idempotency_key)
        .bind(new.request_hash)
        .bind(new.community)
        .bind(v.category.as_str())
        .bind(&v.title)
        .bind(&v.description)
        .bind(v.location.map(|p| p.lat))
        .bind(v.location.map(|p| p.lng))
        .bind(&v.location_text)
        .bind(&v.contact_name)
        .bind(&v.contact_phone)
        .bind(Status::Received.as_str())
        .bind(now)
        .bind(i64::from(new.community_guessed))
        .bind(match (new.assisted, new.api_key) {
            (Some((_, s)), _) => s.as_str(),
            (None, Some(_)) => Source::Open311.as_str(),
            (None, None) => "",
        })
        .bind(new.assisted.map(|(by, _)| by))
        .bind(new.api_key)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                let key_taken = match new.idempotency_key {
                    Some(key) => self.suggestion_by_key(key).await?.is_some(),
                    None => false,
                };
                return Ok(if key_taken {
                    Inserted::KeyTaken
                } else {
                    Inserted::CodeTaken
                });
            }
            Err(e) => return Err(e.into()),
        };
        for (position, photo) in new.photos.iter().enumerate() {
            sqlx::query(
                "INSERT INTO suggestion_photos (suggestion_id, position, storage_key, width, height, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&photo.key)
            .bind(i64::from(photo.width))
            .bind(i64::from(photo.height))
            .bind(photo.bytes as i64)
            .execute(&mut *tx)
            .await?;
        }
        for token in new.staged_tokens {
            sqlx::query("DELETE FROM staged_photos WHERE token = $1")
                .bind(token)
                .execute(&mut *tx)
                .await?;
        }
        insert_event(&mut tx, id, now, "created", None, Some(Status::Received), "").await?;
        super::webhooks::enqueue(&mut tx, id, "created", (None, Some(Status::Received), ""), now).await?;
        if !new.note.is_empty() {
            sqlx::query("UPDATE suggestion_events SET private_text = $1 WHERE suggestion_id = $2")
                .bind(new.note)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((by, _)) = new.assisted {
            // Filed by a member: the audit trail says who.
            sqlx::query("UPDATE suggestion_events SET actor = $1 WHERE suggestion_id = $2")
                .bind(by)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Inserted::Created(id))
    }

    /// The receipt code and request hash stored under an idempotency key.
    pub async fn suggestion_by_key(&self, key: &str) -> Result<Option<(ReceiptCode, String)>, StoreError> {
        let row = sqlx::query("SELECT receipt_code, request_hash FROM suggestions WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((code_from(r.try_get("receipt_code")?)?, r.try_get("request_hash")?)))
            .transpose()
    }

    /// The public view of a suggestion, with its visible photos and its
    /// timeline (status changes and public replies only).
    pub async fn public_suggestion(&self, code: &ReceiptCode) -> Result<Option<PublicSuggestion>, StoreError> {
        let sql = format!(
            "SELECT {PUBLIC_COLUMNS} FROM suggestions s LEFT JOIN suggestions d ON d.id = s.duplicate_of \
             WHERE s.receipt_code = $1"
        );
        let Some(row) = sqlx::query(&sql).bind(code.as_str()).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let mut s = public_from_row(&row)?;
        if s.hidden {
            s.title.clear();
            s.description.clear();
            s.location = None;
            s.location_text.clear();
        } else {
            let photos = sqlx::query(
                "SELECT storage_key, width, height FROM suggestion_photos \
                 WHERE suggestion_id = $1 AND hidden = 0 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            for p in photos {
                s.photos.push(PublicPhoto {
                    url: photo_url(&p.try_get::<String, _>("storage_key")?),
                    width: p.try_get::<i64, _>("width")? as u32,
                    height: p.try_get::<i64, _>("height")? as u32,
                });
            }
        }
        let events = sqlx::query(
            "SELECT at, to_status, public_text FROM suggestion_events \
             WHERE suggestion_id = $1 AND (to_status IS NOT NULL OR public_text <> '') ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        for e in events {
            let status: Option<String> = e.try_get("to_status")?;
            s.timeline.push(PublicEvent {
                at: e.try_get("at")?,
                status: status.as_deref().and_then(Status::parse),
                reply: e.try_get("public_text")?,
            });
        }
        Ok(Some(s))
    }

    /// Visible, open suggestions (of `category`, or any) in a box around a
    /// point; the caller keeps those within its radius.
    pub async fn open_suggestions_near(
        &self,
        category: Option<Category>,
        at: LatLng,
        half_side_deg: (f64, f64),
    ) -> Result<Vec<SuggestionSummary>, StoreError> {
        let open: Vec<&str> = Status::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect();
        let rows = sqlx::query(
            "SELECT receipt_code, category, status, title, supports, created_at, lat, lng FROM suggestions \
             WHERE ($1 = '' OR category = $1) AND hidden = 0 AND status IN ($2, $3, $4, $5) \
             AND lat BETWEEN $6 AND $7 AND lng BETWEEN $8 AND $9 ORDER BY supports DESC LIMIT 50",
        )
        .bind(category.map_or("", Category::as_str))
        .bind(open[0])
        .bind(open[1])
        .bind(open[2])
        .bind(open[3])
        .bind(at.lat - half_side_deg.0)
        .bind(at.lat + half_side_deg.0)
        .bind(at.lng - half_side_deg.1)
        .bind(at.lng + half_side_deg.1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// A community's visible suggestions, newest first.
    pub async fn community_suggestions(
        &self,
        community: &str,
        category: Option<Category>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<SuggestionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT receipt_code, category, status, title, supports, created_at, lat, lng FROM suggestions \
             WHERE community = $1 AND hidden = 0 AND ($2 = '' OR category = $2) \
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(community)
        .bind(category.map_or("", |c| c.as_str()))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// Counts a +1 from a device, once. Returns the new total and whether
    /// this device's support was new; `None` if there is no such visible
    /// suggestion.
    pub async fn add_support(&self, code: &ReceiptCode, device_hash: &str) -> Result<Option<(i64, bool)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let added = sqlx::query(
            "INSERT INTO suggestion_supports (suggestion_id, device_hash, created_at) \
             SELECT id, $2, $3 FROM suggestions WHERE receipt_code = $1 AND hidden = 0 \
             ON CONFLICT (suggestion_id, device_hash) DO NOTHING",
        )
        .bind(code.as_str())
        .bind(device_hash)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if added {
            sqlx::query("UPDATE suggestions SET supports = supports + 1 WHERE receipt_code = $1")
                .bind(code.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let total = sqlx::query("SELECT supports FROM suggestions WHERE receipt_code = $1 AND hidden = 0")
            .bind(code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(total
            .map(|r| r.try_get("supports"))
            .transpose()?
            .map(|n: i64| (n, added)))
    }

    /// Keeps a photo uploaded in the middle of the form under a secret token.
    pub async fn stage_photo(&self, token: &str, photo: &StoredPhoto) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staged_photos (token, storage_key, width, height, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token)
        .bind(&photo.key)
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(photo.bytes as i64)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn staged_photo(&self, token: &str) -> Result<Option<StoredPhoto>, StoreError> {
        let row = sqlx::query("SELECT storage_key, width, height, bytes FROM staged_photos WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(StoredPhoto {
                key: r.try_get("storage_key")?,
                width: r.try_get::<i64, _>("width")? as u32,
                height: r.try_get::<i64, _>("height")? as u32,
                bytes: r.try_get::<i64, _>("bytes")? as usize,
            })
        })
        .transpose()
    }

    /// Forgets staged photos of forms abandoned before `before` (ms).
    pub async fn purge_staged_photos(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM staged_photos WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Whether a photo may be shown publicly: it belongs to a visible
    /// suggestion and is not hidden itself.
    pub async fn photo_is_public(&self, key: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM suggestion_photos p JOIN suggestions s ON s.id = p.suggestion_id \
             WHERE p.storage_key = $1 AND p.hidden = 0 AND s.hidden = 0 LIMIT 1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Every photo key a row refers to (for the sweep of unused files).
    pub async fn photo_keys(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT storage_key AS k FROM suggestion_photos UNION SELECT storage_key AS k FROM staged_photos",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("k")?)).collect()
    }

    /// How many suggestions are stored (for tests and health checks).
    pub async fn suggestion_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM suggestions")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }
}

async fn insert_event(
    tx: &mut Transaction<'_, Any>,
    suggestion: i64,
    at: i64,
    kind: &str,
    from: Option<Status>,
    to: Option<Status>,
    public_text: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO suggestion_events (suggestion_id, at, kind, from_status, to_status, public_text) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(suggestion)
    .bind(at)
    .bind(kind)
    .bind(from.map(Status::as_str))
    .bind(to.map(Status::as_str))
    .bind(public_text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

fn code_from(s: String) -> Result<ReceiptCode, StoreError> {
    ReceiptCode::parse(&s).ok_or_else(|| StoreError::Corrupt("suggestion".into(), format!("receipt code {s}")))
}

fn location_from(lat: Option<f64>, lng: Option<f64>) -> Option<LatLng> {
    Some(LatLng::new(lat?, lng?))
}

fn public_from_row(r: &sqlx::any::AnyRow) -> Result<PublicSuggestion, StoreError> {
    let code = code_from(r.try_get("receipt_code")?)?;
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(code.to_string(), format!("{what} {v}"));
    let category: String = r.try_get("category")?;
    let status: String = r.try_get("status")?;
    let duplicate_of: Option<String> = r.try_get("duplicate_code")?;
    Ok(PublicSuggestion {
        category: Category::parse(&category).ok_or_else(|| corrupt("category", &category))?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        community: r.try_get("community")?,
        hidden: r.try_get::<i64, _>("hidden")? != 0,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        location: location_from(r.try_get("lat")?, r.try_get("lng")?),
        location_text: r.try_get("location_text")?,
        supports: r.try_get("supports")?,
        created_at: r.try_get("created_at")?,
        photos: Vec::new(),
        timeline: Vec::new(),
        duplicate_of: duplicate_of.and_then(|c| ReceiptCode::parse(&c)),
        receipt_code: code,
    })
}

fn summary_from_row(r: &sqlx::any::AnyRow) -> Result<SuggestionSummary, StoreError> {
    let code = code_from(r.try_get("receipt_code")?)?;
    let category: String = r.try_get("category")?;
    let status: String = r.try_get("status")?;
    Ok(SuggestionSummary {
        category: Category::parse(&category)
            .ok_or_else(|| StoreError::Corrupt(code.to_string(), format!("category {category}")))?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(code.to_string(), format!("status {status}")))?,
        title: r.try_get("title")?,
        supports: r.try_get("supports")?,
        created_at: r.try_get("created_at")?,
        location: location_from(r.try_get("lat")?, r.try_get("lng")?),
        distance_m: None,
        receipt_code: code,
    })
}
