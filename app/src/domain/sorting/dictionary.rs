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

/// The dictionary as tab-separated text, the compact form the browser
/// downloads: one item per line, the columns of `seeds/sorting.csv` in order
/// (lists joined by `|`). Tabs and line breaks never occur inside fields:
/// the importer refuses control characters.
pub fn to_tsv(items: &[SortingItem]) -> String {
    let mut out = String::new();
    for i in items {
        let fields = [
            i.name_zh.as_str(),
            &i.aliases_zh.join("|"),
            &i.name_en,
            &i.aliases_en.join("|"),
            i.category.as_str(),
            &i.tip_zh,
            &i.tip_en,
            &i.pinyin,
            &i.aliases_pinyin.join("|"),
        ]
        .join("\t");
        out.push_str(&fields);
        out.push('\n');
    }
    out
}

/// Reads [`to_tsv`]'s output; lines that do not fit are skipped.
pub fn from_tsv(text: &str) -> Vec<SortingItem> {
    let list = |s: &str| -> Vec<String> { s.split('|').filter(|p| !p.is_empty()).map(str::to_string).collect() };
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [name_zh, aliases_zh, name_en, aliases_en, category, tip_zh, tip_en, pinyin, aliases_pinyin] = f[..]
            else {
                return None;
            };
            Some(SortingItem {
                name_zh: name_zh.to_string(),
                aliases_zh: list(aliases_zh),
                name_en: name_en.to_string(),
                aliases_en: list(aliases_en),
                category: WasteCategory::parse(category)?,
                tip_zh: tip_zh.to_string(),
                tip_en: tip_en.to_string(),
                pinyin: pinyin.to_string(),
                aliases_pinyin: list(aliases_pinyin),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_round_trips() {
        let items = vec![
            SortingItem {
                name_zh: "报纸".into(),
                aliases_zh: vec!["旧报纸".into(), "报刊".into()],
                name_en: "newspaper".into(),
                aliases_en: vec![],
                category: WasteCategory::Recyclable,
                tip_zh: "保持干燥".into(),
                tip_en: "Keep it dry, flat".into(),
                pinyin: "bao zhi".into(),
                aliases_pinyin: vec!["jiu bao zhi".into(), "bao kan".into()],
            },
            SortingItem {
                name_zh: "烟头".into(),
                aliases_zh: vec![],
                name_en: String::new(),
                aliases_en: vec!["cigarette end".into()],
                category: WasteCategory::Residual,
                tip_zh: String::new(),
                tip_en: String::new(),
                pinyin: "yan tou".into(),
                aliases_pinyin: vec![],
            },
        ];
        assert_eq!(from_tsv(&to_tsv(&items)), items);
        assert!(from_tsv("too\tfew\n").is_empty());
    }
}

/// Property tests: any downloaded text is read without a panic, and every
/// dictionary the importer can produce survives the trip through TSV.
/// Failures proptest finds are kept in `app/proptest-regressions/`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Known-nasty inputs, run on every test pass.
    const SEEDS: &[&str] = &[
        "",
        "\n\n\n",
        "\t\t\t\t\t\t\t\t",
        "\t\t\t\trecyclable\t\t\t\t",
        "a\t\t\t\trecyclable\t\t\t\t\r\n",
        "a\t|||\t\t|\trecyclable\t\t\t\t|",
        "a\t\t\t\tRecyclable\t\t\t\t",
        "a\t\t\t\trecyclable\t\t\t\t\t",
        "\u{FEFF}a\t\t\t\tfood\t\t\t\t",
    ];

    /// A field as the importer lets through: no tab or line break.
    const TEXT: &str = "[^\t\r\n]{0,12}";
    /// A list entry: not empty, no `|`.
    const ENTRY: &str = "[^\t\r\n|]{1,8}";

    fn item() -> impl Strategy<Value = SortingItem> {
        let list = || vec(ENTRY, 0..3);
        (
            (TEXT, list(), TEXT, list()),
            select(WasteCategory::ALL.to_vec()),
            (TEXT, TEXT, TEXT, list()),
        )
            .prop_map(
                |((name_zh, aliases_zh, name_en, aliases_en), category, (tip_zh, tip_en, pinyin, aliases_pinyin))| {
                    SortingItem {
                        name_zh,
                        aliases_zh,
                        name_en,
                        aliases_en,
                        category,
                        tip_zh,
                        tip_en,
                        pinyin,
                        aliases_pinyin,
                    }
                },
            )
    }

    #[test]
    fn seeds() {
        for seed in SEEDS {
            let items = from_tsv(seed);
            assert!(items.len() <= seed.lines().count(), "{seed:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_read(text in "(?s).{0,300}") {
            prop_assert!(from_tsv(&text).len() <= text.lines().count());
        }

        #[test]
        fn tsv_like_text_is_read(lines in vec(vec("[^\n]{0,6}", 0..11).prop_map(|f| f.join("\t")), 0..6)) {
            let text = lines.join("\n");
            prop_assert!(from_tsv(&text).len() <= lines.len());
        }

        #[test]
        fn dictionaries_round_trip(items in vec(item(), 0..6)) {
            prop_assert_eq!(from_tsv(&to_tsv(&items)), items);
        }
    }
}
