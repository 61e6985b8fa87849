//! Reusable pieces of the pages. Islands (the only parts that run in the
//! browser) are in `locate`, `map_tap`, `place_picker`, `photo_resize`,
//! `sorting_search`, `offline_nearby` and `offline_suggest`.

pub mod facility_card;
pub mod header;
pub mod locate;
pub mod map;
pub mod map_tap;
pub mod offline_nearby;
pub mod offline_suggest;
pub mod photo_resize;
pub mod place_picker;
pub mod pwa;
pub mod services;
pub mod sorting_search;
pub mod suggestion_text;
