//! The installable app's markup: the status strip on every page (no
//! connection, a new version, the suggestions kept on this phone) and the
//! install offer on the home page.
//!
//! Everything here is rendered by the server, hidden, in the resident's
//! language; `/pwa.js` (`server/src/pwa/page.js`, the service worker's page
//! side) shows, hides and fills it, so the worker's protocol lives in one
//! language, next to the worker.

use leptos::prelude::*;

use crate::i18n::*;
use crate::prefs::use_locale;

/// `data-*` holds the sentences the script fills in; `{title}`, `{code}`
/// and `{error}` mark the gaps.
#[component]
pub fn AppStatus() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div
            id="app-status"
            class="app-status"
            data-waiting=td_string!(locale, outbox_waiting, title = "{title}").to_string()
            data-sent=td_string!(locale, outbox_sent, title = "{title}", code = "{code}").to_string()
            data-failed=td_string!(locale, outbox_failed, title = "{title}", error = "{error}").to_string()
            data-track=td_string!(locale, outbox_track).to_string()
            data-dismiss=td_string!(locale, pwa_dismiss).to_string()
        >
            <p class="notice status-offline" role="status" hidden>{td!(locale, pwa_offline)}</p>
            <p class="notice status-update" role="status" hidden>
                {td!(locale, pwa_update)}" "
                <button type="button" class="button button-primary">{td!(locale, pwa_reload)}</button>
            </p>
            <section class="outbox notice" aria-live="polite" aria-labelledby="outbox-heading" hidden>
                <h2 id="outbox-heading">{td!(locale, outbox_heading)}</h2>
                <ul></ul>
            </section>
        </div>
    }
}

#[component]
pub fn InstallOffer() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div id="install-offer" class="install-offer">
            <div data-install hidden>
                <p class="install-text">{td!(locale, pwa_install_text)}</p>
                <button type="button" class="button button-primary">{td!(locale, pwa_install)}</button>
            </div>
            <p class="notice install-ios" data-ios hidden>
                {td!(locale, pwa_ios_hint)}" "
                <button type="button" class="button">{td!(locale, pwa_dismiss)}</button>
            </p>
        </div>
    }
}
