//! Queries for the committee: the inbox, one suggestion in full, and every
//! change — each change writes one audit event in the same transaction.

use sqlx::{Any, Row, Transaction};

use super::{now_millis, Db, StoreError};
use crate::domain::coords::LatLng;
use crate::domain::review::{AuditEvent, InboxFilter, InboxItem, Order, ReviewPhoto, ReviewedSuggestion, Template};
use crate::domain::suggestion::{Category, ReceiptCode, Status};

/// A row of the CSV export: the inbox row plus the private fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRow {
    pub item: InboxItem,
    pub description: String,
    pub location_text: String,
    pub location: Option<LatLng>,
    pub contact_name: String,
    pub contact_phone: String,
}

/// What one change records in the audit trail.
pub struct EventRecord<'a> {
    pub actor: i64,
    pub kind: &'a str,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub public_text: &'a str,
    pub private_text: &'a str,
    /// Before/after of what changed, as JSON.
    pub detail: String,
}

fn parse_status(s: &str, code: &str) -> Result<Status, StoreError> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(code.to_string(), format!("status {s}")))
}

fn parse_category(s: &str, code: &str) -> Result<Category, StoreError> {
    Category::parse(s).ok_or_else(|| StoreError::Corrupt(code.to_string(), format!("category {s}")))
}

fn code_of(s: &str) -> Result<ReceiptCode, StoreError> {
    ReceiptCode::parse(s).ok_or_else(|| StoreError::Corrupt("suggestion".into(), format!("receipt code {s}")))
}

const INBOX_COLUMNS: &str = "s.receipt_code, s.community, s.category, s.status, s.title, s.created_at, s.supports, \
     s.hidden, (SELECT COUNT(*) FROM suggestion_photos p WHERE p.suggestion_id = s.id) AS photos, \
     u.username AS assigned_to, \
     s.description, s.location_text, s.lat, s.lng, s.contact_name, s.contact_phone";

/// `WHERE` for a filter; `$1` … `$8` bound by `filtered_rows`. `$1` is the
/// member's community, or `*` for an admin; no community matches `*`, and a
/// member without a community gets the empty string, which matches nothing.
const INBOX_WHERE: &str = "($1 = '*' OR s.community = $1) AND ($2 = '' OR s.status = $2) \
     AND ($3 = '' OR s.category = $3) AND s.created_at >= $4 AND s.created_at <= $5 \
     AND ($6 = '' OR LOWER(s.title) LIKE $7 ESCAPE '\\' OR LOWER(s.description) LIKE $7 ESCAPE '\\') \
     AND ($8 = '' OR s.community = $8)";

fn inbox_item(r: &sqlx::any::AnyRow) -> Result<InboxItem, StoreError> {
    let code: String = r.try_get("receipt_code")?;
    Ok(InboxItem {
        community: r.try_get("community")?,
        category: parse_category(&r.try_get::<String, _>("category")?, &code)?,
        status: parse_status(&r.try_get::<String, _>("status")?, &code)?,
        title: r.try_get("title")?,
        created_at: r.try_get("created_at")?,
        supports: r.try_get("supports")?,
        hidden: r.try_get::<i64, _>("hidden")? != 0,
        photos: r.try_get("photos")?,
        assigned_to: r.try_get("assigned_to")?,
        receipt_code: code_of(&code)?,
    })
}

/// `LIKE` pattern for a search, with the wildcards in it taken literally.
/// Matched against `LOWER(column)`: the same ASCII-only case folding on both
/// backends (SQLite's `lower()`, PostgreSQL's under `COLLATE "C"`), so
/// "Bench" finds "bench" on either; Chinese has no case.
fn like_pattern(search: &str) -> String {
    let escaped: String = search
        .to_ascii_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

impl Db {
    async fn filtered_rows(
        &self,
        scope: Option<&str>,
        filter: &InboxFilter,
        limit: i64,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let (from, to) = filter.millis_range();
        let order = match filter.order {
            Order::Newest => "DESC",
            Order::Oldest => "ASC",
        };
        let sql = format!(
            "SELECT {INBOX_COLUMNS} FROM suggestions s LEFT JOIN users u ON u.id = s.assigned_to \
             WHERE {INBOX_WHERE} ORDER BY s.created_at {order}, s.id {order} LIMIT $9"
        );
        Ok(sqlx::query(&sql)
            .bind(scope.unwrap_or("*"))
            .bind(filter.status.map_or("", |s| s.as_str()))
            .bind(filter.category.map_or("", |c| c.as_str()))
            .bind(from)
            .bind(to)
            .bind(filter.search.as_str())
            .bind(like_pattern(&filter.search))
            .bind(filter.community.as_deref().unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The inbox: `scope` is the member's community (`None` for admins).
    pub async fn inbox(
        &self,
        scope: Option<&str>,
        filter: &InboxFilter,
        limit: i64,
    ) -> Result<Vec<InboxItem>, StoreError> {
        self.filtered_rows(scope, filter, limit)
            .await?
            .iter()
            .map(inbox_item)
            .collect()
    }

    /// The same rows with the private fields, for the CSV export.
    pub async fn export(&self, scope: Option<&str>, filter: &InboxFilter) -> Result<Vec<ExportRow>, StoreError> {
        self.filtered_rows(scope, filter, 100_000)
            .await?
            .iter()
            .map(|r| {
                let lat: Option<f64> = r.try_get("lat")?;
                let lng: Option<f64> = r.try_get("lng")?;
                Ok(ExportRow {
                    item: inbox_item(r)?,
                    description: r.try_get("description")?,
                    location_text: r.try_get("location_text")?,
                    location: lat.zip(lng).map(|(a, b)| LatLng::new(a, b)),
                    contact_name: r.try_get("contact_name")?,
                    contact_phone: r.try_get("contact_phone")?,
                })
            })
            .collect()
    }

    /// Suggestions per status in the scope (ignoring the status filter).
    pub async fn status_counts(&self, scope: Option<&str>) -> Result<Vec<(Status, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM suggestions WHERE ($1 = '*' OR community = $1) GROUP BY status",
        )
        .bind(scope.unwrap_or("*"))
        .fetch_all(&self.pool)
        .await?;
        let mut counts: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for r in rows {
            let status: String = r.try_get("status")?;
            if let Some(slot) = counts.iter_mut().find(|(s, _)| s.as_str() == status) {
                slot.1 = r.try_get("n")?;
            }
        }
        Ok(counts)
    }

    /// The community of a suggestion, for the authorisation check that
    /// comes before anything else is read.
    pub async fn suggestion_community(&self, code: &ReceiptCode) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT community FROM suggestions WHERE receipt_code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("community")).transpose()?)
    }

    pub async fn reviewed_suggestion(&self, code: &ReceiptCode) -> Result<Option<ReviewedSuggestion>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT s.id, s.receipt_code, s.community, s.category, s.status, s.title, s.description, s.lat, s.lng, \
             s.location_text, s.contact_name, s.contact_phone, s.hidden, s.supports, s.created_at, \
             s.community_guessed, s.source, COALESCE(f.username, k.name) AS filed_by, u.username AS assigned_to, \
             d.receipt_code AS duplicate_code FROM suggestions s LEFT JOIN users u ON u.id = s.assigned_to \
             LEFT JOIN users f ON f.id = s.filed_by LEFT JOIN api_keys k ON k.id = s.api_key_id LEFT JOIN suggestions d ON d.id = s.duplicate_of \
             WHERE s.receipt_code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = r.try_get("id")?;
        let code_text: String = r.try_get("receipt_code")?;
        let lat: Option<f64> = r.try_get("lat")?;
        let lng: Option<f64> = r.try_get("lng")?;
        let duplicate_of: Option<String> = r.try_get("duplicate_code")?;
        let mut s = ReviewedSuggestion {
            receipt_code: code_of(&code_text)?,
            community: r.try_get("community")?,
            community_guessed: r.try_get::<i64, _>("community_guessed")? != 0,
            category: parse_category(&r.try_get::<String, _>("category")?, &code_text)?,
            status: parse_status(&r.try_get::<String, _>("status")?, &code_text)?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            location: lat.zip(lng).map(|(a, b)| LatLng::new(a, b)),
            location_text: r.try_get("location_text")?,
            contact_name: r.try_get("contact_name")?,
            contact_phone: r.try_get("contact_phone")?,
            hidden: r.try_get::<i64, _>("hidden")? != 0,
            supports: r.try_get("supports")?,
            created_at: r.try_get("created_at")?,
            assigned_to: r.try_get("assigned_to")?,
            source: crate::domain::suggestion::Source::parse(&r.try_get::<String, _>("source")?).unwrap_or_default(),
            filed_by: r.try_get("filed_by")?,
            duplicate_of: duplicate_of.as_deref().map(code_of).transpose()?,
            duplicates: Vec::new(),
            photos: Vec::new(),
            events: Vec::new(),
        };
        for d in sqlx::query("SELECT receipt_code FROM suggestions WHERE duplicate_of = $1 ORDER BY created_at")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
        {
            s.duplicates.push(code_of(&d.try_get::<String, _>("receipt_code")?)?);
        }
        for p in sqlx::query(
            "SELECT position, storage_key, width, height, hidden FROM suggestion_photos \
             WHERE suggestion_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        {
            s.photos.push(ReviewPhoto {
                position: p.try_get("position")?,
                key: p.try_get("storage_key")?,
                width: p.try_get::<i64, _>("width")? as u32,
                height: p.try_get::<i64, _>("height")? as u32,
                hidden: p.try_get::<i64, _>("hidden")? != 0,
            });
        }
        for e in sqlx::query(
            "SELECT e.at, u.username AS actor, e.kind, e.from_status, e.to_status, e.public_text, e.private_text, e.detail \
             FROM suggestion_events e LEFT JOIN users u ON u.id = e.actor \
             WHERE e.suggestion_id = $1 ORDER BY e.at, e.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        {
            let from: Option<String> = e.try_get("from_status")?;
            let to: Option<String> = e.try_get("to_status")?;
            s.events.push(AuditEvent {
                at: e.try_get("at")?,
                actor: e.try_get("actor")?,
                kind: e.try_get("kind")?,
                from_status: from.as_deref().and_then(Status::parse),
                to_status: to.as_deref().and_then(Status::parse),
                public_text: e.try_get("public_text")?,
                private_text: e.try_get("private_text")?,
                detail: e.try_get("detail")?,
            });
        }
        Ok(Some(s))
    }

    /// Applies one change and records its event, in one transaction.
    /// A status change applies only while the status is still the one it
    /// moves from (two members acting at once: the second gets `Ok(false)`
    /// instead of an unchecked move). `linked` is an event for another
    /// suggestion (id) written in the same transaction.
    pub async fn change_suggestion(
        &self,
        code: &ReceiptCode,
        change: SuggestionChange,
        event: EventRecord<'_>,
        linked: Option<(i64, EventRecord<'_>)>,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let query = match change {
            SuggestionChange::Status { from, to, duplicate_of } => sqlx::query(
                "UPDATE suggestions SET status = $1, duplicate_of = $2, updated_at = $3 \
                 WHERE receipt_code = $4 AND status = $5 RETURNING id",
            )
            .bind(to.as_str())
            .bind(duplicate_of)
            .bind(now)
            .bind(code.as_str())
            .bind(from.as_str()),
            SuggestionChange::AssignedTo(user) => sqlx::query(
                "UPDATE suggestions SET assigned_to = $1, updated_at = $2 WHERE receipt_code = $3 RETURNING id",
            )
            .bind(user)
            .bind(now)
            .bind(code.as_str()),
            SuggestionChange::Hidden(hidden) => {
                sqlx::query("UPDATE suggestions SET hidden = $1, updated_at = $2 WHERE receipt_code = $3 RETURNING id")
                    .bind(i64::from(hidden))
                    .bind(now)
                    .bind(code.as_str())
            }
            SuggestionChange::Community { from, to } => sqlx::query(
                "UPDATE suggestions SET community = $1, community_guessed = 0, \
                 assigned_to = CASE WHEN $2 = $3 THEN assigned_to ELSE NULL END, updated_at = $4 \
                 WHERE receipt_code = $5 AND community = $6 RETURNING id",
            )
            .bind(to.clone())
            .bind(from.clone())
            .bind(to)
            .bind(now)
            .bind(code.as_str())
            .bind(from),
            SuggestionChange::EventOnly => {
                sqlx::query("UPDATE suggestions SET updated_at = $1 WHERE receipt_code = $2 RETURNING id")
                    .bind(now)
                    .bind(code.as_str())
            }
        };
        let Some(row) = query.fetch_optional(&mut *tx).await? else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        record_event(&mut tx, id, now, &event).await?;
        announce(&mut tx, id, now, &event).await?;
        if let Some((other, e)) = linked {
            record_event(&mut tx, other, now, &e).await?;
            announce(&mut tx, other, now, &e).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records an event that changes nothing else (a reply, a note).
    pub async fn add_event(&self, code: &ReceiptCode, event: EventRecord<'_>) -> Result<bool, StoreError> {
        self.change_suggestion(code, SuggestionChange::EventOnly, event, None)
            .await
    }

    /// Hides or shows one photo, with its event.
    pub async fn set_photo_hidden(
        &self,
        code: &ReceiptCode,
        position: i64,
        hidden: bool,
        event: EventRecord<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "UPDATE suggestion_photos SET hidden = $1 WHERE position = $2 AND suggestion_id = \
             (SELECT id FROM suggestions WHERE receipt_code = $3) RETURNING suggestion_id",
        )
        .bind(i64::from(hidden))
        .bind(position)
        .bind(code.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let id: i64 = row.try_get("suggestion_id")?;
        record_event(&mut tx, id, now, &event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The community of the suggestion a photo belongs to (for serving
    /// photos to the committee).
    pub async fn photo_community(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT s.community FROM suggestion_photos p JOIN suggestions s ON s.id = p.suggestion_id \
             WHERE p.storage_key = $1 LIMIT 1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("community")).transpose()?)
    }

    pub async fn suggestion_id(&self, code: &ReceiptCode) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT id FROM suggestions WHERE receipt_code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("id")).transpose()?)
    }

    pub async fn templates(&self, community: &str) -> Result<Vec<Template>, StoreError> {
        let rows =
            sqlx::query("SELECT id, community, title, body FROM reply_templates WHERE community = $1 ORDER BY title")
                .bind(community)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Template {
                    id: r.try_get("id")?,
                    community: r.try_get("community")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                })
            })
            .collect()
    }

    pub async fn add_template(&self, community: &str, title: &str, body: &str, by: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reply_templates (community, title, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(community)
        .bind(title)
        .bind(body)
        .bind(by)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes a template of `community` only.
    pub async fn delete_template(&self, community: &str, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM reply_templates WHERE id = $1 AND community = $2")
            .bind(id)
            .bind(community)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// For the dashboard: (filed at, status, category, first committee
    /// response at) of suggestions filed since `since` in the scope.
    pub async fn dashboard_rows(
        &self,
        scope: Option<&str>,
        since: i64,
    ) -> Result<Vec<(i64, Status, Category, Option<i64>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.receipt_code, s.created_at, s.status, s.category, \
             (SELECT MIN(e.at) FROM suggestion_events e WHERE e.suggestion_id = s.id AND e.actor IS NOT NULL \
              AND (e.to_status IS NOT NULL OR e.public_text <> '')) AS first_response \
             FROM suggestions s WHERE ($1 = '*' OR s.community = $1) AND s.created_at >= $2",
        )
        .bind(scope.unwrap_or("*"))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("receipt_code")?;
                Ok((
                    r.try_get("created_at")?,
                    parse_status(&r.try_get::<String, _>("status")?, &code)?,
                    parse_category(&r.try_get::<String, _>("category")?, &code)?,
                    r.try_get("first_response")?,
                ))
            })
            .collect()
    }
}

/// What [`Db::change_suggestion`] changes on a suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionChange {
    /// Moves `from` → `to`, and links (or unlinks) the original it
    /// duplicates (its id).
    Status {
        from: Status,
        to: Status,
        duplicate_of: Option<i64>,
    },
    /// Assigns to a member (id), or to nobody.
    AssignedTo(Option<i64>),
    /// Hides from the public, or shows again.
    Hidden(bool),
    /// Hands the suggestion to another community (`from` → `to`), or
    /// confirms a guessed one (`from == to`); either way no longer a guess,
    /// and nobody of the old committee is assigned any more.
    Community { from: String, to: String },
    /// Nothing but the event (a reply, a note).
    EventOnly,
}

/// The webhook events of a change: a new status, a public reply, or both.
async fn announce(tx: &mut Transaction<'_, Any>, id: i64, at: i64, e: &EventRecord<'_>) -> Result<(), StoreError> {
    let change = (e.from, e.to, e.public_text);
    if e.to.is_some() && e.from != e.to {
        super::webhooks::enqueue(tx, id, "status_changed", change, at).await?;
    }
    if !e.public_text.is_empty() {
        super::webhooks::enqueue(tx, id, "replied", change, at).await?;
    }
    Ok(())
}

async fn record_event(tx: &mut Transaction<'_, Any>, id: i64, at: i64, e: &EventRecord<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO suggestion_events (suggestion_id, at, actor, kind, from_status, to_status, public_text, \
         private_text, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(at)
    .bind(e.actor)
    .bind(e.kind)
    .bind(e.from.map(Status::as_str))
    .bind(e.to.map(Status::as_str))
    .bind(e.public_text)
    .bind(e.private_text)
    .bind(&e.detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(super::like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(super::like_pattern("Bench 长椅"), "%bench 长椅%");
    }
}
