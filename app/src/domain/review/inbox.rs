//! The committee's inbox: filters read from the URL (so a filtered inbox is
//! a link, and the CSV export takes the same query), and what a row shows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::coords::LatLng;
use crate::domain::suggestion::{Category, ReceiptCode, Status};

/// Longest search text.
pub const SEARCH_MAX: usize = 100;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Order {
    #[default]
    Newest,
    Oldest,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub category: Option<Category>,
    /// Filed on or after this day (Beijing time).
    pub from: Option<NaiveDate>,
    /// Filed on or before this day (Beijing time).
    pub to: Option<NaiveDate>,
    /// Words in the title or description.
    pub search: String,
    pub order: Order,
    /// For admins: one community (members are always limited to theirs).
    pub community: Option<String>,
}

impl InboxFilter {
    /// Reads the filter from query parameters; unknown values are ignored
    /// rather than refused, so an old bookmark still opens the inbox.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let date = |k: &str| text(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
        Self {
            status: text("status").and_then(|v| Status::parse(&v)),
            category: text("category").and_then(|v| Category::parse(&v)),
            from: date("from"),
            to: date("to"),
            search: text("q")
                .map(|q| q.chars().take(SEARCH_MAX).collect())
                .unwrap_or_default(),
            order: match text("order").as_deref() {
                Some("oldest") => Order::Oldest,
                _ => Order::Newest,
            },
            community: text("community").filter(|c| c.len() <= 64),
        }
    }

    /// The same filter as a query string (for links and the export).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if let Some(s) = self.status {
            parts.push(("status".into(), s.as_str().into()));
        }
        if let Some(c) = self.category {
            parts.push(("category".into(), c.as_str().into()));
        }
        if let Some(d) = self.from {
            parts.push(("from".into(), d.format("%Y-%m-%d").to_string()));
        }
        if let Some(d) = self.to {
            parts.push(("to".into(), d.format("%Y-%m-%d").to_string()));
        }
        if !self.search.is_empty() {
            parts.push(("q".into(), self.search.clone()));
        }
        if self.order == Order::Oldest {
            parts.push(("order".into(), "oldest".into()));
        }
        if let Some(c) = &self.community {
            parts.push(("community".into(), c.clone()));
        }
        crate::domain::query_string(&parts)
    }

    /// The filed-at range in Unix milliseconds, days taken in Beijing time.
    pub fn millis_range(&self) -> (i64, i64) {
        let start_of = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis() - 8 * 3600 * 1000)
        };
        let from = self.from.and_then(start_of).unwrap_or(i64::MIN);
        let to = self
            .to
            .and_then(|d| d.succ_opt())
            .and_then(start_of)
            .map_or(i64::MAX, |t| t - 1);
        (from, to)
    }
}

/// A row of the inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub receipt_code: ReceiptCode,
    pub community: String,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub created_at: i64,
    pub supports: i64,
    pub hidden: bool,
    pub photos: i64,
    pub assigned_to: Option<String>,
}

/// Everything the committee sees of one suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewedSuggestion {
    pub receipt_code: ReceiptCode,
    pub community: String,
    /// Given to this community by the nearest centre (no boundary contains
    /// the place): to be confirmed or handed on.
    pub community_guessed: bool,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub description: String,
    pub location: Option<LatLng>,
    pub location_text: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub hidden: bool,
    pub supports: i64,
    pub created_at: i64,
    pub assigned_to: Option<String>,
    /// Filed by the resident online, or for them by a member (`filed_by`)
    /// after a phone call or a visit.
    pub source: crate::domain::suggestion::Source,
    pub filed_by: Option<String>,
    pub duplicate_of: Option<ReceiptCode>,
    /// Suggestions marked as duplicates of this one.
    pub duplicates: Vec<ReceiptCode>,
    pub photos: Vec<ReviewPhoto>,
    pub events: Vec<AuditEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPhoto {
    pub position: i64,
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub hidden: bool,
}

/// A reusable public reply of a community.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub community: String,
    pub title: String,
    pub body: String,
}

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: i64,
    /// `None`: the resident (or the system).
    pub actor: Option<String>,
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub public_text: String,
    pub private_text: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(pairs: &[(&str, &str)]) -> InboxFilter {
        InboxFilter::from_query(|k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = filter(&[
            ("status", "received"),
            ("category", "lighting"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("q", "路灯 坏"),
            ("order", "oldest"),
        ]);
        assert_eq!(f.status, Some(Status::Received));
        assert_eq!(f.order, Order::Oldest);
        let again = InboxFilter::from_query(|k| {
            f.to_query().split('&').find_map(|p| {
                let (n, v) = p.split_once('=')?;
                (n == k).then(|| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
            })
        });
        assert_eq!(again, f);
    }

    #[test]
    fn bad_values_are_ignored() {
        let f = filter(&[("status", "lost"), ("from", "yesterday"), ("category", "")]);
        assert_eq!(f, InboxFilter::default());
        assert_eq!(filter(&[("q", &"字".repeat(500))]).search.chars().count(), SEARCH_MAX);
    }

    #[test]
    fn days_are_beijing_days() {
        let f = filter(&[("from", "2026-11-26"), ("to", "2026-11-26")]);
        let (from, to) = f.millis_range();
        // 2026-11-26 00:00 in Beijing is 2026-11-25 16:00 UTC.
        assert_eq!(from, 1_795_651_200_000 - 8 * 3_600_000);
        assert_eq!(to - from, 24 * 3_600_000 - 1);
        assert_eq!(InboxFilter::default().millis_range(), (i64::MIN, i64::MAX));
    }
}
