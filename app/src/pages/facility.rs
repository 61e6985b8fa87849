//! `/facility/{id}`: one facility in full, with its week of opening hours.
//! When the URL carries the resident's position (it does when coming from a
//! search), the walking time is shown and "back" returns to that search.

use leptos::prelude::*;

use crate::pages::error::{PageError, TryAgain};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::components::facility_card::{distance_text, Contact, NavLinks};
use crate::components::read_aloud::ReadAloud;
use crate::components::services::{
    closure_text, day_text, kind_name, weekday_name, ClosureNotice, KindIcon, OpenBadge, ServiceList,
};
use crate::components::suggestion_text::date_text;
use crate::domain::facility::{Community, Facility, Kind};
use crate::domain::hours::LocalTime;
use crate::domain::nearby::NearbyParams;
use crate::domain::walking::{display_minutes, haversine_m};
use crate::i18n::*;
use crate::prefs::use_prefs;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityView {
    pub facility: Facility,
    pub community: Option<Community>,
    pub now: LocalTime,
}

#[server]
pub async fn get_facility(id: i64) -> Result<Option<FacilityView>, PageError> {
    let state = crate::pages::error::app_state()?;
    let snapshot = state.catalog.snapshot();
    Ok(snapshot.index.get(id).cloned().map(|facility| FacilityView {
        community: snapshot.community(&facility.community).cloned(),
        facility,
        now: LocalTime::shanghai(chrono::Utc::now()),
    }))
}

#[component]
pub fn FacilityPage() -> impl IntoView {
    let locale = use_prefs().locale;
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_facility(id).await,
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(view)) => view! { <FacilityDetail view /> }.into_any(),
                    Ok(None) => {
                        crate::pages::not_found::answer_not_found();
                        view! {
                            <section class="page narrow">
                                <Title text=td_string!(locale, not_found_title).to_string() />
                                <h1>{td!(locale, not_found_title)}</h1>
                                <p>{td!(locale, facility_not_found)}</p>
                                <p><a class="button" href="/nearby">{td!(locale, facility_back)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <TryAgain error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FacilityDetail(view: FacilityView) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let f = view.facility;
    let query = use_query_map();
    let search = query.with_untracked(|q| NearbyParams {
        lat: q.get("lat"),
        lng: q.get("lng"),
        kind: q.get("kind"),
        minutes: q.get("minutes"),
        pace: q.get("pace"),
        limit: None,
        accepts: q.get("accepts"),
    });
    let from = search.validate().ok();
    let back = match from {
        Some(q) => format!("/nearby?{}", q.query_string()),
        None => format!("/nearby?kind={}", f.kind().as_str()),
    };
    let walk = from.map(|q| {
        let d = haversine_m(q.origin, f.location);
        format!(
            "{} · {}",
            td_string!(locale, walk_minutes, minutes = display_minutes(d, q.pace)),
            distance_text(locale, d)
        )
    });
    let hours_heading = if f.kind() == Kind::Sorting {
        td_string!(locale, sorting_drop_hours).to_string()
    } else {
        td_string!(locale, hours_heading).to_string()
    };
    let coming: Vec<String> = f
        .closures
        .iter()
        .filter(|c| c.to >= view.now.date)
        .map(|c| closure_text(locale, english, c))
        .collect();
    let checked = f
        .checked_at
        .map(|ms| td_string!(locale, checked_on, date = date_text(locale, ms)).to_string());
    let week = (0..7u8)
        .map(|d| {
            let today = d == view.now.weekday;
            view! {
                <tr class:today=today aria-current=today.then_some("date")>
                    <th scope="row">
                        {weekday_name(locale, d)}
                        {today.then(|| view! { <span class="today-mark">" · "{td!(locale, hours_today_mark)}</span> })}
                    </th>
                    <td>{day_text(locale, &f.hours, d)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Title text=f.name(english).to_string() />
        <article class="page facility" data-speak="">
            <p data-speak-skip=""><a href=back>"← "{td!(locale, facility_back)}</a></p>
            <h1>{f.name(english).to_string()}</h1>
            <p class="card-kind">
                <KindIcon kind=f.kind() />
                {kind_name(locale, f.kind())}
            </p>
            {walk.map(|w| view! { <p class="card-walk"><strong>{w}</strong></p> })}
            <p class="card-address">{f.address(english).to_string()}</p>
            {view.community.map(|c| view! {
                <p>{td!(locale, facility_community)}": "{c.name(english).to_string()}</p>
            })}
            <p><OpenBadge state=f.state_at(view.now) /></p>
            <ClosureNotice closures=f.closures.clone() today=view.now.date />
            <Contact phone=f.phone.clone() />
            <ReadAloud label=td_string!(locale, read_aloud).to_string() />
            <h2>{td!(locale, services_heading)}</h2>
            <ServiceList services=f.services.clone() />
            <h2>{hours_heading}</h2>
            <table class="hours">
                <tbody>{week}</tbody>
            </table>
            {(!coming.is_empty()).then(|| view! {
                <h2>{td!(locale, closure_heading)}</h2>
                <ul class="closures">
                    {coming.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                </ul>
            })}
            {checked.map(|d| view! { <p class="checked-on">{d}</p> })}
            <NavLinks facility=&f />
        </article>
    }
}
