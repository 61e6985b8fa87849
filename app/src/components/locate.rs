//! "Use my location", and the device-only memory of the last position. The
//! position goes into the URL of the search (so the server can render the
//! answer) and into this device's localStorage (by the page script); it is
//! never kept on the server. [`request_position`] is the offline form's
//! (an island) way to the same.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::coords::LatLng;

/// The words of the button and its status line, in the resident's language.
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

/// A coordinate with six decimals (about 10 cm), written from an integer:
/// the same text as `{:.6}` (and as the page script's `toFixed(6)`) without
/// linking float formatting into the browser bundle.
pub(crate) fn micro_degrees(x: f64) -> String {
    let micro = (x * 1e6).round() as i64;
    let sign = if micro < 0 { "-" } else { "" };
    let abs = micro.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// What the page script keeps on this device: the JSON array `[lat,lng]`.
pub(crate) fn stored_text(p: LatLng) -> String {
    format!("[{},{}]", micro_degrees(p.lat), micro_degrees(p.lng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_six_decimals() {
        for x in [30.6368, -0.5, 104.0, 0.0000004, -33.123_456_7, 179.999_999_9] {
            assert_eq!(micro_degrees(x), format!("{x:.6}"), "{x}");
        }
    }

    #[test]
    fn the_stored_position_reads_back_as_json() {
        let p = LatLng::new(30.629, -104.059_000_4);
        let [lat, lng]: [f64; 2] = serde_json::from_str(&stored_text(p)).unwrap();
        assert_eq!((lat, lng), (30.629, -104.059));
    }
}

/// `current`: the position the page shows, if any (the page script
/// remembers it on this device). `base_query`: the other search parameters,
/// kept when the position changes.
///
/// Not an island: asking the phone for its position and opening the search
/// there is a few lines of the page script (`server/src/pwa/page.js`,
/// "Use my location"), where as an island it made every search page
/// download the 93 KB WASM module first. The button shows where the page's
/// head script found geolocation (`html.can-locate`, before the body is
/// drawn), the last-position link once the page script has found one:
/// without JavaScript there is no button that cannot work, and the
/// community list below does the job.
#[component]
pub fn Locate(labels: LocateLabels, base_query: String, current: Option<LatLng>) -> impl IntoView {
    view! {
        <div
            class="locate"
            data-search=base_query
            data-here=current.map(stored_text)
            data-locating=labels.locating
            data-denied=labels.denied
            data-unavailable=labels.unavailable
        >
            <button type="button" class="button button-primary locate-button" data-locate="">
                <svg class="kind-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2v4M12 18v4M2 12h4M18 12h4M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z" /></svg>
                {labels.use_mine}
            </button>
            <a class="button" data-last="" hidden>{labels.last}</a>
            <p class="locate-status" role="status" aria-live="polite"></p>
        </div>
    }
}

/// Asks the browser for the position (saying so meanwhile); on success
/// calls `on_found`, on failure says why and moves the focus to the
/// community list.
#[cfg(feature = "hydrate")]
pub(crate) fn request_position(on_found: impl FnOnce(LatLng) + 'static, set_status: WriteSignal<Status>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    set_status.set(Status::Locating);
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
