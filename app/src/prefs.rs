//! The resident's display preferences: language and text size.
//!
//! Both live in cookies set by a plain form POST (`/prefs`), so switching
//! works without JavaScript and the server renders the right language and
//! size on the very first byte, with no flash of the wrong one. Without a
//! language cookie, the browser's `Accept-Language` decides; Chinese is the
//! default.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

pub const LANG_COOKIE: &str = "linli_lang";
pub const TEXT_COOKIE: &str = "linli_text";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub locale: Locale,
    pub large_text: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            locale: Locale::zh_CN,
            large_text: false,
        }
    }
}

impl Prefs {
    pub fn english(self) -> bool {
        self.locale == Locale::en
    }

    /// Reads the preferences from a request's `Cookie` and `Accept-Language`.
    pub fn from_headers(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let cookie_value = |name: &str| crate::security::cookie(cookie, name).map(str::trim);
        let locale = cookie_value(LANG_COOKIE)
            .and_then(parse_locale)
            .or_else(|| accept_language.and_then(negotiate))
            .unwrap_or(Locale::zh_CN);
        Self {
            locale,
            large_text: cookie_value(TEXT_COOKIE) == Some("large"),
        }
    }
}

pub fn parse_locale(tag: &str) -> Option<Locale> {
    let tag = tag.trim().to_ascii_lowercase();
    if tag == "en" || tag.starts_with("en-") {
        Some(Locale::en)
    } else if tag == "zh" || tag.starts_with("zh-") {
        Some(Locale::zh_CN)
    } else {
        None
    }
}

/// The best of our locales for an `Accept-Language` header, by quality.
fn negotiate(header: &str) -> Option<Locale> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty()).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, tag)| parse_locale(tag))
}

/// The preferences of the request being rendered.
pub fn use_prefs() -> Prefs {
    use_context::<Prefs>().unwrap_or_default()
}

pub fn use_locale() -> Locale {
    use_prefs().locale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_browser_language() {
        let p = Prefs::from_headers(Some("a=b; linli_lang=en; linli_text=large"), Some("zh-CN,zh;q=0.9"));
        assert_eq!(
            p,
            Prefs {
                locale: Locale::en,
                large_text: true
            }
        );
    }

    #[test]
    fn browser_language_by_quality() {
        let p = |al| Prefs::from_headers(None, Some(al)).locale;
        assert_eq!(p("en-GB,en;q=0.9"), Locale::en);
        assert_eq!(p("fr-FR, en;q=0.5, zh;q=0.8"), Locale::zh_CN);
        assert_eq!(p("fr-FR, en;q=0.5"), Locale::en);
        assert_eq!(p("zh-TW"), Locale::zh_CN);
        assert_eq!(p("en;q=0, fr"), Locale::zh_CN);
        assert_eq!(p("garbage;;q=x,,"), Locale::zh_CN);
    }

    #[test]
    fn defaults_to_chinese_standard_text() {
        assert_eq!(Prefs::from_headers(None, None), Prefs::default());
        assert!(!Prefs::from_headers(Some("linli_text=huge"), None).large_text);
        assert_eq!(
            Prefs::from_headers(Some("linli_lang=de"), Some("en")).locale,
            Locale::en
        );
    }
}

/// Property tests: any `Cookie` and `Accept-Language` header gives
/// preferences, never a panic, and a language cookie always wins. Failures
/// proptest finds are kept in `app/proptest-regressions/`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Known-nasty headers (`Cookie`, `Accept-Language`), run on every pass.
    const SEEDS: &[(&str, &str)] = &[
        ("", ""),
        (";;;", ",,,"),
        ("=", ";q="),
        ("linli_lang", "en;q"),
        ("linli_lang=", "en;q=NaN"),
        ("linli_lang==en", "en;q=inf, zh;q=-inf"),
        ("linli_lang=en-", "en;q=1e400"),
        ("linli_lang=\u{0130}N", "zh;q=0.5;q=0.9"),
        (" linli_lang = en ", "en;q=-0"),
        ("linli_text=large; linli_text=normal", "*"),
        ("linli_lang=\u{0}en", "\u{FEFF}en"),
    ];

    fn check(cookie: &str, accept_language: &str) -> Prefs {
        let prefs = Prefs::from_headers(Some(cookie), Some(accept_language));
        assert_eq!(
            Prefs::from_headers(Some(cookie), None).large_text,
            prefs.large_text,
            "text size is the cookie's alone"
        );
        prefs
    }

    /// A cookie pair, a bare word or nothing, as browsers and scripts send.
    fn pair() -> impl Strategy<Value = String> {
        prop_oneof![
            ("[a-z_]{0,10}", "[ -:<-~]{0,8}").prop_map(|(n, v)| format!("{n}={v}")),
            "[ -:<-~]{0,8}",
        ]
    }

    fn language() -> impl Strategy<Value = String> {
        let tag = prop_oneof![
            select(vec!["en", "EN-gb", "zh", "zh-Hant", "fr", "*", ""]).prop_map(String::from),
            "[a-zA-Z-]{0,8}"
        ];
        let q = prop_oneof![
            Just(String::new()),
            (0u32..=1000).prop_map(|q| format!(";q={}", f64::from(q) / 1000.0)),
            "(;q=)?[0-9a-zA-Z.+-]{0,6}",
        ];
        vec((tag, q).prop_map(|(t, q)| format!("{t}{q}")), 0..6).prop_map(|l| l.join(","))
    }

    #[test]
    fn seeds() {
        for (cookie, accept_language) in SEEDS {
            check(cookie, accept_language);
        }
    }

    proptest! {
        #[test]
        fn any_headers_give_preferences(cookie in "(?s).{0,80}", accept_language in "(?s).{0,80}") {
            check(&cookie, &accept_language);
        }

        #[test]
        fn the_language_cookie_wins(
            before in vec(pair(), 0..4),
            english in any::<bool>(),
            after in vec(pair(), 0..4),
            accept_language in language(),
        ) {
            let before: Vec<String> = before.into_iter().filter(|p| !p.starts_with("linli_lang=")).collect();
            let tag = if english { "en" } else { "zh-CN" };
            let cookie = [before, vec![format!("{LANG_COOKIE}={tag}")], after].concat().join("; ");
            let want = if english { Locale::en } else { Locale::zh_CN };
            prop_assert_eq!(check(&cookie, &accept_language).locale, want, "{}", cookie);
        }

        #[test]
        fn unknown_languages_fall_back_to_chinese(accept_language in language()) {
            let lower = accept_language.to_ascii_lowercase();
            if !lower.contains("en") && !lower.contains("zh") {
                prop_assert_eq!(check("", &accept_language).locale, Locale::zh_CN);
            }
        }

        #[test]
        fn locale_tags_ignore_case_and_spaces(tag in "(?s).{0,12}") {
            let locale = parse_locale(&tag);
            prop_assert_eq!(parse_locale(&tag.to_ascii_uppercase()), locale);
            prop_assert_eq!(parse_locale(&format!(" \t{tag} ")), locale);
        }
    }
}
