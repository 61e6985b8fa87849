//! The public JSON API, `/api/v1`, as specified in PRODUCT.md and described
//! by the OpenAPI document generated from these handlers' annotations.

mod error;
mod facilities;
mod sorting;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use app::server::AppState;

pub use error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli API", version = "1.0.0", description = "Find neighbourhood services within a 15-minute walk."),
    paths(facilities::nearby, facilities::facility, sorting::search),
    components(schemas(error::ErrorBody, error::ErrorDetail)),
    tags(
        (name = "facilities", description = "Meal-assistance, reading and waste-sorting points"),
        (name = "sorting", description = "Which bin an item goes in, under Chengdu's rules")
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/facilities/nearby", get(facilities::nearby))
        .route("/facilities/{id}", get(facilities::facility))
        .route("/sorting/search", get(sorting::search))
        .route("/sorting/dictionary", get(sorting::dictionary))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
