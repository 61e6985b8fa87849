//! "我的建议 / My suggestions": the suggestions sent from this phone, kept
//! on the phone only, in a cookie the server reads and rewrites but never
//! stores (so the list, and "new reply", work without JavaScript). Each
//! entry is a receipt code and how many public timeline steps (status
//! changes, replies) the resident has seen; more steps than that is news.
//!
//! The cookie's value is `WH-7K3Q.2_JJ-ABCD.1`, newest first: receipt codes
//! use only capitals, digits and a dash, so `.` and `_` cannot be confused.

use super::ReceiptCode;

/// The cookie's name.
pub const COOKIE: &str = "linli_mine";
/// The most remembered; the oldest drop off (about 330 bytes of cookie).
pub const MAX: usize = 30;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mine {
    /// Newest first: the code, and the timeline steps seen.
    entries: Vec<(ReceiptCode, u32)>,
}

impl Mine {
    /// Reads a cookie value, leniently: a damaged entry is dropped, not the
    /// list.
    pub fn parse(value: &str) -> Self {
        let mut mine = Self::default();
        for entry in value.split('_') {
            let Some((code, seen)) = entry.split_once('.') else {
                continue;
            };
            let (Some(code), Ok(seen)) = (ReceiptCode::parse(code), seen.parse::<u32>()) else {
                continue;
            };
            if mine.entries.len() < MAX && !mine.contains(&code) {
                mine.entries.push((code, seen));
            }
        }
        mine
    }

    pub fn cookie_value(&self) -> String {
        let parts: Vec<String> = self.entries.iter().map(|(c, n)| format!("{c}.{n}")).collect();
        parts.join("_")
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, code: &ReceiptCode) -> bool {
        self.entries.iter().any(|(c, _)| c == code)
    }

    pub fn entries(&self) -> &[(ReceiptCode, u32)] {
        &self.entries
    }

    /// A suggestion just sent, whose `steps` the resident has seen: first in
    /// the list (once), the oldest dropped beyond [`MAX`].
    pub fn add(&mut self, code: ReceiptCode, steps: u32) {
        self.entries.retain(|(c, _)| *c != code);
        self.entries.insert(0, (code, steps));
        self.entries.truncate(MAX);
    }

    /// Whether it was there.
    pub fn remove(&mut self, code: &ReceiptCode) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(c, _)| c != code);
        self.entries.len() != before
    }

    /// The resident has now seen `steps` of `code`'s timeline.
    pub fn saw(&mut self, code: &ReceiptCode, steps: u32) {
        if let Some(e) = self.entries.iter_mut().find(|(c, _)| c == code) {
            e.1 = steps;
        }
    }

    /// Whether `code` has more timeline steps than the resident has seen.
    pub fn is_news(&self, code: &ReceiptCode, steps: u32) -> bool {
        self.entries.iter().any(|(c, seen)| c == code && steps > *seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> ReceiptCode {
        ReceiptCode::parse(s).unwrap()
    }

    #[test]
    fn round_trips_newest_first() {
        let mut mine = Mine::default();
        mine.add(code("WH-7K3Q"), 1);
        mine.add(code("JJ-ABCD"), 1);
        assert_eq!(mine.cookie_value(), "JJ-ABCD.1_WH-7K3Q.1");
        assert_eq!(Mine::parse(&mine.cookie_value()), mine);
        // Sent again (a retried filing): moved to the front, not twice.
        mine.add(code("WH-7K3Q"), 1);
        assert_eq!(mine.cookie_value(), "WH-7K3Q.1_JJ-ABCD.1");
    }

    #[test]
    fn news_is_a_step_not_seen() {
        let mut mine = Mine::parse("WH-7K3Q.1");
        let c = code("WH-7K3Q");
        assert!(!mine.is_news(&c, 1));
        assert!(mine.is_news(&c, 2));
        mine.saw(&c, 2);
        assert!(!mine.is_news(&c, 2));
        assert_eq!(mine.cookie_value(), "WH-7K3Q.2");
        assert!(!mine.is_news(&code("JJ-ABCD"), 5), "not in the list");
    }

    #[test]
    fn damaged_entries_drop_alone() {
        let mine = Mine::parse("WH-7K3Q.1_garbage_JJ-ABCD.x_.3_QY-2345.0_WH-7K3Q.4_<script>.1");
        assert_eq!(mine.cookie_value(), "WH-7K3Q.1_QY-2345.0");
        assert!(Mine::parse("").is_empty());
    }

    #[test]
    fn keeps_the_newest_thirty() {
        let mut mine = Mine::default();
        let codes: Vec<ReceiptCode> = (0..40u8)
            .map(|i| ReceiptCode::from_random("WH", &[i, i / 31, 7, 9]))
            .collect();
        for c in &codes {
            mine.add(c.clone(), 1);
        }
        assert_eq!(mine.entries().len(), MAX);
        assert_eq!(mine.entries()[0].0, codes[39]);
        assert!(!mine.contains(&codes[9]) && mine.contains(&codes[10]));
        assert_eq!(Mine::parse(&mine.cookie_value()).entries().len(), MAX);
        assert!(mine.remove(&codes[39]));
        assert!(!mine.remove(&codes[39]));
    }
}
