//! `/review/welcome?token=…`: the page an invitation link opens. The
//! member sees whose account it is and sets their own password, typed
//! twice; a used, expired or replaced link says so and who to ask.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::accounts::{problem_text, NewPassword};
use crate::components::mistakes::Mistakes;
use crate::domain::admin::accounts::AccountProblem;
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_locale;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WelcomeView {
    /// The account the link is for, while it works.
    pub username: Option<String>,
    pub community: Option<String>,
    pub expires_at: i64,
}

#[server]
pub async fn welcome_link(token: String) -> Result<WelcomeView, PageError> {
    use crate::server::accounts::{open_link, AccountError};
    let state = crate::pages::error::app_state()?;
    match open_link(&state.db, &token).await {
        Ok(info) => Ok(WelcomeView {
            username: Some(info.member.username),
            community: info.member.community,
            expires_at: info.expires_at,
        }),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(_) => {
            crate::pages::not_found::answer_status(axum::http::StatusCode::GONE);
            Ok(WelcomeView {
                username: None,
                community: None,
                expires_at: 0,
            })
        }
    }
}

#[component]
pub fn WelcomePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let data = Resource::new(token, welcome_link);
    view! {
        <Title text=td_string!(locale, welcome_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <WelcomeBody view token=token() /> }.into_any(),
                    Err(e) => view! { <crate::pages::error::TryAgain error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WelcomeBody(view: WelcomeView, token: String) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let error = query
        .with_untracked(|q| q.get("error"))
        .as_deref()
        .and_then(AccountProblem::parse);
    let Some(username) = view.username else {
        return view! {
            <section class="page narrow">
                <h1>{td!(locale, welcome_title)}</h1>
                <p class="notice notice-error" role="alert" id="welcome-error">{problem_text(locale, AccountProblem::LinkInvalid)}</p>
                <p>{td!(locale, welcome_ask)}</p>
                <p><a class="button" href="/login">{td!(locale, login_title)}</a></p>
            </section>
        }
        .into_any();
    };
    let wrong = error
        .map(|e| Mistakes::one(e.field(), problem_text(locale, e)))
        .unwrap_or_default();
    let who = match &view.community {
        Some(c) => format!("{username} · {c}"),
        None => username.clone(),
    };
    view! {
        <section class="page narrow">
            <h1>{td!(locale, welcome_title)}</h1>
            <p>{td!(locale, welcome_lead)}</p>
            <p class="welcome-who"><strong>{who}</strong></p>
            {error.map(|e| view! { <p class="notice notice-error" role="alert" id="welcome-error">{problem_text(locale, e)}</p> })}
            <form class="suggest-form" method="post" action="/review/welcome">
                <input type="hidden" name="token" value=token />
                <input type="text" name="username" autocomplete="username" value=username hidden />
                <NewPassword ids=("w-password", "w-repeat") wrong />
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, welcome_submit)}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}
