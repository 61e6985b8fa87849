//! The public JSON API, `/api/v1`, as specified in PRODUCT.md and described
//! by the OpenAPI document generated from these handlers' annotations.

mod error;
mod facilities;
mod sorting;
pub mod suggestions;

use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use tower_http::limit::RequestBodyLimitLayer;

use crate::http::{ServerState, BODY_LIMIT_BYTES};

pub use error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli API", version = "1.0.0", description = "Find neighbourhood services within a 15-minute walk."),
    paths(
        facilities::nearby,
        facilities::facility,
        sorting::search,
        suggestions::create,
        suggestions::show,
        suggestions::list,
        suggestions::support
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, error::FieldProblem)),
    tags(
        (name = "facilities", description = "Meal-assistance, reading and waste-sorting points"),
        (name = "sorting", description = "Which bin an item goes in, under Chengdu's rules"),
        (name = "suggestions", description = "Residents' micro-renewal suggestions and their public timeline")
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<ServerState> {
    // Only filing a suggestion takes a large body (photos); everything else
    // keeps the site-wide 64 KB limit.
    // (The whole API sits under the upload limit set in `http`.)
    let uploads = Router::new().route("/suggestions", post(suggestions::create).get(suggestions::list));
    Router::new()
        .route("/suggestions/{code}", get(suggestions::show))
        .route("/suggestions/{code}/support", post(suggestions::support))
        .route("/facilities/nearby", get(facilities::nearby))
        .route("/facilities/{id}", get(facilities::facility))
        .route("/sorting/search", get(sorting::search))
        .route("/sorting/dictionary", get(sorting::dictionary))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .merge(uploads)
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
