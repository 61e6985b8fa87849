//! The find-nearby query: its parameters, their validation, and how results
//! are grouped. Shared by the HTML page and the JSON API so that both accept
//! exactly the same input and answer it the same way.

use serde::{Deserialize, Serialize};

use super::coords::LatLng;
use super::facility::{Facility, Kind, Services, WasteCategory};
use super::walking::{self, Pace};

pub const DEFAULT_MINUTES: u32 = 15;
pub const MAX_MINUTES: u32 = 60;
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
/// How many facilities beyond the radius are offered when none is inside.
pub const BEYOND_COUNT: usize = 3;

/// The query as it arrives: every field is optional text, validated by
/// [`NearbyParams::validate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NearbyParams {
    pub lat: Option<String>,
    pub lng: Option<String>,
    pub kind: Option<String>,
    pub minutes: Option<String>,
    pub pace: Option<String>,
    pub limit: Option<String>,
    /// A waste category: only sorting points that accept it.
    pub accepts: Option<String>,
}

/// A validated query.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearbyQuery {
    pub origin: LatLng,
    /// `None` means every kind.
    pub kind: Option<Kind>,
    pub minutes: u32,
    pub pace: Pace,
    pub limit: usize,
    /// Only sorting points accepting this category (then `kind` is sorting).
    pub accepts: Option<WasteCategory>,
}

impl NearbyQuery {
    /// Largest straight-line distance inside the radius.
    pub fn reach_m(&self) -> f64 {
        walking::reach_m(self.minutes, self.pace)
    }

    /// The query string of everything but the position, so a new position
    /// can be appended while keeping the resident's choices.
    pub fn options_query(&self) -> String {
        options_query(self.kind, self.minutes, self.pace, self.accepts)
    }

    /// Whether a facility passes the query's kind and category filters.
    pub fn admits(&self, f: &Facility) -> bool {
        match self.accepts {
            Some(c) => matches!(&f.services, Services::Sorting(s) if s.accepts.contains(&c)),
            None => self.kind.is_none_or(|k| f.kind() == k),
        }
    }

    /// The full query string, for shareable links.
    pub fn query_string(&self) -> String {
        format!(
            "{}&lat={:.6}&lng={:.6}",
            self.options_query(),
            self.origin.lat,
            self.origin.lng
        )
    }
}

/// `kind=…&minutes=…&pace=…[&accepts=…]` for the given options.
pub fn options_query(kind: Option<Kind>, minutes: u32, pace: Pace, accepts: Option<WasteCategory>) -> String {
    let accepts = accepts.map(|c| format!("&accepts={}", c.as_str())).unwrap_or_default();
    format!(
        "kind={}&minutes={minutes}&pace={}{accepts}",
        kind.map_or("all", Kind::as_str),
        pace.as_str()
    )
}

/// A query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Lat,
    Lng,
    Kind,
    Minutes,
    Pace,
    Limit,
    Accepts,
    Community,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Lat => "lat",
            Field::Lng => "lng",
            Field::Kind => "kind",
            Field::Minutes => "minutes",
            Field::Pace => "pace",
            Field::Limit => "limit",
            Field::Accepts => "accepts",
            Field::Community => "community",
        }
    }
}

/// Which parameter was wrong and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum QueryError {
    #[error("`{}` is required", .0.as_str())]
    Missing(Field),
    #[error("`{}` is not valid", .0.as_str())]
    Invalid(Field),
}

impl QueryError {
    pub fn field(self) -> Field {
        match self {
            QueryError::Missing(f) | QueryError::Invalid(f) => f,
        }
    }
}

impl NearbyParams {
    pub fn has_location(&self) -> bool {
        non_empty(&self.lat).is_some() || non_empty(&self.lng).is_some()
    }

    pub fn validate(&self) -> Result<NearbyQuery, QueryError> {
        let lat = coordinate(&self.lat, Field::Lat, 90.0)?;
        let lng = coordinate(&self.lng, Field::Lng, 180.0)?;
        let kind = match non_empty(&self.kind) {
            None | Some("all") => None,
            Some(k) => Some(Kind::parse(k).ok_or(QueryError::Invalid(Field::Kind))?),
        };
        let minutes = match non_empty(&self.minutes) {
            None => DEFAULT_MINUTES,
            Some(m) => m
                .parse()
                .ok()
                .filter(|m| (1..=MAX_MINUTES).contains(m))
                .ok_or(QueryError::Invalid(Field::Minutes))?,
        };
        let pace = match non_empty(&self.pace) {
            None => Pace::Normal,
            Some(p) => Pace::parse(p).ok_or(QueryError::Invalid(Field::Pace))?,
        };
        let limit = match non_empty(&self.limit) {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse()
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or(QueryError::Invalid(Field::Limit))?,
        };
        // A category only means something for sorting points: with another
        // kind it is ignored, with all kinds it narrows them to sorting.
        let accepts = match non_empty(&self.accepts) {
            None => None,
            Some(c) => Some(WasteCategory::parse(c).ok_or(QueryError::Invalid(Field::Accepts))?),
        }
        .filter(|_| matches!(kind, None | Some(Kind::Sorting)));
        let kind = if accepts.is_some() { Some(Kind::Sorting) } else { kind };
        Ok(NearbyQuery {
            origin: LatLng::new(lat, lng),
            kind,
            minutes,
            pace,
            limit,
            accepts,
        })
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn coordinate(v: &Option<String>, field: Field, bound: f64) -> Result<f64, QueryError> {
    let text = non_empty(v).ok_or(QueryError::Missing(field))?;
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && x.abs() <= bound)
        .ok_or(QueryError::Invalid(field))
}

/// One facility with its distance from the origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub facility: std::sync::Arc<Facility>,
    pub distance_m: f64,
    pub walk_minutes: f64,
}

impl Hit {
    pub fn display_minutes(&self) -> u32 {
        (self.walk_minutes.ceil() as u32).max(1)
    }
}

/// The answer to a query: what is inside the radius, nearest first, and,
/// only when that is empty, the nearest few beyond it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NearbyResult {
    pub within: Vec<Hit>,
    pub beyond: Vec<Hit>,
}

/// Facilities and communities as one document: the whole city
/// (`GET /api/v1/facilities/all`) or one map tile
/// (`GET /api/v1/facilities/tiles/13/{x}/{y}`, which adds the tile's
/// numbers). A phone keeps the tiles around its places: one place's nine
/// tiles hold a few thousand points (about 8 000 at 50 per km²), which a
/// linear [`scan`] measures in a few milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OfflineCatalog {
    pub communities: Vec<super::facility::Community>,
    pub facilities: Vec<Facility>,
}

/// The order of every answer: nearest first, and at the same distance the
/// lower id, so the server's index (whatever its tree's shape after edits)
/// and the browser's scan agree on ties.
pub fn nearest_first(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    a.distance_m
        .total_cmp(&b.distance_m)
        .then(a.facility.id.cmp(&b.facility.id))
}

/// The same answer as the server's spatial index, by measuring every
/// facility: what the browser runs over the downloaded catalogue when the
/// network is gone. Same walking model, same radius, same "nearest beyond".
pub fn scan(facilities: &[Facility], q: &NearbyQuery) -> NearbyResult {
    let mut hits: Vec<Hit> = facilities
        .iter()
        .filter(|f| q.admits(f))
        .map(|f| {
            let distance_m = walking::haversine_m(q.origin, f.location);
            Hit {
                facility: std::sync::Arc::new(f.clone()),
                distance_m,
                walk_minutes: walking::walk_minutes(distance_m, q.pace),
            }
        })
        .collect();
    hits.sort_by(nearest_first);
    let reach = q.reach_m();
    let inside = hits.iter().take_while(|h| h.distance_m <= reach).count().min(q.limit);
    if inside > 0 {
        hits.truncate(inside);
        NearbyResult {
            within: hits,
            beyond: Vec::new(),
        }
    } else {
        hits.truncate(BEYOND_COUNT.min(q.limit));
        NearbyResult {
            within: Vec::new(),
            beyond: hits,
        }
    }
}

/// Groups hits (sorted nearest first) into the life-circle rings of the
/// search radius: `(ring minutes, hits)`, skipping empty rings.
pub fn group_by_ring(hits: &[Hit], radius_minutes: u32) -> Vec<(u32, Vec<&Hit>)> {
    let rings = walking::rings_for(radius_minutes);
    let mut groups: Vec<(u32, Vec<&Hit>)> = Vec::new();
    for hit in hits {
        let ring = walking::ring(hit.walk_minutes)
            .filter(|r| rings.contains(r))
            .unwrap_or(radius_minutes);
        match groups.last_mut() {
            Some((last, members)) if *last == ring => members.push(hit),
            _ => groups.push((ring, vec![hit])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> NearbyParams {
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        NearbyParams {
            lat: get("lat"),
            lng: get("lng"),
            kind: get("kind"),
            minutes: get("minutes"),
            pace: get("pace"),
            limit: get("limit"),
            accepts: get("accepts"),
        }
    }

    #[test]
    fn query_strings_round_trip() {
        let q = params(&[
            ("lat", "30.5"),
            ("lng", "104.25"),
            ("kind", "meal"),
            ("pace", "elderly"),
        ])
        .validate()
        .unwrap();
        assert_eq!(q.options_query(), "kind=meal&minutes=15&pace=elderly");
        assert_eq!(
            q.query_string(),
            "kind=meal&minutes=15&pace=elderly&lat=30.500000&lng=104.250000"
        );
    }

    #[test]
    fn accepts_narrows_to_sorting_points() {
        let q = params(&[("lat", "30"), ("lng", "104"), ("accepts", "hazardous")])
            .validate()
            .unwrap();
        assert_eq!(
            (q.kind, q.accepts),
            (Some(Kind::Sorting), Some(WasteCategory::Hazardous))
        );
        assert!(q.options_query().ends_with("&accepts=hazardous"));
        let q = params(&[("lat", "30"), ("lng", "104"), ("kind", "meal"), ("accepts", "food")])
            .validate()
            .unwrap();
        assert_eq!((q.kind, q.accepts), (Some(Kind::Meal), None));
    }

    #[test]
    fn defaults_apply() {
        let q = params(&[("lat", "30.65"), ("lng", "104.06")]).validate().unwrap();
        assert_eq!(q.kind, None);
        assert_eq!(q.minutes, 15);
        assert_eq!(q.pace, Pace::Normal);
        assert_eq!(q.limit, 20);
        let q = params(&[("lat", " 30.65 "), ("lng", "104.06"), ("kind", "all")])
            .validate()
            .unwrap();
        assert_eq!(q.kind, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let ok = [("lat", "30.65"), ("lng", "104.06")];
        let with = |k: &'static str, v: &'static str| {
            let mut p: Vec<(&str, &str)> = ok.iter().copied().filter(|(n, _)| *n != k).collect();
            p.push((k, v));
            params(&p).validate()
        };
        assert_eq!(
            params(&[("lng", "104")]).validate(),
            Err(QueryError::Missing(Field::Lat))
        );
        assert_eq!(
            params(&[("lat", "30"), ("lng", "")]).validate(),
            Err(QueryError::Missing(Field::Lng))
        );
        for (field, value) in [
            ("lat", "north"),
            ("lat", "91"),
            ("lat", "NaN"),
            ("lng", "inf"),
            ("lng", "-180.5"),
            ("kind", "hospital"),
            ("minutes", "0"),
            ("minutes", "61"),
            ("minutes", "15.5"),
            ("pace", "run"),
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "-1"),
        ] {
            assert_eq!(
                with(field, value).map_err(|e| e.field().as_str()),
                Err(field),
                "{field}={value}"
            );
        }
        assert_eq!(with("limit", "100").unwrap().limit, 100);
        assert_eq!(with("accepts", "glass").map_err(|e| e.field()), Err(Field::Accepts));
        assert_eq!(with("minutes", "30").unwrap().minutes, 30);
    }

    fn hit(minutes: f64) -> Hit {
        use crate::domain::facility::{ReadingServices, Services};
        Hit {
            facility: Facility {
                id: 1,
                source_ref: String::new(),
                name_zh: String::new(),
                name_en: String::new(),
                address_zh: String::new(),
                address_en: String::new(),
                location: LatLng::new(0.0, 0.0),
                phone: String::new(),
                community: String::new(),
                hours: Default::default(),
                services: Services::Reading(ReadingServices::default()),
                closures: Vec::new(),
                checked_at: None,
                retired: false,
            }
            .into(),
            distance_m: 0.0,
            walk_minutes: minutes,
        }
    }

    #[test]
    fn rings_hold_hits_up_to_their_bound() {
        let hits: Vec<Hit> = [1.0, 5.0, 5.5, 12.0, 14.99].into_iter().map(hit).collect();
        let groups = group_by_ring(&hits, 15);
        let shape: Vec<(u32, usize)> = groups.iter().map(|(r, v)| (*r, v.len())).collect();
        assert_eq!(shape, vec![(5, 2), (10, 1), (15, 2)]);
        let hits: Vec<Hit> = [3.0, 16.0, 29.0].into_iter().map(hit).collect();
        let shape: Vec<(u32, usize)> = group_by_ring(&hits, 30).iter().map(|(r, v)| (*r, v.len())).collect();
        assert_eq!(shape, vec![(5, 1), (30, 2)]);
    }
}
