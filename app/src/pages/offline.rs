//! The pages the service worker keeps for when there is no connection:
//! `/offline` (a page that was never kept) and `/suggest/offline` (the
//! one-page suggestion form that keeps a suggestion on the phone).

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;

use crate::components::offline_suggest::OfflineSuggest;
use crate::i18n::*;
use crate::prefs::use_prefs;

#[component]
pub fn OfflinePage() -> impl IntoView {
    let locale = use_prefs().locale;
    view! {
        <Title text=td_string!(locale, offline_title).to_string() />
        <section class="page narrow">
            <h1>{td!(locale, offline_title)}</h1>
            <p>{td!(locale, offline_text)}</p>
            <ul class="offline-links">
                <li><a class="button" href="/nearby">{td!(locale, nearby_title)}</a></li>
                <li><a class="button" href="/sorting">{td!(locale, home_sorting_guide)}</a></li>
                <li><a class="button" href="/suggest/offline">{td!(locale, home_suggest)}</a></li>
            </ul>
        </section>
    }
}

/// The communities come from the server when the page is kept, so the
/// form can offer them offline.
#[server]
pub async fn offline_communities() -> Result<Vec<crate::domain::facility::Community>, PageError> {
    let state = crate::pages::error::app_state()?;
    Ok(state.catalog.snapshot().communities.to_vec())
}

#[component]
pub fn SuggestOfflinePage() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let communities = Resource::new(|| (), |_| offline_communities());
    view! {
        <Title text=td_string!(locale, suggest_offline_title).to_string() />
        <section class="page narrow">
            <h1>{td!(locale, suggest_offline_title)}</h1>
            <p class="lead">{td!(locale, suggest_offline_lead)}</p>
            <noscript><p class="notice notice-error">{td!(locale, suggest_offline_needs_js)}" "<a href="/suggest">{td!(locale, suggest_title)}</a></p></noscript>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let communities = communities.await.unwrap_or_default();
                    view! { <OfflineSuggest english=prefs.english() communities /> }
                })}
            </Suspense>
        </section>
    }
}
