//! Coordinates: WGS-84 everywhere inside Linli, GCJ-02 only at the edge.
//!
//! Browser geolocation and our data are WGS-84. Amap (高德) and Tencent maps
//! expect GCJ-02, China's obfuscated datum, which is shifted by 300–500 m in
//! Chengdu; a navigation link that skipped the conversion would put the pin on
//! the wrong street. The conversion below is the publicly documented GCJ-02
//! algorithm (Krasovsky 1940 ellipsoid plus a polynomial-and-sine offset).
//! Baidu's BD-09 is GCJ-02 shifted once more (a small rotation and offset).
//! Imports convert from a file's system to WGS-84 on the way in ([`Crs`]);
//! the inverses have no closed form, so they iterate the forward transform.

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

/// Coordinates pasted as one text from a map app, "30.6365, 104.0452"
/// (a full-width comma or a space also separates them): latitude and
/// longitude as typed, not yet parsed; the whole text as the latitude
/// when there is no separator.
pub fn split_pasted(text: &str) -> (&str, &str) {
    match text.trim().split_once([',', '，', ' ']) {
        Some((lat, lng)) => (lat.trim(), lng.trim()),
        None => (text.trim(), ""),
    }
}

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

/// `x_pi` of Baidu's published BD-09 transform.
const BD_X_PI: f64 = std::f64::consts::PI * 3000.0 / 180.0;

/// Converts GCJ-02 to Baidu's BD-09 (the published forward transform).
pub fn gcj02_to_bd09(g: LatLng) -> LatLng {
    let (x, y) = (g.lng, g.lat);
    let z = (x * x + y * y).sqrt() + 0.000_02 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) + 0.000_003 * (x * BD_X_PI).cos();
    LatLng::new(z * theta.sin() + 0.006, z * theta.cos() + 0.0065)
}

/// Converts BD-09 back to GCJ-02 by iterating the forward transform, like
/// [`gcj02_to_wgs84`] (the usual one-step approximation is off by up to a
/// metre).
pub fn bd09_to_gcj02(b: LatLng) -> LatLng {
    let mut g = LatLng::new(b.lat - 0.006, b.lng - 0.0065);
    for _ in 0..8 {
        let back = gcj02_to_bd09(g);
        g = LatLng::new(g.lat + (b.lat - back.lat), g.lng + (b.lng - back.lng));
    }
    g
}

pub fn wgs84_to_bd09(p: LatLng) -> LatLng {
    gcj02_to_bd09(wgs84_to_gcj02(p))
}

pub fn bd09_to_wgs84(b: LatLng) -> LatLng {
    gcj02_to_wgs84(bd09_to_gcj02(b))
}

/// The coordinate system of an imported file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// GPS, OpenStreetMap, Tianditu (天地图), and Linli itself.
    #[default]
    Wgs84,
    /// Amap (高德) and Tencent (腾讯) exports.
    Gcj02,
    /// Baidu (百度) exports.
    Bd09,
}

impl Crs {
    pub const ALL: [Crs; 3] = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09];

    pub fn as_str(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace(['-', '_'], "");
        Crs::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// A point of this system in WGS-84.
    pub fn to_wgs84(self, p: LatLng) -> LatLng {
        match self {
            Crs::Wgs84 => p,
            Crs::Gcj02 => gcj02_to_wgs84(p),
            Crs::Bd09 => bd09_to_wgs84(p),
        }
    }

    /// A WGS-84 point in this system (for exports and tests).
    pub fn from_wgs84(self, p: LatLng) -> LatLng {
        match self {
            Crs::Wgs84 => p,
            Crs::Gcj02 => wgs84_to_gcj02(p),
            Crs::Bd09 => wgs84_to_bd09(p),
        }
    }
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

    /// Beijing railway station as Baidu and Amap publish it: GCJ-02
    /// (39.90245, 116.42703), BD-09 (39.90851, 116.43351), five decimals.
    #[test]
    fn matches_published_baidu_pair() {
        let b = gcj02_to_bd09(LatLng::new(39.90245, 116.42703));
        assert!(
            (b.lat - 39.90851).abs() < 1e-5 && (b.lng - 116.43351).abs() < 1e-5,
            "{b:?}"
        );
        let g = bd09_to_gcj02(LatLng::new(39.90851, 116.43351));
        assert!(
            (g.lat - 39.90245).abs() < 1e-5 && (g.lng - 116.42703).abs() < 1e-5,
            "{g:?}"
        );
    }

    /// Every 0.01° (about 1 km) over Chengdu's whole municipality
    /// (30.08–31.44 N, 102.98–104.90 E): both inverses land within 0.5 m of
    /// the point the forward transform started from.
    #[test]
    fn inverses_round_trip_over_all_of_chengdu() {
        let mut worst: f64 = 0.0;
        for i in 0..=136 {
            for j in 0..=192 {
                let w = LatLng::new(30.08 + f64::from(i) * 0.01, 102.98 + f64::from(j) * 0.01);
                for crs in [Crs::Gcj02, Crs::Bd09] {
                    let there = crs.from_wgs84(w);
                    assert!(haversine_m(w, there) > 100.0, "{crs:?} moves points");
                    worst = worst.max(haversine_m(w, crs.to_wgs84(there)));
                }
            }
        }
        assert!(worst < 0.5, "worst round trip {worst} m");
        assert!(worst < 0.01, "iteration converges far below the goal: {worst} m");
    }

    #[test]
    fn pasted_coordinates_split_at_the_first_separator() {
        assert_eq!(split_pasted(" 30.6365, 104.0452 "), ("30.6365", "104.0452"));
        assert_eq!(split_pasted("30.6365，104.0452"), ("30.6365", "104.0452"));
        assert_eq!(split_pasted("30.6365 104.0452"), ("30.6365", "104.0452"));
        assert_eq!(split_pasted("30.6365"), ("30.6365", ""));
        assert_eq!(split_pasted(""), ("", ""));
    }

    #[test]
    fn crs_names() {
        for c in Crs::ALL {
            assert_eq!(Crs::parse(c.as_str()), Some(c));
        }
        assert_eq!(Crs::parse("GCJ-02"), Some(Crs::Gcj02));
        assert_eq!(Crs::parse("BD_09"), Some(Crs::Bd09));
        assert_eq!(Crs::parse("WGS-84"), Some(Crs::Wgs84));
        assert_eq!(Crs::parse("utm"), None);
        let p = LatLng::new(30.65, 104.06);
        assert_eq!(Crs::Wgs84.to_wgs84(p), p);
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
