//! `/review/accounts` (admins: every committee account, invitations, new
//! links, disabling) and `/review/account` (any member: their own password
//! and signed-in devices). A link is shown once, on the answer to the POST
//! that made it ([`ShownLink`] in the context), with a slip to print.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, AdminsOnly, Csrf, ReviewBar, Signed};
use crate::components::mistakes::Mistakes;
use crate::components::print::PrintButton;
use crate::components::suggestion_text::time_text;
use crate::domain::admin::accounts::{
    device_label, AccountProblem, AccountSummary, ApiKeySummary, SessionSummary, WebhookProblem, WebhookSummary,
};
use crate::domain::review::Role;
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_locale;

/// A link just made, provided by the POST handler that made it: the only
/// time its token is anywhere but in the member's hands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownLink {
    pub username: String,
    /// The whole address, to copy or print.
    pub url: String,
    pub expires_at: i64,
}

/// A webhook just added, provided by the POST handler that added it: the
/// only time its signing secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownSecret {
    pub name: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsView {
    pub signed: Signed,
    /// Only admins manage accounts; a committee member is told so.
    pub allowed: bool,
    pub accounts: Vec<AccountSummary>,
    /// Code and name of every community, for the invitation form.
    pub communities: Vec<(String, String)>,
    pub shown: Option<ShownLink>,
    pub now: i64,
    /// The Open311 keys of city systems.
    pub api_keys: Vec<ApiKeySummary>,
    /// The city systems' webhooks and how their events stand.
    pub webhooks: Vec<WebhookSummary>,
    pub shown_secret: Option<ShownSecret>,
}

#[server]
pub async fn review_accounts() -> Result<AccountsView, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let allowed = signed.member.role == Role::Admin;
    if !allowed {
        crate::pages::not_found::answer_status(axum::http::StatusCode::FORBIDDEN);
        return Ok(AccountsView {
            signed,
            allowed,
            accounts: Vec::new(),
            communities: Vec::new(),
            shown: None,
            now: 0,
            api_keys: Vec::new(),
            webhooks: Vec::new(),
            shown_secret: None,
        });
    }
    let english = crate::prefs::use_prefs().english();
    let communities = state.catalog.snapshot().community_names(english, |_| true);
    Ok(AccountsView {
        signed,
        allowed,
        accounts: state.db.accounts().await?,
        communities,
        shown: use_context::<ShownLink>(),
        now: chrono::Utc::now().timestamp_millis(),
        api_keys: state.db.api_keys().await?,
        webhooks: state.db.webhooks().await?,
        shown_secret: use_context::<ShownSecret>(),
    })
}

/// A refusal's sentence in the reader's language.
pub fn problem_text(locale: Locale, p: AccountProblem) -> String {
    match p {
        AccountProblem::Username => td_string!(locale, acc_p_username),
        AccountProblem::Taken => td_string!(locale, acc_p_taken),
        AccountProblem::Role => td_string!(locale, acc_p_role),
        AccountProblem::CommunityMissing => td_string!(locale, acc_p_community_missing),
        AccountProblem::AdminWithCommunity => td_string!(locale, acc_p_admin_community),
        AccountProblem::UnknownCommunity => td_string!(locale, acc_p_community_unknown),
        AccountProblem::PasswordLength => td_string!(locale, acc_p_password_length),
        AccountProblem::PasswordMismatch => td_string!(locale, acc_p_password_mismatch),
        AccountProblem::PasswordWrong => td_string!(locale, acc_p_password_wrong),
        AccountProblem::LinkInvalid => td_string!(locale, acc_p_link),
        AccountProblem::Own => td_string!(locale, acc_p_own),
    }
    .to_string()
}

/// The `?error=` of an account page, as a sentence.
fn query_problem(locale: Locale, error: Option<String>) -> Option<String> {
    error
        .as_deref()
        .and_then(AccountProblem::parse)
        .map(|p| problem_text(locale, p))
}

/// The field the `?error=` code is about, marked and with the cursor.
pub(super) fn query_mistakes(locale: Locale, error: Option<&str>) -> Mistakes {
    error
        .and_then(AccountProblem::parse)
        .map(|p| Mistakes::one(p.field(), problem_text(locale, p)))
        .unwrap_or_default()
}

#[component]
pub fn AdminAccountsPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| review_accounts());
    view! {
        <Title text=td_string!(locale, acc_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <AccountsBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/accounts"),
                }
            })}
        </Suspense>
    }
}

/// An account's state in words (and never by colour alone).
fn account_state(locale: Locale, a: &AccountSummary, now: i64) -> String {
    let link = a
        .link_expires_at
        .filter(|t| *t > now)
        .map(|t| td_string!(locale, acc_link_until, time = time_text(t)).to_string());
    let state = if a.disabled {
        td_string!(locale, acc_state_disabled).to_string()
    } else if !a.has_password {
        match &link {
            Some(_) => td_string!(locale, acc_state_invited).to_string(),
            None => td_string!(locale, acc_state_link_expired).to_string(),
        }
    } else {
        match a.last_sign_in {
            Some(t) => td_string!(locale, acc_state_active_since, time = time_text(t)).to_string(),
            None => td_string!(locale, acc_state_active).to_string(),
        }
    };
    match link {
        Some(l) => format!("{state} · {l}"),
        None => state,
    }
}

/// A `<select>`'s options, one per community (`name (code)`), with
/// `selected` chosen.
fn community_options(communities: &[(String, String)], selected: &str) -> impl IntoView + use<> {
    communities
        .iter()
        .map(|(code, name)| {
            view! { <option value=code.clone() selected=selected == code>{format!("{name} ({code})")}</option> }
        })
        .collect_view()
}

#[component]
fn AccountsBody(view: AccountsView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = |k: &str| query.with_untracked(|q| q.get(k));
    if !view.allowed {
        let (title, message) = (td_string!(locale, acc_title), td_string!(locale, acc_admins_only));
        return view! {
            <AdminsOnly signed=view.signed.clone() title=title.to_string() message=message.to_string()>
                <p><a class="button" href="/review/account">{td!(locale, acc_own)}</a></p>
            </AdminsOnly>
        }
        .into_any();
    }
    let csrf = view.signed.csrf.clone();
    let me = view.signed.member.username.clone();
    let wrong = query_mistakes(locale, get("error").as_deref());
    let error = query_problem(locale, get("error"));
    let disabled_who = (get("done").as_deref() == Some("disabled")).then(|| get("who").unwrap_or_default());
    let revoked_key = (get("done").as_deref() == Some("revoked")).then(|| get("who").unwrap_or_default());
    let removed_hook = (get("done").as_deref() == Some("hook_removed")).then(|| get("who").unwrap_or_default());
    let resent = (get("done").as_deref() == Some("resent"))
        .then(|| (get("who").unwrap_or_default(), get("n").unwrap_or_default()));
    let typed_role = get("role").unwrap_or_else(|| "committee".into());
    let typed_community = get("community").unwrap_or_default();
    let community_options = community_options(&view.communities, &typed_community);
    let shown = view.shown.clone().map(|link| {
        view! {
            <section class="invite-slip" aria-labelledby="slip-h" role="status">
                <h2 id="slip-h">{td_string!(locale, acc_link_for, username = link.username.clone()).to_string()}</h2>
                <p>{td!(locale, acc_link_once)}</p>
                <p><strong>{td!(locale, acc_link_label)}</strong></p>
                <p class="invite-link" id="invite-link">{link.url.clone()}</p>
                <p>{td_string!(locale, acc_link_until, time = time_text(link.expires_at)).to_string()}</p>
                <PrintButton label=td_string!(locale, acc_print).to_string() />
            </section>
        }
    });
    let rows = view
        .accounts
        .iter()
        .map(|a| {
            let m = &a.member;
            let role = match m.role {
                Role::Admin => td_string!(locale, review_admin).to_string(),
                Role::Committee => td_string!(locale, acc_role_committee).to_string(),
            };
            let community = m.community.clone().unwrap_or_default();
            let own = m.username == me;
            let name = m.username.clone();
            let actions = (!own).then(|| {
                view! {
                    <form method="post" action=format!("/review/accounts/{name}/link")>
                        <Csrf token=csrf.clone() />
                        <button type="submit" class="button button-small">{td!(locale, acc_new_link)}</button>
                    </form>
                    {(!a.disabled).then(|| view! {
                        <form method="post" action=format!("/review/accounts/{name}/disable")>
                            <Csrf token=csrf.clone() />
                            <button type="submit" class="button button-small">{td!(locale, acc_disable)}</button>
                        </form>
                    })}
                }
            });
            view! {
                <li class="card">
                    <h3 class="card-title">{m.username.clone()}</h3>
                    <p>{role}{(!community.is_empty()).then(|| format!(" · {community}"))}</p>
                    <p>{account_state(locale, a, view.now)}</p>
                    <div class="row-actions">
                        {actions}
                        {own.then(|| view! { <a href="/review/account">{td!(locale, acc_own)}</a> })}
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page review">
            <h1>{td!(locale, acc_title)}</h1>
            {shown}
            {disabled_who.map(|who| view! {
                <p class="notice" role="status">{td_string!(locale, acc_disabled_done, username = who).to_string()}</p>
            })}
            <h2>{td!(locale, acc_list)}</h2>
            <ul class="cards accounts">{rows}</ul>
            <ApiKeys keys=view.api_keys.clone() csrf=csrf.clone() revoked=revoked_key />
            <Webhooks
                hooks=view.webhooks.clone()
                csrf=csrf.clone()
                resent=resent
                removed=removed_hook
                shown=view.shown_secret.clone()
                communities=view.communities.clone()
            />
            <h2 id="invite-h">{td!(locale, acc_invite)}</h2>
            <p>{td!(locale, acc_invite_lead)}</p>
            {error.map(|e| view! { <p class="notice notice-error" role="alert" id="invite-error">{e}</p> })}
            <form class="suggest-form" method="post" action="/review/accounts" aria-labelledby="invite-h">
                <Csrf token=csrf.clone() />
                <label for="i-username">{td!(locale, login_username)}</label>
                <p class="field-hint" id="i-username-hint">{td!(locale, acc_username_hint)}</p>
                <input type="text" id="i-username" name="username" required maxlength="32" autocapitalize="none"
                    autocomplete="off" value=get("username").unwrap_or_default()
                    aria-invalid=wrong.invalid("username") aria-describedby=wrong.described("username", Some("i-username-hint"))
                    autofocus=wrong.first("username") />
                {wrong.message("username")}
                <label for="i-role">{td!(locale, acc_role)}</label>
                <select id="i-role" name="role" aria-invalid=wrong.invalid("role") aria-describedby=wrong.described("role", None)
                    autofocus=wrong.first("role")>
                    <option value="committee" selected=typed_role == "committee">{td!(locale, acc_role_committee)}</option>
                    <option value="admin" selected=typed_role == "admin">{td!(locale, review_admin)}</option>
                </select>
                {wrong.message("role")}
                <label for="i-community">{td!(locale, adm_community)}</label>
                <p class="field-hint" id="i-community-hint">{td!(locale, acc_community_hint)}</p>
                <select id="i-community" name="community" aria-invalid=wrong.invalid("community")
                    aria-describedby=wrong.described("community", Some("i-community-hint")) autofocus=wrong.first("community")>
                    <option value="">"—"</option>
                    {community_options}
                </select>
                {wrong.message("community")}
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, acc_invite_submit)}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// The city systems' Open311 keys: who, where, how much, last used; a
/// key in use can be revoked here (made with `server api-key create`, so
/// the key itself is only ever printed to the operator).
#[component]
fn ApiKeys(keys: Vec<ApiKeySummary>, csrf: String, revoked: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let cards = keys
        .into_iter()
        .map(|k| {
            let scope = match &k.community {
                Some(c) => c.clone(),
                None => td_string!(locale, acc_key_all).to_string(),
            };
            let used = match k.last_used_at {
                Some(t) => td_string!(locale, acc_key_used, time = time_text(t)).to_string(),
                None => td_string!(locale, acc_key_unused).to_string(),
            };
            let state = k
                .revoked_at
                .map(|t| td_string!(locale, acc_key_revoked_at, time = time_text(t)).to_string());
            let name = k.name.clone();
            view! {
                <li class="card">
                    <h3 class="card-title">{k.name.clone()}</h3>
                    <p>{scope}" · "{td_string!(locale, acc_key_rate, n = k.per_minute).to_string()}</p>
                    <p>{td_string!(locale, acc_key_made, time = time_text(k.created_at)).to_string()}" · "{used}</p>
                    {match state {
                        Some(s) => view! { <p><strong>{s}</strong></p> }.into_any(),
                        None => view! {
                            <form method="post" action=format!("/review/api-keys/{name}/revoke")>
                                <Csrf token=csrf.clone() />
                                <button type="submit" class="button button-small">{td!(locale, acc_key_revoke)}</button>
                            </form>
                        }.into_any(),
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 id="keys-h">{td!(locale, acc_keys)}</h2>
        <p>{td!(locale, acc_keys_lead)}</p>
        {revoked.map(|who| view! {
            <p class="notice" role="status">{td_string!(locale, acc_key_revoked_done, name = who).to_string()}</p>
        })}
        <ul class="cards api-keys" aria-labelledby="keys-h">{cards}</ul>
    }
}

/// An event kind's name for people.
fn event_label(locale: Locale, kind: &str) -> String {
    match kind {
        "created" => td_string!(locale, acc_hook_ev_created).to_string(),
        "status_changed" => td_string!(locale, acc_hook_ev_status).to_string(),
        "replied" => td_string!(locale, acc_hook_ev_replied).to_string(),
        other => other.to_string(),
    }
}

/// A webhook problem in the reader's language.
fn webhook_problem_text(locale: Locale, p: WebhookProblem) -> String {
    match p {
        WebhookProblem::Name => td_string!(locale, acc_hp_name),
        WebhookProblem::Taken => td_string!(locale, acc_hp_taken),
        WebhookProblem::Url => td_string!(locale, acc_hp_url),
        WebhookProblem::Events => td_string!(locale, acc_hp_events),
        WebhookProblem::UnknownCommunity => td_string!(locale, acc_p_community_unknown),
    }
    .to_string()
}

/// The city systems' webhooks: where events go, how many arrived, wait or
/// ran out of attempts (with the latest reason); dead ones can be sent
/// again, a webhook stopped, and a new one added (its secret shown once,
/// on the answer to the form; `server webhook add` does the same).
#[component]
fn Webhooks(
    hooks: Vec<WebhookSummary>,
    csrf: String,
    resent: Option<(String, String)>,
    removed: Option<String>,
    shown: Option<ShownSecret>,
    communities: Vec<(String, String)>,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let problem = WebhookProblem::parse(&get("hook_error"));
    let wrong = problem
        .map(|p| Mistakes::one(Some(p.field()), webhook_problem_text(locale, p)))
        .unwrap_or_default();
    // What was typed comes back with a mistake; a new form wants every event.
    let typed_events = get("hook_events");
    let wants = |kind: &str| problem.is_none() || typed_events.split(',').any(|e| e == kind);
    let typed_community = get("hook_community");
    let community_options = community_options(&communities, &typed_community);
    let event_boxes = crate::domain::admin::accounts::EVENT_KINDS
        .iter()
        .map(|kind| {
            let id = format!("h-ev-{kind}");
            view! {
                <label class="check">
                    <input type="checkbox" id=id name="hook_events" value=*kind checked=wants(kind) />
                    {event_label(locale, kind)}
                </label>
            }
        })
        .collect_view();
    let cards = hooks
        .into_iter()
        .map(|h| {
            let scope = match &h.community {
                Some(c) => c.clone(),
                None => td_string!(locale, acc_key_all).to_string(),
            };
            let events = h.events.iter().map(|e| event_label(locale, e)).collect::<Vec<_>>().join(", ");
            let name = h.name.clone();
            view! {
                <li class="card">
                    <h3 class="card-title">{h.name.clone()}</h3>
                    <p class="card-address">{h.url.clone()}</p>
                    <p>{scope}" · "{events}</p>
                    <p>{td_string!(locale, acc_hook_counts, delivered = h.delivered, pending = h.pending, dead = h.dead).to_string()}</p>
                    {(!h.last_error.is_empty()).then(|| view! {
                        <p>{td_string!(locale, acc_hook_error, error = h.last_error.clone()).to_string()}</p>
                    })}
                    <div class="row-actions">
                        {(h.dead > 0).then(|| view! {
                            <form method="post" action=format!("/review/webhooks/{name}/resend")>
                                <Csrf token=csrf.clone() />
                                <button type="submit" class="button button-small">{td!(locale, acc_hook_resend)}</button>
                            </form>
                        })}
                        <form method="post" action=format!("/review/webhooks/{name}/remove")>
                            <Csrf token=csrf.clone() />
                            <button type="submit" class="button button-small">{td!(locale, acc_hook_remove)}</button>
                        </form>
                    </div>
                </li>
            }
        })
        .collect_view();
    let shown = shown.map(|s| {
        view! {
            <section class="invite-slip hook-secret" aria-labelledby="secret-h" role="status">
                <h2 id="secret-h">{td_string!(locale, acc_hook_secret_for, name = s.name.clone()).to_string()}</h2>
                <p>{td!(locale, acc_hook_secret_once)}</p>
                <p class="invite-link" id="hook-secret">{s.secret.clone()}</p>
            </section>
        }
    });
    view! {
        <h2 id="hooks-h">{td!(locale, acc_hooks)}</h2>
        <p>{td!(locale, acc_hooks_lead)}</p>
        {shown}
        {resent.map(|(who, n)| view! {
            <p class="notice" role="status">{td_string!(locale, acc_hook_resent, name = who, n = n).to_string()}</p>
        })}
        {removed.map(|who| view! {
            <p class="notice" role="status">{td_string!(locale, acc_hook_removed, name = who).to_string()}</p>
        })}
        <ul class="cards webhooks" aria-labelledby="hooks-h">{cards}</ul>
        <h3 id="hook-add-h">{td!(locale, acc_hook_add)}</h3>
        {problem.map(|p| view! {
            <p class="notice notice-error" role="alert" id="hook-error">{webhook_problem_text(locale, p)}</p>
        })}
        <form class="suggest-form" method="post" action="/review/webhooks" aria-labelledby="hook-add-h">
            <Csrf token=csrf.clone() />
            <label for="h-name">{td!(locale, acc_hook_name)}</label>
            <p class="field-hint" id="h-name-hint">{td!(locale, acc_hook_name_hint)}</p>
            <input type="text" id="h-name" name="hook_name" required maxlength="60" autocapitalize="none" autocomplete="off"
                value=get("hook_name") aria-invalid=wrong.invalid("hook_name")
                aria-describedby=wrong.described("hook_name", Some("h-name-hint")) autofocus=wrong.first("hook_name") />
            {wrong.message("hook_name")}
            <label for="h-url">{td!(locale, acc_hook_url)}</label>
            <p class="field-hint" id="h-url-hint">{td!(locale, acc_hook_url_hint)}</p>
            <input type="url" id="h-url" name="hook_url" required maxlength="2000" autocomplete="off" inputmode="url"
                value=get("hook_url") aria-invalid=wrong.invalid("hook_url")
                aria-describedby=wrong.described("hook_url", Some("h-url-hint")) autofocus=wrong.first("hook_url") />
            {wrong.message("hook_url")}
            <label for="h-community">{td!(locale, adm_community)}</label>
            <select id="h-community" name="hook_community" aria-invalid=wrong.invalid("hook_community")
                aria-describedby=wrong.described("hook_community", None) autofocus=wrong.first("hook_community")>
                <option value="">{td!(locale, acc_key_all)}</option>
                {community_options}
            </select>
            {wrong.message("hook_community")}
            <fieldset aria-invalid=wrong.invalid("hook_events") aria-describedby=wrong.described("hook_events", None)>
                <legend>{td!(locale, acc_hook_events)}</legend>
                {event_boxes}
            </fieldset>
            {wrong.message("hook_events")}
            <div class="form-nav">
                <button type="submit" class="button button-primary">{td!(locale, acc_hook_submit)}</button>
            </div>
        </form>
    }
}

/// A new password and its repeat, as a member sets it from a welcome link
/// or on their own account page; `ids` are the two inputs' ids.
#[component]
pub(super) fn NewPassword(ids: (&'static str, &'static str), wrong: Mistakes) -> impl IntoView {
    let locale = use_locale();
    let (password, repeat) = ids;
    let hint = format!("{password}-hint");
    view! {
        <label for=password>{td!(locale, acc_new_password)}</label>
        <p class="field-hint" id=hint.clone()>{td!(locale, acc_password_hint)}</p>
        <input type="password" id=password name="password" autocomplete="new-password" required minlength="10" maxlength="256"
            aria-invalid=wrong.invalid("password") aria-describedby=wrong.described("password", Some(&hint))
            autofocus=wrong.first("password") />
        {wrong.message("password")}
        <label for=repeat>{td!(locale, acc_repeat_password)}</label>
        <input type="password" id=repeat name="repeat" autocomplete="new-password" required minlength="10" maxlength="256"
            aria-invalid=wrong.invalid("repeat") aria-describedby=wrong.described("repeat", None) autofocus=wrong.first("repeat") />
        {wrong.message("repeat")}
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnAccountView {
    pub signed: Signed,
    pub sessions: Vec<SessionSummary>,
    /// The handle of the session this page is seen in.
    pub current: String,
}

#[server]
pub async fn own_account() -> Result<OwnAccountView, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let current = crate::server::auth::current_token()
        .map(|t| crate::server::auth::session_handle(&t))
        .unwrap_or_default();
    Ok(OwnAccountView {
        sessions: state.db.member_sessions(signed.member.id).await?,
        signed,
        current,
    })
}

#[component]
pub fn OwnAccountPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| own_account());
    view! {
        <Title text=td_string!(locale, acc_own).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <OwnBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/account"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OwnBody(view: OwnAccountView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = |k: &str| query.with_untracked(|q| q.get(k));
    let wrong = query_mistakes(locale, get("error").as_deref());
    let error = query_problem(locale, get("error"));
    let done = match get("done").as_deref() {
        Some("password") => Some(td_string!(locale, acc_password_done).to_string()),
        Some("ended") => Some(td_string!(locale, acc_ended_done).to_string()),
        _ => None,
    };
    let csrf = view.signed.csrf.clone();
    let others = view.sessions.iter().filter(|s| s.handle != view.current).count();
    let sessions = view
        .sessions
        .iter()
        .map(|s| {
            let this = s.handle == view.current;
            let label = match device_label(&s.user_agent) {
                l if l.is_empty() => td_string!(locale, acc_device_unknown).to_string(),
                l => l,
            };
            view! {
                <li class="card">
                    <p class="card-title">
                        {label}
                        {this.then(|| view! { " " <span class="badge">"● "{td!(locale, acc_this_device)}</span> })}
                    </p>
                    <p>{td_string!(locale, acc_signed_in_at, time = time_text(s.created_at)).to_string()}</p>
                    {(!this).then(|| view! {
                        <form method="post" action="/review/account/end">
                            <Csrf token=csrf.clone() />
                            <input type="hidden" name="handle" value=s.handle.clone() />
                            <button type="submit" class="button button-small">{td!(locale, acc_end_session)}</button>
                        </form>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page narrow review">
            <h1>{td!(locale, acc_own)}</h1>
            <p>{view.signed.member.username.clone()}</p>
            {done.map(|d| view! { <p class="notice" role="status">{d}</p> })}
            <h2 id="password-h">{td!(locale, acc_change_password)}</h2>
            {error.map(|e| view! { <p class="notice notice-error" role="alert" id="password-error">{e}</p> })}
            <form class="suggest-form" method="post" action="/review/account/password" aria-labelledby="password-h">
                <Csrf token=csrf.clone() />
                <input type="text" name="username" autocomplete="username" value=view.signed.member.username.clone() hidden />
                <label for="p-current">{td!(locale, acc_current_password)}</label>
                <input type="password" id="p-current" name="current" autocomplete="current-password" required maxlength="256"
                    aria-invalid=wrong.invalid("current") aria-describedby=wrong.described("current", None) autofocus=wrong.first("current") />
                {wrong.message("current")}
                <NewPassword ids=("p-new", "p-repeat") wrong />
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, acc_change_password)}</button>
                </div>
            </form>
            <h2>{td!(locale, acc_devices)}</h2>
            <p>{td!(locale, acc_devices_lead)}</p>
            <ul class="cards">{sessions}</ul>
            {(others > 0).then(|| view! {
                <form method="post" action="/review/account/end-others">
                    <Csrf token=csrf.clone() />
                    <button type="submit" class="button">{td!(locale, acc_end_others)}</button>
                </form>
            })}
        </section>
    }
}
