//! The device cookie: a random id that lets a browser support a suggestion
//! once. It identifies a device, not a person; the server stores only its
//! SHA-256, next to the supports it gave.

use axum::http::{header, Extensions, HeaderMap, HeaderValue};

pub const DEVICE_COOKIE: &str = "linli_device";
const TWO_YEARS: i64 = 2 * 365 * 24 * 3600;

/// The device id from the request's cookies, when it looks like one of ours.
pub fn device_id(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    app::security::cookie(cookies, DEVICE_COOKIE)
        .filter(|v| app::security::is_hex_token(v, 32))
        .map(str::to_string)
}

/// Whether the request came over HTTPS (through a trusted proxy).
pub fn is_https(extensions: &Extensions) -> bool {
    crate::forwarded::client(extensions).https
}

/// `Set-Cookie` for a new device id: HttpOnly (no script reads it),
/// SameSite=Lax (not sent on other sites' POSTs), Secure over HTTPS.
pub fn device_cookie(id: &str, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&app::security::set_cookie(DEVICE_COOKIE, id, TWO_YEARS, secure)).expect("hex cookie value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_well_formed_device_ids() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; linli_device=0123456789abcdef0123456789abcdef"),
        );
        assert_eq!(device_id(&h).as_deref(), Some("0123456789abcdef0123456789abcdef"));
        h.insert(header::COOKIE, HeaderValue::from_static("linli_device=short"));
        assert_eq!(device_id(&h), None);
        let c = device_cookie("ab", true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
    }
}
