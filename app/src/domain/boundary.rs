//! Community boundaries: which community a place belongs to.
//!
//! A boundary is a GeoJSON `Polygon` or `MultiPolygon` in WGS-84: each
//! polygon an outer ring and any holes (an enclave of another community).
//! A point on an edge or a vertex belongs to the boundary, so a place on the
//! street two communities share is never in neither; which of the two then
//! gets it is decided by the caller (`server::suggestions`). At community
//! scale (a few kilometres) the earth is flat enough: the test is the usual
//! even-odd crossing count on longitude and latitude.

use super::coords::LatLng;

/// Vertices one boundary may have (a detailed street outline has hundreds).
pub const MAX_VERTICES: usize = 20_000;
/// Closer than this (in degrees, about a millimetre) to an edge is on it.
const EDGE_EPSILON: f64 = 1e-8;

/// One polygon: `rings[0]` the outside, the others holes. Rings are stored
/// closed (the last position repeats the first).
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Vec<LatLng>>,
}

/// Made only by [`Boundary::new`] or [`Boundary::from_geojson`], which
/// check it; stored and sent as GeoJSON ([`Boundary::to_geojson`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    pub polygons: Vec<Polygon>,
    /// South-west and north-east corners, for a quick "not here".
    south_west: LatLng,
    north_east: LatLng,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum BoundaryError {
    #[error("a boundary is a GeoJSON Polygon or MultiPolygon")]
    NotPolygon,
    #[error("a ring needs at least three different points")]
    TooFewPoints,
    #[error("a position is not [longitude, latitude] in degrees")]
    BadPosition,
    #[error("a boundary has at most {MAX_VERTICES} points")]
    TooManyPoints,
}

/// Where a point is relative to a boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Inside,
    /// On an edge or a vertex (of the outside or of a hole).
    Edge,
    Outside,
}

impl Place {
    pub fn is_within(self) -> bool {
        self != Place::Outside
    }
}

impl Boundary {
    pub fn new(polygons: Vec<Polygon>) -> Result<Self, BoundaryError> {
        if polygons.is_empty() {
            return Err(BoundaryError::NotPolygon);
        }
        let mut count = 0;
        let (mut sw, mut ne) = (LatLng::new(90.0, 180.0), LatLng::new(-90.0, -180.0));
        let mut closed = Vec::with_capacity(polygons.len());
        for polygon in polygons {
            if polygon.rings.is_empty() {
                return Err(BoundaryError::NotPolygon);
            }
            let mut rings = Vec::with_capacity(polygon.rings.len());
            for mut ring in polygon.rings {
                if ring.iter().any(|p| !p.is_valid()) {
                    return Err(BoundaryError::BadPosition);
                }
                if ring.len() > 1 && ring.first() == ring.last() {
                    ring.pop();
                }
                let mut distinct = ring.clone();
                distinct.sort_by(|a, b| a.lat.total_cmp(&b.lat).then(a.lng.total_cmp(&b.lng)));
                distinct.dedup();
                if distinct.len() < 3 {
                    return Err(BoundaryError::TooFewPoints);
                }
                count += ring.len();
                if count > MAX_VERTICES {
                    return Err(BoundaryError::TooManyPoints);
                }
                for p in &ring {
                    sw = LatLng::new(sw.lat.min(p.lat), sw.lng.min(p.lng));
                    ne = LatLng::new(ne.lat.max(p.lat), ne.lng.max(p.lng));
                }
                ring.push(ring[0]);
                rings.push(ring);
            }
            closed.push(Polygon { rings });
        }
        Ok(Boundary {
            polygons: closed,
            south_west: sw,
            north_east: ne,
        })
    }

    /// Reads a GeoJSON geometry (`{"type":"Polygon","coordinates":…}`),
    /// with positions converted by `to_wgs84` (an import's `--crs`).
    pub fn from_geojson(
        geometry: &serde_json::Value,
        to_wgs84: impl Fn(LatLng) -> LatLng,
    ) -> Result<Self, BoundaryError> {
        use serde_json::Value;
        let position = |v: &Value| -> Result<LatLng, BoundaryError> {
            match v.as_array().map(Vec::as_slice) {
                Some([lng, lat, ..]) => match (lng.as_f64(), lat.as_f64()) {
                    (Some(lng), Some(lat)) => {
                        let p = LatLng::new(lat, lng);
                        if p.is_valid() {
                            Ok(to_wgs84(p))
                        } else {
                            Err(BoundaryError::BadPosition)
                        }
                    }
                    _ => Err(BoundaryError::BadPosition),
                },
                _ => Err(BoundaryError::BadPosition),
            }
        };
        let polygon = |v: &Value| -> Result<Polygon, BoundaryError> {
            let rings = v.as_array().ok_or(BoundaryError::NotPolygon)?;
            let rings = rings
                .iter()
                .map(|r| {
                    r.as_array()
                        .ok_or(BoundaryError::NotPolygon)?
                        .iter()
                        .map(position)
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Polygon { rings })
        };
        let coordinates = geometry.get("coordinates").ok_or(BoundaryError::NotPolygon)?;
        let polygons = match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![polygon(coordinates)?],
            Some("MultiPolygon") => coordinates
                .as_array()
                .ok_or(BoundaryError::NotPolygon)?
                .iter()
                .map(polygon)
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(BoundaryError::NotPolygon),
        };
        Self::new(polygons)
    }

    /// The GeoJSON geometry, positions rounded to 1e-7° (about 1 cm).
    pub fn to_geojson(&self) -> serde_json::Value {
        let round = |x: f64| (x * 1e7).round() / 1e7;
        let polygons: Vec<Vec<Vec<[f64; 2]>>> = self
            .polygons
            .iter()
            .map(|p| {
                p.rings
                    .iter()
                    .map(|r| r.iter().map(|q| [round(q.lng), round(q.lat)]).collect())
                    .collect()
            })
            .collect();
        if polygons.len() == 1 {
            serde_json::json!({"type": "Polygon", "coordinates": polygons[0]})
        } else {
            serde_json::json!({"type": "MultiPolygon", "coordinates": polygons})
        }
    }

    pub fn place_of(&self, p: LatLng) -> Place {
        if p.lat < self.south_west.lat - EDGE_EPSILON
            || p.lat > self.north_east.lat + EDGE_EPSILON
            || p.lng < self.south_west.lng - EDGE_EPSILON
            || p.lng > self.north_east.lng + EDGE_EPSILON
        {
            return Place::Outside;
        }
        let mut inside = false;
        for polygon in &self.polygons {
            // Inside the outer ring and outside every hole; an edge of any ring counts as the boundary.
            let mut here = false;
            for (i, ring) in polygon.rings.iter().enumerate() {
                match ring_place(ring, p) {
                    Place::Edge => return Place::Edge,
                    Place::Inside if i == 0 => here = true,
                    Place::Inside => here = false,
                    Place::Outside if i == 0 => break,
                    Place::Outside => {}
                }
                if !here {
                    break;
                }
            }
            inside |= here;
        }
        if inside {
            Place::Inside
        } else {
            Place::Outside
        }
    }

    pub fn contains(&self, p: LatLng) -> bool {
        self.place_of(p).is_within()
    }

    /// A point inside, for a boundary imported without a centre: the
    /// area centroid of the largest polygon's outline, or (for a shape that
    /// curls around its centroid) the first point inside on a fine grid.
    pub fn centre(&self) -> LatLng {
        let centroid = |ring: &[LatLng]| -> (f64, LatLng) {
            let (mut area, mut x, mut y) = (0.0, 0.0, 0.0);
            for w in ring.windows(2) {
                let cross = w[0].lng * w[1].lat - w[1].lng * w[0].lat;
                area += cross;
                x += (w[0].lng + w[1].lng) * cross;
                y += (w[0].lat + w[1].lat) * cross;
            }
            if area.abs() < 1e-18 {
                return (0.0, ring[0]);
            }
            (area.abs() / 2.0, LatLng::new(y / (3.0 * area), x / (3.0 * area)))
        };
        let (_, c) = self
            .polygons
            .iter()
            .map(|p| centroid(&p.rings[0]))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .expect("a boundary has a polygon");
        if self.place_of(c) == Place::Inside {
            return c;
        }
        const STEPS: usize = 64;
        let (sw, ne) = (self.south_west, self.north_east);
        for i in 1..STEPS {
            for j in 1..STEPS {
                let p = LatLng::new(
                    sw.lat + (ne.lat - sw.lat) * i as f64 / STEPS as f64,
                    sw.lng + (ne.lng - sw.lng) * j as f64 / STEPS as f64,
                );
                if self.place_of(p) == Place::Inside {
                    return p;
                }
            }
        }
        self.polygons[0].rings[0][0]
    }
}

/// Even-odd crossings of a closed ring, with edges detected first.
fn ring_place(ring: &[LatLng], p: LatLng) -> Place {
    let (x, y) = (p.lng, p.lat);
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ax, ay, bx, by) = (a.lng, a.lat, b.lng, b.lat);
        // On the segment: collinear (cross product ~0) and within its box.
        let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
        let length = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
        if cross.abs() <= EDGE_EPSILON * length.max(EDGE_EPSILON)
            && x >= ax.min(bx) - EDGE_EPSILON
            && x <= ax.max(bx) + EDGE_EPSILON
            && y >= ay.min(by) - EDGE_EPSILON
            && y <= ay.max(by) + EDGE_EPSILON
        {
            return Place::Edge;
        }
        if (ay > y) != (by > y) {
            let at = ax + (y - ay) * (bx - ax) / (by - ay);
            if x < at {
                inside = !inside;
            }
        }
    }
    if inside {
        Place::Inside
    } else {
        Place::Outside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(lat: f64, lng: f64) -> LatLng {
        LatLng::new(lat, lng)
    }

    fn square(lat: f64, lng: f64, size: f64) -> Vec<LatLng> {
        vec![
            p(lat, lng),
            p(lat, lng + size),
            p(lat + size, lng + size),
            p(lat + size, lng),
            p(lat, lng),
        ]
    }

    #[test]
    fn inside_outside_and_on_the_edge() {
        let b = Boundary::new(vec![Polygon {
            rings: vec![square(30.0, 104.0, 0.1)],
        }])
        .unwrap();
        assert_eq!(b.place_of(p(30.05, 104.05)), Place::Inside);
        assert_eq!(b.place_of(p(30.05, 104.2)), Place::Outside);
        assert_eq!(b.place_of(p(30.0, 104.05)), Place::Edge, "on the south edge");
        assert_eq!(b.place_of(p(30.1, 104.1)), Place::Edge, "a vertex");
        assert_eq!(b.place_of(p(30.05, 104.1)), Place::Edge, "the east edge");
        // A ray through a vertex is counted once.
        let diamond = Boundary::new(vec![Polygon {
            rings: vec![vec![p(30.0, 104.05), p(30.05, 104.1), p(30.1, 104.05), p(30.05, 104.0)]],
        }])
        .unwrap();
        assert_eq!(diamond.place_of(p(30.05, 104.02)), Place::Inside);
        assert_eq!(diamond.place_of(p(30.05, 103.99)), Place::Outside);
        assert_eq!(
            diamond.place_of(p(30.1, 104.0)),
            Place::Outside,
            "level with the top vertex"
        );
    }

    #[test]
    fn holes_are_outside_and_their_edges_are_edges() {
        let hole = square(30.04, 104.04, 0.02);
        let b = Boundary::new(vec![Polygon {
            rings: vec![square(30.0, 104.0, 0.1), hole],
        }])
        .unwrap();
        assert_eq!(b.place_of(p(30.05, 104.05)), Place::Outside, "in the hole");
        assert_eq!(b.place_of(p(30.04, 104.05)), Place::Edge, "on the hole's edge");
        assert_eq!(b.place_of(p(30.02, 104.05)), Place::Inside);
    }

    #[test]
    fn multipolygons_and_concave_shapes() {
        // An L shape and an island apart from it.
        let l = [
            p(30.0, 104.0),
            p(30.0, 104.1),
            p(30.02, 104.1),
            p(30.02, 104.02),
            p(30.1, 104.02),
            p(30.1, 104.0),
        ];
        let geo = json!({"type": "MultiPolygon", "coordinates": [
            [l.iter().map(|q| [q.lng, q.lat]).collect::<Vec<_>>()],
            [[[104.5, 30.5], [104.6, 30.5], [104.6, 30.6], [104.5, 30.5]]]
        ]});
        let b = Boundary::from_geojson(&geo, |q| q).unwrap();
        assert!(b.contains(p(30.01, 104.05)), "the L's foot");
        assert!(b.contains(p(30.05, 104.01)), "the L's stem");
        assert!(!b.contains(p(30.05, 104.05)), "the L's inside corner is outside");
        assert!(b.contains(p(30.52, 104.58)), "the island");
        assert_eq!(
            Boundary::from_geojson(&b.to_geojson(), |q| q).unwrap().polygons,
            b.polygons
        );
    }

    #[test]
    fn a_centre_is_always_inside() {
        let b = Boundary::new(vec![Polygon {
            rings: vec![square(30.0, 104.0, 0.1)],
        }])
        .unwrap();
        let c = b.centre();
        assert!((c.lat - 30.05).abs() < 1e-9 && (c.lng - 104.05).abs() < 1e-9, "{c:?}");
        // A U shape's centroid is in its opening.
        let u = Boundary::new(vec![Polygon {
            rings: vec![vec![
                p(30.0, 104.0),
                p(30.0, 104.1),
                p(30.1, 104.1),
                p(30.1, 104.08),
                p(30.02, 104.08),
                p(30.02, 104.02),
                p(30.1, 104.02),
                p(30.1, 104.0),
            ]],
        }])
        .unwrap();
        assert_eq!(u.place_of(u.centre()), Place::Inside);
    }

    #[test]
    fn bad_geometries_are_refused() {
        let read = |v: serde_json::Value| Boundary::from_geojson(&v, |q| q);
        assert_eq!(
            read(json!({"type": "Point", "coordinates": [104.0, 30.0]})),
            Err(BoundaryError::NotPolygon)
        );
        assert_eq!(
            read(json!({"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.1, 30.0], [104.0, 30.0]]]})),
            Err(BoundaryError::TooFewPoints)
        );
        assert_eq!(
            read(json!({"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.1, "x"], [104.1, 30.1]]]})),
            Err(BoundaryError::BadPosition)
        );
        assert_eq!(
            read(json!({"type": "Polygon", "coordinates": [[[104.0, 95.0], [104.1, 30.0], [104.1, 30.1]]]})),
            Err(BoundaryError::BadPosition)
        );
        assert_eq!(
            read(json!({"type": "Polygon", "coordinates": []})),
            Err(BoundaryError::NotPolygon)
        );
        let many: Vec<[f64; 2]> = (0..=MAX_VERTICES)
            .map(|i| [104.0 + (i as f64) * 1e-6, 30.0 + ((i % 2) as f64) * 1e-3])
            .collect();
        assert_eq!(
            read(json!({"type": "Polygon", "coordinates": [many]})),
            Err(BoundaryError::TooManyPoints)
        );
    }

    #[test]
    fn positions_are_converted_on_the_way_in() {
        use crate::domain::coords::Crs;
        let truth = square(30.6, 104.0, 0.01);
        let gcj: Vec<[f64; 2]> = truth
            .iter()
            .map(|q| Crs::Gcj02.from_wgs84(*q))
            .map(|q| [q.lng, q.lat])
            .collect();
        let b = Boundary::from_geojson(&json!({"type": "Polygon", "coordinates": [gcj]}), |q| {
            Crs::Gcj02.to_wgs84(q)
        })
        .unwrap();
        for (got, want) in b.polygons[0].rings[0].iter().zip(&truth) {
            assert!(crate::domain::walking::haversine_m(*got, *want) < 0.05);
        }
    }
}
