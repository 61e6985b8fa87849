//! Server-only code: storage, the in-memory catalogue and its spatial index.
//! Compiled only with the `ssr` feature, so none of it reaches the browser.

pub mod catalog;
pub mod index;
pub mod store;

pub use catalog::{AppState, Catalog};
pub use store::Db;
