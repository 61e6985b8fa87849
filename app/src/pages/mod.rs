//! One file per page.

pub mod error;
pub mod facility;
pub mod home;
pub mod nearby;
pub mod not_found;
pub mod offline;
pub mod review;
pub mod sorting;
pub mod suggest;
pub mod suggestions;
pub mod track;
