//! The committee's pages (`/login`, `/review…`). Server-rendered like the
//! rest; every action on them is a plain form POST to a handler that checks
//! the session, the CSRF token and the member's community again.

pub mod accounts;
pub mod assisted;
pub mod communities;
pub mod coverage;
pub mod dashboard;
pub mod detail;
pub mod facilities;
pub mod facility_edit;
pub mod import;
pub mod inbox;
pub mod login;
pub mod templates;
pub mod welcome;

use leptos::prelude::*;

use crate::domain::review::Member;
pub use crate::pages::error::PageError;

/// What every committee page needs: who is signed in, and the token their
/// forms must send back.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Signed {
    pub member: Member,
    pub csrf: String,
}

/// The signed-in member, or the error pages turn into a redirect.
#[cfg(feature = "ssr")]
pub async fn signed() -> Result<Signed, PageError> {
    let session = crate::server::auth::current_session()
        .await
        .ok_or(PageError::NotSignedIn)?;
    Ok(Signed {
        member: session.member,
        csrf: session.csrf_token,
    })
}

/// Sends the browser to the sign-in page (during server rendering), coming
/// back to `next` afterwards.
pub fn to_login(next: &str) {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(&format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
    ));
    #[cfg(not(feature = "ssr"))]
    let _ = next;
}

/// The error view of a committee page: a redirect when signed out.
pub fn failed(e: PageError, next: &str) -> AnyView {
    if e == PageError::NotSignedIn {
        to_login(next);
        return ().into_any();
    }
    view! { <crate::pages::error::TryAgain error=e /> }.into_any()
}

/// The hidden CSRF field of every committee form.
#[component]
pub fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}

/// An admin's page seen by a committee member: what it is, that only
/// street or district staff use it, and (`children`) where to go instead.
#[component]
pub fn AdminsOnly(signed: Signed, title: String, message: String, children: Children) -> impl IntoView {
    view! {
        <ReviewBar signed />
        <section class="page narrow review">
            <h1>{title}</h1>
            <p class="notice notice-error" role="alert">{message}</p>
            {children()}
        </section>
    }
}

/// The bar above committee pages: who is signed in, the sections, sign out.
#[component]
pub fn ReviewBar(signed: Signed) -> impl IntoView {
    let locale = crate::prefs::use_locale();
    use crate::i18n::*;
    let who = match &signed.member.community {
        Some(c) => format!("{} · {c}", signed.member.username),
        None => format!("{} · {}", signed.member.username, td_string!(locale, review_admin)),
    };
    view! {
        <nav class="review-bar" aria-label=td_string!(locale, review_nav).to_string()>
            <a href="/review">{td!(locale, review_inbox)}</a>
            <a href="/review/dashboard">{td!(locale, review_dashboard)}</a>
            <a href="/review/coverage">{td!(locale, cov_title)}</a>
            <a href="/review/templates">{td!(locale, review_templates)}</a>
            <a href="/review/new">{td!(locale, assist_nav)}</a>
            <a href="/review/facilities">{td!(locale, adm_facilities)}</a>
            {(signed.member.scope().is_none()).then(|| view! {
                <a href="/review/communities">{td!(locale, com_title)}</a>
                <a href="/review/accounts">{td!(locale, acc_title)}</a>
            })}
            <a class="review-who" href="/review/account">{who}</a>
            <form method="post" action="/logout">
                <Csrf token=signed.csrf.clone() />
                <button type="submit" class="button button-small">{td!(locale, review_sign_out)}</button>
            </form>
        </nav>
    }
}
