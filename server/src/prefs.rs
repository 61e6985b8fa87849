//! `POST /prefs`: the language and text-size switches in the header. A plain
//! form POST, so they work without JavaScript; the answer sets a cookie and
//! sends the resident back to the page they were on.

use axum::extract::Form;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::prefs::{parse_locale, LANG_COOKIE, TEXT_COOKIE};
use app::security::{safe_next, set_cookie};

#[derive(Debug, Deserialize)]
pub struct PrefsForm {
    lang: Option<String>,
    text: Option<String>,
    next: Option<String>,
}

const ONE_YEAR: i64 = 365 * 24 * 3600;

pub async fn set_prefs(extensions: Extensions, Form(form): Form<PrefsForm>) -> Response {
    let mut headers = HeaderMap::new();
    let secure = crate::device::is_https(&extensions);
    let cookie = |name: &str, value: &str| {
        HeaderValue::from_str(&set_cookie(name, value, ONE_YEAR, secure)).expect("cookie value is ASCII")
    };
    if let Some(locale) = form.lang.as_deref().and_then(parse_locale) {
        let tag = if locale == app::i18n::Locale::en { "en" } else { "zh-CN" };
        headers.append(SET_COOKIE, cookie(LANG_COOKIE, tag));
    }
    match form.text.as_deref() {
        Some("large") => headers.append(SET_COOKIE, cookie(TEXT_COOKIE, "large")),
        Some("normal") => headers.append(SET_COOKIE, cookie(TEXT_COOKIE, "normal")),
        _ => false,
    };
    let next = safe_next(form.next.as_deref(), "/");
    headers.insert(
        LOCATION,
        HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/")),
    );
    (StatusCode::SEE_OTHER, headers).into_response()
}
