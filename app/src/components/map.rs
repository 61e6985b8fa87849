//! SVG maps drawn from our own data, with no tile server: nothing to
//! download, nothing that leaks the resident's position to a third party.
//! The list next to the map says everything the map shows; the map adds the
//! picture. Pins are numbered like the list; they are links for a tap, but
//! out of the tab order and hidden from screen readers, as the list is the
//! way in for the keyboard, for screen readers and for large fingers. On a
//! search's map a pin leads to its card in the list (`#r3`), which has the
//! facility's hours, phone and directions, rather than away from the page.

use leptos::prelude::*;

use serde::{Deserialize, Serialize};

use crate::components::map_draw::{DrawLabels, MapDraw, Target};
use crate::components::map_tap::MapTap;
use crate::domain::boundary::Boundary;
use crate::domain::coords::LatLng;
use crate::domain::facility::{Community, Kind};
use crate::domain::nearby::{Hit, NearbyQuery};
use crate::domain::projection::{MapFrame, VIEW};
use crate::domain::walking;
use crate::i18n::*;
use crate::prefs::use_prefs;

/// One pin: its list number, link and place.
pub struct Pin {
    pub number: usize,
    pub kind: Kind,
    pub href: String,
    pub at: LatLng,
}

/// The map of a search: the resident, the walking rings and the results.
#[component]
pub fn NearbyMap(query: NearbyQuery, hits: Vec<Hit>) -> impl IntoView {
    let locale = use_prefs().locale;
    let reach = query.reach_m();
    let farthest = hits.iter().map(|h| h.distance_m).fold(0.0, f64::max);
    let frame = MapFrame {
        centre: query.origin,
        half_span_m: reach.max(farthest) * 1.08,
    };
    let rings: Vec<(u32, f64)> = walking::rings_for(query.minutes)
        .iter()
        .filter(|&&r| r <= query.minutes)
        .map(|&r| (r, walking::reach_m(r, query.pace)))
        .collect();
    let pins: Vec<Pin> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| Pin {
            number: i + 1,
            kind: h.facility.kind(),
            href: format!("#r{}", i + 1),
            at: h.facility.location,
        })
        .collect();
    let (ux, uy) = frame.project(query.origin);
    view! {
        <figure class="map">
            <MapTap frame search=query.options_query()>
                <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="group" aria-labelledby="map-title">
                    <title id="map-title">{td_string!(locale, map_label).to_string()}</title>
                    <rect class="map-bg" width=VIEW height=VIEW />
                    {rings
                        .into_iter()
                        .rev()
                        .map(|(minutes, metres)| {
                            let r = frame.scale(metres);
                            view! {
                                <circle class="map-ring" cx=ux cy=uy r=format!("{r:.1}") />
                                <text class="map-ring-label" x=ux y=format!("{:.1}", uy - r + 28.0) aria-hidden="true">
                                    {td_string!(locale, map_ring, minutes = minutes).to_string()}
                                </text>
                            }
                        })
                        .collect_view()}
                    <PinLayer frame pins />
                    <g class="map-you" transform=format!("translate({ux:.1} {uy:.1})")>
                        <circle r="16" />
                        <circle r="6" class="map-you-dot" />
                        <title>{td_string!(locale, map_you).to_string()}</title>
                    </g>
                </svg>
            </MapTap>
            <figcaption>{td!(locale, map_tap_hint)}</figcaption>
        </figure>
    }
}

/// The map of communities, for choosing a position without geolocation.
#[component]
pub fn CommunityMap(communities: std::sync::Arc<Vec<Community>>, options_query: String) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let points: Vec<LatLng> = communities.iter().map(|c| c.centre).collect();
    let frame = MapFrame::around(&points, 1_000.0);
    let dots = communities
        .iter()
        .map(|c| {
            let (x, y) = frame.project(c.centre);
            // Dozens of names would overlap on a phone: the dots carry their
            // names as tooltips; the list above is the way to choose.
            let name = c.name(english).to_string();
            view! {
                <a href=format!("/nearby?{options_query}&community={}", c.code) tabindex="-1" aria-hidden="true">
                    <g class="map-community" transform=format!("translate({x:.1} {y:.1})")>
                        <circle r="14" />
                        <title>{name}</title>
                    </g>
                </a>
            }
        })
        .collect_view();
    view! {
        <figure class="map map-communities">
            <MapTap frame search=options_query.clone()>
                <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="group" aria-labelledby="community-map-title">
                    <title id="community-map-title">{td_string!(locale, map_pick_label).to_string()}</title>
                    <rect class="map-bg" width=VIEW height=VIEW />
                    {dots}
                </svg>
            </MapTap>
            <figcaption>{td!(locale, location_tap_map)}</figcaption>
        </figure>
    }
}

/// Facilities on a map of their own (the administration list): numbered
/// like the list beside it, each pin a link to the facility's page.
#[component]
pub fn FacilityMap(pins: Vec<Pin>, label: String) -> impl IntoView {
    let points: Vec<LatLng> = pins.iter().map(|p| p.at).collect();
    let frame = MapFrame::around(&points, 400.0);
    view! {
        <figure class="map">
            <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="group" aria-labelledby="facility-map-title">
                <title id="facility-map-title">{label}</title>
                <rect class="map-bg" width=VIEW height=VIEW />
                <PinLayer frame pins />
            </svg>
        </figure>
    }
}

#[component]
fn PinLayer(frame: MapFrame, pins: Vec<Pin>) -> impl IntoView {
    // Draw the farthest first so the nearest sit on top.
    pins.into_iter()
        .rev()
        .map(|pin| {
            let (x, y) = frame.project(pin.at);
            // A different shape per kind, so colour is not the only cue.
            let shape = match pin.kind {
                Kind::Meal => view! { <circle r="22" /> }.into_any(),
                Kind::Reading => view! { <rect x="-20" y="-20" width="40" height="40" rx="4" /> }.into_any(),
                Kind::Sorting => view! { <path d="M0 -25 L24 18 L-24 18 Z" /> }.into_any(),
            };
            view! {
                // Out of the tab order and hidden from screen readers: the
                // numbered list beside the map is the way in (and its
                // targets are large enough); a tap on a pin still opens it.
                <a href=pin.href tabindex="-1" aria-hidden="true">
                    <g class=format!("map-pin pin-{}", pin.kind.as_str()) transform=format!("translate({x:.1} {y:.1})")>
                        {shape}
                        <text y="7">{pin.number}</text>
                    </g>
                </a>
            }
        })
        .collect_view()
}

/// A staff map of one community: its boundary, its centre, its facilities
/// and one marked place (the facility being edited), drawn in `frame`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineMap {
    pub frame: MapFrame,
    /// An SVG path (`M … Z` per ring).
    pub outline: String,
    pub centre: Option<(f64, f64)>,
    pub facilities: Vec<(f64, f64)>,
    pub marked: Option<(f64, f64)>,
}

impl OutlineMap {
    /// A frame around everything given (at least `min_half_span_m` from its
    /// middle to an edge) with everything projected into it.
    pub fn draw(
        boundary: Option<&Boundary>,
        centre: Option<LatLng>,
        facilities: &[LatLng],
        marked: Option<LatLng>,
        min_half_span_m: f64,
    ) -> Self {
        let rings: Vec<&Vec<LatLng>> = boundary
            .iter()
            .flat_map(|b| b.polygons.iter().flat_map(|p| &p.rings))
            .collect();
        let mut all: Vec<LatLng> = rings.iter().flat_map(|r| r.iter().copied()).collect();
        all.extend(centre);
        all.extend(marked);
        all.extend(facilities.iter().copied());
        let frame = MapFrame::around(&all, min_half_span_m);
        let outline = rings
            .iter()
            .map(|ring| {
                let points: Vec<String> = ring
                    .iter()
                    .map(|p| {
                        let (x, y) = frame.project(*p);
                        format!("{x:.1},{y:.1}")
                    })
                    .collect();
                format!("M{}Z", points.join("L"))
            })
            .collect();
        Self {
            frame,
            outline,
            centre: centre.map(|c| frame.project(c)),
            facilities: facilities.iter().map(|p| frame.project(*p)).collect(),
            marked: marked.map(|p| frame.project(p)),
        }
    }
}

/// An [`OutlineMap`] that staff tap to place a point or draw a boundary
/// (see [`MapDraw`]).
#[component]
pub fn StaffMap(map: OutlineMap, caption: String, target: Target, labels: DrawLabels) -> impl IntoView {
    view! {
        <figure class="community-map">
            <MapDraw frame=map.frame target labels>
                <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="img" aria-labelledby="cmap-caption">
                    <path d=map.outline.clone() class="community-outline" />
                    {map
                        .facilities
                        .iter()
                        .map(|(x, y)| view! { <rect x=x - 8.0 y=y - 8.0 width="16" height="16" class="community-facility" /> })
                        .collect_view()}
                    {map.centre.map(|(x, y)| view! { <circle cx=x cy=y r="14" class="community-centre" /> })}
                    {map.marked.map(|(x, y)| view! { <circle cx=x cy=y r="18" class="map-marked" /> })}
                </svg>
            </MapDraw>
            <figcaption id="cmap-caption">{caption}</figcaption>
        </figure>
    }
}
