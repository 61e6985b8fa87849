//! Linli's server: the axum wiring around the Leptos app, the public REST
//! API, the command line, configuration and data import.

pub mod api;
pub mod compression;
pub mod config;
pub mod copy;
pub mod device;
pub mod export;
pub mod export_facilities;
pub mod forms;
pub mod forwarded;
pub mod http;
pub mod import;
pub mod intake;
pub mod keys;
pub mod limits;
pub mod mine;
pub mod navigation;
pub mod open311;
pub mod photos;
pub mod prefs;
pub mod pwa;
pub mod seed;
pub mod state;
pub mod users;
pub mod webhooks;
