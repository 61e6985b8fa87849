//! The committee's POSTs (sign in, sign out, every change to a suggestion,
//! templates), the CSV export and committee-only photos.
//!
//! Every handler starts the same way, as an extractor: [`CommitteeForm`]
//! finds the session from the cookie (none: back to `/login`) and checks
//! the form's CSRF token against the session's (no match: 403);
//! [`Committee`] only the session, for downloads. Then
//! `app::server::review` checks that the suggestion belongs to the member's
//! community (not: 404, as if it did not exist).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::domain::review::workflow::Change;
use app::domain::review::{InboxFilter, Member};
use app::domain::suggestion::{ReceiptCode, Status};
use app::pages::review::login::safe_next;
use app::server::auth::{self, SESSION_TTL_MS};
use app::server::review::{self as actions, ReviewError};
use app::server::store::SessionInfo;

use super::support::see_other;
use crate::device::is_https;
use crate::intake::field;
use crate::limits::{client_ip, retry_after_secs};
use crate::state::{ServerState, BODY_LIMIT_BYTES};

type Fields = Vec<(String, String)>;

fn form(body: &Bytes) -> Fields {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&auth::session_cookie(token, max_age_secs, secure)).expect("hex token")
}

/// `POST /login`: `username`, `password`, `next`.
pub async fn login(State(state): State<ServerState>, req: Request) -> Response {
    let ip = client_ip(req.extensions());
    let secure = is_https(req.extensions());
    let agent = user_agent(req.headers());
    let Ok(body) = axum::body::to_bytes(req.into_body(), crate::state::LOGIN_BODY_LIMIT).await else {
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
    if let Err(wait) = state.limits.check_login(ip, throttle_key).await {
        // Before any password is hashed: a flood costs a lookup each.
        let secs = retry_after_secs(wait);
        let page = format!(
            "/login?wait={secs}&next={}",
            percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
        );
        return super::too_many(&page, secs);
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
            state.limits.login_failed(&username).await;
        }
        return back("error=1");
    };
    state.limits.login_succeeded(&username).await;
    signed_in(&state, &member, &agent, secure, next).await
}

/// The browser's `User-Agent`, to name the session on "your devices".
pub fn user_agent(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Opens a session for `member` and sends the browser on to `next` with
/// its cookie.
pub async fn signed_in(state: &ServerState, member: &Member, agent: &str, secure: bool, next: String) -> Response {
    match auth::open_session(&state.app.db, member, agent).await {
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

/// A signed-in committee member (for the committee's downloads). Without
/// a live session: a redirect to sign in, back to `/review` afterwards.
pub struct Committee {
    pub session: SessionInfo,
    /// The `Cookie` token, for signing out.
    token: String,
}

impl FromRequestParts<ServerState> for Committee {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, Response> {
        let cookie = parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
        let back = || {
            see_other(format!(
                "/login?next={}",
                percent_encoding::utf8_percent_encode(
                    return_page(parts.uri.path()),
                    percent_encoding::NON_ALPHANUMERIC
                )
            ))
        };
        let Some(token) = auth::session_token(cookie) else {
            return Err(back());
        };
        match auth::session(&state.app.db, token).await {
            Ok(Some(session)) => Ok(Committee {
                session,
                token: token.to_string(),
            }),
            Ok(None) => Err(back()),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                Err((StatusCode::SERVICE_UNAVAILABLE, "try again").into_response())
            }
        }
    }
}

/// A committee form: a signed-in member whose form carries their session's
/// CSRF token, and the form's fields. A missing or wrong token is a 403.
pub struct CommitteeForm {
    pub member: Member,
    pub fields: Fields,
    token: String,
}

impl CommitteeForm {
    /// The session cookie this form came with.
    pub fn session_token(&self) -> &str {
        &self.token
    }
}

impl FromRequest<ServerState> for CommitteeForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &ServerState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let committee = Committee::from_request_parts(&mut parts, state).await?;
        let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT_BYTES).await else {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response());
        };
        let fields = form(&body);
        if !constant_time_eq(
            field(&fields, "csrf").as_bytes(),
            committee.session.csrf_token.as_bytes(),
        ) {
            return Err((
                StatusCode::FORBIDDEN,
                "this form has expired; reload the page and try again",
            )
                .into_response());
        }
        Ok(CommitteeForm {
            member: committee.session.member,
            fields,
            token: committee.token,
        })
    }
}

/// The page a committee request belongs to, to come back to after signing
/// in: a suggestion's page for its actions, else the section's page.
fn return_page(path: &str) -> &str {
    if let Some(rest) = path.strip_prefix("/review/s/") {
        let code_end = rest.find('/').map_or(path.len(), |i| "/review/s/".len() + i);
        return &path[..code_end];
    }
    if path.starts_with("/review/templates") {
        return "/review/templates";
    }
    if let Some(rest) = path.strip_prefix("/review/communities/") {
        let end = rest.find('/').map_or(path.len(), |i| "/review/communities/".len() + i);
        return &path[..end];
    }
    for section in [
        "/review/accounts",
        "/review/account",
        "/review/new",
        "/review/import",
        "/review/communities",
    ] {
        if path.starts_with(section) {
            return section;
        }
    }
    if let Some(rest) = path.strip_prefix("/review/facilities/") {
        let id_end = rest.find('/').map_or(path.len(), |i| "/review/facilities/".len() + i);
        return &path[..id_end];
    }
    "/review"
}

/// Compares without stopping at the first difference, so timing tells
/// nothing about how much of a token was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /logout`.
pub async fn logout(State(state): State<ServerState>, extensions: Extensions, form: CommitteeForm) -> Response {
    if let Err(e) = auth::close_session(&state.app.db, &form.token).await {
        tracing::warn!(error = %e, "closing a session failed");
    }
    let mut response = see_other("/login?signed_out=1".into());
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, is_https(&extensions)));
    response
}

/// `POST /review/s/{code}/{action}`.
pub async fn act(
    State(state): State<ServerState>,
    Path((code, action)): Path<(String, String)>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let page = format!("/review/s/{code}");
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
        "community" => match actions::hand_over(db, &member, &code, field(&f, "to"), field(&f, "reason")).await {
            // Handed on: no longer this committee's to see (unless an admin).
            Ok(true) if member.scope().is_some() => return see_other("/review?handed=1".into()),
            other => other.map(|_| ()),
        },
        _ => return not_found(),
    };
    finish(result, &page, &action)
}

/// `POST /review/s/{code}/photos/{position}/hide`.
pub async fn hide_photo(
    State(state): State<ServerState>,
    Path((code, position)): Path<(String, i64)>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let page = format!("/review/s/{code}");
    let Some(code) = ReceiptCode::parse(&code) else {
        return not_found();
    };
    let hidden = field(&f, "hidden") == "1";
    finish(
        actions::set_photo_hidden(&state.app.db, &member, &code, position, hidden, field(&f, "reason")).await,
        &page,
        "photo",
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

/// Back to `page`: `done=1`, or the refusal's code for the page to say
/// what was wrong and where (`ReviewError::refusal`).
fn finish(result: Result<(), ReviewError>, page: &str, action: &str) -> Response {
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
            see_other(format!("{page}{sep}error={}", e.refusal(action)))
        }
    }
}

/// `POST /review/templates` (add) and `POST /review/templates/{id}/delete`.
pub async fn add_template(
    State(state): State<ServerState>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let community = field(&f, "community");
    let result = actions::add_template(&state.app.db, &member, community, field(&f, "title"), field(&f, "body")).await;
    finish(result, &format!("/review/templates?community={community}"), "template")
}

pub async fn delete_template(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let community = field(&f, "community");
    finish(
        actions::delete_template(&state.app.db, &member, community, id).await,
        &format!("/review/templates?community={community}"),
        "template",
    )
}

/// `GET /review/export.csv?…`: the filtered inbox of the member's community
/// as CSV, UTF-8 with a byte-order mark so Excel reads Chinese correctly.
pub async fn export(
    State(state): State<ServerState>,
    Committee { session, .. }: Committee,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let filter = InboxFilter::from_query(|k| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let rows = match state.app.db.export(session.member.scope(), &filter).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    };
    match crate::export::to_csv(&rows) {
        Ok(bytes) => super::import::download(bytes, super::import::CSV, "linli-suggestions.csv"),
        Err(e) => {
            tracing::error!(error = %e, "writing CSV failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

/// `GET /review/coverage.csv?kind=&minutes=&pace=[&community=]`: the
/// coverage page's compounds, one row each, for a spreadsheet; a committee
/// member's own community only.
pub async fn coverage_export(
    State(state): State<ServerState>,
    Committee { session, .. }: Committee,
    Query(ask): Query<app::pages::review::coverage::CoverageAsk>,
) -> Response {
    use app::pages::review::coverage::{community_shown, question};
    use app::server::coverage::{nearest_m, walk_and_covered};
    let snapshot = state.app.catalog.snapshot();
    let q = question(&ask);
    let community = community_shown(&session.member, &ask, &snapshot);
    let residences = match state.app.db.residences(community.as_deref()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "coverage export failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    };
    let (walk, covered) = walk_and_covered(&nearest_m(&snapshot.index, q.kind, &residences), q);
    let name = format!(
        "linli-coverage-{}-{}-{}-{}.csv",
        community.as_deref().unwrap_or("all"),
        q.kind.as_str(),
        q.minutes,
        q.pace.as_str()
    );
    match crate::export::coverage_csv(&residences, &walk, &covered) {
        Ok(bytes) => super::import::download(bytes, super::import::CSV, &name),
        Err(e) => {
            tracing::error!(error = %e, "writing CSV failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

/// `GET /review/photos/{key}.jpg`: any photo (hidden ones too) of a
/// suggestion in the member's community.
pub async fn photo(
    State(state): State<ServerState>,
    Committee { session, .. }: Committee,
    Path(file): Path<String>,
) -> Response {
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
