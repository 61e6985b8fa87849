//! What the public may see of a suggestion: on the tracking page, in the
//! community's list and in the API. Contact details are not in these types
//! at all, so no page or endpoint built on them can leak them.

use serde::{Deserialize, Serialize};

use super::{Category, ReceiptCode, Status};
use crate::domain::coords::LatLng;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicSuggestion {
    pub receipt_code: ReceiptCode,
    pub category: Category,
    pub status: Status,
    pub community: String,
    /// Moderated away from the public: only the code and status are shown.
    pub hidden: bool,
    pub title: String,
    pub description: String,
    pub location: Option<LatLng>,
    pub location_text: String,
    pub supports: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    pub photos: Vec<PublicPhoto>,
    pub timeline: Vec<PublicEvent>,
    /// The suggestion this one duplicates, when the committee marked it so.
    pub duplicate_of: Option<ReceiptCode>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPhoto {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// One step of the timeline: a status change and/or a public reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub at: i64,
    pub status: Option<Status>,
    pub reply: String,
}

/// A line of the community's public list, or a nearby open suggestion shown
/// before filing a duplicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestionSummary {
    pub receipt_code: ReceiptCode,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub supports: i64,
    pub created_at: i64,
    pub location: Option<LatLng>,
    /// Metres from the point asked about, when there was one.
    pub distance_m: Option<f64>,
}

/// The public URL of a stored photo.
pub fn photo_url(key: &str) -> String {
    format!("/photos/{key}.jpg")
}
