//! The committee's POSTs (sign in, sign out, every change to a suggestion,
//! templates), the CSV export and committee-only photos.
//!
//! Every handler starts the same way: find the session from the cookie (none:
//! back to `/login`), check the form's CSRF token against the session's (no
//! match: 403), then let `app::server::review` check that the suggestion
//! belongs to the member's community (not: 404, as if it did not exist).

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::domain::review::workflow::Change;
use app::domain::review::{InboxFilter, Member};
use app::domain::suggestion::{ReceiptCode, Status};
use app::pages::review::login::safe_next;
use app::server::auth::{self, SESSION_COOKIE, SESSION_TTL_MS};
use app::server::review::{self as actions, ReviewError};
use app::server::store::SessionInfo;

use super::support::see_other;
use crate::device::is_https;
use crate::http::ServerState;
use crate::intake::field;
use crate::limits::{client_ip, retry_after_secs};

type Fields = Vec<(String, String)>;

fn form(body: &Bytes) -> Fields {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("hex token")
}

/// `POST /login`: `username`, `password`, `next`.
pub async fn login(State(state): State<ServerState>, req: Request) -> Response {
    let ip = client_ip(req.extensions());
    let secure = is_https(req.headers());
    let Ok(body) = axum::body::to_bytes(req.into_body(), 16 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    };
    let f = form(&body);
    let username = field(&f, "username").trim().to_string();
    let password = field(&f, "password").to_string();
    let next = safe_next(Some(field(&f, "next")));
    let back = |extra: &str| {
        see_other(format!(
            "/login?{extra}&next={}",
            percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
        ))
    };
    let plausible = crate::users::valid_username(&username);
    let throttle_key = if plausible { username.as_str() } else { "" };
    if let Err(wait) = state.limits.logins.check(ip, throttle_key) {
        return back(&format!("wait={}", retry_after_secs(wait)));
    }
    let account = match state.app.db.account(if plausible { &username } else { "" }).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "sign-in lookup failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    };
    // Unknown, disabled or wrong: the same answer, after the same work.
    let (hash, member) = match account {
        Some(a) if !a.disabled => (a.password_hash, Some(a.member)),
        _ => (auth::decoy_hash().to_string(), None),
    };
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some(member) = member.filter(|_| verified) else {
        tracing::info!(%ip, "failed sign-in");
        if plausible {
            state.limits.logins.failed(&username);
        }
        return back("error=1");
    };
    state.limits.logins.succeeded(&username);
    match auth::open_session(&state.app.db, &member).await {
        Ok(token) => {
            let mut response = see_other(next);
            response.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&token, SESSION_TTL_MS / 1000, secure),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "opening a session failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}

/// The session of a request, or the response that ends it: a redirect to
/// sign in.
async fn session_of(state: &ServerState, headers: &HeaderMap, next: &str) -> Result<SessionInfo, Response> {
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let found = match auth::session_token(cookie) {
        Some(token) => auth::session(&state.app.db, token).await.ok().flatten(),
        None => None,
    };
    found.ok_or_else(|| {
        see_other(format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
        ))
    })
}

/// A signed-in member whose form carries their session's CSRF token.
async fn member_for_post(state: &ServerState, headers: &HeaderMap, f: &Fields, next: &str) -> Result<Member, Response> {
    let session = session_of(state, headers, next).await?;
    if !constant_time_eq(field(f, "csrf").as_bytes(), session.csrf_token.as_bytes()) {
        return Err((
            StatusCode::FORBIDDEN,
            "this form has expired; reload the page and try again",
        )
            .into_response());
    }
    Ok(session.member)
}

/// Compares without stopping at the first difference, so timing tells
/// nothing about how much of a token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /logout`.
pub async fn logout(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    if let Err(response) = member_for_post(&state, &headers, &f, "/review").await {
        return response;
    }
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    if let Some(token) = auth::session_token(cookie) {
        if let Err(e) = auth::close_session(&state.app.db, token).await {
            tracing::warn!(error = %e, "closing a session failed");
        }
    }
    let mut response = see_other("/login?signed_out=1".into());
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, is_https(&headers)));
    response
}

/// `POST /review/s/{code}/{action}`.
pub async fn act(
    State(state): State<ServerState>,
    Path((code, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let page = format!("/review/s/{code}");
    let member = match member_for_post(&state, &headers, &f, &page).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    let Some(code) = ReceiptCode::parse(&code) else {
        return not_found();
    };
    let db = &state.app.db;
    let result = match action.as_str() {
        "status" => {
            let Some(to) = Status::parse(field(&f, "to")) else {
                return see_other(format!("{page}?error=status"));
            };
            let mut reply = field(&f, "reply").trim().to_string();
            if reply.is_empty() {
                reply = template_text(&state, &member, &code, field(&f, "template")).await;
            }
            let duplicate_of = Some(field(&f, "duplicate_of").to_string()).filter(|d| !d.trim().is_empty());
            actions::change_status(
                db,
                &member,
                &code,
                Change {
                    to,
                    public_reply: reply,
                    duplicate_of,
                },
            )
            .await
        }
        "reply" => actions::reply(db, &member, &code, field(&f, "reply")).await,
        "note" => actions::note(db, &member, &code, field(&f, "note")).await,
        "assign" => actions::assign(db, &member, &code, field(&f, "username")).await,
        "hide" => actions::set_hidden(db, &member, &code, field(&f, "hidden") == "1", field(&f, "reason")).await,
        _ => return not_found(),
    };
    finish(result, &page)
}

/// `POST /review/s/{code}/photos/{position}/hide`.
pub async fn hide_photo(
    State(state): State<ServerState>,
    Path((code, position)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let page = format!("/review/s/{code}");
    let member = match member_for_post(&state, &headers, &f, &page).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    let Some(code) = ReceiptCode::parse(&code) else {
        return not_found();
    };
    let hidden = field(&f, "hidden") == "1";
    finish(
        actions::set_photo_hidden(&state.app.db, &member, &code, position, hidden, field(&f, "reason")).await,
        &page,
    )
}

async fn template_text(state: &ServerState, member: &Member, code: &ReceiptCode, id: &str) -> String {
    let Ok(id) = id.parse::<i64>() else {
        return String::new();
    };
    let Ok(Some(community)) = state.app.db.suggestion_community(code).await else {
        return String::new();
    };
    actions::templates(&state.app.db, member, &community)
        .await
        .ok()
        .and_then(|ts| ts.into_iter().find(|t| t.id == id))
        .map(|t| t.body)
        .unwrap_or_default()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn finish(result: Result<(), ReviewError>, page: &str) -> Response {
    let sep = if page.contains('?') { '&' } else { '?' };
    match result {
        Ok(()) => see_other(format!("{page}{sep}done=1")),
        Err(ReviewError::NotFound) => not_found(),
        Err(ReviewError::Store(e)) => {
            tracing::error!(error = %e, "a review action failed");
            (StatusCode::SERVICE_UNAVAILABLE, "could not save; try again").into_response()
        }
        Err(e) => {
            tracing::info!(error = %e, "a review action was refused");
            see_other(format!("{page}{sep}error=1"))
        }
    }
}

/// `POST /review/templates` (add) and `POST /review/templates/{id}/delete`.
pub async fn add_template(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let member = match member_for_post(&state, &headers, &f, "/review/templates").await {
        Ok(m) => m,
        Err(response) => return response,
    };
    let community = field(&f, "community");
    let result = actions::add_template(&state.app.db, &member, community, field(&f, "title"), field(&f, "body")).await;
    finish(result, &format!("/review/templates?community={community}"))
}

pub async fn delete_template(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let member = match member_for_post(&state, &headers, &f, "/review/templates").await {
        Ok(m) => m,
        Err(response) => return response,
    };
    let community = field(&f, "community");
    finish(
        actions::delete_template(&state.app.db, &member, community, id).await,
        &format!("/review/templates?community={community}"),
    )
}

/// `GET /review/export.csv?…`: the filtered inbox of the member's community
/// as CSV, UTF-8 with a byte-order mark so Excel reads Chinese correctly.
pub async fn export(
    State(state): State<ServerState>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let session = match session_of(&state, &headers, "/review").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let filter = InboxFilter::from_query(|k| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let rows = match state.app.db.export(session.member.scope(), &filter).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    };
    match crate::export::to_csv(&rows) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"linli-suggestions.csv\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing CSV failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

/// `GET /review/photos/{key}.jpg`: any photo (hidden ones too) of a
/// suggestion in the member's community.
pub async fn photo(State(state): State<ServerState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let session = match session_of(&state, &headers, "/review").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let Some(key) = file.strip_suffix(".jpg") else {
        return not_found();
    };
    match state.app.db.photo_community(key).await {
        Ok(Some(c)) if session.member.may_access(&c) => {}
        Ok(_) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "photo lookup failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    }
    match state.app.photos.get(key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            ],
            bytes,
        )
            .into_response(),
        _ => not_found(),
    }
}
