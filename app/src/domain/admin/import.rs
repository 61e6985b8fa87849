//! What can be wrong with a row of an imported file, as values: the
//! command line prints them in English ([`Display`](std::fmt::Display)),
//! the browser's import preview in the reader's language. And what an
//! import would change, for that preview.

use serde::{Deserialize, Serialize};

use crate::domain::boundary::BoundaryError;
use crate::domain::facility::Kind;
use crate::domain::hours::HoursError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RowProblem {
    #[error("is required")]
    Required,
    #[error("is longer than {0} characters")]
    TooLong(usize),
    #[error("contains control characters")]
    Control,
    #[error("must be between -{0} and {0}; are lat and lng swapped?")]
    OutOfRange(u32),
    #[error("must be a number of decimal degrees")]
    NotDegrees,
    #[error("the point is outside mainland China; are lat and lng swapped?")]
    OutsideChina,
    #[error("must be 1 or 0")]
    NotFlag,
    #[error("must be a price in yuan between 0 and 1000")]
    Price,
    #[error("must be a whole number")]
    WholeNumber,
    #[error("has no rows")]
    NoRows,
    #[error("`{0}` appears more than once in the file")]
    Duplicate(String),
    #[error("must be meal, reading or sorting")]
    Kind,
    #[error("may contain only digits, spaces and + - ( )")]
    Phone,
    #[error("unknown community code `{0}` (import communities first)")]
    UnknownCommunity(String),
    #[error("{0}")]
    Hours(HoursError),
    #[error("unknown category `{0}` (recyclable, hazardous, food, residual)")]
    UnknownCategory(String),
    #[error("a sorting point must accept at least one category")]
    AcceptsNone,
    #[error("must be recyclable, hazardous, food or residual")]
    SortingCategory,
    #[error("must be toneless lower-case syllables separated by single spaces, e.g. `bao zhi`")]
    Pinyin,
    #[error("has {0} entries for {1} Chinese aliases")]
    AliasCount(usize, usize),
    #[error("`{0}` is not toneless pinyin")]
    NotPinyin(String),
    #[error("may contain only ASCII letters, digits, - and _")]
    Code,
    #[error("{0}")]
    Boundary(BoundaryError),
    #[error("the centre is outside the community's boundary")]
    CentreOutside,
    #[error("is more than `residents`")]
    ElderlyOverResidents,
}

/// One problem in one row: where ("line 12" of a CSV counting the header
/// as line 1, "row 5" of a worksheet, "feature 3" of GeoJSON, or "file"),
/// the column, and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: String,
    pub field: String,
    pub problem: RowProblem,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.row, self.field, self.problem)
    }
}

/// Where a row is, split for translation: `("line", 12)`, `("row", 5)`,
/// `("feature", 3)`; `None` for the whole file or anything else.
pub fn row_place(row: &str) -> Option<(&str, u64)> {
    let (what, n) = row.split_once(' ')?;
    let n = n.parse().ok()?;
    matches!(what, "line" | "row" | "feature").then_some((what, n))
}

/// One facility of an import preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewFacility {
    pub source_ref: String,
    pub name: String,
    pub kind: Kind,
    pub community: String,
    /// What changes, by field name (`name_zh`, `hours`, …); empty for a new
    /// facility.
    pub changed: Vec<String>,
}

/// What an import would do, shown before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The file as uploaded, for the confirmation.
    pub file_name: String,
    /// Everything wrong with the file; when not empty nothing can be
    /// imported.
    pub errors: Vec<RowError>,
    /// A problem with the file as a whole (not a spreadsheet, too large…),
    /// in English from the reader; the page words it.
    pub unreadable: Option<String>,
    pub rows: usize,
    pub added: Vec<PreviewFacility>,
    pub updated: Vec<PreviewFacility>,
    pub unchanged: usize,
    /// In use but missing from the file: retired only when the clerk asks.
    pub missing: Vec<PreviewFacility>,
    pub retire_missing: bool,
    /// The staged upload's name, to confirm it (`None` when it cannot be
    /// imported).
    pub stage: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_placed_for_translation() {
        assert_eq!(row_place("line 12"), Some(("line", 12)));
        assert_eq!(row_place("row 5"), Some(("row", 5)));
        assert_eq!(row_place("feature 3"), Some(("feature", 3)));
        assert_eq!(row_place("file"), None);
        assert_eq!(row_place("line x"), None);
    }

    #[test]
    fn the_command_line_reads_english() {
        let e = RowError {
            row: "line 3".into(),
            field: "lat".into(),
            problem: RowProblem::OutOfRange(90),
        };
        assert_eq!(
            e.to_string(),
            "line 3: lat: must be between -90 and 90; are lat and lng swapped?"
        );
    }
}
