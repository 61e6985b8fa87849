//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::header::Header;
use crate::components::hydration::{IslandScripts, SiteStylesheet};
use crate::components::pwa::AppStatus;
use crate::i18n::*;
use crate::pages::mine::MinePage;
use crate::pages::offline::{OfflinePage, SuggestOfflinePage};
use crate::pages::review::accounts::{AdminAccountsPage, OwnAccountPage};
use crate::pages::review::assisted::AssistedPage;
use crate::pages::review::communities::{AdminCommunitiesPage, AdminCommunityPage};
use crate::pages::review::coverage::ReviewCoveragePage;
use crate::pages::review::dashboard::ReviewDashboardPage;
use crate::pages::review::detail::ReviewDetailPage;
use crate::pages::review::facilities::AdminFacilitiesPage;
use crate::pages::review::facility_edit::AdminFacilityPage;
use crate::pages::review::import::AdminImportPage;
use crate::pages::review::inbox::ReviewInboxPage;
use crate::pages::review::login::LoginPage;
use crate::pages::review::templates::ReviewTemplatesPage;
use crate::pages::review::welcome::WelcomePage;
use crate::pages::sorting::{SortingCategoryPage, SortingPage};
use crate::pages::suggest::SuggestPage;
use crate::pages::suggestions::SuggestionsPage;
use crate::pages::track::{TrackLookupPage, TrackPage};
use crate::pages::{
    facility::FacilityPage, home::HomePage, nearby::NearbyOfflinePage, nearby::NearbyPage, not_found::NotFound,
};
use crate::prefs::{use_prefs, Prefs};

/// The document around every page. Reads the request's preferences first so
/// that `lang`, the text size and every string are right in the first byte.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let prefs = request_prefs();
    provide_context(prefs);
    set_security_policy();
    let lang = if prefs.english() { "en" } else { "zh-CN" };
    view! {
        <!DOCTYPE html>
        <html lang=lang class:large-text=prefs.large_text>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <SiteStylesheet options=options.clone() />
                // Leptos's loader, only on pages with an island.
                <IslandScripts options />
                // The service worker's page side (see components::pwa).
                <script src="/pwa.js" defer></script>
                // Before the body is drawn, so that the read-aloud and
                // "use my location" buttons (components::read_aloud,
                // components::locate) appear without moving the page.
                <script nonce=crate::components::hydration::nonce()>
                    "var c=document.documentElement.classList;if(window.speechSynthesis&&window.SpeechSynthesisUtterance)c.add('can-speak');if(navigator.geolocation)c.add('can-locate')"
                </script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn request_prefs() -> Prefs {
    use axum::http::{header, request::Parts};
    let Some(parts) = use_context::<Parts>() else {
        return Prefs::default();
    };
    let get = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    Prefs::from_headers(get(header::COOKIE), get(header::ACCEPT_LANGUAGE))
}

/// The page's Content-Security-Policy header, with the nonce Leptos puts on
/// its own inline script ([`crate::security::content_security_policy`]).
#[cfg(feature = "ssr")]
fn set_security_policy() {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&crate::security::content_security_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(not(feature = "ssr"))]
fn set_security_policy() {}

#[cfg(not(feature = "ssr"))]
fn request_prefs() -> Prefs {
    Prefs::default()
}

/// leptos_meta writes the `<title>` text as given, and titles can hold
/// what residents typed (a suggestion's title): escape it, or a title
/// with `</title><script>` would be markup.
fn escape_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = use_prefs().locale;
    view! {
        <Title formatter=move |page: String| {
            let app = td_string!(locale, app_name).to_string();
            if page.is_empty() { app } else { format!("{} · {app}", escape_title(&page)) }
        } />
        <Meta name="description" content=td_string!(locale, home_lead).to_string() />
        <Meta name="theme-color" content="#0f5c45" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
        <Meta name="apple-mobile-web-app-capable" content="yes" />
        <Meta name="mobile-web-app-capable" content="yes" />
        <Meta name="apple-mobile-web-app-status-bar-style" content="default" />
        <Meta name="apple-mobile-web-app-title" content=td_string!(locale, app_name).to_string() />
        <Router>
            <a class="skip-link" href="#main">{td!(locale, skip_to_content)}</a>
            <Header />
            <AppStatus />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/mine") view=MinePage ssr=SsrMode::Async />
                    <Route path=path!("/nearby") view=NearbyPage ssr=SsrMode::Async />
                    <Route path=path!("/nearby/offline") view=NearbyOfflinePage ssr=SsrMode::Async />
                    <Route path=path!("/facility/:id") view=FacilityPage ssr=SsrMode::Async />
                    <Route path=path!("/sorting") view=SortingPage ssr=SsrMode::Async />
                    <Route path=path!("/sorting/:category") view=SortingCategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/suggest") view=SuggestPage />
                    <Route path=path!("/suggest/offline") view=SuggestOfflinePage ssr=SsrMode::Async />
                    <Route path=path!("/offline") view=OfflinePage />
                    <Route path=path!("/suggestions") view=SuggestionsPage ssr=SsrMode::Async />
                    <Route path=path!("/track") view=TrackLookupPage ssr=SsrMode::Async />
                    <Route path=path!("/track/:code") view=TrackPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/review") view=ReviewInboxPage ssr=SsrMode::Async />
                    <Route path=path!("/review/s/:code") view=ReviewDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/review/dashboard") view=ReviewDashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/review/coverage") view=ReviewCoveragePage ssr=SsrMode::Async />
                    <Route path=path!("/review/templates") view=ReviewTemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/review/facilities") view=AdminFacilitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/review/facilities/:id") view=AdminFacilityPage ssr=SsrMode::Async />
                    <Route path=path!("/review/import") view=AdminImportPage ssr=SsrMode::Async />
                    <Route path=path!("/review/new") view=AssistedPage ssr=SsrMode::Async />
                    <Route path=path!("/review/communities") view=AdminCommunitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/review/communities/:code") view=AdminCommunityPage ssr=SsrMode::Async />
                    <Route path=path!("/review/accounts") view=AdminAccountsPage ssr=SsrMode::Async />
                    <Route path=path!("/review/account") view=OwnAccountPage ssr=SsrMode::Async />
                    <Route path=path!("/review/welcome") view=WelcomePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{td!(locale, sample_data_notice)}</p>
            </footer>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_are_escaped() {
        assert_eq!(super::escape_title("</title><b>&"), "&lt;/title&gt;&lt;b&gt;&amp;");
        assert_eq!(super::escape_title("长椅"), "长椅");
    }
}
