//! Projection for the SVG maps: a local equirectangular frame around a
//! centre, in metres, scaled to a 1000-unit square. At neighbourhood scale
//! (a few kilometres) its distortion is far below a pin's width, and it is
//! simple enough to invert in the browser when a resident taps the map.

use serde::{Deserialize, Serialize};

use super::coords::LatLng;

/// Side of the map's viewBox in SVG units.
pub const VIEW: f64 = 1000.0;
const M_PER_DEG_LAT: f64 = 110_574.0;
const M_PER_DEG_LNG_EQUATOR: f64 = 111_320.0;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapFrame {
    pub centre: LatLng,
    /// Metres from the centre to each edge.
    pub half_span_m: f64,
}

impl MapFrame {
    /// The smallest frame around `points` (with a margin), at least `min_half_span_m`.
    pub fn around(points: &[LatLng], min_half_span_m: f64) -> Self {
        let (mut lat0, mut lat1, mut lng0, mut lng1) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for p in points {
            lat0 = lat0.min(p.lat);
            lat1 = lat1.max(p.lat);
            lng0 = lng0.min(p.lng);
            lng1 = lng1.max(p.lng);
        }
        if points.is_empty() {
            return Self {
                centre: LatLng::new(0.0, 0.0),
                half_span_m: min_half_span_m,
            };
        }
        let centre = LatLng::new((lat0 + lat1) / 2.0, (lng0 + lng1) / 2.0);
        let frame = Self {
            centre,
            half_span_m: 1.0,
        };
        let half_h = (lat1 - lat0) / 2.0 * M_PER_DEG_LAT;
        let half_w = (lng1 - lng0) / 2.0 * frame.m_per_deg_lng();
        Self {
            centre,
            half_span_m: (half_h.max(half_w) * 1.1).max(min_half_span_m),
        }
    }

    fn m_per_deg_lng(&self) -> f64 {
        M_PER_DEG_LNG_EQUATOR * self.centre.lat.to_radians().cos()
    }

    fn units_per_m(&self) -> f64 {
        VIEW / (2.0 * self.half_span_m)
    }

    /// SVG `(x, y)` of a point; y grows southwards.
    pub fn project(&self, p: LatLng) -> (f64, f64) {
        let east = (p.lng - self.centre.lng) * self.m_per_deg_lng();
        let north = (p.lat - self.centre.lat) * M_PER_DEG_LAT;
        let k = self.units_per_m();
        (VIEW / 2.0 + east * k, VIEW / 2.0 - north * k)
    }

    pub fn unproject(&self, x: f64, y: f64) -> LatLng {
        let k = self.units_per_m();
        let east = (x - VIEW / 2.0) / k;
        let north = (VIEW / 2.0 - y) / k;
        LatLng::new(
            self.centre.lat + north / M_PER_DEG_LAT,
            self.centre.lng + east / self.m_per_deg_lng(),
        )
    }

    /// A length in metres as SVG units.
    pub fn scale(&self, metres: f64) -> f64 {
        metres * self.units_per_m()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::walking::haversine_m;

    #[test]
    fn centre_maps_to_the_middle_and_round_trips() {
        let f = MapFrame {
            centre: LatLng::new(30.65, 104.06),
            half_span_m: 1000.0,
        };
        assert_eq!(f.project(f.centre), (500.0, 500.0));
        let p = LatLng::new(30.655, 104.065);
        let (x, y) = f.project(p);
        assert!(x > 500.0 && y < 500.0, "north-east is up and right");
        let back = f.unproject(x, y);
        assert!(haversine_m(p, back) < 0.01);
        // 1 km from the centre is the edge.
        assert!((f.scale(1000.0) - 500.0).abs() < 1e-9);
    }

    #[test]
    fn distances_are_nearly_true_at_city_scale() {
        let f = MapFrame {
            centre: LatLng::new(30.65, 104.06),
            half_span_m: 2000.0,
        };
        let (a, b) = (LatLng::new(30.64, 104.05), LatLng::new(30.66, 104.07));
        let (ax, ay) = f.project(a);
        let (bx, by) = f.project(b);
        let on_map = ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt() / f.scale(1.0);
        let true_m = haversine_m(a, b);
        assert!((on_map - true_m).abs() / true_m < 0.005, "{on_map} vs {true_m}");
    }

    #[test]
    fn frame_around_points_contains_them() {
        let pts = [LatLng::new(30.60, 104.00), LatLng::new(30.70, 104.10)];
        let f = MapFrame::around(&pts, 500.0);
        for p in pts {
            let (x, y) = f.project(p);
            assert!((0.0..=VIEW).contains(&x) && (0.0..=VIEW).contains(&y));
        }
        assert_eq!(MapFrame::around(&[LatLng::new(30.6, 104.0)], 500.0).half_span_m, 500.0);
    }
}
