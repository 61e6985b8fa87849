//! Search that forgives how people type: Chinese characters (whole names,
//! aliases and parts of them), pinyin in full (`baozhi`) or as initials
//! (`bz`), and English in any case and number. One implementation, used by
//! the API, the server-rendered page and the browser.
//!
//! Every item has a set of keys (its names, aliases, their pinyin and
//! initials, singular English). A query scores each key by how well it
//! matches (exact > prefix > contains); an item's score is its best key's.
//! When nothing matches, the closest keys by edit distance are offered as
//! "did you mean".

use serde::{Deserialize, Serialize};

use super::dictionary::SortingItem;
use super::normalize::{has_han, normalize, singular_phrase};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Han,
    English,
    Pinyin,
    Initials,
}

#[derive(Clone, Debug)]
struct Key {
    item: u32,
    kind: KeyKind,
    text: String,
    /// Aliases rank a little below the item's own name.
    alias: bool,
}

/// The dictionary with its search keys, built once.
#[derive(Clone, Debug, Default)]
pub struct SortingIndex {
    items: Vec<SortingItem>,
    keys: Vec<Key>,
}

/// One result: the item's position in the dictionary and its score (0–100).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub item: u32,
    pub score: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchOutcome {
    /// Best first.
    pub matches: Vec<Match>,
    /// Near misses, offered when there is no match.
    pub did_you_mean: Vec<u32>,
}

fn initials(pinyin: &str) -> String {
    pinyin.split(' ').filter_map(|s| s.chars().next()).collect()
}

impl SortingIndex {
    pub fn new(items: Vec<SortingItem>) -> Self {
        let mut keys = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            let mut push = |kind, text: String, alias| {
                if !text.is_empty() {
                    keys.push(Key {
                        item: i,
                        kind,
                        text,
                        alias,
                    });
                }
            };
            push(KeyKind::Han, normalize(&item.name_zh), false);
            for a in &item.aliases_zh {
                push(KeyKind::Han, normalize(a), true);
            }
            push(KeyKind::English, singular_phrase(&normalize(&item.name_en)), false);
            for a in &item.aliases_en {
                push(KeyKind::English, singular_phrase(&normalize(a)), true);
            }
            for (p, alias) in
                std::iter::once((&item.pinyin, false)).chain(item.aliases_pinyin.iter().map(|p| (p, true)))
            {
                let p = normalize(p);
                push(KeyKind::Initials, initials(&p), alias);
                push(KeyKind::Pinyin, p.replace(' ', ""), alias);
            }
        }
        Self { items, keys }
    }

    pub fn items(&self) -> &[SortingItem] {
        &self.items
    }

    pub fn item(&self, m: u32) -> &SortingItem {
        &self.items[m as usize]
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Up to `limit` items for a query, best first.
    pub fn search(&self, query: &str, limit: usize) -> SearchOutcome {
        let q = normalize(query);
        if q.is_empty() || limit == 0 {
            return SearchOutcome::default();
        }
        let han = has_han(&q);
        let latin: String = q.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let english = singular_phrase(&q);
        let mut best = vec![0u8; self.items.len()];
        for key in &self.keys {
            let score = match key.kind {
                KeyKind::Han if han => score_han(&q, &key.text),
                KeyKind::English if !han => score_text(&english, &key.text, 100, 85, 60),
                KeyKind::Pinyin if !han && !latin.is_empty() => score_text(&latin, &key.text, 97, 80, 0),
                KeyKind::Initials if !han && latin.len() >= 2 => score_text(&latin, &key.text, 90, 70, 0),
                _ => 0,
            };
            let score = if key.alias { score.saturating_sub(3) } else { score };
            let slot = &mut best[key.item as usize];
            *slot = (*slot).max(score);
        }
        let mut matches: Vec<Match> = best
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0)
            .map(|(i, s)| Match {
                item: i as u32,
                score: *s,
            })
            .collect();
        // Best score first; then shorter names (the more general item), then
        // dictionary order, so results are stable.
        // Unstable sort is deterministic here: the item index breaks ties.
        matches.sort_unstable_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| {
                    self.item(a.item)
                        .name_zh
                        .chars()
                        .count()
                        .cmp(&self.item(b.item).name_zh.chars().count())
                })
                .then(a.item.cmp(&b.item))
        });
        matches.truncate(limit);
        let did_you_mean = if matches.is_empty() {
            self.near_misses(&q, han, 3)
        } else {
            Vec::new()
        };
        SearchOutcome { matches, did_you_mean }
    }

    /// The items whose keys are within a small edit distance of the query.
    fn near_misses(&self, q: &str, han: bool, limit: usize) -> Vec<u32> {
        let q_chars: Vec<char> = if han {
            q.chars().collect()
        } else {
            singular_phrase(q).chars().collect()
        };
        let allowed = if han { 1 } else { (q_chars.len() / 4).clamp(1, 3) };
        let mut found: Vec<(usize, u32)> = Vec::new();
        for key in &self.keys {
            let comparable = match key.kind {
                KeyKind::Han => han,
                KeyKind::English | KeyKind::Pinyin => !han,
                KeyKind::Initials => false,
            };
            if !comparable {
                continue;
            }
            let k: Vec<char> = key.text.chars().collect();
            if k.len().abs_diff(q_chars.len()) > allowed {
                continue;
            }
            let d = levenshtein(&q_chars, &k);
            if d <= allowed {
                found.push((d, key.item));
            }
        }
        found.sort_unstable();
        let mut out: Vec<u32> = Vec::new();
        for (_, item) in found {
            if !out.contains(&item) {
                out.push(item);
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }
}

/// Chinese: the whole name, its beginning, part of it, or a name inside a
/// longer phrase ("用过的纸巾" holds "纸巾").
fn score_han(q: &str, key: &str) -> u8 {
    if q == key {
        100
    } else if key.starts_with(q) {
        85
    } else if key.contains(q) {
        70
    } else if key.chars().count() >= 2 && q.contains(key) {
        // Longer names inside the phrase are better evidence.
        (50 + 5 * key.chars().count().min(6)) as u8
    } else {
        0
    }
}

/// Latin text: exact, prefix, or (when `contains` > 0) a word inside.
fn score_text(q: &str, key: &str, exact: u8, prefix: u8, contains: u8) -> u8 {
    if q == key {
        exact
    } else if key.starts_with(q) && q.len() >= 2 {
        prefix
    } else if contains > 0 && q.len() >= 3 && key.split(' ').any(|w| w.starts_with(q)) {
        contains
    } else {
        0
    }
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::facility::WasteCategory;

    fn item(zh: &str, aliases: &[&str], en: &str, cat: WasteCategory, pinyin: &str, alias_py: &[&str]) -> SortingItem {
        SortingItem {
            name_zh: zh.into(),
            aliases_zh: aliases.iter().map(|s| s.to_string()).collect(),
            name_en: en.into(),
            aliases_en: vec![],
            category: cat,
            tip_zh: String::new(),
            tip_en: String::new(),
            pinyin: pinyin.into(),
            aliases_pinyin: alias_py.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn index() -> SortingIndex {
        use WasteCategory::*;
        SortingIndex::new(vec![
            item(
                "报纸",
                &["旧报纸"],
                "newspaper",
                Recyclable,
                "bao zhi",
                &["jiu bao zhi"],
            ),
            item("纸巾", &["餐巾纸"], "tissue", Residual, "zhi jin", &["can jin zhi"]),
            item(
                "充电电池",
                &[],
                "rechargeable battery",
                Hazardous,
                "chong dian dian chi",
                &[],
            ),
            item(
                "干电池",
                &["碱性电池"],
                "alkaline battery",
                Residual,
                "gan dian chi",
                &["jian xing dian chi"],
            ),
            item("纽扣电池", &[], "button cell", Hazardous, "niu kou dian chi", &[]),
            item("果皮", &[], "fruit peel", Food, "guo pi", &[]),
            item("玻璃瓶", &[], "glass bottle", Recyclable, "bo li ping", &[]),
        ])
    }

    fn names(ix: &SortingIndex, q: &str) -> Vec<String> {
        ix.search(q, 10)
            .matches
            .iter()
            .map(|m| ix.item(m.item).name_zh.clone())
            .collect()
    }

    #[test]
    fn chinese_exact_alias_and_substring() {
        let ix = index();
        assert_eq!(names(&ix, "报纸")[0], "报纸");
        assert_eq!(names(&ix, "旧报纸")[0], "报纸");
        assert_eq!(names(&ix, "餐巾纸")[0], "纸巾");
        // A part of a name finds every item that contains it.
        let batteries = names(&ix, "电池");
        assert_eq!(batteries.len(), 3, "{batteries:?}");
        // A name inside a longer phrase.
        assert_eq!(names(&ix, "用过的纸巾")[0], "纸巾");
        assert_eq!(names(&ix, "一张旧报纸")[0], "报纸");
    }

    #[test]
    fn pinyin_full_and_initials() {
        let ix = index();
        assert_eq!(names(&ix, "baozhi")[0], "报纸");
        assert_eq!(names(&ix, "bao zhi")[0], "报纸");
        assert_eq!(names(&ix, "bz")[0], "报纸");
        assert_eq!(names(&ix, "BZ")[0], "报纸");
        assert_eq!(names(&ix, "gdc")[0], "干电池");
        assert_eq!(names(&ix, "niukou")[0], "纽扣电池");
        assert_eq!(names(&ix, "jxdc")[0], "干电池");
        // A single letter is too little to guess from.
        assert!(names(&ix, "b").is_empty());
    }

    #[test]
    fn english_case_and_plurals() {
        let ix = index();
        assert_eq!(names(&ix, "Newspaper")[0], "报纸");
        assert_eq!(names(&ix, "newspapers")[0], "报纸");
        assert_eq!(names(&ix, "rechargeable batteries")[0], "充电电池");
        assert_eq!(names(&ix, "glass bottles")[0], "玻璃瓶");
        assert_eq!(names(&ix, "peel")[0], "果皮");
        // "battery" is a word in two names: both, in a stable order.
        assert_eq!(names(&ix, "batteries").len(), 2);
    }

    #[test]
    fn full_width_and_spaces() {
        let ix = index();
        assert_eq!(names(&ix, "ＮＥＷＳＰＡＰＥＲ")[0], "报纸");
        assert_eq!(names(&ix, "  bao   zhi  ")[0], "报纸");
        assert_eq!(names(&ix, "　报纸　")[0], "报纸");
    }

    #[test]
    fn exact_beats_partial() {
        let ix = index();
        let r = ix.search("纸巾", 10);
        assert_eq!(ix.item(r.matches[0].item).name_zh, "纸巾");
        assert!(r.matches.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn empty_long_and_unknown_queries() {
        let ix = index();
        assert_eq!(ix.search("", 10), SearchOutcome::default());
        assert_eq!(ix.search("   ", 10), SearchOutcome::default());
        assert!(ix.search(&"x".repeat(10_000), 10).matches.is_empty());
        assert!(ix.search("\u{0000}\u{0007}", 10).matches.is_empty());
        let r = ix.search("newspapr", 10);
        assert!(r.matches.is_empty());
        assert_eq!(
            r.did_you_mean.first().map(|&i| ix.item(i).name_zh.as_str()),
            Some("报纸")
        );
        let r = ix.search("报只", 10);
        assert!(r.matches.is_empty());
        assert_eq!(
            r.did_you_mean.first().map(|&i| ix.item(i).name_zh.as_str()),
            Some("报纸")
        );
        assert!(ix.search("zzzzzzzzzz", 10).did_you_mean.is_empty());
    }
}
