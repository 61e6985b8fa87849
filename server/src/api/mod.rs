//! The public JSON API, `/api/v1`, as specified in PRODUCT.md and described
//! by the OpenAPI document generated from these handlers' annotations.

mod coverage;
mod error;
mod facilities;
mod sorting;
pub mod suggestions;
mod tiles;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::{RequestTimeouts, ServerState, BODY_LIMIT_BYTES};

pub use error::{ApiError, ApiQuery};

/// JSON written into a buffer of about its size: axum's `Json` starts at
/// 128 bytes and copies as it grows, which showed in profiles of the
/// nearby API (README, "Server speed").
pub struct SizedJson<T>(pub T, pub usize);

impl<T: serde::Serialize> IntoResponse for SizedJson<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(self.1);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                body,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "an answer could not be written as JSON");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli API", version = "1.0.0", description = "Find neighbourhood services within a 15-minute walk."),
    paths(
        facilities::nearby,
        facilities::facility,
        tiles::area,
        tiles::tile,
        sorting::search,
        suggestions::create,
        suggestions::show,
        suggestions::list,
        suggestions::support,
        coverage::residences,
        coverage::coverage,
        coverage::sites,
        crate::open311::discovery,
        crate::open311::services,
        crate::open311::service_definition,
        crate::open311::requests,
        crate::open311::post::create,
        crate::open311::one_request
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, error::FieldProblem, crate::open311::Format)),
    tags(
        (name = "facilities", description = "Meal-assistance, reading and waste-sorting points"),
        (name = "sorting", description = "Which bin an item goes in, under Chengdu's rules"),
        (name = "suggestions", description = "Residents' micro-renewal suggestions and their public timeline"),
        (name = "coverage", description = "Who lives within a walk of the nearest point, who does not, and where the next points would help most"),
        (name = "open311", description = "Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): suggestions as service requests, in JSON or XML by the path's extension; errors are lists of {code, description}")
    )
)]
pub struct ApiDoc;

pub fn router(timeouts: RequestTimeouts) -> Router<ServerState> {
    // Only filing a suggestion takes a large body (photos) and the time to
    // upload it; everything else keeps the site-wide 64 KB limit and the
    // request timeout. (The whole API sits under the upload limit set in
    // `http`.)
    let uploads = Router::new()
        .route("/suggestions", post(suggestions::create).get(suggestions::list))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.upload,
        ));
    Router::new()
        .route("/suggestions/{code}", get(suggestions::show))
        .route("/suggestions/{code}/support", post(suggestions::support))
        .route("/facilities/nearby", get(facilities::nearby))
        .route("/facilities/all", get(facilities::all))
        .route("/facilities/tiles", get(tiles::area))
        .route("/facilities/tiles/{z}/{x}/{y}", get(tiles::tile))
        .route("/facilities/{id}", get(facilities::facility))
        .route("/sorting/search", get(sorting::search))
        .route("/residences", get(coverage::residences))
        .route("/coverage", get(coverage::coverage))
        .route("/coverage/sites", get(coverage::sites))
        .route("/sorting/dictionary", get(sorting::dictionary))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .merge(uploads)
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// Browsers revalidate the catalogue's downloads after five minutes; the
/// service worker keeps a copy for offline use.
const DOWNLOAD_CACHE: &str = "public, max-age=300, must-revalidate";

/// Answers with a whole-file download: `304` when the client's copy is
/// current (ETag), brotli when the client accepts it.
pub(crate) fn download(
    file: &app::server::catalog::Download,
    headers: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(file.etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut res = if crate::compression::accepts_brotli(headers) {
        let mut res = file.brotli.clone().into_response();
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        res
    } else {
        file.body.clone().into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if let Ok(v) = HeaderValue::from_str(&file.etag) {
        h.insert(header::ETAG, v);
    }
    res
}
