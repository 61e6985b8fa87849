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
