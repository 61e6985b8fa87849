//! Query normalisation: the same text however it was typed.
//!
//! Phones mix full-width and half-width characters, add stray spaces, and
//! people type in capitals; none of that should change the answer.

/// Longest query considered, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 64;

/// Full-width ASCII to half-width, lower case, control characters removed,
/// runs of whitespace (including the ideographic space) collapsed to one
/// space, trimmed, and cut to [`MAX_QUERY_CHARS`].
///
/// Only ASCII letters change case: the dictionary's keys are Chinese,
/// pinyin and English, and skipping Unicode's case and property tables
/// keeps the browser bundle small.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUERY_CHARS * 4));
    let mut pending_space = false;
    let mut count = 0;
    for c in text.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{A0}' | '\u{2000}'..='\u{200B}'
        ) {
            pending_space = !out.is_empty();
            continue;
        }
        if c < ' ' || ('\u{7F}'..='\u{9F}').contains(&c) {
            continue;
        }
        // A space is kept only with the character after it, so a cut query
        // never ends in one.
        let width = if pending_space { 2 } else { 1 };
        if count + width > MAX_QUERY_CHARS {
            break;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c.to_ascii_lowercase());
        count += width;
    }
    out
}

/// Whether the text contains Chinese characters (CJK unified ideographs).
pub fn has_han(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}'))
}

/// The singular of an English word, by the common rules: `batteries` →
/// `battery`, `boxes` → `box`, `leaves` → `leaf`, `bottles` → `bottle`.
pub fn singular(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = w.strip_suffix("ves") {
        return format!("{stem}f");
    }
    for suffix in ["ches", "shes", "xes", "sses", "zes", "oes"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

/// Every word of an English phrase made singular.
pub fn singular_phrase(text: &str) -> String {
    text.split(' ').map(singular).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_case_and_spaces() {
        assert_eq!(normalize("  ＢＡＴＴＥＲＹ  "), "battery");
        assert_eq!(normalize("ｂａｏ　ｚｈｉ"), "bao zhi");
        assert_eq!(normalize("Glass \t\n  Bottle"), "glass bottle");
        assert_eq!(normalize("旧　报纸"), "旧 报纸");
        assert_eq!(normalize("电池\u{0007}\u{0000}"), "电池");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \u{3000} "), "");
    }

    #[test]
    fn long_queries_are_cut() {
        let long = "纸".repeat(10_000);
        assert_eq!(normalize(&long).chars().count(), MAX_QUERY_CHARS);
    }

    #[test]
    fn han_detection() {
        assert!(has_han("旧报纸"));
        assert!(has_han("a电池"));
        assert!(!has_han("baozhi"));
    }

    #[test]
    fn plurals() {
        for (plural, one) in [
            ("batteries", "battery"),
            ("boxes", "box"),
            ("leaves", "leaf"),
            ("bottles", "bottle"),
            ("peels", "peel"),
            ("glass", "glass"),
            ("dishes", "dish"),
            ("matches", "match"),
            ("tomatoes", "tomato"),
            ("bus", "bus"),
            ("cds", "cds"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
        assert_eq!(singular_phrase("plastic bags"), "plastic bag");
    }
}

/// Property tests: whatever is typed, the query comes out short, trimmed
/// and stable, and the way it was typed does not change it. Failures
/// proptest finds are kept in `app/proptest-regressions/`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Known-nasty inputs, run on every test pass.
    const SEEDS: &[&str] = &[
        "",
        " ",
        "\u{3000}\u{A0}\u{200B}\t\r\n",
        "\0\u{7F}\u{9F}\u{85}",
        "\u{FF01}\u{FF5E}\u{FF5F}\u{FF00}",
        "\u{FEFF}a",
        "e\u{301}",
        "\u{1F600}\u{1F600}",
        "ies",
        "ves",
        "sses",
        "\u{E9}s",
        "\u{E9}\u{E9}s",
        "\u{4E2D}ies",
        "a  b",
        " s",
        // 63 characters and then a word: the cut left a trailing space
        // (found by this module).
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b",
    ];

    fn check(text: &str) {
        let n = normalize(text);
        assert!(n.chars().count() <= MAX_QUERY_CHARS, "{text:?} → {n:?}");
        assert!(n.len() <= MAX_QUERY_CHARS * 4);
        assert_eq!(n.trim_matches(' '), n, "trimmed: {text:?} → {n:?}");
        assert!(!n.contains("  "), "{n:?}");
        assert!(
            !n.chars().any(|c| c.is_control()
                || c.is_ascii_uppercase()
                || c == '\u{3000}'
                || ('\u{FF01}'..='\u{FF5E}').contains(&c)),
            "{text:?} → {n:?}"
        );
        assert_eq!(normalize(&n), n, "normalising twice changes {text:?}");

        let one = singular(text);
        assert!(one.len() <= text.len(), "{text:?} → {one:?}");
        if !text.ends_with('s') {
            assert_eq!(one, text);
        }
        let phrase = singular_phrase(text);
        assert_eq!(
            phrase.split(' ').count(),
            text.split(' ').count(),
            "{text:?} → {phrase:?}"
        );
    }

    /// The full-width form of printable ASCII, as a Chinese keyboard types it.
    fn full_width(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    }

    #[test]
    fn seeds() {
        for seed in SEEDS {
            check(seed);
        }
    }

    proptest! {
        #[test]
        fn any_text_normalises(text in "(?s).{0,200}") {
            check(&text);
        }

        #[test]
        fn spaced_words_normalise(text in "([a-zA-Z\u{4E00}-\u{4E10}]{0,12}[ \t\u{3000}\u{A0}]{0,3}){0,12}") {
            check(&text);
        }

        #[test]
        fn case_and_width_do_not_matter(text in "[ -~]{0,100}") {
            let n = normalize(&text);
            prop_assert_eq!(&normalize(&text.to_ascii_uppercase()), &n);
            prop_assert_eq!(&normalize(&full_width(&text)), &n);
        }
    }
}
