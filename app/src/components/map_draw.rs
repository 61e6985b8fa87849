//! Placing by tapping a staff map: a facility's position ([`Target::Point`])
//! or a community's boundary, one corner per tap ([`Target::Area`]). The
//! island writes into the form's own fields, so what is saved is what the
//! form shows and is checked by the same rules; typing or pasting still
//! works without JavaScript or a pointer. Its own lazy chunk: only the
//! staff pages that draw load it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::coords::LatLng;
use crate::domain::projection::{MapFrame, VIEW};

/// The form fields a tap writes, by element id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Writes the `lat` and `lng` inputs and empties the pasted-coordinates
    /// one (which would otherwise win).
    Point { lat: String, lng: String, paste: String },
    /// Writes a WGS-84 GeoJSON Polygon into the textarea, picks WGS-84 in
    /// the coordinate-system list and unticks "remove the boundary".
    Area {
        geojson: String,
        crs: String,
        clear: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawLabels {
    pub hint: String,
    /// Said once a point is placed (`Point`).
    pub placed: String,
    /// Said after each corner (`Area`); `{n}` is the number of corners.
    pub corners: String,
    pub undo: String,
    pub restart: String,
}

#[island(lazy)]
pub fn MapDraw(frame: MapFrame, target: Target, labels: DrawLabels, children: Children) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    // Tapped points in SVG units; `Point` keeps only the last.
    let (points, set_points) = signal(Vec::<(f64, f64)>::new());
    // The textarea as the page came, put back by "start again".
    let original = StoredValue::new(None::<String>);
    let area = matches!(target, Target::Area { .. });
    let write = {
        let target = target.clone();
        move |pts: &[(f64, f64)]| {
            let places: Vec<LatLng> = pts.iter().map(|&(x, y)| frame.unproject(x, y)).collect();
            #[cfg(feature = "hydrate")]
            write_fields(&target, &places, original);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&target, places, original);
        }
    };
    let on_tap = {
        let write = write.clone();
        move |ev: leptos::ev::MouseEvent| {
            #[cfg(feature = "hydrate")]
            if let Some(p) = crate::components::map_tap::tapped(&ev) {
                set_points.update(|v| {
                    if !area {
                        v.clear();
                    }
                    v.push(p);
                });
                points.with_untracked(|v| write(v));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &write);
        }
    };
    let undo = {
        let write = write.clone();
        move |_| {
            set_points.update(|v| {
                v.pop();
            });
            points.with_untracked(|v| write(v));
        }
    };
    let restart = move |_| {
        set_points.set(Vec::new());
        points.with_untracked(|v| write(v));
    };
    let (undo_label, restart_label) = (labels.undo.clone(), labels.restart.clone());
    let shape = move || {
        let pts = points.get();
        let path: String = pts
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{},{}", if i == 0 { "M" } else { "L" }, *x as i32, *y as i32))
            .collect();
        let corners = pts
            .iter()
            .map(|&(x, y)| view! { <circle cx=x as i32 cy=y as i32 r="12" class="draw-corner" /> })
            .collect_view();
        let d = if pts.len() > 2 { format!("{path}Z") } else { path };
        view! {
            <path d=d class="draw-outline" />
            {corners}
        }
    };
    let status = {
        let labels = labels.clone();
        move || {
            let n = points.with(Vec::len);
            match (n, area) {
                (0, _) => String::new(),
                (_, false) => labels.placed.clone(),
                (n, true) => labels.corners.replace("{n}", &n.to_string()),
            }
        }
    };
    view! {
        <div class="map-draw" data-ready=move || ready.get().then_some("1")>
            <p class="field-hint">{labels.hint.clone()}</p>
            <div class="map-draw-area" on:click=on_tap>
                {children()}
                <svg class="draw-layer" viewBox=format!("0 0 {VIEW} {VIEW}") aria-hidden="true">{shape}</svg>
            </div>
            <p class="locate-status" role="status" aria-live="polite">{status}</p>
            <Show when=move || ready.get() && area>
                <div class="form-nav">
                    <button type="button" class="button" on:click=undo.clone() disabled=move || points.with(Vec::is_empty)>
                        {undo_label.clone()}
                    </button>
                    <button type="button" class="button" on:click=restart.clone() disabled=move || points.with(Vec::is_empty)>
                        {restart_label.clone()}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// A drawn outline as a GeoJSON Polygon in WGS-84, its ring closed; `None`
/// below three corners. Written from integers (micro-degrees), as the
/// browser bundle does not link float formatting.
pub fn polygon_geojson(corners: &[LatLng]) -> Option<String> {
    use crate::components::locate::micro_degrees;
    if corners.len() < 3 {
        return None;
    }
    let ring: Vec<String> = corners
        .iter()
        .chain(corners.first())
        .map(|p| format!("[{},{}]", micro_degrees(p.lng), micro_degrees(p.lat)))
        .collect();
    Some(format!(r#"{{"type":"Polygon","coordinates":[[{}]]}}"#, ring.join(",")))
}

#[cfg(feature = "hydrate")]
fn write_fields(target: &Target, places: &[LatLng], original: StoredValue<Option<String>>) {
    use crate::components::locate::micro_degrees;
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let input = |id: &str| {
        doc.get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
    };
    match target {
        Target::Point { lat, lng, paste } => {
            let Some(p) = places.last() else { return };
            if let (Some(a), Some(b)) = (input(lat), input(lng)) {
                a.set_value(&micro_degrees(p.lat));
                b.set_value(&micro_degrees(p.lng));
            }
            if let Some(c) = input(paste) {
                c.set_value("");
            }
        }
        Target::Area { geojson, crs, clear } => {
            let Some(text) = doc
                .get_element_by_id(geojson)
                .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            else {
                return;
            };
            if original.with_value(Option::is_none) {
                original.set_value(Some(text.value()));
            }
            match polygon_geojson(places) {
                Some(json) => {
                    text.set_value(&json);
                    if let Some(select) = doc
                        .get_element_by_id(crs)
                        .and_then(|el| el.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    {
                        select.set_value("wgs84");
                    }
                    if let Some(c) = input(clear) {
                        c.set_checked(false);
                    }
                }
                None => text.set_value(&original.get_value().unwrap_or_default()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::boundary::Boundary;

    #[test]
    fn a_drawn_outline_reads_back_as_the_same_boundary() {
        let corners = [
            LatLng::new(30.6401, 104.0401),
            LatLng::new(30.6402, 104.0502),
            LatLng::new(30.6303, 104.0503),
            LatLng::new(30.6304, 104.0404),
        ];
        let text = polygon_geojson(&corners).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let b = Boundary::from_geojson(&value, |p| p).unwrap();
        let ring = &b.polygons[0].rings[0];
        for (got, want) in ring.iter().zip(&corners) {
            assert!(
                (got.lat - want.lat).abs() < 1e-6 && (got.lng - want.lng).abs() < 1e-6,
                "{got:?} {want:?}"
            );
        }
        assert!(b.contains(LatLng::new(30.635, 104.045)));
        assert!(!b.contains(LatLng::new(30.645, 104.045)));
    }

    #[test]
    fn fewer_than_three_corners_are_no_polygon() {
        assert_eq!(polygon_geojson(&[]), None);
        assert_eq!(
            polygon_geojson(&[LatLng::new(30.6, 104.0), LatLng::new(30.7, 104.1)]),
            None
        );
    }
}
