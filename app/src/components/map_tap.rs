//! A server-drawn SVG map on which a tap (not on a pin) chooses a position:
//! the search opens there, or, in the suggestion form, the place is set
//! there. The page script does it (`server/src/pwa/page.js`, "Tapping the
//! map") from the frame's corners written here; pins stay plain links, so
//! the map works, minus tapping, without JavaScript.

use leptos::prelude::*;

use crate::domain::projection::{MapFrame, VIEW};

/// The latitude and longitude of the map's top-left and bottom-right
/// corners, which the page script interpolates between: the projection is
/// linear in each axis, so this is exactly [`MapFrame::unproject`].
pub fn corners(frame: MapFrame) -> String {
    let nw = frame.unproject(0.0, 0.0);
    let se = frame.unproject(VIEW, VIEW);
    format!("{} {} {} {}", nw.lat, nw.lng, se.lat, se.lng)
}

/// `search`: the other search parameters when a tap opens the search
/// there; `None` when the tap fills the suggestion form's place instead.
#[component]
pub fn MapTap(frame: MapFrame, #[prop(optional, into)] search: Option<String>, children: Children) -> impl IntoView {
    view! { <div class="map-tap" data-frame=corners(frame) data-search=search>{children()}</div> }
}

/// Where a tap fell on the map under it (the first `svg` inside the
/// element listening), in the map's SVG units. For the committee's
/// drawing island.
#[cfg(feature = "hydrate")]
pub(crate) fn tapped(ev: &leptos::ev::MouseEvent) -> Option<(f64, f64)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coords::LatLng;

    /// What the page script does with the corners gives the same point as
    /// the server's projection.
    #[test]
    fn interpolating_the_corners_is_the_projection() {
        let frame = MapFrame {
            centre: LatLng::new(30.629, 104.059),
            half_span_m: 1_350.0,
        };
        let c: Vec<f64> = corners(frame).split(' ').map(|x| x.parse().unwrap()).collect();
        for (fx, fy) in [(0.08, 0.08), (0.5, 0.5), (0.91, 0.27), (1.0, 0.0)] {
            let want = frame.unproject(fx * VIEW, fy * VIEW);
            let lat = c[0] + (c[2] - c[0]) * fy;
            let lng = c[1] + (c[3] - c[1]) * fx;
            assert!(
                (lat - want.lat).abs() < 1e-9 && (lng - want.lng).abs() < 1e-9,
                "{fx},{fy}"
            );
        }
    }
}
