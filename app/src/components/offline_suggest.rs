//! The one-page suggestion form that works without a connection
//! (`/suggest/offline`; the service worker shows it for `/suggest` when the
//! server cannot be reached).
//!
//! It checks the fields with the same rules as the server
//! (`Draft::validate_form`), shrinks the photos as the online form does,
//! and posts to `POST /api/v1/suggestions` with an `Idempotency-Key`. The
//! service worker either passes that on (the answer is the receipt code) or,
//! offline, keeps the whole request, photos included, in IndexedDB and
//! answers `202`: the suggestion is then "waiting to send" and goes out by
//! itself later, under the same key, so it is filed exactly once.
//!
//! Lazy: only this page downloads its code.

use leptos::prelude::*;

use crate::components::suggestion_text::{category_name, CategorySign};
use crate::domain::facility::Community;
use crate::domain::suggestion::draft::MAX_PHOTOS;
use crate::domain::suggestion::Category;
use crate::i18n::*;

/// Where a submission stands; the words are the island's, chosen when it
/// renders, so that the browser's event handlers (which stay in the main
/// WASM module) only move strings around.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Sent {
    #[default]
    Editing,
    Sending,
    /// Kept on the phone by the service worker.
    Queued,
    Filed(String),
    Failed(String),
}

/// What one press of "send" came to.
#[derive(Clone, Debug, Default)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct Submitted {
    /// The problems, as the id of their line in the summary (which the
    /// wrong field's `aria-describedby` names) and a sentence; empty when
    /// the form was sent.
    pub problems: Vec<(String, String)>,
    pub sent: Sent,
    /// The key to reuse when the same content is sent again.
    pub key: String,
}

#[island(lazy)]
pub fn OfflineSuggest(english: bool, communities: Vec<Community>) -> impl IntoView {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    provide_context(crate::prefs::Prefs {
        locale,
        large_text: false,
    });
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let sent = RwSignal::new(Sent::Editing);
    let position = RwSignal::new(None::<crate::domain::coords::LatLng>);
    let (status, set_status) = signal(crate::components::locate::Status::Idle);
    // One key per content: a second tap sends the same suggestion again
    // (filed once); any edit makes it a new one.
    let key = StoredValue::new(String::new());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Set once the island runs: before that, a tap would submit nothing.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let busy = sent.get_untracked() == Sent::Sending;
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked().filter(|_| !busy) {
            sent.set(Sent::Sending);
            leptos::task::spawn_local(async move {
                let done = send::submit(form, english, key.get_value()).await;
                key.set_value(done.key);
                problems.set(done.problems);
                sent.set(done.sent);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (busy, form_ref, key, problems);
    };
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        crate::components::locate::request_position(move |p| position.set(Some(p)), set_status);
        #[cfg(not(feature = "hydrate"))]
        let _ = (position, set_status);
    };
    let coordinate = move |pick: fn(crate::domain::coords::LatLng) -> f64| {
        position
            .get()
            .map(|p| crate::components::locate::micro_degrees(pick(p)))
            .unwrap_or_default()
    };
    let [placed, denied, locating] = [
        td_string!(locale, suggest_place_set),
        td_string!(locale, suggest_location_denied),
        td_string!(locale, location_locating),
    ]
    .map(|t| t.to_string());
    let location_note = move || {
        use crate::components::locate::Status;
        match (position.get(), status.get()) {
            (Some(_), _) => Some(placed.clone()),
            (None, Status::Denied | Status::Unavailable) => Some(denied.clone()),
            (None, Status::Locating) => Some(locating.clone()),
            _ => None,
        }
    };
    let heading = td_string!(locale, suggest_problems).to_string();
    let error_list = move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="notice notice-error" role="alert">
                    <h2>{heading.clone()}</h2>
                    <ul>{list.into_iter().map(|(id, p)| view! { <li id=id>{p}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    let [sending, queued, thanks, receipt, track] = [
        td_string!(locale, suggest_offline_sending),
        td_string!(locale, suggest_offline_queued),
        td_string!(locale, track_new_thanks),
        td_string!(locale, track_receipt_label),
        td_string!(locale, outbox_track),
    ]
    .map(|t| t.to_string());
    let outcome = move || match sent.get() {
        Sent::Editing => None,
        Sent::Sending => Some(view! { <p class="notice" role="status">{sending.clone()}</p> }.into_any()),
        Sent::Queued => Some(view! { <p class="notice notice-queued" role="status">{queued.clone()}</p> }.into_any()),
        Sent::Filed(code) => Some(
            view! {
                <div class="notice receipt" role="status">
                    <p>{thanks.clone()}</p>
                    <p>{receipt.clone()}": "<strong class="receipt-code">{code.clone()}</strong></p>
                    <a class="button" href=format!("/track/{code}")>{track.clone()}</a>
                </div>
            }
            .into_any(),
        ),
        Sent::Failed(text) => Some(view! { <p class="notice notice-error" role="alert">{text}</p> }.into_any()),
    };
    view! {
        {error_list}
        <form class="suggest-form offline-form" data-ready=move || ready.get().then_some("true") node_ref=form_ref on:submit=on_submit on:input=move |_| key.set_value(String::new()) novalidate>
            <fieldset class="category-choices">
                <legend>{td!(locale, suggest_category_question)}</legend>
                {Category::ALL
                    .into_iter()
                    .map(|c| view! {
                        <label class="category-choice">
                            <input type="radio" name="category" value=c.as_str() />
                            <span class="category-choice-body">
                                <CategorySign category=c />
                                <span class="category-choice-name">{category_name(locale, c)}</span>
                            </span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{td!(locale, suggest_place_question)}</legend>
                <button type="button" class="button" on:click=locate>{td!(locale, suggest_use_location)}</button>
                <p class="locate-status" role="status" aria-live="polite">{location_note}</p>
                <input type="hidden" name="lat" prop:value=move || coordinate(|p| p.lat) />
                <input type="hidden" name="lng" prop:value=move || coordinate(|p| p.lng) />
                <label for="community">{td!(locale, suggest_community)}</label>
                <select id="community" name="community">
                    <option value="">{td!(locale, suggest_community_auto)}</option>
                    {communities
                        .into_iter()
                        .map(|c| view! { <option value=c.code.clone()>{c.name(english).to_string()}</option> })
                        .collect_view()}
                </select>
                <label for="location_text">{td!(locale, suggest_location_text)}</label>
                <input id="location_text" name="location_text" type="text" maxlength="200" placeholder=td_string!(locale, suggest_location_text_hint).to_string() />
            </fieldset>
            <label for="title">{td!(locale, suggest_field_title)}</label>
            <input id="title" name="title" type="text" maxlength="80" required />
            <label for="description">{td!(locale, suggest_field_description)}</label>
            <textarea id="description" name="description" rows="4" maxlength="2000"></textarea>
            <label for="photos">{td_string!(locale, suggest_photos, max = MAX_PHOTOS).to_string()}</label>
            <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple />
            <p class="hint">{td!(locale, suggest_photos_hint)}</p>
            <fieldset>
                <legend>{td!(locale, suggest_contact_intro)}</legend>
                <label for="contact_name">{td!(locale, suggest_contact_name)}</label>
                <input id="contact_name" name="contact_name" type="text" maxlength="40" autocomplete="name" />
                <label for="contact_phone">{td!(locale, suggest_contact_phone)}</label>
                <input id="contact_phone" name="contact_phone" type="tel" maxlength="24" autocomplete="tel" />
                <label class="choice">
                    <input type="checkbox" name="consent" />
                    <span>{td!(locale, suggest_consent)}</span>
                </label>
            </fieldset>
            <p class="hint">{td!(locale, suggest_public_note)}</p>
            // Disabled until the island runs: a plain submit would put the
            // form (phone number included) in the address.
            <button type="submit" class="button button-primary" disabled=move || !ready.get()>{td!(locale, suggest_submit)}</button>
        </form>
        <div aria-live="polite">{outcome}</div>
    }
}

/// Checking and sending, split out of the main WASM module (`#[lazy]`):
/// only this form needs it.
#[cfg(feature = "hydrate")]
mod send {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::{Sent, Submitted};
    use crate::components::mistakes::Mistakes;
    use crate::components::suggestion_text::{field_error_text, photo_problem_text};
    use crate::domain::suggestion::draft::{Draft, MAX_PHOTOS};
    use crate::domain::suggestion::{FieldError, SuggestionField};
    use crate::i18n::*;

    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(default)]
        receipt_code: Option<String>,
        #[serde(default)]
        error: Option<Problem>,
    }

    #[derive(serde::Deserialize)]
    struct Problem {
        code: String,
    }

    fn new_key() -> String {
        let crypto = js_sys::Reflect::get(&window(), &"crypto".into()).ok();
        let uuid = crypto.and_then(|c| {
            let f = js_sys::Reflect::get(&c, &"randomUUID".into()).ok()?;
            f.dyn_into::<js_sys::Function>().ok()?.call0(&c).ok()?.as_string()
        });
        uuid.unwrap_or_else(|| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
    }

    /// Checks the form with the server's rules, shrinks its photos and
    /// posts it (the service worker keeps it when offline).
    #[lazy]
    pub async fn submit(form: web_sys::HtmlFormElement, english: bool, key: String) -> Submitted {
        let locale = if english { Locale::en } else { Locale::zh_CN };
        let failed = |key: String| Submitted {
            problems: Vec::new(),
            sent: Sent::Failed(td_string!(locale, suggest_failed).to_string()),
            key,
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return failed(key);
        };
        let get = |name: &str| data.get(name).as_string().unwrap_or_default();
        let draft = Draft {
            category: get("category"),
            lat: get("lat"),
            lng: get("lng"),
            community: get("community"),
            location_text: get("location_text"),
            title: get("title"),
            description: get("description"),
            contact_name: get("contact_name"),
            contact_phone: get("contact_phone"),
            consent: get("consent") == "on",
            website: String::new(),
        };
        let photos = form
            .query_selector("input[type=file]")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok());
        let mut problems = match draft.validate_form() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0,
        };
        if photos
            .as_ref()
            .and_then(|p| p.files())
            .is_some_and(|f| f.length() as usize > MAX_PHOTOS)
        {
            problems.push((SuggestionField::Photos, FieldError::TooMany { max: MAX_PHOTOS }));
        }
        mark(&form, problems.iter().map(|(f, _)| *f));
        if !problems.is_empty() {
            return Submitted {
                problems: problems
                    .into_iter()
                    .map(|(f, e)| (Mistakes::message_id(f.as_str()), field_error_text(locale, f, e)))
                    .collect(),
                sent: Sent::Editing,
                key,
            };
        }
        if let Some(input) = &photos {
            crate::components::photo_resize::shrink_files(input, MAX_PHOTOS).await;
        }
        let Ok(body) = web_sys::FormData::new_with_form(&form) else {
            return failed(key);
        };
        let key = if key.is_empty() { new_key() } else { key };
        let sent = match post(&body, &key).await {
            Some((202, _)) => Sent::Queued,
            Some((
                200 | 201,
                Answer {
                    receipt_code: Some(code),
                    ..
                },
            )) => Sent::Filed(code),
            Some((413 | 415, answer)) => Sent::Failed(photo_problem_text(
                locale,
                answer.error.as_ref().map_or("", |e| e.code.as_str()),
            )),
            _ => return failed(key),
        };
        // Sent or kept: the next suggestion starts afresh.
        form.reset();
        Submitted {
            problems: Vec::new(),
            sent,
            key: String::new(),
        }
    }

    /// The element a field's problem marks: its input, but the community
    /// when the position is missing and the fieldset for the category.
    fn target(field: SuggestionField) -> String {
        match field {
            SuggestionField::Category => "fieldset".to_string(),
            SuggestionField::Location => "#community".to_string(),
            SuggestionField::Consent => "input[name=consent]".to_string(),
            f => format!("#{}", f.as_str()),
        }
    }

    /// Marks the wrong fields as the server-drawn forms do
    /// (`components::mistakes`): `aria-invalid` (a radio group's fieldset
    /// takes none) and `aria-describedby` naming the problem's line in the
    /// summary, and the cursor in the first. Earlier marks go first.
    fn mark(form: &web_sys::HtmlFormElement, fields: impl Iterator<Item = SuggestionField>) {
        while let Some(old) = form.query_selector("[aria-describedby]").ok().flatten() {
            let _ = old.remove_attribute("aria-invalid");
            let _ = old.remove_attribute("aria-describedby");
        }
        let mut first = None;
        for field in fields {
            let id = Mistakes::message_id(field.as_str());
            let Some(el) = form.query_selector(&target(field)).ok().flatten() else {
                continue;
            };
            let ids = match el.get_attribute("aria-describedby") {
                Some(earlier) => format!("{earlier} {id}"),
                None => id,
            };
            let _ = el.set_attribute("aria-describedby", &ids);
            // The cursor goes in the group's first choice.
            let input = if field == SuggestionField::Category {
                form.query_selector("input[name=category]").ok().flatten()
            } else {
                let _ = el.set_attribute("aria-invalid", "true");
                Some(el)
            };
            first = first.or(input);
        }
        if let Some(el) = first.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }

    async fn post(body: &web_sys::FormData, key: &str) -> Option<(u16, Answer)> {
        let headers = web_sys::Headers::new().ok()?;
        headers.set("idempotency-key", key).ok()?;
        headers.set("accept", "application/json").ok()?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(body);
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init("/api/v1/suggestions", &init).ok()?;
        let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()
            .unwrap_or_default();
        let answer = serde_json::from_str(&text).unwrap_or(Answer {
            receipt_code: None,
            error: None,
        });
        Some((response.status(), answer))
    }
}
