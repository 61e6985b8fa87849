//! The account POSTs: an admin's invitations, new links and disabling
//! (`/review/accounts…`), a member's own password and sessions
//! (`/review/account…`), and the invitation link's form
//! (`/review/welcome`). The rules are `app::server::accounts`', shared with
//! the command line. A link is shown once: the answer to the POST that made
//! it is the accounts page rendered with it, never a redirect that would put
//! the token in an address.

use axum::extract::{Path, Request, State};
use axum::http::{Extensions, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use app::domain::admin::accounts::AccountProblem;
use app::pages::review::accounts::{ShownLink, ShownSecret};
use app::server::accounts::{self, AccountError, NewLink};

use super::review::{signed_in, user_agent, CommitteeForm};
use super::support::see_other;
use crate::intake::field;
use crate::state::ServerState;

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The refusal of an account action: a problem goes back to `page` named
/// by its code (with `keep`, what was typed, minus passwords).
fn refused(e: AccountError, page: &str, keep: &str) -> Response {
    match e {
        AccountError::Forbidden => {
            (StatusCode::FORBIDDEN, "only street or district staff manage accounts").into_response()
        }
        AccountError::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
        AccountError::Invalid(p) => see_other(format!("{page}?error={}{keep}", p.code())),
        AccountError::Store(e) => {
            tracing::error!(error = %e, "an account change failed");
            let status = if e.is_unavailable() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (status, "not saved; please try again").into_response()
        }
    }
}

/// The accounts page, rendered with a link just made.
async fn show_link(state: &ServerState, extensions: &Extensions, headers: HeaderMap, link: NewLink) -> Response {
    let base = crate::forwarded::client(extensions).origin();
    let shown = ShownLink {
        username: link.username,
        url: format!("{base}{}", link.path),
        expires_at: link.expires_at,
    };
    accounts_page_with(state, headers, shown).await
}

/// The accounts page, rendered with what was just made (`shown`: a link
/// or a webhook's secret), the only time it is shown.
async fn accounts_page_with<T: Clone + Send + Sync + 'static>(
    state: &ServerState,
    headers: HeaderMap,
    shown: T,
) -> Response {
    super::render_page(
        state,
        Uri::from_static("/review/accounts"),
        headers,
        StatusCode::OK,
        move || leptos::prelude::provide_context(shown.clone()),
    )
    .await
}

/// `POST /review/accounts`: invite (`username`, `role`, `community`).
pub async fn invite(
    State(state): State<ServerState>,
    extensions: Extensions,
    headers: HeaderMap,
    form: CommitteeForm,
) -> Response {
    let f = &form.fields;
    let (username, role, community) = (field(f, "username").trim(), field(f, "role"), field(f, "community"));
    match accounts::invite(&state.app.db, Some(&form.member), username, role, Some(community)).await {
        Ok(link) => show_link(&state, &extensions, headers, link).await,
        Err(e) => {
            let keep = format!(
                "&username={}&role={}&community={}",
                encode(username),
                encode(role),
                encode(community)
            );
            refused(e, "/review/accounts", &keep)
        }
    }
}

/// `POST /review/accounts/{username}/{link|disable}`.
pub async fn act(
    State(state): State<ServerState>,
    Path((username, action)): Path<(String, String)>,
    extensions: Extensions,
    headers: HeaderMap,
    form: CommitteeForm,
) -> Response {
    let db = &state.app.db;
    let page = "/review/accounts";
    match action.as_str() {
        "link" => match accounts::renew_link(db, Some(&form.member), &username).await {
            Ok(link) => show_link(&state, &extensions, headers, link).await,
            Err(e) => refused(e, page, ""),
        },
        "disable" => match accounts::disable(db, Some(&form.member), &username).await {
            Ok(()) => see_other(format!("{page}?done=disabled&who={}", encode(&username))),
            Err(e) => refused(e, page, ""),
        },
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// A 403 unless the member is an admin (street or district staff), who
/// alone manage city systems' `what`.
fn unless_admin(form: &CommitteeForm, what: &str) -> Option<Response> {
    (form.member.role != app::domain::review::Role::Admin).then(|| {
        (
            StatusCode::FORBIDDEN,
            format!("only street or district staff manage {what}"),
        )
            .into_response()
    })
}

/// `POST /review/api-keys/{name}/revoke`: an admin stops a city system's
/// Open311 key at once.
pub async fn revoke_key(State(state): State<ServerState>, Path(name): Path<String>, form: CommitteeForm) -> Response {
    if let Some(refusal) = unless_admin(&form, "keys") {
        return refusal;
    }
    match state.app.db.revoke_api_key(&name).await {
        Ok(true) => {
            tracing::info!(key = %name, by = %form.member.username, "open311 key revoked");
            see_other(format!("/review/accounts?done=revoked&who={}", encode(&name)))
        }
        Ok(false) => (StatusCode::NOT_FOUND, "no such key in use").into_response(),
        Err(e) => refused(AccountError::Store(e), "/review/accounts", ""),
    }
}

/// `POST /review/webhooks/{name}/resend`: an admin sends a webhook's dead
/// events again, with fresh attempts.
pub async fn resend_webhook(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    form: CommitteeForm,
) -> Response {
    if let Some(refusal) = unless_admin(&form, "webhooks") {
        return refusal;
    }
    match state.app.db.resend_dead(&name).await {
        Ok(n) => {
            tracing::info!(webhook = %name, events = n, by = %form.member.username, "dead webhook events resent");
            see_other(format!("/review/accounts?done=resent&who={}&n={n}", encode(&name)))
        }
        Err(e) => refused(AccountError::Store(e), "/review/accounts", ""),
    }
}

/// `POST /review/webhooks`: an admin adds a webhook (`hook_name`,
/// `hook_url`, `hook_community`, empty for every community, and a
/// `hook_events` field per event). The answer is the accounts page with
/// the signing secret, the only time it is shown; a mistake goes back to
/// the form with what was typed.
pub async fn add_webhook(State(state): State<ServerState>, headers: HeaderMap, form: CommitteeForm) -> Response {
    if let Some(refusal) = unless_admin(&form, "webhooks") {
        return refusal;
    }
    let f = &form.fields;
    let (name, url, community) = (
        field(f, "hook_name").trim(),
        field(f, "hook_url").trim(),
        field(f, "hook_community"),
    );
    let events: Vec<&str> = f
        .iter()
        .filter(|(k, _)| k == "hook_events")
        .map(|(_, v)| v.as_str())
        .collect();
    let scope = (!community.is_empty()).then_some(community);
    match crate::webhooks::add(&state.app.db, name, url, scope, &events).await {
        Ok(Ok(secret)) => {
            tracing::info!(webhook = %name, by = %form.member.username, "webhook added");
            let shown = ShownSecret {
                name: name.to_string(),
                secret,
            };
            accounts_page_with(&state, headers, shown).await
        }
        Ok(Err(problem)) => see_other(format!(
            "/review/accounts?hook_error={}&hook_name={}&hook_url={}&hook_community={}&hook_events={}#hook-add-h",
            problem.code(),
            encode(name),
            encode(url),
            encode(community),
            encode(&events.join(","))
        )),
        Err(e) => {
            tracing::error!(error = %e, "adding a webhook failed");
            (StatusCode::SERVICE_UNAVAILABLE, "not saved; please try again").into_response()
        }
    }
}

/// `POST /review/webhooks/{name}/remove`: an admin stops a webhook; its
/// waiting events are not sent.
pub async fn remove_webhook(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    form: CommitteeForm,
) -> Response {
    if let Some(refusal) = unless_admin(&form, "webhooks") {
        return refusal;
    }
    match state.app.db.remove_webhook(&name).await {
        Ok(true) => {
            tracing::info!(webhook = %name, by = %form.member.username, "webhook removed");
            see_other(format!("/review/accounts?done=hook_removed&who={}", encode(&name)))
        }
        Ok(false) => (StatusCode::NOT_FOUND, "no such webhook").into_response(),
        Err(e) => refused(AccountError::Store(e), "/review/accounts", ""),
    }
}

/// `POST /review/account/{password|end|end-others}`: the member's own.
pub async fn own(State(state): State<ServerState>, Path(action): Path<String>, form: CommitteeForm) -> Response {
    let db = &state.app.db;
    let page = "/review/account";
    let f = &form.fields;
    let result = match action.as_str() {
        "password" => accounts::change_password(
            db,
            &form.member,
            form.session_token(),
            field(f, "current"),
            field(f, "password"),
            field(f, "repeat"),
        )
        .await
        .map(|()| "password"),
        "end" => accounts::end_session(db, &form.member, field(f, "handle"))
            .await
            .map(|()| "ended"),
        "end-others" => accounts::end_other_sessions(db, &form.member, form.session_token())
            .await
            .map(|_| "ended"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    match result {
        Ok(done) => see_other(format!("{page}?done={done}")),
        // Ending a session that already ended: nothing left to do.
        Err(AccountError::NotFound) if action == "end" => see_other(format!("{page}?done=ended")),
        Err(e) => refused(e, page, ""),
    }
}

/// `POST /review/welcome`: `token`, `password`, `repeat`. Signs the member
/// in on success; a problem goes back to the link's page.
pub async fn welcome(State(state): State<ServerState>, req: Request) -> Response {
    let secure = crate::device::is_https(req.extensions());
    let agent = user_agent(req.headers());
    let Ok(body) = axum::body::to_bytes(req.into_body(), crate::state::LOGIN_BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    };
    let f: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = field(&f, "token").trim();
    match accounts::accept(&state.app.db, token, field(&f, "password"), field(&f, "repeat")).await {
        Ok(member) => signed_in(&state, &member, &agent, secure, "/review?welcome=1".into()).await,
        Err(AccountError::Invalid(AccountProblem::LinkInvalid)) => {
            see_other(format!("/review/welcome?error={}", AccountProblem::LinkInvalid.code()))
        }
        Err(e) => refused(e, "/review/welcome", &format!("&token={}", encode(token))),
    }
}
