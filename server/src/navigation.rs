//! `/facility/{id}/go/{app}`: hands a facility to a map app. The result
//! cards link here rather than to the apps' long addresses (each holds the
//! name percent-encoded; see `app::components::facility_card::NavLinks`),
//! which keeps a page of results a third smaller and quicker to draw. The
//! address is made when tapped, from the facility as it is now.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::domain::navigation::MapApp;
use app::server::AppState;

/// A redirect to the app's walking directions. An unknown facility (retired
/// since the page was drawn) or app goes to the facility's page, which says
/// so in the resident's language.
pub async fn directions(State(state): State<AppState>, Path((id, app)): Path<(String, String)>) -> Response {
    let snapshot = state.catalog.snapshot();
    let found = id
        .parse::<i64>()
        .ok()
        .and_then(|id| snapshot.index.get(id))
        .zip(MapApp::parse(&app));
    let location = match found {
        Some((f, app)) => app.link(f.location, &f.name_zh),
        None => format!(
            "/facility/{}",
            percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC)
        ),
    };
    match HeaderValue::try_from(location) {
        Ok(to) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
