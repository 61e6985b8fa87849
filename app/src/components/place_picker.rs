//! The place step's island: "use my location" and tapping the map. Both put
//! the position into the form's `lat`/`lng` fields and send the form with
//! the "show on map" button, so the server draws the map at the new point
//! and works out the community. Without JavaScript the step still works
//! with the community list and a description.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::locate::Status;
use crate::domain::projection::MapFrame;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceLabels {
    pub use_mine: String,
    pub locating: String,
    pub denied: String,
    pub unavailable: String,
}

#[island(lazy)]
pub fn PlacePicker(labels: PlaceLabels, frame: Option<MapFrame>, children: Children) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (status, set_status) = signal(Status::Idle);
    Effect::new(move |_| set_ready.set(true));
    let locate = move |_| {
        set_status.set(Status::Locating);
        #[cfg(feature = "hydrate")]
        crate::components::locate::request_position(choose, set_status);
    };
    let on_tap = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(p) = frame.and_then(|f| tapped_point(&ev, f)) {
            choose(p);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, frame);
    };
    let message = move || match status.get() {
        Status::Idle => None,
        Status::Locating => Some(labels.locating.clone()),
        Status::Denied => Some(labels.denied.clone()),
        Status::Unavailable => Some(labels.unavailable.clone()),
    };
    let use_mine = labels.use_mine.clone();
    view! {
        <div class="place-picker">
            <div class="locate">
                <Show when=move || ready.get()>
                    <button type="button" id="use-location" class="button button-primary" on:click=locate disabled=move || status.get() == Status::Locating>
                        {use_mine.clone()}
                    </button>
                </Show>
                <p class="locate-status" role="status" aria-live="polite">{message}</p>
            </div>
            <div class="map-tap" on:click=on_tap>{children()}</div>
        </div>
    }
}

/// Writes the position into the form and sends it with the "show on map"
/// button (`action=locate`).
#[cfg(feature = "hydrate")]
fn choose(p: crate::domain::coords::LatLng) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let set = |id: &str, value: f64| {
        if let Some(input) = doc
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_value(&crate::components::locate::micro_degrees(value));
        }
    };
    set("lat", p.lat);
    set("lng", p.lng);
    if let Some(button) = doc
        .query_selector("button[name=action][value=locate]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        button.click();
    }
}

#[cfg(feature = "hydrate")]
fn tapped_point(ev: &leptos::ev::MouseEvent, frame: MapFrame) -> Option<crate::domain::coords::LatLng> {
    crate::components::map_tap::tapped(ev).map(|(x, y)| frame.unproject(x, y))
}
