//! `/nearby`: where is the nearest meal point, reading point or sorting
//! point? Everything is driven by the URL (`?kind=meal&lat=…&lng=…`), so a
//! search is a link that can be shared, and the server renders the complete
//! answer without any JavaScript.

use leptos::prelude::*;

use crate::pages::error::{PageError, TryAgain};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::facility_card::FacilityCard;
use crate::components::locate::{Locate, LocateLabels};
use crate::components::map::{CommunityMap, NearbyMap};
use crate::components::offline_nearby::OfflineNearby;
use crate::domain::facility::{Community, Kind, WasteCategory};
use crate::domain::hours::LocalTime;
use crate::domain::nearby::{
    group_by_ring, options_query, Field, Hit, NearbyParams, NearbyQuery, NearbyResult, QueryError,
};
use crate::domain::walking::Pace;
use crate::i18n::*;
use crate::prefs::use_prefs;

/// How many results the page lists when the URL does not say (also the
/// offline answer's).
pub(crate) const PAGE_LIMIT: &str = "40";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// No position yet: ask for one.
    NeedLocation,
    /// The URL's parameters were wrong; ask again, saying what was wrong.
    Invalid(QueryError),
    Found {
        query: NearbyQuery,
        result: NearbyResult,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearbyPage {
    pub outcome: Outcome,
    /// The community whose centre is the position, when one was picked.
    pub place: Option<Community>,
    /// The community whose boundary contains a shared or tapped position:
    /// the committee a suggestion from there goes to.
    pub within: Option<Community>,
    /// The catalogue's own list, shared rather than copied for each page.
    pub communities: std::sync::Arc<Vec<Community>>,
    pub now: LocalTime,
}

/// Answers a nearby search from the in-memory catalogue.
#[server]
pub async fn search_nearby(params: NearbyParams, community: Option<String>) -> Result<NearbyPage, PageError> {
    let state = crate::pages::error::app_state()?;
    let snapshot = state.catalog.snapshot();
    let mut params = params;
    let place = community
        .filter(|c| !c.is_empty() && !params.has_location())
        .map(|code| snapshot.community(&code).cloned());
    let outcome = match place {
        Some(None) => Outcome::Invalid(QueryError::Invalid(Field::Community)),
        _ if !params.has_location() && place.is_none() => Outcome::NeedLocation,
        _ => {
            if let Some(Some(c)) = &place {
                params.lat = Some(c.centre.lat.to_string());
                params.lng = Some(c.centre.lng.to_string());
            }
            params.limit.get_or_insert_with(|| PAGE_LIMIT.to_string());
            match params.validate() {
                Ok(query) => Outcome::Found {
                    query,
                    result: snapshot.index.nearby(&query),
                },
                Err(e) => Outcome::Invalid(e),
            }
        }
    };
    let within = match (&outcome, &place) {
        (Outcome::Found { query, .. }, None) => {
            crate::server::suggestions::community_containing(&snapshot.communities, query.origin).cloned()
        }
        _ => None,
    };
    Ok(NearbyPage {
        outcome,
        within,
        place: place.flatten(),
        communities: snapshot.communities.clone(),
        now: LocalTime::shanghai(chrono::Utc::now()),
    })
}

#[component]
pub fn NearbyPage() -> impl IntoView {
    nearby(false)
}

/// `/nearby/offline`: the copy the service worker keeps and shows for any
/// search when there is no connection; it answers the address's search in
/// the browser. The online page never carries that code.
#[component]
pub fn NearbyOfflinePage() -> impl IntoView {
    nearby(true)
}

fn nearby(offline: bool) -> impl IntoView {
    let locale = use_prefs().locale;
    let query = use_query_map();
    let request = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k);
            (
                NearbyParams {
                    lat: get("lat"),
                    lng: get("lng"),
                    kind: get("kind"),
                    minutes: get("minutes"),
                    pace: get("pace"),
                    limit: get("limit"),
                    accepts: get("accepts"),
                },
                get("community"),
            )
        })
    };
    let data = Resource::new(request, |(params, community)| search_nearby(params, community));
    view! {
        <Title text=td_string!(locale, nearby_title).to_string() />
        <section class="page">
            <h1>{td!(locale, nearby_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <NearbyBody page offline /> }.into_any(),
                        Err(error) => view! { <TryAgain error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NearbyBody(page: NearbyPage, offline: bool) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let query_map = use_query_map();
    // The options as the resident chose them, even when the position is missing.
    let chosen = query_map.with_untracked(|q| {
        let kind = q.get("kind").and_then(|k| Kind::parse(&k));
        let minutes = q
            .get("minutes")
            .and_then(|m| m.parse().ok())
            .filter(|m| *m == 30)
            .unwrap_or(15);
        let pace = q.get("pace").and_then(|p| Pace::parse(&p)).unwrap_or_default();
        let accepts = q.get("accepts").and_then(|c| WasteCategory::parse(&c));
        (kind, minutes, pace, accepts)
    });
    let (kind, minutes, pace, accepts) = match &page.outcome {
        Outcome::Found { query, .. } => (query.kind, query.minutes, query.pace, query.accepts),
        _ => chosen,
    };
    let origin = match &page.outcome {
        Outcome::Found { query, .. } => Some(query.origin),
        _ => None,
    };
    let options = options_query(kind, minutes, pace, accepts);
    let labels = LocateLabels {
        use_mine: td_string!(locale, location_use_mine).to_string(),
        locating: td_string!(locale, location_locating).to_string(),
        denied: td_string!(locale, location_denied).to_string(),
        unavailable: td_string!(locale, location_unavailable).to_string(),
        last: td_string!(locale, location_last).to_string(),
    };
    let error = match &page.outcome {
        Outcome::Invalid(e) => Some(match e.field() {
            Field::Lat => td_string!(locale, error_query_lat).to_string(),
            Field::Lng => td_string!(locale, error_query_lng).to_string(),
            Field::Kind => td_string!(locale, error_query_kind).to_string(),
            _ => td_string!(locale, error_query_other).to_string(),
        }),
        _ => None,
    };
    let picker = view! {
        <LocationPicker communities=page.communities.clone() kind minutes pace accepts selected=page.place.as_ref().or(page.within.as_ref()).map(|c| c.code.clone()) />
    };
    let location_section = match &page.outcome {
        Outcome::Found { .. } => view! {
            <section class="location" aria-labelledby="location-heading">
                <h2 id="location-heading" class="visually-hidden">{td!(locale, location_heading)}</h2>
                <p class="location-current">
                    <span>{td!(locale, location_current)}": "</span>
                    <strong>{place_label(&page, origin)}</strong>
                </p>
                <details class="location-change">
                    <summary>{td!(locale, location_change)}</summary>
                    <Locate labels=labels base_query=options.clone() current=origin />
                    {picker}
                </details>
            </section>
        }
        .into_any(),
        _ => view! {
            {(offline && error.is_none()).then(|| view! {
                <OfflineNearby
                    english=prefs.english()
                    notice=td_string!(locale, nearby_offline_notice).to_string()
                    missing=td_string!(locale, nearby_offline_missing).to_string()
                    partial=td_string!(locale, nearby_offline_partial).to_string()
                />
            })}
            <section class="location" aria-labelledby="location-heading">
                <h2 id="location-heading">{td!(locale, location_heading)}</h2>
                <p>{td!(locale, location_why)}</p>
                <Locate labels=labels base_query=options.clone() current=None />
                {picker}
                <CommunityMap communities=page.communities.clone() options_query=options.clone() />
            </section>
        }
        .into_any(),
    };
    view! {
        {error.map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        {location_section}
        {accepts.zip(origin).map(|(c, p)| {
            let all = options_query(kind, minutes, pace, None);
            view! {
                <p class="notice">
                    {td_string!(locale, accepts_only, category = crate::components::services::waste_name(locale, c)).to_string()}
                    " "
                    <a href=format!("/nearby?{all}&lat={:.6}&lng={:.6}", p.lat, p.lng)>{td!(locale, accepts_all)}</a>
                </p>
            }
        })}
        <Filters kind minutes pace accepts origin collapsed=origin.is_some() />
        {match page.outcome {
            Outcome::Found { query, result } => Some(view! { <Results query result now=page.now /> }),
            _ => None,
        }}
    }
}

fn place_label(page: &NearbyPage, origin: Option<crate::domain::coords::LatLng>) -> String {
    let locale = use_prefs().locale;
    let english = use_prefs().english();
    match (&page.place, origin) {
        (Some(c), _) => td_string!(locale, location_from_community, name = c.name(english).to_string()).to_string(),
        (None, Some(p)) => {
            let coords = format!("{:.5}, {:.5}", p.lat, p.lng);
            match &page.within {
                Some(c) => td_string!(
                    locale,
                    location_within,
                    coords = coords,
                    name = c.name(english).to_string()
                )
                .to_string(),
                None => coords,
            }
        }
        (None, None) => String::new(),
    }
}

/// The search options, as a plain GET form that keeps the position. Once
/// there are results it folds into one line that says what is chosen, so
/// the answer comes first on a small screen.
#[component]
fn Filters(
    kind: Option<Kind>,
    minutes: u32,
    pace: Pace,
    accepts: Option<WasteCategory>,
    origin: Option<crate::domain::coords::LatLng>,
    collapsed: bool,
) -> impl IntoView {
    let locale = use_prefs().locale;
    let chosen = [
        kind.map_or_else(
            || td_string!(locale, kind_all).to_string(),
            |k| crate::components::services::kind_name(locale, k),
        ),
        if minutes == 30 {
            td_string!(locale, filter_minutes_30)
        } else {
            td_string!(locale, filter_minutes_15)
        }
        .to_string(),
        match pace {
            Pace::Normal => td_string!(locale, pace_normal),
            Pace::Elderly => td_string!(locale, pace_elderly),
        }
        .to_string(),
    ]
    .join(" · ");
    let kinds = [
        (None, td_string!(locale, kind_all).to_string()),
        (Some(Kind::Meal), td_string!(locale, kind_meal).to_string()),
        (Some(Kind::Reading), td_string!(locale, kind_reading).to_string()),
        (Some(Kind::Sorting), td_string!(locale, kind_sorting).to_string()),
    ];
    let form = view! {
        <form class="filters" method="get" action="/nearby">
            <h2 class="visually-hidden">{td!(locale, filter_heading)}</h2>
            {accepts.map(|c| view! { <input type="hidden" name="accepts" value=c.as_str() /> })}
            {origin.map(|p| view! {
                <input type="hidden" name="lat" value=format!("{:.6}", p.lat) />
                <input type="hidden" name="lng" value=format!("{:.6}", p.lng) />
            })}
            <fieldset class="choices">
                <legend>{td!(locale, filter_kind)}</legend>
                {kinds
                    .into_iter()
                    .map(|(k, label)| view! {
                        <label class="choice">
                            <input type="radio" name="kind" value=k.map_or("all", Kind::as_str) checked=k == kind />
                            <span>{label}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="choices">
                <legend>{td!(locale, filter_minutes)}</legend>
                <label class="choice">
                    <input type="radio" name="minutes" value="15" checked=minutes != 30 />
                    <span>{td!(locale, filter_minutes_15)}</span>
                </label>
                <label class="choice">
                    <input type="radio" name="minutes" value="30" checked=minutes == 30 />
                    <span>{td!(locale, filter_minutes_30)}</span>
                </label>
            </fieldset>
            <fieldset class="choices">
                <legend>{td!(locale, filter_pace)}</legend>
                <label class="choice">
                    <input type="radio" name="pace" value="normal" checked=pace == Pace::Normal />
                    <span>{td!(locale, pace_normal)}</span>
                </label>
                <label class="choice">
                    <input type="radio" name="pace" value="elderly" checked=pace == Pace::Elderly />
                    <span>{td!(locale, pace_elderly)}</span>
                </label>
            </fieldset>
            <button type="submit" class="button button-primary">{td!(locale, filter_submit)}</button>
        </form>
    };
    if collapsed {
        view! {
            <details class="filters-details">
                <summary>
                    <span class="filters-summary-label">{td!(locale, filter_heading)}": "</span>
                    <span>{chosen}</span>
                </summary>
                {form}
            </details>
        }
        .into_any()
    } else {
        form.into_any()
    }
}

/// Choosing a community instead of sharing the position: a plain GET form.
#[component]
fn LocationPicker(
    communities: std::sync::Arc<Vec<Community>>,
    kind: Option<Kind>,
    minutes: u32,
    pace: Pace,
    accepts: Option<WasteCategory>,
    selected: Option<String>,
) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let mut districts: Vec<(&str, Vec<&Community>)> = Vec::new();
    for c in communities.iter() {
        let d = c.district(english);
        match districts.iter_mut().find(|(name, _)| *name == d) {
            Some((_, list)) => list.push(c),
            None => districts.push((d, vec![c])),
        }
    }
    view! {
        <form class="picker" method="get" action="/nearby">
            <input type="hidden" name="kind" value=kind.map_or("all", Kind::as_str) />
            <input type="hidden" name="minutes" value=minutes.to_string() />
            <input type="hidden" name="pace" value=pace.as_str() />
            {accepts.map(|c| view! { <input type="hidden" name="accepts" value=c.as_str() /> })}
            <label for="community">{td!(locale, location_pick_community)}</label>
            <div class="picker-row">
                <select id="community" name="community" required>
                    <option value="">"—"</option>
                    {districts
                        .into_iter()
                        .map(|(district, list)| view! {
                            <optgroup label=district.to_string()>
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        let sel = selected.as_deref() == Some(c.code.as_str());
                                        view! { <option value=c.code.clone() selected=sel>{c.name(english).to_string()}</option> }
                                    })
                                    .collect_view()}
                            </optgroup>
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button">{td!(locale, location_pick_submit)}</button>
            </div>
        </form>
    }
}

#[component]
pub(crate) fn Results(query: NearbyQuery, result: NearbyResult, now: LocalTime) -> impl IntoView {
    let locale = use_prefs().locale;
    let detail_query = query.query_string();
    let card = move |number: usize, hit: Hit| {
        let href = format!("/facility/{}?{detail_query}", hit.facility.id);
        view! { <FacilityCard hit number now detail_href=href /> }
    };
    if result.within.is_empty() && result.beyond.is_empty() {
        return view! { <p class="notice">{td!(locale, results_empty)}</p> }.into_any();
    }
    if result.within.is_empty() {
        let beyond = result.beyond.clone();
        return view! {
            <section class="results" aria-labelledby="results-heading">
                <h2 id="results-heading" class="notice">{td_string!(locale, results_none, minutes = query.minutes).to_string()}</h2>
                <NearbyMap query hits=beyond.clone() />
                <h3>{td!(locale, beyond_heading)}</h3>
                <ol class="cards">{beyond.into_iter().enumerate().map(|(i, h)| card(i + 1, h)).collect_view()}</ol>
            </section>
        }
        .into_any();
    }
    let count = result.within.len();
    let groups: Vec<(u32, Vec<(usize, Hit)>)> = {
        let mut n = 0;
        group_by_ring(&result.within, query.minutes)
            .into_iter()
            .map(|(ring, hits)| {
                (
                    ring,
                    hits.into_iter()
                        .map(|h| {
                            n += 1;
                            (n, h.clone())
                        })
                        .collect(),
                )
            })
            .collect()
    };
    view! {
        <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading">{td_string!(locale, results_count, minutes = query.minutes, count = count).to_string()}</h2>
            <NearbyMap query hits=result.within.clone() />
            {groups
                .into_iter()
                .map(|(ring, hits)| {
                    let start = hits.first().map_or(1, |(n, _)| *n);
                    view! {
                        <section class="ring" aria-label=td_string!(locale, ring_heading, minutes = ring).to_string()>
                            <h3 class="ring-heading">{td_string!(locale, ring_heading, minutes = ring).to_string()}</h3>
                            <ol class="cards" start=start>{hits.into_iter().map(|(n, h)| card(n, h)).collect_view()}</ol>
                        </section>
                    }
                })
                .collect_view()}
        </section>
    }
    .into_any()
}
