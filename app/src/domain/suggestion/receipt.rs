//! Receipt codes: what a resident writes down or reads out over the phone,
//! e.g. `WH-7K3Q`. The alphabet leaves out 0/O and 1/I/L, so nothing can be
//! misread; lookups forgive case, spaces and a missing dash.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Digits and capitals without 0, O, 1, I and L: 31 symbols.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Random symbols after the prefix; about 923 000 codes per prefix.
pub const RANDOM_LEN: usize = 4;
/// Used when a community's district has no prefix of its own.
pub const DEFAULT_PREFIX: &str = "CD";

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReceiptCode(String);

impl ReceiptCode {
    /// Builds a code from a prefix and random bytes, one symbol per byte.
    /// Taking the bytes from outside keeps this pure and testable; the server
    /// passes bytes from a cryptographic generator. `u8 % 31` is very slightly
    /// uneven, which does not matter for codes whose uniqueness the database
    /// enforces.
    pub fn from_random(prefix: &str, random: &[u8]) -> Self {
        let tail: String = random
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        Self(format!("{prefix}-{tail}"))
    }

    /// Reads a code as a resident might type it: ` wh 7k3q `, `wh-7k3q`.
    /// Returns `None` when it cannot be a code at all.
    pub fn parse(input: &str) -> Option<Self> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '－')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !(2 + RANDOM_LEN..=2 + RANDOM_LEN + 2).contains(&compact.len()) {
            return None;
        }
        if !compact.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        let (prefix, tail) = compact.split_at(2);
        Some(Self(format!("{prefix}-{tail}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The two-letter prefix for a community code such as `wuhou-yulin`: the
/// district's initials, so a committee hears at once where a code belongs.
/// Every letter is from [`ALPHABET`].
pub fn prefix_for_community(community: &str) -> &'static str {
    let district = community.split('-').next().unwrap_or_default();
    match district {
        "wuhou" => "WH",
        "jinjiang" => "JJ",
        "qingyang" => "QY",
        "jinniu" => "JN",
        "chenghua" => "CH",
        "gaoxin" => "GX",
        "tianfu" => "TF",
        "shuangliu" => "SX",
        "pidu" => "PD",
        "xindu" => "XD",
        "wenjiang" => "WJ",
        _ => DEFAULT_PREFIX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_no_lookalikes() {
        for bad in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&bad), "{}", bad as char);
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 31, "no repeated symbols");
    }

    #[test]
    fn every_byte_maps_into_the_alphabet() {
        let all: Vec<u8> = (0..=255).collect();
        for chunk in all.chunks(RANDOM_LEN) {
            let code = ReceiptCode::from_random("WH", chunk);
            assert_eq!(code.as_str().len(), 7);
            assert!(code.as_str()[3..].bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            assert_eq!(ReceiptCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn parse_forgives_how_people_type() {
        let want = ReceiptCode::parse("WH-7K3Q").unwrap();
        for typed in ["wh-7k3q", " WH 7K3Q ", "wh7k3q", "WH－7K3Q"] {
            assert_eq!(ReceiptCode::parse(typed).as_ref(), Some(&want), "{typed}");
        }
        for bad in ["", "WH", "WH-7K3", "WH-70KQ", "WH-7K3Q-EXTRA", "WH-7I3Q", "<script>"] {
            assert_eq!(ReceiptCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn prefixes_use_only_unambiguous_letters() {
        for d in [
            "wuhou",
            "jinjiang",
            "qingyang",
            "jinniu",
            "chenghua",
            "gaoxin",
            "tianfu",
            "shuangliu",
            "pidu",
            "xindu",
            "wenjiang",
            "elsewhere",
        ] {
            let p = prefix_for_community(&format!("{d}-x"));
            assert_eq!(p.len(), 2);
            assert!(p.bytes().all(|b| ALPHABET.contains(&b)), "{d}: {p}");
        }
        assert_eq!(prefix_for_community("wuhou-yulin"), "WH");
        assert_eq!(prefix_for_community("test-a"), DEFAULT_PREFIX);
    }
}
