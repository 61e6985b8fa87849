//! One file per page, drawn on the server. The browser build has only what
//! an island draws again (`nearby::Results`, for the offline answer) and
//! the errors of the server functions it calls.

pub mod error;
#[cfg(feature = "ssr")]
pub mod facility;
#[cfg(feature = "ssr")]
pub mod home;
#[cfg(feature = "ssr")]
pub mod mine;
pub mod nearby;
#[cfg(feature = "ssr")]
pub mod not_found;
#[cfg(feature = "ssr")]
pub mod offline;
#[cfg(feature = "ssr")]
pub mod review;
#[cfg(feature = "ssr")]
pub mod sorting;
#[cfg(feature = "ssr")]
pub mod suggest;
#[cfg(feature = "ssr")]
pub mod suggestions;
#[cfg(feature = "ssr")]
pub mod track;
