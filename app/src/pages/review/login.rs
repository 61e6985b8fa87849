//! `/login`: committee sign-in, a plain form POST. The answer to a wrong
//! name or password is the same sentence either way.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::prefs::use_locale;

/// Where to go after signing in: only local paths (`security::safe_next`),
/// the inbox otherwise.
pub fn safe_next(next: Option<&str>) -> String {
    crate::security::safe_next(next, "/review")
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = |k: &str| query.with_untracked(|q| q.get(k));
    let next = safe_next(get("next").as_deref());
    let message = if let Some(secs) = get("wait").and_then(|w| w.parse::<u64>().ok()) {
        Some(td_string!(locale, login_throttled, seconds = secs).to_string())
    } else if get("error").is_some() {
        Some(td_string!(locale, login_failed).to_string())
    } else {
        None
    };
    let signed_out = get("signed_out").is_some();
    // Which of the two was wrong is not told (that would confirm a
    // username): both are marked, and the cursor starts in the first.
    let wrong = get("error").is_some();
    let invalid = wrong.then_some("true");
    let described = wrong.then_some("login-error");
    view! {
        <Title text=td_string!(locale, login_title).to_string() />
        <section class="page narrow">
            <h1>{td!(locale, login_title)}</h1>
            <p>{td!(locale, login_lead)}</p>
            {signed_out.then(|| view! { <p class="notice" role="status">{td!(locale, login_signed_out)}</p> })}
            {message.map(|m| view! { <p class="notice notice-error" role="alert" id="login-error">{m}</p> })}
            <form class="suggest-form" method="post" action="/login">
                <input type="hidden" name="next" value=next />
                <label for="username">{td!(locale, login_username)}</label>
                <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" required maxlength="64"
                    aria-invalid=invalid aria-describedby=described autofocus=wrong />
                <label for="password">{td!(locale, login_password)}</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="256"
                    aria-invalid=invalid aria-describedby=described />
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, login_submit)}</button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            super::safe_next(Some("/review?status=received")),
            "/review?status=received"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "review",
            // Browsers drop tabs and newlines from URLs: this would become
            // `//evil.example`.
            "/\t/evil.example",
            "/\n/x",
        ] {
            assert_eq!(super::safe_next(Some(bad)), "/review", "{bad}");
        }
        assert_eq!(super::safe_next(None), "/review");
    }
}
