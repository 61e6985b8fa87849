//! The offline areas phones keep: `GET /api/v1/facilities/tiles` says
//! which tiles cover a place (or how the tiles a phone holds stand now),
//! each with its ETag; `GET /api/v1/facilities/tiles/13/{x}/{y}` is one
//! tile's facilities and communities. A phone fetches only the tiles whose
//! ETag changed, so a refresh after one edit is one small download.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::domain::coords::LatLng;
use app::domain::tiles::{self, Tile};
use app::server::AppState;

use super::error::{ApiError, ApiQuery};

/// At most this many tiles in one `keep` list (nine areas of nine).
pub const MAX_KEEP: usize = 81;

/// Which tiles to list: around a position, around a community's centre,
/// or the tiles a phone already keeps.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// Latitude of the place, WGS-84 decimal degrees (with `lng`).
    #[param(value_type = Option<f64>, minimum = -90, maximum = 90)]
    lat: Option<String>,
    /// Longitude of the place, WGS-84 decimal degrees (with `lat`).
    #[param(value_type = Option<f64>, minimum = -180, maximum = 180)]
    lng: Option<String>,
    /// A community code: the area around its centre.
    community: Option<String>,
    /// Tiles already kept, as `13/x/y` separated by commas (at most 81).
    #[param(pattern = "^(13/[0-9]{1,4}/[0-9]{1,4}(,13/[0-9]{1,4}/[0-9]{1,4}){0,80})?$")]
    keep: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TileRef {
    x: u32,
    y: u32,
    /// Where to download it.
    url: String,
    /// The tile's current ETag: a kept copy with another one is stale.
    etag: String,
    /// How many facilities it holds.
    facilities: usize,
}

#[derive(Serialize, ToSchema)]
pub struct AreaResponse {
    /// The tiles' zoom (web-map `z/x/y` numbering).
    zoom: u8,
    /// The area's radius around the place, metres.
    radius_m: f64,
    tiles: Vec<TileRef>,
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_query",
        message: message.into(),
    }
}

fn coordinate(value: &str, name: &str) -> Result<f64, ApiError> {
    value
        .trim()
        .parse::<f64>()
        .map_err(|_| bad(&format!("`{name}` must be a number of degrees")))
}

/// `13/x/y` → the tile.
fn tile_path(path: &str) -> Option<Tile> {
    let mut parts = path.trim().split('/');
    let (z, x, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || z != tiles::ZOOM.to_string() {
        return None;
    }
    Tile::new(x.parse().ok()?, y.parse().ok()?)
}

#[utoipa::path(
    get,
    path = "/api/v1/facilities/tiles",
    tag = "facilities",
    params(AreaQuery),
    responses(
        (status = 200, description = "The tiles of the area, with their current ETags", body = AreaResponse),
        (status = 400, description = "Not exactly one of lat+lng, community and keep, or a bad value", body = super::error::ErrorBody),
        (status = 404, description = "No such community", body = super::error::ErrorBody)
    )
)]
pub async fn area(State(state): State<AppState>, ApiQuery(q): ApiQuery<AreaQuery>) -> Result<Response, ApiError> {
    let snapshot = state.catalog.snapshot();
    let radius_m = tiles::area_radius_m();
    let wanted: Vec<Tile> = match (&q.lat, &q.lng, &q.community, &q.keep) {
        (Some(lat), Some(lng), None, None) => {
            let p = LatLng::new(coordinate(lat, "lat")?, coordinate(lng, "lng")?);
            if !p.is_valid() {
                return Err(bad("`lat` must be within ±90 and `lng` within ±180"));
            }
            tiles::around(p, radius_m)
        }
        (None, None, Some(code), None) => {
            let c = snapshot
                .community(code)
                .ok_or_else(|| ApiError::NotFound(format!("no community with code {code}")))?;
            tiles::around(c.centre, radius_m)
        }
        (None, None, None, Some(keep)) => {
            let list: Vec<&str> = keep.split(',').filter(|s| !s.trim().is_empty()).collect();
            if list.len() > MAX_KEEP {
                return Err(bad(&format!("`keep` lists at most {MAX_KEEP} tiles")));
            }
            let mut tiles = list
                .iter()
                .map(|p| tile_path(p).ok_or_else(|| bad(&format!("`keep`: `{p}` is not a tile (13/x/y)"))))
                .collect::<Result<Vec<_>, _>>()?;
            tiles.sort();
            tiles.dedup();
            tiles
        }
        _ => return Err(bad("give `lat` and `lng`, or `community`, or `keep`")),
    };
    // Near the poles tiles are small and an area would be hundreds.
    if wanted.len() > MAX_KEEP {
        return Err(bad(&format!("an area there would be more than {MAX_KEEP} tiles")));
    }
    let mut refs = Vec::with_capacity(wanted.len());
    for tile in wanted {
        let download = snapshot.tile_download(tile).await;
        refs.push(TileRef {
            x: tile.x,
            y: tile.y,
            url: format!("/api/v1/facilities/tiles/{}", tile.path()),
            etag: download.etag,
            facilities: snapshot.facilities_in(tile),
        });
    }
    let mut res = Json(AreaResponse {
        zoom: tiles::ZOOM,
        radius_m,
        tiles: refs,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

#[utoipa::path(
    get,
    path = "/api/v1/facilities/tiles/{z}/{x}/{y}",
    tag = "facilities",
    params(
        ("z" = u8, Path, minimum = 13, maximum = 13, description = "Zoom: only 13"),
        ("x" = u32, Path, maximum = 8191, description = "Column, 0–8191 from 180° W"),
        ("y" = u32, Path, maximum = 8191, description = "Row, 0–8191 from 85° N")
    ),
    responses(
        (status = 200, description = "The tile's facilities and communities (`zoom`, `x`, `y`, `communities`, `facilities`)"),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 404, description = "No such tile", body = super::error::ErrorBody)
    )
)]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let tile = tile_path(&format!("{z}/{x}/{y}"))
        .ok_or_else(|| ApiError::NotFound(format!("no tile {z}/{x}/{y}: tiles are 13/x/y with x and y below 8192")))?;
    Ok(super::download(
        &state.catalog.snapshot().tile_download(tile).await,
        &headers,
        super::DOWNLOAD_CACHE,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths() {
        assert_eq!(tile_path("13/6464/3362"), Tile::new(6464, 3362));
        assert_eq!(tile_path(" 13/0/8191 "), Tile::new(0, 8191));
        for bad in ["12/1/1", "13/8192/1", "13/1", "13/1/1/1", "13/-1/2", "13/a/b", ""] {
            assert_eq!(tile_path(bad), None, "{bad}");
        }
    }
}
