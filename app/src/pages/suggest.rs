//! `/suggest`: the step-by-step form for a micro-renewal suggestion.
//!
//! Every step is a plain form POST to `/suggest` that the server answers
//! with the next step (or the same step with its errors), carrying earlier
//! answers in hidden fields. So the whole journey works without JavaScript,
//! a reload never loses what was typed, and the server checks each step in
//! the resident's language. Photos are uploaded on the details step and
//! kept under secret tokens until the suggestion is filed. With JavaScript,
//! islands add "use my location", tapping the map and shrinking photos
//! before upload; the steps stay the same.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::photo_resize::{PhotoLabels, PhotoResize};
use crate::components::place_picker::{PlaceLabels, PlacePicker};
use crate::components::suggestion_text::{
    category_hint, category_name, field_error_text, photo_problem_text, status_name, CategorySign,
};
use crate::domain::coords::LatLng;
use crate::domain::facility::Community;
use crate::domain::projection::{MapFrame, VIEW};
use crate::domain::suggestion::draft::{
    Step, CONTACT_NAME_MAX, DESCRIPTION_MAX, LOCATION_TEXT_MAX, MAX_PHOTOS, PHONE_MAX, TITLE_MAX,
};
use crate::domain::suggestion::{Category, Draft, FieldErrors, SuggestionField, SuggestionSummary};
use crate::i18n::*;
use crate::prefs::use_prefs;

/// A photo uploaded on the details step, not yet part of a suggestion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedPhoto {
    pub token: String,
    pub width: u32,
    pub height: u32,
}

/// Everything one rendering of the form needs. The server's `/suggest`
/// POST handler builds it; a plain GET starts a fresh one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SuggestFlow {
    pub step: Step,
    pub draft: Draft,
    pub photos: Vec<StagedPhoto>,
    /// Sent with the final step, so a double tap or a resent form files one
    /// suggestion.
    pub idempotency_key: String,
    pub errors: FieldErrors,
    /// The code of a photo the server refused (`PhotoError::code`).
    pub photo_problem: Option<String>,
    /// Open suggestions of the same category close by (details step).
    pub duplicates: Vec<SuggestionSummary>,
    /// Over the rate limit: seconds to wait.
    pub retry_after: Option<u64>,
    /// Saving failed on the server; everything is still in the form.
    pub failed: bool,
}

/// Half the width of the place step's map: a few streets around the point.
#[cfg(feature = "ssr")]
const PLACE_MAP_HALF_SPAN_M: f64 = 350.0;

/// Where the place step's map is centred and what it shows.
#[derive(Clone, Debug, PartialEq)]
struct PlaceMap {
    frame: MapFrame,
    point: Option<LatLng>,
    landmarks: Vec<(LatLng, String)>,
    /// The community the point belongs to (code and name, by the
    /// boundaries, as filing does), and whether that is a guess from the
    /// nearest centre.
    goes_to: Option<(String, String, bool)>,
}

#[cfg(feature = "ssr")]
fn current_flow() -> (SuggestFlow, Vec<Community>, Option<PlaceMap>) {
    use crate::server::AppState;
    let state = use_context::<AppState>();
    let flow = use_context::<SuggestFlow>().unwrap_or_else(|| {
        // A fresh form; a link may preset the category or the position.
        let query = use_context::<axum::http::request::Parts>()
            .and_then(|p| p.uri.query().map(str::to_string))
            .unwrap_or_default();
        let get = |k: &str| url_query_value(&query, k).filter(|v| v.len() <= 32).unwrap_or_default();
        let category = get("category");
        SuggestFlow {
            draft: Draft {
                category: Category::parse(&category)
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                lat: get("lat"),
                lng: get("lng"),
                community: get("community"),
                ..Draft::default()
            },
            idempotency_key: crate::server::suggestions::random_token(),
            ..SuggestFlow::default()
        }
    });
    let Some(state) = state else {
        return (flow, Vec::new(), None);
    };
    let snapshot = state.catalog.snapshot();
    let communities = snapshot.communities.to_vec();
    let map = (flow.step == Step::Place)
        .then(|| place_map(&flow.draft, &snapshot))
        .flatten();
    (flow, communities, map)
}

#[cfg(feature = "ssr")]
fn url_query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// The map for the place step: around the chosen point, or else around the
/// chosen community's centre, with the facilities nearby as landmarks.
#[cfg(feature = "ssr")]
fn place_map(draft: &Draft, snapshot: &crate::server::catalog::Snapshot) -> Option<PlaceMap> {
    use crate::domain::nearby::NearbyQuery;
    use crate::domain::walking::Pace;
    let point = match (draft.lat.trim().parse::<f64>(), draft.lng.trim().parse::<f64>()) {
        (Ok(lat), Ok(lng)) => Some(LatLng::new(lat, lng)).filter(|p| p.is_valid()),
        _ => None,
    };
    let centre = point.or_else(|| snapshot.community(draft.community.trim()).map(|c| c.centre))?;
    let frame = MapFrame {
        centre,
        half_span_m: PLACE_MAP_HALF_SPAN_M,
    };
    let query = NearbyQuery {
        origin: centre,
        kind: None,
        minutes: 7,
        pace: Pace::Normal,
        limit: 15,
        accepts: None,
    };
    let english = use_prefs().english();
    let landmarks = snapshot
        .index
        .nearby(&query)
        .within
        .into_iter()
        .map(|h| (h.facility.location, h.facility.name(english).to_string()))
        .collect();
    let goes_to = point
        .and_then(|p| crate::server::suggestions::community_for_place(&snapshot.communities, p))
        .map(|(c, guessed)| (c.code.clone(), c.name(english).to_string(), guessed));
    Some(PlaceMap {
        frame,
        point,
        landmarks,
        goes_to,
    })
}

#[cfg(not(feature = "ssr"))]
fn current_flow() -> (SuggestFlow, Vec<Community>, Option<PlaceMap>) {
    (SuggestFlow::default(), Vec::new(), None)
}

#[component]
pub fn SuggestPage() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let (flow, communities, map) = current_flow();
    let step = flow.step;
    let step_name = step_name(locale, step);
    let multipart = step == Step::Details;
    let errors = flow.errors.clone();
    view! {
        <Title text=td_string!(locale, suggest_title).to_string() />
        <section class="page narrow suggest">
            <h1>{td!(locale, suggest_title)}</h1>
            <p class="step-count">
                {td_string!(locale, suggest_step_of, n = step.number(), total = Step::ALL.len()).to_string()}
                " · "
                <strong>{step_name}</strong>
            </p>
            <ol class="steps" aria-hidden="true">
                {Step::ALL
                    .into_iter()
                    .map(|s| {
                        let class = if s == step { "step-current" } else if s < step { "step-done" } else { "" };
                        view! { <li class=class></li> }
                    })
                    .collect_view()}
            </ol>
            <Problems flow=flow.clone() />
            {(step == Step::Details).then(|| view! { <Duplicates found=flow.duplicates.clone() /> })}
            <form
                class="suggest-form"
                method="post"
                action="/suggest"
                enctype=if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" }
                novalidate
            >
                <CarriedFields flow=flow.clone() />
                {match step {
                    Step::Category => view! { <CategoryStep draft=flow.draft.clone() errors=errors.clone() /> }.into_any(),
                    Step::Place => view! { <PlaceStep draft=flow.draft.clone() errors=errors.clone() communities map /> }.into_any(),
                    Step::Details => view! { <DetailsStep flow=flow.clone() /> }.into_any(),
                    Step::Contact => view! { <ContactStep draft=flow.draft.clone() errors=errors.clone() /> }.into_any(),
                    Step::Review => view! { <ReviewStep flow=flow.clone() communities /> }.into_any(),
                }}
                <div class="form-nav">
                    {if step == Step::Review {
                        view! { <button type="submit" name="action" value="submit" class="button button-primary">{td!(locale, suggest_submit)}</button> }.into_any()
                    } else {
                        view! { <button type="submit" name="action" value="next" class="button button-primary">{td!(locale, suggest_next)}</button> }.into_any()
                    }}
                    {(step != Step::Category).then(|| view! {
                        <button type="submit" name="action" value="back" class="button" formnovalidate>{td!(locale, suggest_back)}</button>
                    })}
                </div>
            </form>
        </section>
    }
}

fn step_name(locale: Locale, step: Step) -> String {
    match step {
        Step::Category => td_string!(locale, step_category),
        Step::Place => td_string!(locale, step_place),
        Step::Details => td_string!(locale, step_details),
        Step::Contact => td_string!(locale, step_contact),
        Step::Review => td_string!(locale, step_review),
    }
    .to_string()
}

/// What went wrong, at the top of the form, each linked to its field.
#[component]
fn Problems(flow: SuggestFlow) -> impl IntoView {
    let locale = use_prefs().locale;
    let mut items: Vec<(String, String)> = flow
        .errors
        .0
        .iter()
        .map(|(f, e)| (format!("#{}", field_id(*f)), field_error_text(locale, *f, *e)))
        .collect();
    if let Some(code) = &flow.photo_problem {
        items.push(("#photos".into(), photo_problem_text(locale, code)));
    }
    let notice = if let Some(secs) = flow.retry_after {
        Some(td_string!(locale, suggest_rate_limited, seconds = secs).to_string())
    } else if flow.failed {
        Some(td_string!(locale, suggest_failed).to_string())
    } else {
        None
    };
    view! {
        {notice.map(|text| view! { <p class="notice notice-error" role="alert">{text}</p> })}
        {(!items.is_empty()).then(|| view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{td!(locale, suggest_problems)}</h2>
                <ul>
                    {items.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
                </ul>
            </div>
        })}
    }
}

/// The `id` of the input for a field, for labels and error links.
fn field_id(field: SuggestionField) -> &'static str {
    match field {
        SuggestionField::Category => "category-first",
        SuggestionField::Location => "use-location",
        f => f.as_str(),
    }
}

/// One field's error, right above the input, tied to it by `aria-describedby`.
fn inline_error(locale: Locale, errors: &FieldErrors, field: SuggestionField) -> impl IntoView {
    errors.get(field).map(|e| {
        view! {
            <p class="field-error" id=format!("{}-error", field.as_str())>
                {field_error_text(locale, field, e)}
            </p>
        }
    })
}

fn described_by(errors: &FieldErrors, field: SuggestionField) -> Option<String> {
    errors.get(field).map(|_| format!("{}-error", field.as_str()))
}

/// `aria-invalid` for a field with a mistake.
fn invalid(errors: &FieldErrors, field: SuggestionField) -> Option<&'static str> {
    errors.get(field).map(|_| "true")
}

/// Whether the form comes back with the cursor in this field: the first
/// one the summary names (`autofocus`, so it works without JavaScript).
fn first_wrong(errors: &FieldErrors, field: SuggestionField) -> bool {
    errors.0.first().is_some_and(|(f, _)| *f == field)
}

/// Earlier (and later) answers that are not edited on this step.
#[component]
fn CarriedFields(flow: SuggestFlow) -> impl IntoView {
    let d = &flow.draft;
    let step = flow.step;
    let mut carried: Vec<(&'static str, String)> = vec![("step", step.number().to_string())];
    carried.push(("idempotency_key", flow.idempotency_key.clone()));
    if step != Step::Category {
        carried.push(("category", d.category.clone()));
    }
    if step != Step::Place {
        carried.extend([
            ("lat", d.lat.clone()),
            ("lng", d.lng.clone()),
            ("community", d.community.clone()),
            ("location_text", d.location_text.clone()),
        ]);
    }
    if step != Step::Details {
        carried.extend([("title", d.title.clone()), ("description", d.description.clone())]);
        carried.extend(flow.photos.iter().map(|p| ("photo", p.token.clone())));
    }
    if step != Step::Contact {
        carried.extend([
            ("contact_name", d.contact_name.clone()),
            ("contact_phone", d.contact_phone.clone()),
        ]);
        if d.consent {
            carried.push(("consent", "on".into()));
        }
    }
    carried
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view()
}

#[component]
fn CategoryStep(draft: Draft, errors: FieldErrors) -> impl IntoView {
    let locale = use_prefs().locale;
    let chosen = Category::parse(&draft.category);
    view! {
        <fieldset class="category-choices" aria-describedby=described_by(&errors, SuggestionField::Category)>
            <legend>{td!(locale, suggest_category_question)}</legend>
            {inline_error(locale, &errors, SuggestionField::Category)}
            {Category::ALL
                .into_iter()
                .enumerate()
                .map(|(i, c)| view! {
                    <label class="category-choice">
                        <input
                            type="radio"
                            name="category"
                            value=c.as_str()
                            id=(i == 0).then_some("category-first")
                            autofocus=i == 0 && first_wrong(&errors, SuggestionField::Category)
                            checked=chosen == Some(c)
                        />
                        <span class="category-choice-body">
                            <CategorySign category=c />
                            <span class="category-choice-name">{category_name(locale, c)}</span>
                            <span class="category-choice-hint">{category_hint(locale, c)}</span>
                        </span>
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn PlaceStep(draft: Draft, errors: FieldErrors, communities: Vec<Community>, map: Option<PlaceMap>) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let labels = PlaceLabels {
        use_mine: td_string!(locale, suggest_use_location).to_string(),
        locating: td_string!(locale, location_locating).to_string(),
        denied: td_string!(locale, suggest_location_denied).to_string(),
        unavailable: td_string!(locale, location_unavailable).to_string(),
    };
    let has_point = map.as_ref().is_some_and(|m| m.point.is_some());
    let goes_to = map.as_ref().and_then(|m| m.goes_to.clone());
    let frame = map.as_ref().map(|m| m.frame);
    let selected = draft.community.trim().to_string();
    view! {
        <fieldset class="place">
            <legend>{td!(locale, suggest_place_question)}</legend>
            {inline_error(locale, &errors, SuggestionField::Location)}
            <input type="hidden" id="lat" name="lat" value=draft.lat.clone() />
            <input type="hidden" id="lng" name="lng" value=draft.lng.clone() />
            <PlacePicker labels frame>
                {map.map(|m| view! { <PlaceMapView map=m /> })}
            </PlacePicker>
            {if has_point {
                view! {
                    <p class="notice place-set">
                        {td!(locale, suggest_place_set)}
                        " "
                        <button type="submit" name="action" value="clear-location" class="button button-small" formnovalidate>
                            {td!(locale, suggest_place_clear)}
                        </button>
                    </p>
                    {goes_to.filter(|(code, ..)| selected.is_empty() || selected == *code).map(|(_, name, guessed)| {
                        let text = if guessed {
                            td_string!(locale, suggest_goes_to_guess, name = name).to_string()
                        } else {
                            td_string!(locale, suggest_goes_to, name = name).to_string()
                        };
                        view! { <p class="field-hint" id="goes-to">{text}</p> }
                    })}
                }
                .into_any()
            } else {
                view! { <p class="field-hint">{td!(locale, suggest_place_nojs)}</p> }.into_any()
            }}
            <label for="community">{td!(locale, suggest_community)}</label>
            {inline_error(locale, &errors, SuggestionField::Community)}
            <div class="picker-row">
                <select id="community" name="community" aria-describedby=described_by(&errors, SuggestionField::Community) aria-invalid=invalid(&errors, SuggestionField::Community) autofocus=first_wrong(&errors, SuggestionField::Community) || first_wrong(&errors, SuggestionField::Location)>
                    <option value="">{td_string!(locale, suggest_community_auto).to_string()}</option>
                    {communities
                        .into_iter()
                        .map(|c| {
                            let sel = selected == c.code;
                            let label = format!("{} · {}", c.district(english), c.name(english));
                            view! { <option value=c.code.clone() selected=sel>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" name="action" value="locate" class="button" formnovalidate>{td!(locale, suggest_show_map)}</button>
            </div>
            <label for="location_text">{td!(locale, suggest_location_text)}</label>
            <p class="field-hint">{td!(locale, suggest_location_text_hint)}</p>
            {inline_error(locale, &errors, SuggestionField::LocationText)}
            <input
                type="text"
                id="location_text"
                name="location_text"
                value=draft.location_text.clone()
                maxlength=LOCATION_TEXT_MAX
                aria-describedby=described_by(&errors, SuggestionField::LocationText) aria-invalid=invalid(&errors, SuggestionField::LocationText) autofocus=first_wrong(&errors, SuggestionField::LocationText)
            />
        </fieldset>
    }
}

/// The server-drawn map of the place step: landmarks, and the chosen point.
#[component]
fn PlaceMapView(map: PlaceMap) -> impl IntoView {
    let locale = use_prefs().locale;
    let frame = map.frame;
    view! {
        <figure class="map">
            <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="img" aria-labelledby="place-map-title">
                <title id="place-map-title">{td_string!(locale, suggest_map_label).to_string()}</title>
                <rect class="map-bg" width=VIEW height=VIEW />
                {map.landmarks
                    .into_iter()
                    .map(|(at, name)| {
                        let (x, y) = frame.project(at);
                        view! {
                            <g class="map-landmark" transform=format!("translate({x:.1} {y:.1})")>
                                <circle r="20" />
                                <text y="-30" text-anchor="middle">{name}</text>
                            </g>
                        }
                    })
                    .collect_view()}
                {map.point.map(|p| {
                    let (x, y) = frame.project(p);
                    view! {
                        <g class="map-you" transform=format!("translate({x:.1} {y:.1})")>
                            <circle r="48" />
                            <circle r="18" class="map-you-dot" />
                        </g>
                    }
                })}
                // A 100 m scale bar, so the picture has a size.
                <g class="map-scale" transform=format!("translate(40 {:.1})", VIEW - 50.0)>
                    <path d=format!("M0 0 H{:.1}", frame.scale(100.0)) />
                    <text x="0" y="-14">"100 m"</text>
                </g>
            </svg>
            <figcaption>{td!(locale, suggest_map_hint)}</figcaption>
        </figure>
    }
}

#[component]
fn Duplicates(found: Vec<SuggestionSummary>) -> impl IntoView {
    let locale = use_prefs().locale;
    (!found.is_empty()).then(|| {
        view! {
            <section class="duplicates" aria-labelledby="duplicates-title">
                <h2 id="duplicates-title">{td!(locale, suggest_duplicates_title)}</h2>
                <p>{td!(locale, suggest_duplicates_text)}</p>
                <ul class="cards">
                    {found
                        .into_iter()
                        .map(|s| {
                            let code = s.receipt_code.to_string();
                            let metres = s.distance_m.unwrap_or(0.0).round() as i64;
                            view! {
                                <li class="card">
                                    <h3><a href=format!("/track/{code}")>{s.title.clone()}</a></h3>
                                    <p class="card-kind">
                                        {status_name(locale, s.status)}
                                        " · "
                                        {td_string!(locale, suggest_metres_away, metres = metres).to_string()}
                                        " · "
                                        {td_string!(locale, track_supports, count = s.supports).to_string()}
                                    </p>
                                    <form method="post" action=format!("/track/{code}/support")>
                                        <button type="submit" class="button">{td!(locale, suggest_support_instead)}</button>
                                    </form>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn DetailsStep(flow: SuggestFlow) -> impl IntoView {
    let locale = use_prefs().locale;
    let draft = flow.draft;
    let errors = flow.errors;
    let room = MAX_PHOTOS.saturating_sub(flow.photos.len());
    let labels = PhotoLabels {
        shrinking: td_string!(locale, suggest_photos_shrinking).to_string(),
        ready: td_string!(locale, suggest_photos_ready).to_string(),
        too_many: td_string!(locale, err_too_many_photos, max = MAX_PHOTOS).to_string(),
    };
    view! {
        <label for="title">{td!(locale, suggest_field_title)}</label>
        <p class="field-hint">{td_string!(locale, suggest_title_hint, max = TITLE_MAX).to_string()}</p>
        {inline_error(locale, &errors, SuggestionField::Title)}
        <input
            type="text"
            id="title"
            name="title"
            value=draft.title.clone()
            maxlength=TITLE_MAX
            required
            aria-describedby=described_by(&errors, SuggestionField::Title) aria-invalid=invalid(&errors, SuggestionField::Title) autofocus=first_wrong(&errors, SuggestionField::Title)
        />
        <label for="description">{td!(locale, suggest_field_description)}</label>
        <p class="field-hint">{td_string!(locale, suggest_description_hint, max = DESCRIPTION_MAX).to_string()}</p>
        {inline_error(locale, &errors, SuggestionField::Description)}
        <textarea
            id="description"
            name="description"
            rows="5"
            maxlength=DESCRIPTION_MAX
            aria-describedby=described_by(&errors, SuggestionField::Description) aria-invalid=invalid(&errors, SuggestionField::Description) autofocus=first_wrong(&errors, SuggestionField::Description)
        >
            {draft.description.clone()}
        </textarea>
        <fieldset class="photos">
            <legend>{td_string!(locale, suggest_photos, max = MAX_PHOTOS).to_string()}</legend>
            {inline_error(locale, &errors, SuggestionField::Photos)}
            {(!flow.photos.is_empty()).then(|| view! {
                <ul class="photo-list">
                    {flow.photos
                        .iter()
                        .enumerate()
                        .map(|(i, p)| view! {
                            <li>
                                <input type="hidden" name="photo" value=p.token.clone() />
                                <img
                                    src=format!("/suggest/photos/{}", p.token)
                                    width=p.width
                                    height=p.height
                                    alt=td_string!(locale, suggest_photo_alt, n = i + 1).to_string()
                                />
                                <label class="photo-remove">
                                    <input type="checkbox" name="remove_photo" value=p.token.clone() />
                                    {td!(locale, suggest_photo_remove)}
                                </label>
                            </li>
                        })
                        .collect_view()}
                </ul>
            })}
            {(room > 0).then(|| view! {
                <label for="photos">{td!(locale, suggest_photos_add)}</label>
                <p class="field-hint">{td!(locale, suggest_photos_hint)}</p>
                <PhotoResize labels room>
                    <input type="file" id="photos" name="photos" accept="image/jpeg,image/png,image/webp" multiple />
                </PhotoResize>
            })}
        </fieldset>
    }
}

#[component]
fn ContactStep(draft: Draft, errors: FieldErrors) -> impl IntoView {
    let locale = use_prefs().locale;
    view! {
        <p class="lead">{td!(locale, suggest_contact_intro)}</p>
        <label for="contact_name">{td!(locale, suggest_contact_name)}</label>
        {inline_error(locale, &errors, SuggestionField::ContactName)}
        <input
            type="text"
            id="contact_name"
            name="contact_name"
            value=draft.contact_name.clone()
            maxlength=CONTACT_NAME_MAX
            autocomplete="name"
            aria-describedby=described_by(&errors, SuggestionField::ContactName) aria-invalid=invalid(&errors, SuggestionField::ContactName) autofocus=first_wrong(&errors, SuggestionField::ContactName)
        />
        <label for="contact_phone">{td!(locale, suggest_contact_phone)}</label>
        {inline_error(locale, &errors, SuggestionField::ContactPhone)}
        <input
            type="tel"
            id="contact_phone"
            name="contact_phone"
            value=draft.contact_phone.clone()
            maxlength=PHONE_MAX
            autocomplete="tel"
            inputmode="tel"
            aria-describedby=described_by(&errors, SuggestionField::ContactPhone) aria-invalid=invalid(&errors, SuggestionField::ContactPhone) autofocus=first_wrong(&errors, SuggestionField::ContactPhone)
        />
        {inline_error(locale, &errors, SuggestionField::Consent)}
        <label class="consent">
            <input
                type="checkbox"
                id="consent"
                name="consent"
                checked=draft.consent
                aria-invalid=invalid(&errors, SuggestionField::Consent)
                aria-describedby=described_by(&errors, SuggestionField::Consent)
                autofocus=first_wrong(&errors, SuggestionField::Consent)
            />
            <span>{td!(locale, suggest_consent)}</span>
        </label>
        // The honeypot: people never see it; bots that fill every field do.
        <div class="hp" aria-hidden="true">
            <label for="website">"Website"</label>
            <input type="text" id="website" name="website" value=draft.website.clone() tabindex="-1" autocomplete="off" />
            {inline_error(locale, &errors, SuggestionField::Website)}
        </div>
    }
}

#[component]
fn ReviewStep(flow: SuggestFlow, communities: Vec<Community>) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let d = flow.draft;
    let category = Category::parse(&d.category)
        .map(|c| category_name(locale, c))
        .unwrap_or_default();
    let community = communities
        .iter()
        .find(|c| c.code == d.community.trim())
        .map(|c| c.name(english).to_string());
    let place = [
        (!d.lat.is_empty()).then(|| td_string!(locale, suggest_place_set).to_string()),
        community,
        (!d.location_text.trim().is_empty()).then(|| d.location_text.trim().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let contact = [d.contact_name.trim(), d.contact_phone.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let contact = if contact.is_empty() {
        td_string!(locale, suggest_contact_none).to_string()
    } else {
        contact
    };
    let row = move |label: String, value: String, step: Step| {
        view! {
            <div class="review-row">
                <dt>{label}</dt>
                <dd>
                    <span class="review-value">{value}</span>
                    <button type="submit" name="action" value=format!("goto-{}", step.number()) class="button button-small" formnovalidate>
                        {td!(locale, suggest_change)}
                    </button>
                </dd>
            </div>
        }
    };
    view! {
        <p>{td!(locale, suggest_review_intro)}</p>
        <dl class="review">
            {row(step_name(locale, Step::Category), category, Step::Category)}
            {row(step_name(locale, Step::Place), place, Step::Place)}
            {row(td_string!(locale, suggest_field_title).to_string(), d.title.trim().to_string(), Step::Details)}
            {row(td_string!(locale, suggest_field_description).to_string(), d.description.trim().to_string(), Step::Details)}
            {row(
                td_string!(locale, suggest_photos, max = MAX_PHOTOS).to_string(),
                td_string!(locale, suggest_photo_count, count = flow.photos.len()).to_string(),
                Step::Details,
            )}
            {row(step_name(locale, Step::Contact), contact, Step::Contact)}
        </dl>
        <p class="field-hint">{td!(locale, suggest_public_note)}</p>
    }
}
