//! The HTML forms that change something: the suggestion form's steps, the
//! +1 button, the header's switches, and the committee's sign-in and review
//! actions (with the committee's downloads). Plain form POSTs answered with
//! a page or a redirect, so they work without JavaScript.

pub mod accounts;
pub mod assisted;
pub mod communities;
pub mod facilities;
pub mod import;
pub mod review;
pub mod suggest;
pub mod support;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::{RequestTimeouts, ServerState, BODY_LIMIT_BYTES, FORM_BODY_LIMIT, IMPORT_BODY_LIMIT};

/// Every form route, each group with its own body limit and timeout.
pub fn router(timeouts: RequestTimeouts) -> Router<ServerState> {
    // The suggestion form's steps carry photos: a large body, more time.
    let steps = Router::new()
        .route("/suggest", post(suggest::step))
        .layer(RequestBodyLimitLayer::new(FORM_BODY_LIMIT))
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.upload,
        ));
    // A spreadsheet to import.
    let import = Router::new()
        .route("/review/import", post(import::upload))
        .layer(RequestBodyLimitLayer::new(IMPORT_BODY_LIMIT))
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.upload,
        ));
    let small = Router::new()
        .route("/prefs", post(crate::prefs::set_prefs))
        .route("/track/{code}/support", post(support::support))
        .route("/mine/remove", post(crate::mine::remove))
        .route("/login", post(review::login))
        .route("/logout", post(review::logout))
        .route("/review/export.csv", get(review::export))
        .route("/review/coverage.csv", get(review::coverage_export))
        .route("/review/photos/{file}", get(review::photo))
        .route("/review/s/{code}/{action}", post(review::act))
        .route("/review/s/{code}/photos/{position}/hide", post(review::hide_photo))
        .route("/review/templates", post(review::add_template))
        .route("/review/templates/{id}/delete", post(review::delete_template))
        .route("/review/facilities", post(facilities::create))
        .route("/review/new", post(assisted::file))
        .route("/review/communities", post(communities::create))
        .route("/review/communities/{code}/save", post(communities::save))
        .route("/review/import/confirm", post(import::confirm))
        .route("/review/import/{file}", get(import::template))
        .route("/review/export/{file}", get(import::export))
        .route("/review/accounts", post(accounts::invite))
        .route("/review/accounts/{username}/{action}", post(accounts::act))
        .route("/review/api-keys/{name}/revoke", post(accounts::revoke_key))
        .route("/review/webhooks", post(accounts::add_webhook))
        .route("/review/webhooks/{name}/resend", post(accounts::resend_webhook))
        .route("/review/webhooks/{name}/remove", post(accounts::remove_webhook))
        .route("/review/account/{action}", post(accounts::own))
        .route("/review/welcome", post(accounts::welcome))
        .route("/review/facilities/{id}/{action}", post(facilities::act))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ));
    steps.merge(import).merge(small)
}

/// The Leptos page at `uri` as the answer to a form POST, with `status`
/// (the form again with its errors, or a "wait" page): rendered as if the
/// browser had asked for it, with the request's headers (language, cookies)
/// and `context` provided to the page.
pub async fn render_page(
    state: &ServerState,
    uri: Uri,
    headers: HeaderMap,
    status: StatusCode,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let app_state = state.app.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            leptos::prelude::provide_context(app_state.clone());
            context();
        },
        move || app::app::shell(options.clone()),
    );
    let mut req = Request::new(Body::empty());
    *req.method_mut() = Method::GET;
    *req.uri_mut() = uri;
    *req.headers_mut() = headers;
    req.headers_mut().remove(header::CONTENT_TYPE);
    req.headers_mut().remove(header::CONTENT_LENGTH);
    let mut response = handler(req).await;
    *response.status_mut() = status;
    response
}

/// A form sent too often: `429` with `Retry-After`, and a few bytes that
/// send the browser on to the page at `uri` (which says how long to wait,
/// in the reader's language). A flood is answered for the price of a
/// string, not of a page; a person sees the whole page at once.
pub fn too_many(uri: &str, wait_secs: u64) -> Response {
    let to = html_escape(uri);
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={to}\"><title>429</title></head>\
         <body><p><a href=\"{to}\">继续 / Continue</a></p></body></html>"
    );
    let response = (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Nothing to load, nothing to run.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response();
    with_retry_after(response, Some(wait_secs))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `Retry-After: secs`, when there is a wait to tell.
pub fn with_retry_after(mut response: Response, secs: Option<u64>) -> Response {
    if let Some(secs) = secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
