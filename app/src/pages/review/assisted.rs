//! `/review/new`: a committee member files a suggestion for a resident who
//! phoned or came in. The same rules as the resident's own form (the
//! contact stays private, the place decides the committee), marked with how
//! it arrived and who filed it; the answer is a slip to print or read out
//! with the receipt code and the tracking address.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{failed, Csrf, ReviewBar, Signed};
use crate::components::mistakes::Mistakes;
use crate::components::print::PrintButton;
use crate::components::suggestion_text::{category_name, date_text, field_error_text};
use crate::domain::suggestion::{Category, Draft, FieldErrors, Source};
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_locale;

/// What the POST made of the form, provided to the page it answers with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AssistedOutcome {
    /// Filed: the slip.
    Filed {
        code: String,
        /// The tracking page's whole address.
        url: String,
        title: String,
        at: i64,
    },
    /// Not filed: the form again as typed, with what to fix.
    Problems {
        draft: Box<Draft>,
        coords: String,
        channel: String,
        errors: FieldErrors,
        /// "Phone call or visit" was not chosen.
        channel_missing: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistedView {
    pub signed: Signed,
    /// Code and name of the communities the member may file for.
    pub communities: Vec<(String, String)>,
    /// A fresh key per form, so a resent form files once.
    pub key: String,
    pub outcome: Option<AssistedOutcome>,
}

#[server]
pub async fn assisted_form() -> Result<AssistedView, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let english = crate::prefs::use_prefs().english();
    let communities = state
        .catalog
        .snapshot()
        .community_names(english, |code| signed.member.may_access(code));
    Ok(AssistedView {
        signed,
        communities,
        key: crate::server::suggestions::random_token(),
        outcome: use_context::<AssistedOutcome>(),
    })
}

#[component]
pub fn AssistedPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| assisted_form());
    view! {
        <Title text=td_string!(locale, assist_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <AssistedBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/new"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Slip(code: String, url: String, title: String, at: i64) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="invite-slip receipt-slip" aria-labelledby="slip-h" role="status">
            <h2 id="slip-h">{td!(locale, assist_slip_title)}</h2>
            <p>{title}</p>
            <p>{td!(locale, assist_slip_code)}</p>
            <p class="track-code slip-code" id="slip-code">{code}</p>
            <p>{td!(locale, assist_slip_track)}</p>
            <p class="invite-link">{url}</p>
            <p>{td_string!(locale, assist_slip_date, date = date_text(locale, at)).to_string()}</p>
            <PrintButton label=td_string!(locale, acc_print).to_string() />
        </section>
    }
}

/// The form's fields, top to bottom.
const ORDER: [&str; 10] = [
    "channel",
    "category",
    "title",
    "description",
    "location_text",
    "location",
    "community",
    "contact_name",
    "contact_phone",
    "consent",
];

#[component]
fn AssistedBody(view: AssistedView) -> impl IntoView {
    let locale = use_locale();
    let csrf = view.signed.csrf.clone();
    let (draft, coords, channel, errors, channel_missing, slip) = match view.outcome.clone() {
        Some(AssistedOutcome::Problems {
            draft,
            coords,
            channel,
            errors,
            channel_missing,
        }) => (*draft, coords, channel, errors, channel_missing, None),
        Some(AssistedOutcome::Filed { code, url, title, at }) => (
            Draft::default(),
            String::new(),
            String::new(),
            FieldErrors::default(),
            false,
            Some(view! { <Slip code url title at /> }),
        ),
        None => (
            Draft::default(),
            String::new(),
            String::new(),
            FieldErrors::default(),
            false,
            None,
        ),
    };
    let own = view.signed.member.community.clone().unwrap_or_default();
    let picked = if draft.community.is_empty() {
        own
    } else {
        draft.community.clone()
    };
    let channel_text = channel_missing.then(|| ("channel", td_string!(locale, assist_channel_missing).to_string()));
    let wrong = Mistakes::new(
        &ORDER,
        channel_text.into_iter().chain(
            errors
                .0
                .iter()
                .map(|&(f, e)| (f.as_str(), field_error_text(locale, f, e))),
        ),
    );
    let has_problems = channel_missing || slip.is_none() && view.outcome.is_some();
    let categories = Category::ALL
        .into_iter()
        .map(|c| view! { <option value=c.as_str() selected=draft.category == c.as_str()>{category_name(locale, c)}</option> })
        .collect_view();
    let communities = view
        .communities
        .iter()
        .map(|(code, name)| view! { <option value=code.clone() selected=picked == *code>{format!("{name} ({code})")}</option> })
        .collect_view();
    // The group is described by its message (radios take no
    // `aria-invalid`); the first choice gets the cursor.
    let channel_radio = |value: Source, label: String, first: bool| {
        let mark = |m: bool| m && first;
        view! {
            <label class="check">
                <input type="radio" name="channel" value=value.as_str() checked=channel == value.as_str() required
                    autofocus=mark(wrong.first("channel")) />
                {label}
            </label>
        }
    };
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page narrow review">
            <h1>{td!(locale, assist_title)}</h1>
            <p>{td!(locale, assist_lead)}</p>
            {slip}
            {has_problems.then(|| view! {
                <p class="notice notice-error" role="alert" id="assist-error">{td!(locale, assist_problems)}</p>
            })}
            <form class="suggest-form" method="post" action="/review/new">
                <Csrf token=csrf />
                <input type="hidden" name="key" value=view.key.clone() />
                <fieldset aria-describedby=wrong.described("channel", None)>
                    <legend>{td!(locale, assist_channel)}</legend>
                    {wrong.message("channel")}
                    {channel_radio(Source::Phone, td_string!(locale, assist_phone).to_string(), true)}
                    {channel_radio(Source::Visit, td_string!(locale, assist_visit).to_string(), false)}
                </fieldset>
                <label for="a-category">{td!(locale, step_category)}</label>
                <select id="a-category" name="category" aria-invalid=wrong.invalid("category")
                    aria-describedby=wrong.described("category", None) autofocus=wrong.first("category")>{categories}</select>
                {wrong.message("category")}
                <label for="a-title">{td!(locale, suggest_field_title)}</label>
                <input type="text" id="a-title" name="title" maxlength="80" value=draft.title.clone()
                    aria-invalid=wrong.invalid("title") aria-describedby=wrong.described("title", None) autofocus=wrong.first("title") />
                {wrong.message("title")}
                <label for="a-description">{td!(locale, suggest_field_description)}</label>
                <textarea id="a-description" name="description" rows="4" maxlength="2000" aria-invalid=wrong.invalid("description")
                    aria-describedby=wrong.described("description", None) autofocus=wrong.first("description")>{draft.description.clone()}</textarea>
                {wrong.message("description")}
                <label for="a-location_text">{td!(locale, suggest_location_text)}</label>
                <input type="text" id="a-location_text" name="location_text" maxlength="200" value=draft.location_text.clone()
                    aria-invalid=wrong.invalid("location_text") aria-describedby=wrong.described("location_text", None)
                    autofocus=wrong.first("location_text") />
                {wrong.message("location_text")}
                <label for="a-coords">{td!(locale, adm_coords)}</label>
                <p class="field-hint" id="a-coords-hint">{td!(locale, assist_coords_hint)}</p>
                <input type="text" id="a-coords" name="coords" inputmode="decimal" value=coords aria-invalid=wrong.invalid("location")
                    aria-describedby=wrong.described("location", Some("a-coords-hint")) autofocus=wrong.first("location") />
                {wrong.message("location")}
                <label for="a-community">{td!(locale, adm_community)}</label>
                <select id="a-community" name="community" aria-invalid=wrong.invalid("community")
                    aria-describedby=wrong.described("community", None) autofocus=wrong.first("community")>{communities}</select>
                {wrong.message("community")}
                <label for="a-name">{td!(locale, suggest_contact_name)}</label>
                <input type="text" id="a-name" name="contact_name" maxlength="40" value=draft.contact_name.clone()
                    aria-invalid=wrong.invalid("contact_name") aria-describedby=wrong.described("contact_name", None)
                    autofocus=wrong.first("contact_name") />
                {wrong.message("contact_name")}
                <label for="a-phone">{td!(locale, suggest_contact_phone)}</label>
                <input type="tel" id="a-phone" name="contact_phone" maxlength="24" value=draft.contact_phone.clone()
                    aria-invalid=wrong.invalid("contact_phone") aria-describedby=wrong.described("contact_phone", None)
                    autofocus=wrong.first("contact_phone") />
                {wrong.message("contact_phone")}
                <label class="check">
                    <input type="checkbox" name="consent" value="1" checked=draft.consent aria-invalid=wrong.invalid("consent")
                        aria-describedby=wrong.described("consent", None) autofocus=wrong.first("consent") />
                    {td!(locale, assist_consent)}
                </label>
                {wrong.message("consent")}
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, assist_submit)}</button>
                </div>
            </form>
        </section>
    }
}
