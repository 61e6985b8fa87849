//! The domain: plain Rust shared by the server and the browser, with no I/O,
//! so every rule here is unit-tested directly.

pub mod admin;
pub mod boundary;
pub mod closures;
pub mod coords;
pub mod facility;
pub mod hours;
pub mod navigation;
pub mod nearby;
pub mod projection;
pub mod review;
pub mod sorting;
pub mod suggestion;
pub mod tiles;
pub mod walking;
