//! Serving photos: `/photos/{key}.jpg` for photos of public suggestions,
//! `/suggest/photos/{token}` for a photo staged in the resident's own form
//! (the token is the secret). Hidden photos and hidden suggestions' photos
//! are not served.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::server::AppState;

pub async fn public_photo(State(app): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(key) = file.strip_suffix(".jpg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match app.db.photo_is_public(key).await {
        Ok(true) => serve(&app, key, "public, max-age=3600").await,
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "photo lookup failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

pub async fn staged_photo(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    if !app::security::is_hex_token(&token, 32) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match app.db.staged_photo(&token).await {
        Ok(Some(photo)) => serve(&app, &photo.key, "private, no-store").await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "staged photo lookup failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn serve(app: &AppState, key: &str, cache: &'static str) -> Response {
    match app.photos.get(key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a photo failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
