//! The browser's GET for the files islands download whole (the sorting
//! dictionary, the facilities): answered by the service worker's copy when
//! there is no connection.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The body of a successful `GET url` as text; `None` on any failure.
pub async fn text(url: &str) -> Option<String> {
    let response: web_sys::Response = JsFuture::from(web_sys::window()?.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}
