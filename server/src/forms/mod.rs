//! The HTML forms that change something: the suggestion form's steps, the
//! +1 button, the header's switches, and the committee's sign-in and review
//! actions (with the committee's downloads). Plain form POSTs answered with
//! a page or a redirect, so they work without JavaScript.

pub mod review;
pub mod suggest;
pub mod support;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::{ServerState, BODY_LIMIT_BYTES, FORM_BODY_LIMIT, REQUEST_TIMEOUT, UPLOAD_TIMEOUT};

/// Every form route, each group with its own body limit and timeout.
pub fn router() -> Router<ServerState> {
    // The suggestion form's steps carry photos: a large body, more time.
    let steps = Router::new()
        .route("/suggest", post(suggest::step))
        .layer(RequestBodyLimitLayer::new(FORM_BODY_LIMIT))
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            UPLOAD_TIMEOUT,
        ));
    let small = Router::new()
        .route("/prefs", post(crate::prefs::set_prefs))
        .route("/track/{code}/support", post(support::support))
        .route("/login", post(review::login))
        .route("/logout", post(review::logout))
        .route("/review/export.csv", get(review::export))
        .route("/review/photos/{file}", get(review::photo))
        .route("/review/s/{code}/{action}", post(review::act))
        .route("/review/s/{code}/photos/{position}/hide", post(review::hide_photo))
        .route("/review/templates", post(review::add_template))
        .route("/review/templates/{id}/delete", post(review::delete_template))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    steps.merge(small)
}
