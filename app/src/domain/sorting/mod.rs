//! The waste-sorting guide's domain: the dictionary and its search.

pub mod dictionary;
pub mod normalize;
pub mod search;

pub use dictionary::SortingItem;
pub use search::{Match, SearchOutcome, SortingIndex};
