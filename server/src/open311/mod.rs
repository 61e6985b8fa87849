//! Open311 GeoReport v2 at `/open311/v2/`: the interchange a city's
//! hotline, citizen platform or data office already speaks, so they read
//! Linli's suggestions without custom work.
//!
//! - `discovery.{json,xml}`, `services.{json,xml}`,
//!   `services/{service_code}.{json,xml}`;
//! - `requests.{json,xml}` with `service_request_id`, `service_code`,
//!   `start_date`, `end_date`, `status`, `jurisdiction_id` (a community
//!   code) and the `lat`/`long`/`radius` extension;
//! - `requests/{service_request_id}.{json,xml}`;
//! - `POST requests.{json,xml}` with an API key ([`post`]).
//!
//! A service is a suggestion category; a service request is a suggestion,
//! its id the receipt code. Status: `received`, `reviewing`, `accepted` and
//! `in_progress` are `open`; `done`, `declined` and `duplicate` are
//! `closed`. Only what the public tracking page shows ever leaves here:
//! hidden suggestions are absent, contact details and internal notes are
//! never read, and `media_url` is the first photo the committee has not
//! hidden (EXIF-free, as every stored photo).

mod doc;
pub mod post;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use app::components::suggestion_text::{category_hint, category_name};
use app::domain::coords::LatLng;
use app::domain::suggestion::{Category, ReceiptCode};
use app::domain::walking::haversine_m;
use app::i18n::Locale;
use app::server::open311 as words;
use app::server::store::{RequestFilter, RequestRecord, StoreError};

use crate::forwarded::Client;
use crate::state::ServerState;

/// The GeoReport v2 specification this server follows.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this interface last changed, for clients that cache discovery.
pub const CHANGESET: &str = "2026-12-07T00:00:00Z";
/// The widest date range one listing may ask for, and the default range
/// (the last 90 days), as the specification recommends.
pub const MAX_RANGE_DAYS: i64 = 90;
/// Receipt codes one listing may name.
pub const MAX_IDS: usize = 100;
/// The largest `radius` of the `lat`/`long` extension, in metres.
pub const MAX_RADIUS_M: f64 = 20_000.0;
/// `radius` when `lat` and `long` come without one.
pub const DEFAULT_RADIUS_M: f64 = 1_000.0;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/open311/v2/discovery.json", get(discovery))
        .route("/open311/v2/discovery.xml", get(discovery))
        .route("/open311/v2/services.json", get(services))
        .route("/open311/v2/services.xml", get(services))
        .route("/open311/v2/requests.json", get(requests).post(post::create))
        .route("/open311/v2/requests.xml", get(requests).post(post::create))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/{file}", any(unknown))
}

/// `json` or `xml`, the extension every Open311 path ends with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Format {
    Json,
    Xml,
}

/// `name.json` or `name.xml` → (`name`, format).
fn split(file: &str) -> Option<(&str, Format)> {
    if let Some(stem) = file.strip_suffix(".json") {
        Some((stem, Format::Json))
    } else {
        file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
    }
}

/// The format of a path routed only with one of the two extensions.
fn format_of(uri: &Uri) -> Format {
    split(uri.path()).map_or(Format::Json, |(_, f)| f)
}

/// An answer in the format asked for.
pub struct Answer {
    pub format: Format,
    pub status: StatusCode,
    /// The XML root element.
    pub root: &'static str,
    pub body: serde_json::Value,
    /// Seconds, with a 429.
    pub retry_after: Option<u64>,
}

impl Answer {
    fn ok(format: Format, root: &'static str, body: impl Serialize) -> Self {
        Answer {
            format,
            status: StatusCode::OK,
            root,
            body: serde_json::to_value(body).unwrap_or_default(),
            retry_after: None,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let (content_type, body) = match self.format {
            Format::Json => ("application/json; charset=utf-8", self.body.to_string()),
            Format::Xml => ("text/xml; charset=utf-8", doc::to_xml(self.root, &self.body)),
        };
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// One error, as the specification shows them (a list of these); `code`
/// is the HTTP status.
#[derive(Serialize, ToSchema)]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

pub fn error(format: Format, status: StatusCode, description: impl Into<String>) -> Answer {
    let list = [Open311Error {
        code: status.as_u16(),
        description: description.into(),
    }];
    Answer {
        status,
        ..Answer::ok(format, "errors", list)
    }
}

fn not_found(format: Format, what: &str) -> Answer {
    error(format, StatusCode::NOT_FOUND, what)
}

fn locale(headers: &HeaderMap) -> Locale {
    let al = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    app::prefs::Prefs::from_headers(None, al).locale
}

/// Any other `/open311/v2/…`: a 404 in the format its extension names
/// (JSON without one).
async fn unknown(Path(file): Path<String>) -> Answer {
    let format = split(&file).map_or(Format::Json, |(_, f)| f);
    not_found(format, &format!("no such resource: {file}"))
}

#[derive(Serialize, ToSchema)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Serialize, ToSchema)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    /// `production`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    /// `text/xml`, `application/json`.
    pub formats: Vec<String>,
}

/// Service discovery: where this endpoint is, what it speaks and how to
/// get an API key.
#[utoipa::path(
    get,
    path = "/open311/v2/discovery.{format}",
    tag = "open311",
    params(("format" = Format, Path)),
    responses(
        (status = 200, content(
            (Discovery = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "Neither .json nor .xml", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn discovery(uri: Uri, Extension(client): Extension<Client>) -> Answer {
    let d = Discovery {
        changeset: CHANGESET.into(),
        contact: "The city's Linli administrators".into(),
        key_service: "API keys for filing come from the city's Linli administrators".into(),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION.into(),
            url: format!("{}/open311/v2", client.origin()),
            changeset: CHANGESET.into(),
            kind: "production".into(),
            formats: vec!["text/xml".into(), "application/json".into()],
        }],
    };
    Answer::ok(format_of(&uri), "discovery", d)
}

/// A service: one category of suggestion.
#[derive(Serialize, ToSchema)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// `true`: `services/{service_code}` lists its attributes.
    pub metadata: bool,
    /// `realtime`: a request's id is answered at once.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

/// The services: one per suggestion category, named in the language of
/// `Accept-Language` (Chinese unless English is asked for).
#[utoipa::path(
    get,
    path = "/open311/v2/services.{format}",
    tag = "open311",
    params(("format" = Format, Path)),
    responses(
        (status = 200, content(
            (Vec<Service> = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "Neither .json nor .xml", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn services(uri: Uri, headers: HeaderMap) -> Answer {
    let locale = locale(&headers);
    let list: Vec<Service> = Category::ALL
        .into_iter()
        .map(|c| Service {
            service_code: c.as_str().into(),
            service_name: category_name(locale, c),
            description: category_hint(locale, c),
            metadata: true,
            kind: "realtime".into(),
            keywords: c.as_str().into(),
            group: words::group(locale),
        })
        .collect();
    Answer::ok(format_of(&uri), "services", list)
}

#[derive(Serialize, ToSchema)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

#[derive(Serialize, ToSchema)]
pub struct Attribute {
    pub variable: bool,
    pub code: String,
    /// `string`: one line.
    pub datatype: String,
    pub required: bool,
    pub datatype_description: String,
    pub order: u32,
    pub description: String,
}

/// A service's attributes: an optional `title`, which Linli shows above
/// the description.
#[utoipa::path(
    get,
    path = "/open311/v2/services/{service_code}.{format}",
    tag = "open311",
    params(("service_code" = String, Path, description = "e.g. `lighting`"), ("format" = Format, Path)),
    responses(
        (status = 200, content(
            (ServiceDefinition = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "No such service", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn service_definition(Path(file): Path<String>, headers: HeaderMap) -> Answer {
    let Some((code, format)) = split(&file) else {
        return not_found(Format::Json, "end the path with .json or .xml");
    };
    let Some(category) = Category::parse(code) else {
        return not_found(format, &format!("no service {code}"));
    };
    let (description, datatype_description) = words::title_attribute(locale(&headers));
    let definition = ServiceDefinition {
        service_code: category.as_str().into(),
        attributes: vec![Attribute {
            variable: true,
            code: "title".into(),
            datatype: "string".into(),
            required: false,
            datatype_description,
            order: 1,
            description,
        }],
    };
    Answer::ok(format, "service_definition", definition)
}

/// A suggestion as a service request: what the public tracking page shows.
#[derive(Serialize, ToSchema)]
pub struct ServiceRequest {
    /// The receipt code.
    pub service_request_id: String,
    /// `open` (received, under review, accepted, in progress) or `closed`
    /// (done, declined, a duplicate).
    pub status: String,
    /// The committee's latest public reply.
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    /// The title, then the description after a blank line.
    pub description: String,
    /// The community's residents' committee.
    pub agency_responsible: String,
    pub service_notice: Option<String>,
    /// W3C date-time, Beijing time.
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    /// The place as the resident described it.
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    /// WGS-84.
    pub lat: Option<f64>,
    pub long: Option<f64>,
    /// The first photo the committee has not hidden.
    pub media_url: Option<String>,
}

/// One service request, as a list of one (as the specification shows it).
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{service_request_id}.{format}",
    tag = "open311",
    params(("service_request_id" = String, Path, description = "A receipt code, e.g. WH-7K3Q"), ("format" = Format, Path)),
    responses(
        (status = 200, content(
            (Vec<ServiceRequest> = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "No such request, or hidden by the committee", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 503, description = "The database is briefly unreachable", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn one_request(
    State(state): State<ServerState>,
    Path(file): Path<String>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
) -> Answer {
    let Some((id, format)) = split(&file) else {
        return not_found(Format::Json, "end the path with .json or .xml");
    };
    let Some(code) = ReceiptCode::parse(id) else {
        return not_found(format, &format!("no service request {id}"));
    };
    match state.app.db.open311_requests_by_code(std::slice::from_ref(&code)).await {
        Ok(found) if !found.is_empty() => request_list(&state, format, locale(&headers), &client, found),
        Ok(_) => not_found(format, &format!("no service request {id}")),
        Err(e) => unavailable(format, e),
    }
}

fn unavailable(format: Format, e: StoreError) -> Answer {
    tracing::error!(error = %e, "open311: reading suggestions failed");
    error(
        format,
        StatusCode::SERVICE_UNAVAILABLE,
        "the service is briefly unavailable; try again",
    )
}

/// The parameters of a listing; every one may be left out or empty.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RequestsQuery {
    /// Receipt codes, comma-separated (at most 100); overrides every
    /// other parameter.
    service_request_id: Option<String>,
    /// Service codes, comma-separated.
    service_code: Option<String>,
    /// W3C date-time (or a date, the start of that day in Beijing time);
    /// at most 90 days before `end_date`. Default: the last 90 days.
    start_date: Option<String>,
    end_date: Option<String>,
    /// `open`, `closed` or both, comma-separated.
    #[param(pattern = "^((open|closed)(,(open|closed))*)?$")]
    status: Option<String>,
    /// A community code; every community when left out.
    jurisdiction_id: Option<String>,
    /// With `long`: only requests within `radius` metres of this place.
    lat: Option<f64>,
    long: Option<f64>,
    /// Metres, 1–20 000; default 1 000.
    radius: Option<f64>,
}

/// Service requests, newest first, at most 1 000.
#[utoipa::path(
    get,
    path = "/open311/v2/requests.{format}",
    tag = "open311",
    params(("format" = Format, Path), RequestsQuery),
    responses(
        (status = 200, content(
            (Vec<ServiceRequest> = "application/json"),
            (String = "text/xml")
        )),
        (status = 400, description = "A parameter is wrong (named in the description)", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "No such jurisdiction (community)", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 503, description = "The database is briefly unreachable", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn requests(
    State(state): State<ServerState>,
    uri: Uri,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    let format = format_of(&uri);
    let ask = match Ask::parse(query.as_deref().unwrap_or("")) {
        Ok(ask) => ask,
        Err(message) => return error(format, StatusCode::BAD_REQUEST, message),
    };
    let db = &state.app.db;
    let found = match ask.ids {
        // Naming requests overrides every other parameter.
        Some(codes) => db.open311_requests_by_code(&codes).await,
        None => {
            if let Some(code) = &ask.filter.community {
                if state.app.catalog.snapshot().community(code).is_none() {
                    return not_found(format, &format!("no jurisdiction {code}"));
                }
            }
            db.open311_requests(&ask.filter).await.map(|mut found| {
                if let Some((centre, radius)) = ask.around {
                    found.retain(|r| r.location.is_some_and(|p| haversine_m(centre, p) <= radius));
                }
                found
            })
        }
    };
    match found {
        Ok(found) => request_list(&state, format, locale(&headers), &client, found),
        Err(e) => unavailable(format, e),
    }
}

fn request_list(
    state: &ServerState,
    format: Format,
    locale: Locale,
    client: &Client,
    found: Vec<RequestRecord>,
) -> Answer {
    let snapshot = state.app.catalog.snapshot();
    let origin = client.origin();
    let english = locale == Locale::en;
    let list: Vec<ServiceRequest> = found
        .into_iter()
        .map(|r| {
            let agency = match snapshot.community(&r.community) {
                Some(c) => words::agency(locale, c.name(english)),
                None => r.community.clone(),
            };
            service_request(locale, &origin, agency, r)
        })
        .collect();
    Answer::ok(format, "service_requests", list)
}

/// Beijing time, as the committee and residents read it.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

fn w3c(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&beijing())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// One suggestion as a service request; public fields only.
fn service_request(locale: Locale, origin: &str, agency: String, r: RequestRecord) -> ServiceRequest {
    let description = if r.description.is_empty() {
        r.title.clone()
    } else {
        format!("{}\n\n{}", r.title, r.description)
    };
    ServiceRequest {
        service_request_id: r.receipt_code.to_string(),
        status: if r.status.is_open() { "open" } else { "closed" }.into(),
        status_notes: non_empty(r.latest_reply),
        service_name: category_name(locale, r.category),
        service_code: r.category.as_str().into(),
        description,
        agency_responsible: agency,
        service_notice: None,
        requested_datetime: w3c(r.created_at),
        updated_datetime: w3c(r.updated_at),
        expected_datetime: None,
        address: non_empty(r.location_text),
        address_id: None,
        zipcode: None,
        lat: r.location.map(|p| p.lat),
        long: r.location.map(|p| p.lng),
        media_url: r
            .photo_key
            .map(|key| format!("{origin}{}", app::domain::suggestion::view::photo_url(&key))),
    }
}

/// The parameters of `GET requests`, checked.
#[derive(Debug, PartialEq)]
struct Ask {
    ids: Option<Vec<ReceiptCode>>,
    filter: RequestFilter,
    around: Option<(LatLng, f64)>,
}

impl Ask {
    fn parse(query: &str) -> Result<Ask, String> {
        Self::parse_at(query, Utc::now())
    }

    fn parse_at(query: &str, now: DateTime<Utc>) -> Result<Ask, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| "the query string is not form-encoded".to_string())?;
        // An empty parameter is the same as a missing one.
        let get = |name: &str| Some(crate::intake::field(&pairs, name).trim()).filter(|v| !v.is_empty());
        let ids = match get("service_request_id") {
            Some(list) => {
                let ids: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                if ids.len() > MAX_IDS {
                    return Err(format!("service_request_id names at most {MAX_IDS} requests"));
                }
                // An id that is not a receipt code names no request.
                Some(ids.into_iter().filter_map(ReceiptCode::parse).collect())
            }
            None => None,
        };
        let categories = match get("service_code") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|code| Category::parse(code).ok_or_else(|| format!("no service_code {code}")))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let open = match get("status") {
            None => None,
            Some(list) => {
                let (mut open, mut closed) = (false, false);
                for s in list.split(',').map(str::trim) {
                    match s {
                        "open" => open = true,
                        "closed" => closed = true,
                        _ => return Err(format!("status must be open or closed, not {s}")),
                    }
                }
                (open != closed).then_some(open)
            }
        };
        let start = get("start_date").map(|s| w3c_date("start_date", s)).transpose()?;
        let end = get("end_date").map(|s| w3c_date("end_date", s)).transpose()?;
        let range = chrono::Duration::days(MAX_RANGE_DAYS);
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + range),
            (None, Some(e)) => (e - range, e),
            (None, None) => (now - range, now),
        };
        if end < start {
            return Err("end_date is before start_date".into());
        }
        if end - start > range {
            return Err(format!(
                "start_date and end_date are at most {MAX_RANGE_DAYS} days apart"
            ));
        }
        let number = |name: &str| -> Result<Option<f64>, String> {
            get(name)
                .map(|v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .ok_or_else(|| format!("{name} is not a number"))
                })
                .transpose()
        };
        let around = match (number("lat")?, number("long")?) {
            (Some(lat), Some(lng)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
                    return Err("lat must be within ±90 and long within ±180".into());
                }
                let radius = number("radius")?.unwrap_or(DEFAULT_RADIUS_M);
                if !(radius > 0.0 && radius <= MAX_RADIUS_M) {
                    return Err(format!("radius is in metres, more than 0 and at most {MAX_RADIUS_M}"));
                }
                Some((LatLng::new(lat, lng), radius))
            }
            (None, None) => None,
            _ => return Err("give lat and long together".into()),
        };
        let within = around.map(|(c, r)| {
            // A box around the circle: degrees of latitude are ~111 km,
            // of longitude shorter by the latitude's cosine.
            let dlat = r / 111_000.0 + 1e-6;
            let dlng = r / (111_000.0 * c.lat.to_radians().cos().max(0.01)) + 1e-6;
            (
                LatLng::new(c.lat - dlat, c.lng - dlng),
                LatLng::new(c.lat + dlat, c.lng + dlng),
            )
        });
        Ok(Ask {
            ids,
            filter: RequestFilter {
                community: get("jurisdiction_id").map(str::to_string),
                categories,
                open,
                created: (start.timestamp_millis(), end.timestamp_millis()),
                within,
            },
            around,
        })
    }
}

/// A W3C date-time (`2026-12-07T09:30:00+08:00`, `…Z`), or a date alone,
/// read as the start of that day in Beijing time.
fn w3c_date(name: &str, s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| beijing().from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{name} is not a W3C date-time like 2026-12-07T09:30:00+08:00"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn defaults_to_the_last_90_days_of_every_request() {
        let now = at("2026-12-07T12:00:00Z");
        let ask = Ask::parse_at("", now).unwrap();
        assert_eq!(ask.ids, None);
        assert_eq!(
            ask.filter.created,
            (
                (now - chrono::Duration::days(90)).timestamp_millis(),
                now.timestamp_millis()
            )
        );
        assert_eq!((ask.filter.open, ask.around), (None, None));
        assert!(ask.filter.categories.is_empty());
    }

    #[test]
    fn dates_ranges_and_statuses_are_checked() {
        let now = at("2026-12-07T12:00:00Z");
        let ask = Ask::parse_at("start_date=2026-11-01&end_date=2026-11-02T00:00:00Z&status=closed", now).unwrap();
        assert_eq!(ask.filter.created.0, at("2026-10-31T16:00:00Z").timestamp_millis());
        assert_eq!(ask.filter.created.1, at("2026-11-02T00:00:00Z").timestamp_millis());
        assert_eq!(ask.filter.open, Some(false));
        assert_eq!(Ask::parse_at("status=open,closed", now).unwrap().filter.open, None);
        for bad in [
            "start_date=yesterday",
            "start_date=2026-01-01&end_date=2026-12-01",
            "start_date=2026-12-01&end_date=2026-11-01",
            "status=pending",
            "service_code=potholes",
            "lat=30.6",
            "lat=30.6&long=104&radius=0",
            "lat=30.6&long=104&radius=50000",
            "lat=91&long=104",
            "lat=NaN&long=104",
        ] {
            assert!(Ask::parse_at(bad, now).is_err(), "{bad} was taken");
        }
    }

    #[test]
    fn named_ids_are_read_as_receipt_codes() {
        let now = at("2026-12-07T12:00:00Z");
        let ask = Ask::parse_at("service_request_id=wh-7k3q,%20nonsense!,WH7K3R", now).unwrap();
        let ids: Vec<String> = ask.ids.unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(ids, ["WH-7K3Q", "WH-7K3R"]);
        let many = (0..=MAX_IDS).map(|_| "WH-7K3Q").collect::<Vec<_>>().join(",");
        assert!(Ask::parse_at(&format!("service_request_id={many}"), now).is_err());
    }

    #[test]
    fn the_box_holds_the_circle() {
        let now = at("2026-12-07T12:00:00Z");
        let ask = Ask::parse_at("lat=30.65&long=104.06&radius=2000", now).unwrap();
        let (sw, ne) = ask.filter.within.unwrap();
        let centre = LatLng::new(30.65, 104.06);
        for edge in [
            LatLng::new(sw.lat, centre.lng),
            LatLng::new(ne.lat, centre.lng),
            LatLng::new(centre.lat, sw.lng),
            LatLng::new(centre.lat, ne.lng),
        ] {
            assert!(haversine_m(centre, edge) >= 2000.0, "{edge:?}");
        }
    }
}
