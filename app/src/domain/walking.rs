//! The walking-time model.
//!
//! Residents think in minutes, not metres, so every distance is turned into
//! walking minutes the same way everywhere (server, API, browser):
//!
//! ```text
//! walking metres = haversine metres × DETOUR_FACTOR (1.3)
//! minutes        = walking metres ÷ pace speed (1.2 m/s normal, 0.9 m/s elderly) ÷ 60
//! ```
//!
//! The detour factor stands in for the street grid: people cannot walk
//! through buildings. GB 50180-2018's 15/10/5-minute life circles (about
//! 1000/500/300 m) match this model at the normal pace.

use serde::{Deserialize, Serialize};

use super::coords::LatLng;

/// Mean Earth radius in metres (IUGG), used by the haversine formula.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Ratio of the walked route to the straight line in a city street grid.
pub const DETOUR_FACTOR: f64 = 1.3;

/// How fast the resident walks; a user setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    #[default]
    Normal,
    /// A slower pace for older residents or anyone who prefers it.
    Elderly,
}

impl Pace {
    /// Walking speed in metres per second.
    pub fn speed_m_per_s(self) -> f64 {
        match self {
            Pace::Normal => 1.2,
            Pace::Elderly => 0.9,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Pace::Normal => "normal",
            Pace::Elderly => "elderly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Pace::Normal),
            "elderly" => Some(Pace::Elderly),
            _ => None,
        }
    }
}

/// Great-circle distance in metres between two WGS-84 points.
pub fn haversine_m(a: LatLng, b: LatLng) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let dphi = (b.lat - a.lat).to_radians();
    let dlambda = (b.lng - a.lng).to_radians();
    let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Walking time in minutes (fractional) for a straight-line distance.
pub fn walk_minutes(straight_m: f64, pace: Pace) -> f64 {
    straight_m * DETOUR_FACTOR / pace.speed_m_per_s() / 60.0
}

/// Walking minutes as residents read them: rounded up, and at least 1.
pub fn display_minutes(straight_m: f64, pace: Pace) -> u32 {
    (walk_minutes(straight_m, pace).ceil() as u32).max(1)
}

/// The largest straight-line distance reachable within `minutes`.
pub fn reach_m(minutes: u32, pace: Pace) -> f64 {
    f64::from(minutes) * 60.0 * pace.speed_m_per_s() / DETOUR_FACTOR
}

/// The life-circle ring (upper bound in minutes) a walk falls into: 5, 10,
/// 15, then 30 for the suburban radius; `None` beyond 30 minutes.
pub fn ring(minutes: f64) -> Option<u32> {
    [5, 10, 15, 30].into_iter().find(|&r| minutes <= f64::from(r))
}

/// The rings shown for a search radius.
pub fn rings_for(radius_minutes: u32) -> &'static [u32] {
    if radius_minutes <= 15 {
        &[5, 10, 15]
    } else {
        &[5, 10, 15, 30]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lng: f64) -> LatLng {
        LatLng { lat, lng }
    }

    #[test]
    fn haversine_matches_known_distances() {
        // One degree of latitude is ~111.195 km on the mean sphere.
        let d = haversine_m(p(30.0, 104.0), p(31.0, 104.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        // Chengdu Tianfu Square to Chunxi Road: about 1.3 km apart.
        let d = haversine_m(p(30.657_36, 104.065_76), p(30.654_44, 104.078_56));
        assert!((1_200.0..1_350.0).contains(&d), "{d}");
        assert_eq!(haversine_m(p(30.6, 104.0), p(30.6, 104.0)), 0.0);
        // Antipodes do not produce NaN.
        let d = haversine_m(p(0.0, 0.0), p(0.0, 180.0));
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1.0);
    }

    #[test]
    fn walking_model_uses_detour_and_pace() {
        // 831 m straight × 1.3 = 1080 m; at 1.2 m/s that is 900 s = 15 min.
        assert!((walk_minutes(1080.0 / 1.3, Pace::Normal) - 15.0).abs() < 1e-9);
        // The elderly pace takes 4/3 as long.
        let ratio = walk_minutes(500.0, Pace::Elderly) / walk_minutes(500.0, Pace::Normal);
        assert!((ratio - 4.0 / 3.0).abs() < 1e-9);
        assert!((reach_m(15, Pace::Normal) - 1080.0 / 1.3).abs() < 1e-9);
        assert!((reach_m(15, Pace::Elderly) - 810.0 / 1.3).abs() < 1e-9);
    }

    #[test]
    fn display_minutes_rounds_up_and_never_says_zero() {
        assert_eq!(display_minutes(0.0, Pace::Normal), 1);
        assert_eq!(display_minutes(10.0, Pace::Normal), 1);
        // 300 m straight → 390 m walked → 5.42 min → 6.
        assert_eq!(display_minutes(300.0, Pace::Normal), 6);
    }

    #[test]
    fn rings_group_by_upper_bound() {
        assert_eq!(ring(0.0), Some(5));
        assert_eq!(ring(5.0), Some(5));
        assert_eq!(ring(5.01), Some(10));
        assert_eq!(ring(14.9), Some(15));
        assert_eq!(ring(15.1), Some(30));
        assert_eq!(ring(30.5), None);
        assert_eq!(rings_for(15), &[5, 10, 15]);
        assert_eq!(rings_for(30), &[5, 10, 15, 30]);
    }

    #[test]
    fn pace_round_trips() {
        for pace in [Pace::Normal, Pace::Elderly] {
            assert_eq!(Pace::parse(pace.as_str()), Some(pace));
        }
        assert_eq!(Pace::parse("fast"), None);
    }
}
