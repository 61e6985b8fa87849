//! The curated dictionary of household items and their Chengdu category.

use serde::{Deserialize, Serialize};

use crate::domain::facility::WasteCategory;

/// One item, in both languages, with the pinyin of its Chinese names
/// (precomputed from the curated data, so no pinyin tables ship to the
/// browser).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SortingItem {
    pub name_zh: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_zh: Vec<String>,
    pub name_en: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_en: Vec<String>,
    pub category: WasteCategory,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tip_zh: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tip_en: String,
    /// Toneless pinyin of `name_zh`, syllables separated by spaces.
    pub pinyin: String,
    /// Pinyin of each Chinese alias, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_pinyin: Vec<String>,
}

impl SortingItem {
    pub fn name(&self, english: bool) -> &str {
        if english && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_zh
        }
    }

    pub fn tip(&self, english: bool) -> &str {
        if english && !self.tip_en.is_empty() {
            &self.tip_en
        } else {
            &self.tip_zh
        }
    }
}
