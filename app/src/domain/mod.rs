//! The domain: plain Rust shared by the server and the browser, with no I/O,
//! so every rule here is unit-tested directly.

pub mod admin;
pub mod boundary;
pub mod closures;
pub mod coords;
pub mod coverage;
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

/// `k=v&…` with every value percent-encoded, pairs with empty values left
/// out: the address of a filtered list.
pub fn query_string<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", k.as_ref(), utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&")
}
