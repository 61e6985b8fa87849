//! Micro-renewal suggestions (社区微更新): what a resident proposes, the
//! states it moves through, and the rules for what the server accepts.
//!
//! The statuses already include the committee's workflow (reviewing,
//! accepted, …) so that the review side adds transitions, not a new model.

pub mod draft;
pub mod mine;
pub mod receipt;
pub mod view;

use serde::{Deserialize, Serialize};

pub use draft::{Draft, FieldError, FieldErrors, SuggestionField, ValidSuggestion};
pub use receipt::ReceiptCode;
pub use view::{PublicEvent, PublicPhoto, PublicSuggestion, SuggestionSummary};

/// How a suggestion reached the committee: filed online by the resident,
/// or by a committee member for a resident who phoned or came in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Online,
    Phone,
    Visit,
    /// From a city system through Open311, with an API key.
    Open311,
}

impl Source {
    /// As stored: `""` for online.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Online => "",
            Source::Phone => "phone",
            Source::Visit => "visit",
            Source::Open311 => "open311",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Source::Online, Source::Phone, Source::Visit, Source::Open311]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// What the suggestion is about; the order is the order residents see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Seating,
    Lighting,
    Greenery,
    Accessibility,
    Sanitation,
    Traffic,
    Play,
    Other,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Seating,
        Category::Lighting,
        Category::Greenery,
        Category::Accessibility,
        Category::Sanitation,
        Category::Traffic,
        Category::Play,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Seating => "seating",
            Category::Lighting => "lighting",
            Category::Greenery => "greenery",
            Category::Accessibility => "accessibility",
            Category::Sanitation => "sanitation",
            Category::Traffic => "traffic",
            Category::Play => "play",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// Where a suggestion is in the committee's workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Reviewing,
    Accepted,
    InProgress,
    Done,
    Declined,
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Received,
        Status::Reviewing,
        Status::Accepted,
        Status::InProgress,
        Status::Done,
        Status::Declined,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Reviewing => "reviewing",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Declined => "declined",
            Status::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Open suggestions can still gather support; a resident about to file a
    /// duplicate is pointed at these.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Reviewing | Status::Accepted | Status::InProgress
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Category::parse("bench"), None);
        assert_eq!(Status::parse("RECEIVED"), None);
    }

    #[test]
    fn closed_statuses_are_not_open() {
        assert!(Status::Received.is_open());
        assert!(Status::InProgress.is_open());
        assert!(!Status::Done.is_open());
        assert!(!Status::Declined.is_open());
        assert!(!Status::Duplicate.is_open());
    }
}
