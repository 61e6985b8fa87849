//! Server-only code: storage, the in-memory catalogue and its spatial index.
//! Compiled only with the `ssr` feature, so none of it reaches the browser.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod catalog;
pub mod coverage;
pub mod index;
pub mod mine;
pub mod open311;
pub mod photos;
pub mod review;
pub mod store;
pub mod suggestions;

pub use catalog::{AppState, Catalog};
pub use store::Db;
