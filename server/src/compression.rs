//! Pages compressed whole. A page is drawn completely before it is sent
//! (`SsrMode::Async`, or a page with no data to wait for), so it can be
//! brotli'd in one go with a window that fits it
//! ([`app::server::catalog::brotli`]) instead of streamed through an
//! encoder sized for any length: the same bytes for a third less CPU on a
//! results page. Everything else (API answers, scripts, gzip for the rare
//! client without brotli) is left to tower-http's `CompressionLayer`
//! outside this one, which skips what already has a `Content-Encoding`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::state::Compression;

/// Whether `Accept-Encoding` takes brotli (`br`, with no `q=0`).
pub fn accepts_brotli(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .is_some_and(|q| !q.parse::<f32>().is_ok_and(|q| q > 0.0))
            });
            name.eq_ignore_ascii_case("br") && !refused
        })
}

fn is_page(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
        && !response.headers().contains_key(header::CONTENT_ENCODING)
}

pub async fn pages_whole(State(compression): State<Compression>, req: Request, next: Next) -> Response {
    let brotli = accepts_brotli(req.headers());
    let response = next.run(req).await;
    if !brotli || !is_page(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            // The page failed while being drawn: nothing sensible to send.
            tracing::error!(error = %e, "page body failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let compressed = app::server::catalog::brotli(&bytes, u32::from(compression.quality));
    let h = &mut parts.headers;
    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(compressed.len()));
    h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    Response::from_parts(parts, Body::from(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        accepts_brotli(&h)
    }

    #[test]
    fn brotli_is_taken_unless_refused() {
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("BR"));
        assert!(accepts("br;q=0.5, gzip"));
        assert!(!accepts("gzip, deflate"));
        assert!(!accepts("br;q=0, gzip"));
        assert!(!accepts("br; q=0.0"));
        assert!(!accepts("brotli"));
        assert!(!accepts(""));
        assert!(!accepts_brotli(&HeaderMap::new()));
    }
}
