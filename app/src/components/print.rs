//! A button that prints the page (the print stylesheet keeps only the slip
//! being printed). Its own lazy WASM chunk: no page pays for it until one
//! with a slip is opened.

use leptos::prelude::*;

#[island(lazy)]
pub fn PrintButton(label: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button print-button"
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            }
        >
            {label}
        </button>
    }
}
