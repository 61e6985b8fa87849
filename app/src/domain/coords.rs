//! Coordinates: WGS-84 everywhere inside Linli, GCJ-02 only at the edge.
//!
//! Browser geolocation and our data are WGS-84. Amap (高德) and Tencent maps
//! expect GCJ-02, China's obfuscated datum, which is shifted by 300–500 m in
//! Chengdu; a navigation link that skipped the conversion would put the pin on
//! the wrong street. The conversion below is the publicly documented GCJ-02
//! algorithm (Krasovsky 1940 ellipsoid plus a polynomial-and-sine offset).

use serde::{Deserialize, Serialize};

/// A WGS-84 point in decimal degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    pub fn new(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }

    /// Whether both parts are finite and within the valid degree ranges.
    pub fn is_valid(self) -> bool {
        self.lat.is_finite()
            && self.lng.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lng)
    }
}

/// Semi-major axis and eccentricity² of the Krasovsky 1940 ellipsoid.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// GCJ-02 is only defined inside mainland China; outside it equals WGS-84.
/// This is the usual rough bounding box.
pub fn in_china(p: LatLng) -> bool {
    (73.66..=135.05).contains(&p.lng) && (3.86..=53.55).contains(&p.lat)
}

/// Converts a WGS-84 point to GCJ-02 (for Amap and Tencent links).
pub fn wgs84_to_gcj02(p: LatLng) -> LatLng {
    if !in_china(p) {
        return p;
    }
    let (dlat, dlng) = gcj_offset(p);
    LatLng::new(p.lat + dlat, p.lng + dlng)
}

/// Converts GCJ-02 back to WGS-84 by fixed-point iteration (accurate to a few
/// millimetres after a handful of steps); used when importing Amap-sourced data.
pub fn gcj02_to_wgs84(g: LatLng) -> LatLng {
    if !in_china(g) {
        return g;
    }
    let mut w = g;
    for _ in 0..8 {
        let back = wgs84_to_gcj02(w);
        w = LatLng::new(w.lat + (g.lat - back.lat), w.lng + (g.lng - back.lng));
    }
    w
}

fn gcj_offset(p: LatLng) -> (f64, f64) {
    use std::f64::consts::PI;
    let x = p.lng - 105.0;
    let y = p.lat - 35.0;
    let dlat = transform_lat(x, y);
    let dlng = transform_lng(x, y);
    let rad_lat = p.lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlng = (dlng * 180.0) / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    (dlat, dlng)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lng(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::walking::haversine_m;

    /// The pair published in the widely used `coordtransform` library's
    /// documentation: WGS-84 (39.915, 116.404) in Beijing.
    #[test]
    fn matches_published_beijing_pair() {
        let g = wgs84_to_gcj02(LatLng::new(39.915, 116.404));
        assert!((g.lng - 116.410_244_499_169_38).abs() < 1e-9, "{g:?}");
        assert!((g.lat - 39.916_404_281_501_64).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn chengdu_offset_is_a_few_hundred_metres() {
        let w = LatLng::new(30.657_36, 104.065_76);
        let g = wgs84_to_gcj02(w);
        let d = haversine_m(w, g);
        assert!((200.0..600.0).contains(&d), "{d}");
        // Around Chengdu the shift is north-east.
        assert!(g.lat < w.lat + 0.01 && g.lng > w.lng);
    }

    #[test]
    fn inverse_round_trips_within_centimetres() {
        for w in [LatLng::new(30.657_36, 104.065_76), LatLng::new(39.915, 116.404)] {
            let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
            assert!(haversine_m(w, back) < 0.05, "{w:?} -> {back:?}");
        }
    }

    #[test]
    fn outside_china_is_unchanged() {
        let paris = LatLng::new(48.8566, 2.3522);
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(gcj02_to_wgs84(paris), paris);
    }

    #[test]
    fn validity() {
        assert!(LatLng::new(30.6, 104.0).is_valid());
        assert!(!LatLng::new(91.0, 0.0).is_valid());
        assert!(!LatLng::new(f64::NAN, 0.0).is_valid());
        assert!(!LatLng::new(0.0, f64::INFINITY).is_valid());
    }
}
