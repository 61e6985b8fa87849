//! The squares a phone keeps offline data in: web-map tiles (the
//! `zoom/x/y` scheme of OpenStreetMap and every web map) at one zoom,
//! about 4 km wide in Chengdu.
//!
//! A phone keeps the tiles around the places it searched from
//! ([`around`] with [`AREA_RADIUS_M`]), not the whole city; an offline
//! search is complete when the tiles under its walking radius are all kept
//! ([`covers`]), so it works across the edge between two tiles.

use serde::{Deserialize, Serialize};

use super::coords::LatLng;
use super::walking::{reach_m, Pace};

/// 2¹³ tiles around the world: 4.2 km wide at Chengdu's latitude.
pub const ZOOM: u8 = 13;
const SIDE: u32 = 1 << ZOOM;
/// Web maps stop at this latitude (the square Mercator world).
const MAX_LAT: f64 = 85.051_128_78;
/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_195.0;

/// What a phone keeps around a place it searched from: the farthest
/// search Linli offers (60 minutes at a normal pace, 3.3 km) and a little
/// more, so any search from that place can be answered offline.
pub fn area_radius_m() -> f64 {
    reach_m(super::nearby::MAX_MINUTES, Pace::Normal) + 200.0
}

/// One tile of [`ZOOM`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tile {
    pub x: u32,
    pub y: u32,
}

impl Tile {
    /// A tile by its numbers, when they are on the map.
    pub fn new(x: u32, y: u32) -> Option<Self> {
        (x < SIDE && y < SIDE).then_some(Self { x, y })
    }

    /// The tile a point lies in.
    pub fn of(p: LatLng) -> Self {
        let n = f64::from(SIDE);
        let x = ((p.lng + 180.0) / 360.0 * n).floor();
        let lat = p.lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
        let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
        let clamp = |v: f64| v.clamp(0.0, n - 1.0) as u32;
        Self {
            x: clamp(x),
            y: clamp(y),
        }
    }

    /// Its north-west and south-east corners.
    pub fn corners(self) -> (LatLng, LatLng) {
        let n = f64::from(SIDE);
        let lng = |x: u32| f64::from(x) / n * 360.0 - 180.0;
        let lat = |y: u32| {
            let m = std::f64::consts::PI * (1.0 - 2.0 * f64::from(y) / n);
            m.sinh().atan().to_degrees()
        };
        (
            LatLng::new(lat(self.y), lng(self.x)),
            LatLng::new(lat(self.y + 1), lng(self.x + 1)),
        )
    }

    /// `13/x/y`, as in its address.
    pub fn path(self) -> String {
        format!("{ZOOM}/{}/{}", self.x, self.y)
    }
}

/// Every tile within `radius_m` of `p` (those under the square around
/// the circle: a few more than the circle touches, never fewer).
pub fn around(p: LatLng, radius_m: f64) -> Vec<Tile> {
    let dlat = radius_m / M_PER_DEG;
    let dlng = dlat / p.lat.to_radians().cos().max(0.01);
    let nw = Tile::of(LatLng::new(p.lat + dlat, p.lng - dlng));
    let se = Tile::of(LatLng::new(p.lat - dlat, p.lng + dlng));
    (nw.y..=se.y)
        .flat_map(|y| (nw.x..=se.x).map(move |x| Tile { x, y }))
        .collect()
}

/// Whether `kept` holds every tile within `radius_m` of `p`.
pub fn covers(kept: &[Tile], p: LatLng, radius_m: f64) -> bool {
    around(p, radius_m).iter().all(|t| kept.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::walking::haversine_m;

    #[test]
    fn tiles_are_the_web_map_ones() {
        // Tianfu Square, Chengdu; the numbers any z/x/y map uses there.
        let t = Tile::of(LatLng::new(30.657, 104.066));
        assert_eq!((t.x, t.y), (6464, 3362));
        assert_eq!(t.path(), "13/6464/3362");
        let (nw, se) = t.corners();
        assert!(nw.lat > 30.657 && se.lat < 30.657 && nw.lng < 104.066 && se.lng > 104.066);
        // About 4.2 km by 4.2 km there.
        let width = haversine_m(nw, LatLng::new(nw.lat, se.lng));
        let height = haversine_m(nw, LatLng::new(se.lat, nw.lng));
        assert!((4000.0..4400.0).contains(&width), "{width}");
        assert!((4000.0..4400.0).contains(&height), "{height}");
        // Corners belong to the tile they open.
        assert_eq!(Tile::of(nw), t);
        assert_eq!(Tile::new(SIDE, 0), None);
        assert_eq!(Tile::of(LatLng::new(89.9, 180.0)), Tile { x: SIDE - 1, y: 0 });
    }

    #[test]
    fn the_area_holds_every_point_of_the_circle() {
        let p = LatLng::new(30.6525, 104.0653);
        let r = area_radius_m();
        let tiles = around(p, r);
        assert!((4..=9).contains(&tiles.len()), "{}", tiles.len());
        // Points on and inside the circle, all around it.
        for step in 0..72 {
            let a = f64::from(step) * 5.0_f64.to_radians();
            for frac in [0.5, 0.99] {
                let q = LatLng::new(
                    p.lat + frac * r * a.sin() / M_PER_DEG,
                    p.lng + frac * r * a.cos() / (M_PER_DEG * p.lat.to_radians().cos()),
                );
                assert!(haversine_m(p, q) <= r);
                assert!(tiles.contains(&Tile::of(q)), "{q:?}");
            }
        }
        assert!(covers(&tiles, p, r));
        // A search 2 km away with a 15-minute radius is still inside …
        let near = LatLng::new(p.lat, p.lng + 2000.0 / (M_PER_DEG * p.lat.to_radians().cos()));
        assert!(covers(&tiles, near, 831.0));
        // … one 10 km away is not.
        let far = LatLng::new(p.lat + 0.09, p.lng);
        assert!(!covers(&tiles, far, 831.0));
    }
}
