//! Reusable pieces of the pages. Islands (the only parts that run in the
//! browser) are in `locate` and `map_tap`.

pub mod facility_card;
pub mod header;
pub mod locate;
pub mod map;
pub mod map_tap;
pub mod services;
