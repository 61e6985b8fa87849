//! An island around a server-drawn SVG map: a tap on the map (not on a pin)
//! sets the resident's position there. Pins stay plain links, so the map
//! works, minus tapping, without JavaScript.

use leptos::prelude::*;

use crate::domain::projection::MapFrame;

#[island]
pub fn MapTap(frame: MapFrame, base_query: String, children: Children) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            // Taps on pins and labels follow their links.
            let on_link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a").ok().flatten())
                .is_some();
            if on_link {
                return;
            }
            let Some((x, y)) = tapped(&ev) else {
                return;
            };
            let p = frame.unproject(x, y);
            crate::components::locate::go_to(&base_query, p);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &frame, &base_query);
    };
    view! { <div class="map-tap" on:click=on_click>{children()}</div> }
}

/// Where a tap fell on the map under it (the first `svg` inside the
/// element listening), in the map's SVG units.
#[cfg(feature = "hydrate")]
pub(crate) fn tapped(ev: &leptos::ev::MouseEvent) -> Option<(f64, f64)> {
    use crate::domain::projection::VIEW;
    use wasm_bindgen::JsCast;
    let svg = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.query_selector("svg").ok().flatten())?;
    let rect = svg.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let x = (f64::from(ev.client_x()) - rect.left()) / rect.width() * VIEW;
    let y = (f64::from(ev.client_y()) - rect.top()) / rect.height() * VIEW;
    Some((x, y))
}
