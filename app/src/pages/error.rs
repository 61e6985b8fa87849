//! What a page's server function can fail with: one type, matched by
//! variant (never by error text), so a committee page tells "signed out"
//! (redirect to sign in) from "the database is away" (try again).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PageError {
    /// A committee page without a live session.
    #[error("not signed in")]
    NotSignedIn,
    /// Storage could not answer (logged on the server): try again.
    #[error("storage unavailable")]
    Unavailable,
    /// Anything else on the server (logged): a defect, not an outage.
    #[error("internal error")]
    Internal,
    /// The server function machinery itself (encoding, transport).
    #[error("server function: {0}")]
    ServerFn(String),
}

impl FromServerFnError for PageError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        PageError::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::store::StoreError> for PageError {
    fn from(e: crate::server::store::StoreError) -> Self {
        tracing::error!(error = %e, "a page's storage request failed");
        if e.is_unavailable() {
            PageError::Unavailable
        } else {
            PageError::Internal
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::admin::AdminError> for PageError {
    fn from(e: crate::server::admin::AdminError) -> Self {
        match e {
            crate::server::admin::AdminError::Store(e) => e.into(),
            other => {
                tracing::error!(error = %other, "an administration page failed");
                PageError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::review::ReviewError> for PageError {
    fn from(e: crate::server::review::ReviewError) -> Self {
        match e {
            crate::server::review::ReviewError::Store(e) => e.into(),
            e => {
                tracing::error!(error = %e, "a committee page's request failed");
                PageError::Internal
            }
        }
    }
}

/// The server's state, from the request's context.
#[cfg(feature = "ssr")]
pub fn app_state() -> Result<crate::server::AppState, PageError> {
    leptos::prelude::use_context::<crate::server::AppState>().ok_or_else(|| {
        tracing::error!("a server function ran without the app state");
        PageError::Unavailable
    })
}

/// Seconds a "try again" answer (a 503) asks clients to wait: about how
/// long a database restart or a fail-over takes.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// What a page shows when storage could not answer: a 503 with
/// `Retry-After` (so monitors and the service worker see a failure, not a
/// page), a plain message, and a button that asks again for the same page.
/// Any other failure is a 500 (a defect to fix, not an outage to wait
/// out), with the same words for the reader.
#[leptos::component]
pub fn TryAgain(error: PageError) -> impl leptos::prelude::IntoView {
    use crate::i18n::*;
    use leptos::prelude::*;
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header, HeaderValue, StatusCode};
        if error == PageError::Unavailable {
            response.set_status(StatusCode::SERVICE_UNAVAILABLE);
            response.insert_header(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_SECS));
        } else {
            response.set_status(StatusCode::INTERNAL_SERVER_ERROR);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
    let locale = crate::prefs::use_locale();
    // An empty reference is this very address, query included.
    view! {
        <div class="notice notice-error" role="alert">
            <p>{td!(locale, error_server)}</p>
            <p>
                <a class="button" href="" rel="external">
                    {td!(locale, error_try_again)}
                </a>
            </p>
        </div>
    }
}
