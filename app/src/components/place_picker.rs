//! The place step's "use my location" and tapping the map. Both put the
//! position into the form's `lat`/`lng` fields and send the form with the
//! "show on map" button, so the server draws the map at the new point and
//! works out the community. The page script does both
//! (`server/src/pwa/page.js`): the button shows where the browser can
//! locate (`locate.rs`), and without JavaScript the step still works with
//! the community list and a description.

use leptos::prelude::*;

use crate::components::map_tap::MapTap;
use crate::domain::projection::MapFrame;

#[derive(Clone, Debug, PartialEq)]
pub struct PlaceLabels {
    pub use_mine: String,
    pub locating: String,
    pub denied: String,
    pub unavailable: String,
}

#[component]
pub fn PlacePicker(labels: PlaceLabels, frame: Option<MapFrame>, children: Children) -> impl IntoView {
    view! {
        <div class="place-picker">
            <div
                class="locate"
                data-locating=labels.locating
                data-denied=labels.denied
                data-unavailable=labels.unavailable
            >
                <button type="button" id="use-location" class="button button-primary" data-locate="">
                    {labels.use_mine}
                </button>
                <p class="locate-status" role="status" aria-live="polite"></p>
            </div>
            {match frame {
                Some(frame) => view! { <MapTap frame>{children()}</MapTap> }.into_any(),
                None => children().into_any(),
            }}
        </div>
    }
}
