//! `/review/facilities`: the facilities a member keeps (an admin: every
//! community's), with search and the filters a clerk works through: a
//! community, a kind, in use or retired, hours missing, not checked for six
//! months.

use leptos::prelude::*;

use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, ReviewBar, Signed};
use crate::components::map::{FacilityMap, Pin};
use crate::components::services::{kind_name, KindIcon};
use crate::components::suggestion_text::date_text;
use crate::domain::admin::FacilityFilter;
use crate::domain::facility::Kind;
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_prefs;

/// Rows on one page of the list (and pins on its map).
pub const LIST_LIMIT: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    pub community: String,
    pub address: String,
    /// When the details were last confirmed (Unix ms).
    pub checked_at: Option<i64>,
    pub stale: bool,
    pub retired: bool,
    pub hours_missing: bool,
    pub at: crate::domain::coords::LatLng,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityList {
    pub signed: Signed,
    pub filter: FacilityFilter,
    pub items: Vec<ListItem>,
    pub total: usize,
    /// Code and name of every community the member may pick (admins).
    pub communities: Vec<(String, String)>,
}

#[server]
pub async fn admin_facility_list(query: Vec<(String, String)>) -> Result<FacilityList, PageError> {
    use crate::domain::admin::is_stale;
    use crate::server::store::FacilityScope;
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let english = crate::prefs::use_prefs().english();
    let filter = FacilityFilter::from_query(|k| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let community = match signed.member.scope() {
        Some(own) => Some(own.to_string()),
        None => Some(filter.community.clone()).filter(|c| !c.is_empty()),
    };
    let records = state
        .db
        .admin_facilities(&FacilityScope {
            community: community.as_deref(),
            kind: filter.kind,
            retired: filter.retired,
        })
        .await?;
    let now = chrono::Utc::now().timestamp_millis();
    let matching: Vec<_> = records
        .into_iter()
        .filter(|r| filter.matches(&r.facility, now))
        .collect();
    let total = matching.len();
    let items = matching
        .into_iter()
        .skip(filter.page.saturating_mul(LIST_LIMIT))
        .take(LIST_LIMIT)
        .map(|r| {
            let f = r.facility;
            ListItem {
                id: f.id,
                name: f.name(english).to_string(),
                kind: f.kind(),
                address: f.address(english).to_string(),
                checked_at: f.checked_at,
                stale: is_stale(f.checked_at, now),
                retired: f.retired,
                hours_missing: f.hours.is_always_closed(),
                at: f.location,
                community: f.community,
            }
        })
        .collect();
    let communities = if signed.member.scope().is_none() {
        state.catalog.snapshot().community_names(english, |_| true)
    } else {
        Vec::new()
    };
    Ok(FacilityList {
        signed,
        filter,
        items,
        total,
        communities,
    })
}

#[component]
pub fn AdminFacilitiesPage() -> impl IntoView {
    let locale = use_prefs().locale;
    let query = use_query_map();
    let raw = move || {
        query.with(|q| {
            ["q", "community", "kind", "state", "hours_missing", "stale", "page"]
                .iter()
                .filter_map(|k| q.get(k).map(|v| (k.to_string(), v)))
                .collect::<Vec<_>>()
        })
    };
    let data = Resource::new(raw, admin_facility_list);
    view! {
        <Title text=td_string!(locale, adm_facilities).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <ListBody list /> }.into_any(),
                    Err(e) => failed(e, "/review/facilities"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ListBody(list: FacilityList) -> impl IntoView {
    let locale = use_prefs().locale;
    let f = list.filter.clone();
    let admin = list.signed.member.scope().is_none();
    let kind_options = Kind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=f.kind == Some(k)>{kind_name(locale, k)}</option> })
        .collect_view();
    let community_picker = admin.then(|| {
        let options = list
            .communities
            .iter()
            .map(|(code, name)| {
                view! { <option value=code.clone() selected=f.community == *code>{format!("{name} ({code})")}</option> }
            })
            .collect_view();
        view! {
            <label for="f-community">{td!(locale, adm_community)}</label>
            <select id="f-community" name="community">
                <option value="">{td!(locale, adm_all_communities)}</option>
                {options}
            </select>
        }
    });
    let state = match f.retired {
        Some(false) => "open",
        Some(true) => "retired",
        None => "all",
    };
    let shown = list.items.len();
    let first = f.page * LIST_LIMIT;
    let newer = (f.page > 0).then(|| f.href(f.page - 1));
    let more = (first + shown < list.total).then(|| f.href(f.page + 1));
    let pins: Vec<Pin> = list
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| Pin {
            number: n + 1,
            kind: i.kind,
            href: format!("/review/facilities/{}", i.id),
            at: i.at,
        })
        .collect();
    let rows = list
        .items
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let checked = match i.checked_at {
                Some(ms) => td_string!(locale, adm_checked_on, date = date_text(locale, ms)).to_string(),
                None => td_string!(locale, adm_checked_never).to_string(),
            };
            view! {
                <li class="card">
                    <h2 class="card-title">
                        <a href=format!("/review/facilities/{}", i.id)>{format!("{}. {}", first + n + 1, i.name)}</a>
                    </h2>
                    <p class="card-kind">
                        <KindIcon kind=i.kind />
                        {kind_name(locale, i.kind)}" · "{i.community.clone()}
                    </p>
                    <p class="card-address">{i.address.clone()}</p>
                    <p>
                        {checked}
                        {i.stale.then(|| view! { " " <span class="badge badge-closed">"! "{td!(locale, adm_stale_badge)}</span> })}
                        {i.hours_missing.then(|| view! { " " <span class="badge badge-closed">"! "{td!(locale, adm_hours_missing)}</span> })}
                        {i.retired.then(|| view! { " " <span class="badge">"■ "{td!(locale, adm_retired_badge)}</span> })}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <ReviewBar signed=list.signed.clone() />
        <section class="page review">
            <h1>{td!(locale, adm_facilities)}</h1>
            <p class="row-actions">
                {admin.then(|| view! {
                    <a class="button button-primary" href="/review/facilities/new">"+ "{td!(locale, adm_new_facility)}</a>
                    <a class="button" href="/review/import">{td!(locale, imp_title)}</a>
                })}
                <a class="button" href=format!("/review/export/facilities.xlsx?community={}", f.community)>{td!(locale, imp_export_xlsx)}</a>
            </p>
            <form class="filters" method="get" action="/review/facilities">
                <label for="f-q">{td!(locale, adm_search)}</label>
                <input type="search" id="f-q" name="q" value=f.q.clone() />
                {community_picker}
                <label for="f-kind">{td!(locale, adm_kind)}</label>
                <select id="f-kind" name="kind">
                    <option value="">{td!(locale, adm_all_kinds)}</option>
                    {kind_options}
                </select>
                <label for="f-state">{td!(locale, adm_state)}</label>
                <select id="f-state" name="state">
                    <option value="open" selected=state == "open">{td!(locale, adm_state_open)}</option>
                    <option value="retired" selected=state == "retired">{td!(locale, adm_state_retired)}</option>
                    <option value="all" selected=state == "all">{td!(locale, adm_state_all)}</option>
                </select>
                <label class="check">
                    <input type="checkbox" name="hours_missing" value="1" checked=f.hours_missing />
                    {td!(locale, adm_hours_missing)}
                </label>
                <label class="check">
                    <input type="checkbox" name="stale" value="1" checked=f.stale />
                    {td!(locale, adm_stale)}
                </label>
                <button type="submit" class="button">{td!(locale, review_apply)}</button>
            </form>
            <p role="status">
                {if shown == 0 {
                    td_string!(locale, adm_showing, total = list.total, shown = 0).to_string()
                } else {
                    td_string!(locale, adm_showing_range, total = list.total, from = first + 1, to = first + shown).to_string()
                }}
            </p>
            {if shown == 0 {
                view! { <p>{td!(locale, adm_none)}</p> }.into_any()
            } else {
                view! {
                    <FacilityMap pins label=td_string!(locale, adm_map_label).to_string() />
                    <ul class="cards">{rows}</ul>
                }
                .into_any()
            }}
            {(newer.is_some() || more.is_some()).then(|| view! {
                <nav class="form-nav" aria-label=td_string!(locale, adm_pages).to_string()>
                    {newer.map(|href| view! { <a class="button" href=href rel="prev">{td!(locale, adm_page_prev)}</a> })}
                    {more.map(|href| view! { <a class="button" href=href rel="next">{td!(locale, adm_page_next)}</a> })}
                </nav>
            })}
        </section>
    }
}
