//! "My suggestions" on the server's side: the device's list read from its
//! cookie, each suggestion's public state, and the list sent back. The
//! server keeps nothing of it (`domain::suggestion::mine`).

use axum::http::{header, HeaderMap};

use crate::domain::suggestion::mine::{Mine, COOKIE};
use crate::domain::suggestion::view::PublicSuggestion;
use crate::server::store::{Db, StoreError};

const TWO_YEARS: i64 = 2 * 365 * 24 * 3600;

/// The list in a request's cookies (empty when there is none).
pub fn read(headers: &HeaderMap) -> Mine {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    crate::security::cookie(cookies, COOKIE)
        .map(Mine::parse)
        .unwrap_or_default()
}

/// `Set-Cookie` for the list; an empty list ends the cookie.
pub fn set_cookie(mine: &Mine, secure: bool) -> String {
    let age = if mine.is_empty() { 0 } else { TWO_YEARS };
    crate::security::set_cookie(COOKIE, &mine.cookie_value(), age, secure)
}

/// How many public steps a suggestion's timeline has: more than the
/// resident saw is "new reply".
pub fn steps(s: &PublicSuggestion) -> u32 {
    u32::try_from(s.timeline.len()).unwrap_or(u32::MAX)
}

/// Each remembered suggestion that still exists, in the list's order.
pub async fn suggestions(db: &Db, mine: &Mine) -> Result<Vec<PublicSuggestion>, StoreError> {
    let mut found = Vec::with_capacity(mine.entries().len());
    for (code, _) in mine.entries() {
        if let Some(s) = db.public_suggestion(code).await? {
            found.push(s);
        }
    }
    Ok(found)
}

/// For pages: the current request's list (Leptos context).
pub fn current() -> (Mine, bool) {
    let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() else {
        return (Mine::default(), false);
    };
    let https = parts.extensions.get::<crate::security::Https>().is_some_and(|h| h.0);
    (read(&parts.headers), https)
}

/// For pages: sends `mine` back with the answer.
pub fn send(mine: &Mine, https: bool) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&set_cookie(mine, https)),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}
