//! "读给我听 / Read aloud": a button that has the browser speak the text of
//! the element around it marked `data-speak` (a facility card or page, a
//! sorting answer, a suggestion's status), in the page's language, slower
//! in large-text mode.
//!
//! The speaking is `/pwa.js` (`server/src/pwa/page.js`), not an island: the
//! facility pages and most sorting answers have no island and so no WASM
//! (README, "Page weight"), and `speechSynthesis` needs a few lines of
//! JavaScript, not a runtime. The button is hidden by the stylesheet until
//! that script finds the API (`html.can-speak`), so a browser that cannot
//! speak, or runs no script, never shows a button that does nothing.

use leptos::prelude::*;

/// The button; `label` is already in the reader's language (the sorting
/// island passes its own, from the server).
#[component]
pub fn ReadAloud(label: String) -> impl IntoView {
    view! {
        <button type="button" class="button button-small read-aloud" data-read-aloud="" aria-pressed="false">
            <span aria-hidden="true">"🔊 "</span>
            {label}
        </button>
    }
}
