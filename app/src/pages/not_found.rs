use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;
use crate::prefs::use_locale;

/// Answers the page being rendered with 404 (during server rendering; a
/// no-op in the browser).
pub fn answer_not_found() {
    #[cfg(feature = "ssr")]
    answer_status(axum::http::StatusCode::NOT_FOUND);
}

/// Answers the page being rendered with `status`.
#[cfg(feature = "ssr")]
pub fn answer_status(status: axum::http::StatusCode) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    answer_not_found();
    let locale = use_locale();
    view! {
        <Title text=td_string!(locale, not_found_title).to_string() />
        <section class="page narrow">
            <h1>{td!(locale, not_found_title)}</h1>
            <p>{td!(locale, not_found_body)}</p>
            <p><a class="button" href="/">{td!(locale, go_home)}</a></p>
        </section>
    }
}
