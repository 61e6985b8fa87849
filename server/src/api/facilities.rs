//! `GET /api/v1/facilities/nearby` and `GET /api/v1/facilities/{id}`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::domain::facility::{Kind, Services};
use app::domain::hours::{LocalTime, DAY_CODES};
use app::domain::nearby::{Field, NearbyParams, QueryError};
use app::prefs::Prefs;
use app::server::AppState;

use super::error::{ApiError, ApiQuery};

/// Query parameters of the nearby search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct NearbyQueryDoc {
    /// Latitude of the origin, WGS-84 decimal degrees.
    #[param(minimum = -90, maximum = 90)]
    lat: f64,
    /// Longitude of the origin, WGS-84 decimal degrees.
    #[param(minimum = -180, maximum = 180)]
    lng: f64,
    /// `meal`, `reading` or `sorting`; omitted, empty or `all` means every
    /// kind.
    #[param(pattern = "^(meal|reading|sorting|all)?$")]
    kind: Option<String>,
    /// Walking radius in minutes, 1–60; default 15.
    #[param(minimum = 1, maximum = 60)]
    minutes: Option<u32>,
    /// `normal` (1.2 m/s, default) or `elderly` (0.9 m/s); empty is the
    /// default.
    #[param(pattern = "^(normal|elderly)?$")]
    pace: Option<String>,
    /// At most this many results, 1–100; default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// Only sorting points that accept this waste category (`recyclable`,
    /// `hazardous`, `food`, `residual`); ignored for meal and reading;
    /// empty means any.
    #[param(pattern = "^(recyclable|hazardous|food|residual)?$")]
    accepts: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Origin {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Serialize, ToSchema)]
pub struct NearbyResponse {
    pub origin: Origin,
    /// The walking radius used, in minutes.
    pub minutes: u32,
    /// Facilities inside the radius, nearest first.
    pub results: Vec<NearbyItem>,
}

#[derive(Serialize, ToSchema)]
pub struct NearbyItem {
    pub id: i64,
    pub kind: Kind,
    /// In the language of `Accept-Language` (Chinese by default).
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    /// Straight-line (haversine) distance in metres.
    pub distance_m: u32,
    /// Walking minutes (distance × 1.3 detour ÷ pace speed), rounded up.
    pub walk_minutes: u32,
    /// Whether it is open now (Asia/Shanghai time), temporary closures
    /// honoured; null when it has no hours.
    pub open_now: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct FacilityResponse {
    pub id: i64,
    pub kind: Kind,
    pub name: String,
    pub name_zh: String,
    pub name_en: String,
    pub address: String,
    pub address_zh: String,
    pub address_en: String,
    pub lat: f64,
    pub lng: f64,
    pub phone: String,
    /// Code of the community it belongs to.
    pub community: String,
    pub hours: HoursResponse,
    /// Whether it is open now (Asia/Shanghai time), temporary closures
    /// honoured; null when it has no hours.
    pub open_now: Option<bool>,
    pub services: Services,
    /// Temporary closures and special hours from today on, by date.
    pub closures: Vec<ClosureResponse>,
    /// The date (Asia/Shanghai) staff last confirmed these details; null
    /// when never.
    #[schema(format = Date)]
    pub checked_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClosureResponse {
    /// First day, `YYYY-MM-DD` (Asia/Shanghai).
    #[schema(format = Date)]
    pub from: String,
    /// Last day, included.
    #[schema(format = Date)]
    pub to: String,
    /// The hours on each of those days, `HH:MM-HH:MM`; empty: closed.
    pub hours: Vec<String>,
    /// In the language of `Accept-Language`.
    pub note: String,
    pub note_zh: String,
    pub note_en: String,
}

#[derive(Serialize, ToSchema)]
pub struct HoursResponse {
    /// OpenStreetMap-style text, e.g. `Mo-Fr 11:00-13:00; Sa-Su off`.
    pub text: String,
    /// Spans per weekday (`Mo` … `Su`), `HH:MM-HH:MM`; an end not after the
    /// start runs past midnight.
    pub week: std::collections::BTreeMap<String, Vec<String>>,
}

/// Whether `Accept-Language` asks for English (names and addresses).
pub(super) fn english(headers: &HeaderMap) -> bool {
    let al = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Prefs::from_headers(None, al).english()
}

fn bad_query(e: QueryError) -> ApiError {
    let (code, message) = match e {
        QueryError::Missing(Field::Lat) => ("missing_lat", "`lat` is required"),
        QueryError::Missing(_) => ("missing_lng", "`lng` is required"),
        QueryError::Invalid(Field::Lat) => ("invalid_lat", "`lat` must be a number between -90 and 90"),
        QueryError::Invalid(Field::Lng) => ("invalid_lng", "`lng` must be a number between -180 and 180"),
        QueryError::Invalid(Field::Kind) => ("invalid_kind", "`kind` must be meal, reading, sorting or all"),
        QueryError::Invalid(Field::Minutes) => ("invalid_minutes", "`minutes` must be a whole number from 1 to 60"),
        QueryError::Invalid(Field::Pace) => ("invalid_pace", "`pace` must be normal or elderly"),
        QueryError::Invalid(Field::Accepts) => (
            "invalid_accepts",
            "`accepts` must be recyclable, hazardous, food or residual",
        ),
        QueryError::Invalid(_) => ("invalid_limit", "`limit` must be a whole number from 1 to 100"),
    };
    ApiError::BadRequest {
        code,
        message: message.to_string(),
    }
}

/// Facilities within a walking radius, nearest first.
#[utoipa::path(
    get,
    path = "/api/v1/facilities/nearby",
    tag = "facilities",
    params(NearbyQueryDoc),
    responses(
        (status = 200, description = "Facilities inside the radius, sorted by distance", body = NearbyResponse),
        (status = 400, description = "A parameter is missing or invalid", body = super::error::ErrorBody)
    )
)]
pub async fn nearby(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<NearbyParams>,
) -> Result<super::SizedJson<NearbyResponse>, ApiError> {
    let q = params.validate().map_err(bad_query)?;
    let english = english(&headers);
    let now = LocalTime::shanghai(chrono::Utc::now());
    let result = state.catalog.snapshot().index.nearby(&q);
    let results = result
        .within
        .iter()
        .map(|h| NearbyItem {
            id: h.facility.id,
            kind: h.facility.kind(),
            name: h.facility.name(english).to_string(),
            address: h.facility.address(english).to_string(),
            lat: h.facility.location.lat,
            lng: h.facility.location.lng,
            distance_m: h.distance_m.round() as u32,
            walk_minutes: h.display_minutes(),
            open_now: h.facility.open_now(now),
        })
        .collect();
    let response = NearbyResponse {
        origin: Origin {
            lat: q.origin.lat,
            lng: q.origin.lng,
        },
        minutes: q.minutes,
        results,
    };
    // About 200 bytes a result (20 results: 4.2 KB).
    let capacity = 256 + 256 * response.results.len();
    Ok(super::SizedJson(response, capacity))
}

/// One facility with its hours and services.
#[utoipa::path(
    get,
    path = "/api/v1/facilities/{id}",
    tag = "facilities",
    params(("id" = i64, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The facility", body = FacilityResponse),
        (status = 400, description = "The id is not a number", body = super::error::ErrorBody),
        (status = 404, description = "No such facility", body = super::error::ErrorBody)
    )
)]
pub async fn facility(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FacilityResponse>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::BadRequest {
        code: "invalid_id",
        message: "`id` must be a whole number".into(),
    })?;
    let snapshot = state.catalog.snapshot();
    let f = snapshot
        .index
        .get(id)
        .ok_or_else(|| ApiError::NotFound(format!("no facility with id {id}")))?;
    let english = english(&headers);
    let now = LocalTime::shanghai(chrono::Utc::now());
    let week = (0..7u8)
        .map(|d| {
            (
                DAY_CODES[usize::from(d)].to_string(),
                f.hours.on(d).iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    Ok(Json(FacilityResponse {
        id: f.id,
        kind: f.kind(),
        name: f.name(english).to_string(),
        name_zh: f.name_zh.clone(),
        name_en: f.name_en.clone(),
        address: f.address(english).to_string(),
        address_zh: f.address_zh.clone(),
        address_en: f.address_en.clone(),
        lat: f.location.lat,
        lng: f.location.lng,
        phone: f.phone.clone(),
        community: f.community.clone(),
        hours: HoursResponse {
            text: f.hours.to_string(),
            week,
        },
        open_now: f.open_now(now),
        services: f.services.clone(),
        closures: f
            .closures
            .iter()
            .filter(|c| c.to >= now.date)
            .map(|c| ClosureResponse {
                from: c.from.to_string(),
                to: c.to.to_string(),
                hours: c.spans.iter().map(ToString::to_string).collect(),
                note: c.note(english).to_string(),
                note_zh: c.note_zh.clone(),
                note_en: c.note_en.clone(),
            })
            .collect(),
        checked_on: f.checked_at.and_then(shanghai_date),
    }))
}

/// The Asia/Shanghai date of a Unix-millisecond time.
fn shanghai_date(ms: i64) -> Option<String> {
    let utc = chrono::DateTime::from_timestamp_millis(ms)?;
    Some(LocalTime::shanghai(utc).date.to_string())
}

/// Every facility and community in one JSON document, for data users.
/// Phones keep the tiles of their own area instead (`api::tiles`).
pub async fn all(State(state): State<AppState>, headers: HeaderMap) -> axum::response::Response {
    super::download(
        &state.catalog.snapshot().facilities_download().await,
        &headers,
        super::DOWNLOAD_CACHE,
    )
}
