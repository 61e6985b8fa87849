//! The Open311 door's words in the reader's language (the translations
//! live in this crate; `server::open311` has the door).

use crate::i18n::*;

/// The group every Linli service is listed under.
pub fn group(locale: Locale) -> String {
    td_string!(locale, open311_group).to_string()
}

/// The committee answering for a community.
pub fn agency(locale: Locale, community: &str) -> String {
    td_string!(locale, open311_agency, community = community).to_string()
}

/// The `title` attribute: what it is, and its format.
pub fn title_attribute(locale: Locale) -> (String, String) {
    (
        td_string!(locale, open311_title).to_string(),
        td_string!(locale, open311_title_format).to_string(),
    )
}

/// What a city system tells the resident after filing: where to follow it.
pub fn tracking_notice(locale: Locale, url: &str) -> String {
    td_string!(locale, open311_notice, url = url).to_string()
}
