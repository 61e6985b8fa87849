//! Linli's application crate: the UI (pages, components, islands), the server
//! functions they call, and the domain they share with the server.
//!
//! Compiled twice: with `ssr` for the server (everything), and with `hydrate`
//! for the browser, where only the islands (`#[island]`) are interactive; the
//! rest of each page is plain server-rendered HTML that works without
//! JavaScript.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

// The pages and the router are drawn on the server only: in the browser
// just the islands run, so the browser build leaves them out.
#[cfg(feature = "ssr")]
pub mod app;
pub mod components;
pub mod domain;
pub mod pages;
pub mod prefs;
pub mod security;
#[cfg(feature = "ssr")]
pub mod server;

/// Hydrates the islands of a server-rendered page. Called from the
/// `frontend` entry crate; living here also makes the browser bundle link
/// this crate, and with it every island's hydration function.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
