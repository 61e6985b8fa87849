//! Reusable pieces of the pages. Islands (the only parts that run in the
//! browser) are in `locate`, `map_tap`, `map_draw`, `place_picker`, `photo_resize`,
//! `sorting_search`, `offline_nearby`, `offline_suggest` and `print`.

pub mod facility_card;
pub mod header;
pub mod hydration;
pub mod locate;
pub mod map;
pub mod map_draw;
pub mod map_tap;
pub mod mistakes;
pub mod offline_nearby;
pub mod offline_suggest;
pub mod photo_resize;
pub mod place_picker;
pub mod print;
pub mod pwa;
pub mod read_aloud;
pub mod services;
pub mod sorting_search;
pub mod suggestion_text;
