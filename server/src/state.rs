//! The state every handler reaches, and the limits every request lives
//! within: its own module, so handlers depend on it and on nothing of the
//! wiring in `http`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use app::domain::suggestion::draft::MAX_PHOTOS;
use app::server::photos::process::MAX_UPLOAD_BYTES;
use app::server::AppState;

use crate::limits::WriteLimiter;

/// Requests larger than this are refused with 413 before being read.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// The sign-in form: a name and a password.
pub const LOGIN_BODY_LIMIT: usize = 16 * 1024;
/// The whole body of an API upload: three photos plus the text.
pub const UPLOAD_BODY_LIMIT: usize = MAX_PHOTOS * MAX_UPLOAD_BYTES + 256 * 1024;
/// A spreadsheet uploaded to the browser's import (a district's facilities
/// are well under a megabyte; `server import` takes anything larger).
pub const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// The whole body of a form step. Larger than the API's: a resident without
/// JavaScript may pick more or bigger photos than allowed, and should get
/// the form back with a sentence, not a bare 413. Memory stays bounded by
/// the per-part limits; extra photos are skipped unread.
pub const FORM_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// A text field of a multipart body longer than this is refused outright
/// (the longest real field, the description, is 2 000 characters: at most
/// 8 000 bytes).
pub const TEXT_FIELD_MAX_BYTES: usize = 16 * 1024;
/// A request taking longer than this (a body dribbled in, too) is
/// answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Uploads get longer: three phone photos over a weak connection.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(180);

/// How long a request may take, body included: pages and small forms, and
/// uploads (the API's suggestions, the form's steps with photos).
#[derive(Clone, Copy, Debug)]
pub struct RequestTimeouts {
    pub request: Duration,
    pub upload: Duration,
}

impl Default for RequestTimeouts {
    fn default() -> Self {
        Self {
            request: REQUEST_TIMEOUT,
            upload: UPLOAD_TIMEOUT,
        }
    }
}

/// The default quality of on-the-fly compression: measured on a results
/// page (README, "Server speed"), brotli 4 is 7 % smaller than 3 at the same
/// speed; 1 serves 1.4× the pages but 16 % larger, which a resident on weak
/// 4G pays for while more app servers are cheap.
pub const COMPRESSION_QUALITY: u8 = 4;

/// How pages and API answers are compressed on the way out.
#[derive(Clone, Copy, Debug)]
pub struct Compression {
    /// 1 (fastest) to 11 (smallest), for brotli; gzip takes at most 9.
    pub quality: u8,
}

impl Default for Compression {
    fn default() -> Self {
        Self {
            quality: COMPRESSION_QUALITY,
        }
    }
}

/// The axum state: the app's state plus what leptos_axum needs. axum
/// clones it for every request, so it is one `Arc` (a copy of
/// `LeptosOptions` alone is a dozen reference counts); the handlers'
/// extractors take the part they need (`FromRef`).
#[derive(Clone)]
pub struct ServerState(Arc<Shared>);

pub struct Shared {
    pub app: AppState,
    pub leptos_options: LeptosOptions,
    /// Rate limits on everything that writes (per client address), on
    /// supports and on sign-in.
    pub limits: WriteLimiter,
    /// `/sw.js`, made once from this build's file list.
    pub service_worker: crate::pwa::ServiceWorker,
    /// Whose forwarded headers are believed.
    pub proxies: crate::forwarded::TrustedProxies,
}

impl ServerState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for ServerState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

macro_rules! part_of_state {
    ($($field:ident: $ty:ty),* $(,)?) => {$(
        impl FromRef<ServerState> for $ty {
            fn from_ref(state: &ServerState) -> Self {
                state.$field.clone()
            }
        }
    )*};
}

part_of_state! {
    app: AppState,
    leptos_options: LeptosOptions,
    limits: WriteLimiter,
    service_worker: crate::pwa::ServiceWorker,
    proxies: crate::forwarded::TrustedProxies,
}
