//! The words for suggestions in the resident's language: categories,
//! statuses and what is wrong with a field. One place, so the form, the
//! tracking page and the list say the same thing.

use leptos::prelude::*;

use crate::domain::suggestion::{Category, FieldError, Status, SuggestionField};
use crate::i18n::*;

pub fn category_name(locale: Locale, c: Category) -> String {
    match c {
        Category::Seating => td_string!(locale, cat_seating),
        Category::Lighting => td_string!(locale, cat_lighting),
        Category::Greenery => td_string!(locale, cat_greenery),
        Category::Accessibility => td_string!(locale, cat_accessibility),
        Category::Sanitation => td_string!(locale, cat_sanitation),
        Category::Traffic => td_string!(locale, cat_traffic),
        Category::Play => td_string!(locale, cat_play),
        Category::Other => td_string!(locale, cat_other),
    }
    .to_string()
}

pub fn category_hint(locale: Locale, c: Category) -> String {
    match c {
        Category::Seating => td_string!(locale, cat_seating_hint),
        Category::Lighting => td_string!(locale, cat_lighting_hint),
        Category::Greenery => td_string!(locale, cat_greenery_hint),
        Category::Accessibility => td_string!(locale, cat_accessibility_hint),
        Category::Sanitation => td_string!(locale, cat_sanitation_hint),
        Category::Traffic => td_string!(locale, cat_traffic_hint),
        Category::Play => td_string!(locale, cat_play_hint),
        Category::Other => td_string!(locale, cat_other_hint),
    }
    .to_string()
}

pub fn status_name(locale: Locale, s: Status) -> String {
    match s {
        Status::Received => td_string!(locale, status_received),
        Status::Reviewing => td_string!(locale, status_reviewing),
        Status::Accepted => td_string!(locale, status_accepted),
        Status::InProgress => td_string!(locale, status_in_progress),
        Status::Done => td_string!(locale, status_done),
        Status::Declined => td_string!(locale, status_declined),
        Status::Duplicate => td_string!(locale, status_duplicate),
    }
    .to_string()
}

/// A sentence that says what to do about a field's problem.
pub fn field_error_text(locale: Locale, field: SuggestionField, error: FieldError) -> String {
    use FieldError as E;
    use SuggestionField as F;
    match (field, error) {
        (F::Category, _) => td_string!(locale, err_category).to_string(),
        (F::Location, E::OutOfArea) => td_string!(locale, err_out_of_area).to_string(),
        (F::Location, _) => td_string!(locale, err_location).to_string(),
        (F::Community, E::Required) => td_string!(locale, err_community_required).to_string(),
        (F::Community, _) => td_string!(locale, err_community_unknown).to_string(),
        (F::LocationText, E::Required) => td_string!(locale, err_location_text_required).to_string(),
        (F::ContactPhone, E::Invalid) => td_string!(locale, err_phone).to_string(),
        (F::Consent, _) => td_string!(locale, err_consent).to_string(),
        (F::Website, _) => td_string!(locale, err_honeypot).to_string(),
        (F::Photos, E::TooMany { max }) => td_string!(locale, err_too_many_photos, max = max).to_string(),
        (_, E::Required) => td_string!(locale, err_required).to_string(),
        (_, E::TooShort { min }) => td_string!(locale, err_too_short, min = min).to_string(),
        (_, E::TooLong { max }) => td_string!(locale, err_too_long, max = max).to_string(),
        (_, E::BadCharacters) => td_string!(locale, err_bad_characters).to_string(),
        (_, _) => td_string!(locale, err_invalid).to_string(),
    }
}

/// A photo the server refused, by the code of `PhotoError`.
pub fn photo_problem_text(locale: Locale, code: &str) -> String {
    match code {
        "photo_too_large" => td_string!(locale, err_photo_too_large),
        "photo_too_many_pixels" => td_string!(locale, err_photo_pixels),
        "photo_unsupported" => td_string!(locale, err_photo_unsupported),
        "photo_not_saved" => td_string!(locale, err_photo_not_saved),
        _ => td_string!(locale, err_photo_corrupt),
    }
    .to_string()
}

/// A date as residents read it: `2026年11月26日` or `26 Nov 2026`, Beijing time.
pub fn date_text(locale: Locale, ms: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    let t = t + chrono::Duration::hours(8);
    let english = locale == Locale::en;
    if english {
        t.format("%-d %b %Y").to_string()
    } else {
        t.format("%Y年%-m月%-d日").to_string()
    }
}

/// A moment as staff read it in lists and histories: `2026-11-26 14:05`,
/// Beijing time, the same in both languages.
pub fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A small sign per category; the name always sits next to it.
#[component]
pub fn CategorySign(category: Category) -> impl IntoView {
    let d = match category {
        Category::Seating => "M4 11h16M6 11v7M18 11v7M5 7h14v4H5z",
        Category::Lighting => "M12 2v3M5 5l2 2M19 5l-2 2M8 13a4 4 0 1 1 8 0c0 2-2 3-2 5h-4c0-2-2-3-2-5zM10 21h4",
        Category::Greenery => "M12 22V11M12 11c0-4 3-7 8-7 0 5-3 7-8 7zM12 14c0-3-2-5-7-5 0 4 2 5 7 5",
        Category::Accessibility => "M12 4a2 2 0 1 0 0 .1M9 9h6M12 9v6h5l2 5M8 13a5 5 0 1 0 6 6",
        Category::Sanitation => "M6 7h12M9 7V4h6v3M7 7l1 14h8l1-14",
        Category::Traffic => "M5 16l2-7h10l2 7M4 16h16v3H4zM7 19v2M17 19v2",
        Category::Play => "M4 21V8l8-5 8 5v13M9 21v-6h6v6",
        Category::Other => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 8v5M12 16v.1",
    };
    view! {
        <svg class="kind-icon category-sign" viewBox="0 0 24 24" aria-hidden="true"><path d=d /></svg>
    }
}
