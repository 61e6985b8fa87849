//! The header on every page: the name, the language switch and the text-size
//! toggle. Both switches are buttons of one plain form that POSTs to `/prefs`
//! and comes back to the same page, so they work without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::*;
use crate::prefs::use_prefs;

#[component]
pub fn Header() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    let (next_lang, next_text) = (
        if prefs.english() { "zh-CN" } else { "en" },
        if prefs.large_text { "normal" } else { "large" },
    );
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"邻"</span>
                <span class="brand-name">{td!(locale, app_name)}</span>
                <span class="brand-tagline">{td!(locale, app_tagline)}</span>
            </a>
            <form class="prefs" method="post" action="/prefs">
                <input type="hidden" name="next" value=here />
                <button type="submit" name="lang" value=next_lang lang=next_lang>
                    {td!(locale, lang_switch)}
                </button>
                <button type="submit" name="text" value=next_text aria-pressed=if prefs.large_text { "true" } else { "false" }>
                    <span aria-hidden="true">"A+ "</span>
                    {td!(locale, text_large_on)}
                </button>
            </form>
        </header>
    }
}
