//! "My suggestions" (`app::domain::suggestion::mine`): a suggestion filed
//! from this phone is added to the phone's list with the answer, by the
//! form and by the API (the app's outbox and offline form send through it);
//! `POST /mine/remove` takes one off the list.

use axum::extract::Form;
use axum::http::{header, Extensions, HeaderMap, HeaderValue};
use axum::response::Response;
use serde::Deserialize;

use app::domain::suggestion::ReceiptCode;
use app::server::mine;

use crate::forms::support::see_other;
use crate::state::ServerState;

/// Adds `code`, whose `steps` the resident has seen, to the request's
/// list, and sends the list back with `response`.
pub fn remember_seen(
    headers: &HeaderMap,
    extensions: &Extensions,
    code: &ReceiptCode,
    steps: u32,
    response: &mut Response,
) {
    let mut list = mine::read(headers);
    list.add(code.clone(), steps);
    send(&list, extensions, response);
}

/// [`remember_seen`] with the steps the suggestion has now.
pub async fn remember(
    state: &ServerState,
    headers: &HeaderMap,
    extensions: &Extensions,
    code: &ReceiptCode,
    response: &mut Response,
) {
    let steps = match state.app.db.public_suggestion(code).await {
        Ok(Some(s)) => mine::steps(&s),
        // Filed a moment ago: its one step. A lookup failure must not lose
        // the receipt.
        _ => 1,
    };
    remember_seen(headers, extensions, code, steps, response);
}

fn send(list: &app::domain::suggestion::mine::Mine, extensions: &Extensions, response: &mut Response) {
    let secure = crate::device::is_https(extensions);
    if let Ok(value) = HeaderValue::from_str(&mine::set_cookie(list, secure)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    code: String,
}

/// One tap: the suggestion leaves this phone's list (not the server), and
/// the list shows again.
pub async fn remove(extensions: Extensions, headers: HeaderMap, Form(form): Form<RemoveForm>) -> Response {
    let mut response = see_other("/mine".to_string());
    let mut list = mine::read(&headers);
    if ReceiptCode::parse(&form.code).is_some_and(|code| list.remove(&code)) {
        send(&list, &extensions, &mut response);
    }
    response
}
