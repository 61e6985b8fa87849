//! `POST /track/{code}/support`: the "+1" button. One per device: the
//! device cookie is set on first use, and the database keeps one support
//! per (suggestion, device). A reload after the redirect is a GET, and a
//! resent POST finds the support already there.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use app::domain::suggestion::ReceiptCode;
use app::server::suggestions::{device_hash, random_token};

use crate::device;
use crate::limits::{client_ip, retry_after_secs};
use crate::state::ServerState;

pub async fn support(State(state): State<ServerState>, Path(code): Path<String>, req: Request) -> Response {
    let Some(code) = ReceiptCode::parse(&code) else {
        return see_other("/track?code=".to_string());
    };
    if let Err(wait) = state
        .limits
        .check_support(client_ip(req.extensions()), code.as_str())
        .await
    {
        let secs = retry_after_secs(wait);
        return super::too_many(&format!("/track/{code}?limited={secs}"), secs);
    }
    let (id, new_cookie) = match device::device_id(req.headers()) {
        Some(id) => (id, None),
        None => {
            let id = random_token();
            let cookie = device::device_cookie(&id, device::is_https(req.extensions()));
            (id, Some(cookie))
        }
    };
    let outcome = match state.app.db.add_support(&code, &device_hash(&id)).await {
        Ok(Some((_, true))) => "1",
        Ok(Some((_, false))) => "already",
        // Unknown or hidden: the tracking page says so.
        Ok(None) => return see_other(format!("/track/{code}")),
        Err(e) => {
            tracing::error!(error = %e, "recording a support failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "could not record your support; please try again",
            )
                .into_response();
        }
    };
    let mut response = see_other(format!("/track/{code}?supported={outcome}"));
    if let Some(cookie) = new_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// 303: the browser follows with a GET, so a reload does not resend.
pub fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
