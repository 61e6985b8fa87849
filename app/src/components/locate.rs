//! The "use my location" island, and the device-only memory of the last
//! position. The position goes into the URL of the search (so the server can
//! render the answer) and into this device's localStorage; it is never kept
//! on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::coords::LatLng;

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "linli.location";

/// The words the island shows, already in the resident's language (the
/// server translates them, so no translation tables ship to the browser).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocateLabels {
    pub use_mine: String,
    pub locating: String,
    pub denied: String,
    pub unavailable: String,
    pub last: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) enum Status {
    Idle,
    Locating,
    Denied,
    Unavailable,
}

/// `/nearby?…` for the options in `base_query` and a position.
pub fn search_url(base_query: &str, p: LatLng) -> String {
    let sep = if base_query.is_empty() { "" } else { "&" };
    format!(
        "/nearby?{base_query}{sep}lat={}&lng={}",
        micro_degrees(p.lat),
        micro_degrees(p.lng)
    )
}

/// A coordinate with six decimals (about 10 cm), written from an integer:
/// the same text as `{:.6}` without linking float formatting into the
/// browser bundle.
pub(crate) fn micro_degrees(x: f64) -> String {
    let micro = (x * 1e6).round() as i64;
    let sign = if micro < 0 { "-" } else { "" };
    let abs = micro.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_six_decimals() {
        for x in [30.6368, -0.5, 104.0, 0.0000004, -33.123_456_7, 179.999_999_9] {
            assert_eq!(micro_degrees(x), format!("{x:.6}"), "{x}");
        }
        assert_eq!(
            search_url("kind=meal", LatLng::new(30.6368, 104.0535)),
            "/nearby?kind=meal&lat=30.636800&lng=104.053500"
        );
        assert_eq!(
            search_url("", LatLng::new(1.0, 2.0)),
            "/nearby?lat=1.000000&lng=2.000000"
        );
    }

    #[test]
    fn the_stored_position_reads_back_as_json() {
        let p = LatLng::new(30.629, -104.059_000_4);
        let [lat, lng]: [f64; 2] = serde_json::from_str(&stored_text(p)).unwrap();
        assert_eq!((lat, lng), (30.629, -104.059));
    }
}

/// Opens the search for a position, remembering it on this device.
pub fn go_to(base_query: &str, p: LatLng) {
    #[cfg(feature = "hydrate")]
    {
        remember(p);
        if let Some(w) = web_sys::window() {
            let url = search_url(base_query, p);
            let _ = w.location().assign(&url);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (base_query, p);
}

/// Kept as the JSON array `[lat,lng]`, written with [`micro_degrees`] so
/// that serde_json's float writer stays out of the main WASM module (its
/// reader is there anyway, for the islands' props).
#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[cfg(feature = "hydrate")]
fn remember(p: LatLng) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &stored_text(p));
    }
}

#[cfg(feature = "hydrate")]
fn recall() -> Option<LatLng> {
    let text = storage()?.get_item(STORAGE_KEY).ok()??;
    let [lat, lng]: [f64; 2] = serde_json::from_str(&text).ok()?;
    let p = LatLng::new(lat, lng);
    p.is_valid().then_some(p)
}

/// What [`remember`] writes.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) fn stored_text(p: LatLng) -> String {
    format!("[{},{}]", micro_degrees(p.lat), micro_degrees(p.lng))
}

/// `current`: the position the page shows, if any (it is remembered).
/// `base_query`: the other search parameters, kept when the position changes.
#[island]
pub fn Locate(labels: LocateLabels, base_query: String, current: Option<LatLng>) -> impl IntoView {
    // Rendered only once hydrated: without JavaScript there is no button that
    // cannot work, and the community list below does the job.
    let (ready, set_ready) = signal(false);
    let (status, set_status) = signal(Status::Idle);
    let (last, set_last) = signal(None::<LatLng>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        match current {
            Some(p) => remember(p),
            None => set_last.set(recall()),
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (current, set_last);
        set_ready.set(true);
    });
    let base = StoredValue::new(base_query);
    let locate = move |_| {
        set_status.set(Status::Locating);
        #[cfg(feature = "hydrate")]
        request_position(move |p| go_to(&base.get_value(), p), set_status);
    };
    let message = move || match status.get() {
        Status::Idle => None,
        Status::Locating => Some(labels.locating.clone()),
        Status::Denied => Some(labels.denied.clone()),
        Status::Unavailable => Some(labels.unavailable.clone()),
    };
    let use_mine = labels.use_mine.clone();
    let last_label = labels.last.clone();
    view! {
        <div class="locate">
            <Show when=move || ready.get()>
                <button type="button" class="button button-primary locate-button" on:click=locate disabled=move || status.get() == Status::Locating>
                    <svg class="kind-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2v4M12 18v4M2 12h4M18 12h4M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z" /></svg>
                    {use_mine.clone()}
                </button>
                {
                    let last_label = last_label.clone();
                    move || last.get().map(|p| {
                        view! { <a class="button" href=search_url(&base.get_value(), p)>{last_label.clone()}</a> }
                    })
                }
            </Show>
            <p class="locate-status" role="status" aria-live="polite">{message}</p>
        </div>
    }
}

/// Asks the browser for the position; on success calls `on_found`, on
/// failure says why and moves the focus to the community list.
#[cfg(feature = "hydrate")]
pub(crate) fn request_position(on_found: impl FnOnce(LatLng) + 'static, set_status: WriteSignal<Status>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        set_status.set(Status::Unavailable);
        return;
    };
    let on_ok = Closure::once_into_js(move |pos: web_sys::Position| {
        let c = pos.coords();
        on_found(LatLng::new(c.latitude(), c.longitude()));
    });
    let on_err = Closure::once_into_js(move |err: web_sys::PositionError| {
        set_status.set(if err.code() == web_sys::PositionError::PERMISSION_DENIED {
            Status::Denied
        } else {
            Status::Unavailable
        });
        // Lead the resident straight to the alternative.
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("community"))
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    options.set_maximum_age(60_000);
    if geo
        .get_current_position_with_error_callback_and_options(
            on_ok.unchecked_ref(),
            Some(on_err.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        set_status.set(Status::Unavailable);
    }
}
