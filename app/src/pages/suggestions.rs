//! `/suggestions?community=…`: a community's public suggestions, newest
//! first, with their status and support counts. Hidden suggestions and all
//! contact details stay out (the summary type does not carry them).

use leptos::prelude::*;

use crate::pages::error::{PageError, TryAgain};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::suggestion_text::{category_name, date_text, status_name, CategorySign};
use crate::domain::facility::Community;
use crate::domain::suggestion::SuggestionSummary;
use crate::i18n::*;
use crate::prefs::use_prefs;

/// Suggestions per page.
pub const PAGE_SIZE: i64 = 30;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestionList {
    pub community: Option<Community>,
    pub communities: Vec<Community>,
    pub items: Vec<SuggestionSummary>,
    pub page: u32,
    pub more: bool,
    /// The chosen community's residents aged 60+ within a 15-minute walk
    /// of a meal point; `None` when it has no compounds on record.
    pub meal_coverage: Option<crate::domain::coverage::Tally>,
}

#[server]
pub async fn list_suggestions(community: String, category: String, page: u32) -> Result<SuggestionList, PageError> {
    let state = crate::pages::error::app_state()?;
    let snapshot = state.catalog.snapshot();
    let chosen = snapshot.community(&community).cloned();
    let page = page.min(10_000);
    let mut items = match &chosen {
        Some(c) => {
            state
                .db
                .community_suggestions(
                    &c.code,
                    crate::domain::suggestion::Category::parse(&category),
                    PAGE_SIZE + 1,
                    i64::from(page) * PAGE_SIZE,
                )
                .await?
        }
        None => Vec::new(),
    };
    let more = items.len() as i64 > PAGE_SIZE;
    items.truncate(PAGE_SIZE as usize);
    let meal_coverage = match &chosen {
        Some(c) => crate::server::coverage::meal_headline(&snapshot.index, &state.db.residences(Some(&c.code)).await?),
        None => None,
    };
    Ok(SuggestionList {
        meal_coverage,
        community: chosen,
        communities: snapshot.communities.to_vec(),
        items,
        page,
        more,
    })
}

#[component]
pub fn SuggestionsPage() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            (
                q.get("community").unwrap_or_default(),
                q.get("category").unwrap_or_default(),
                q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(0),
            )
        })
    };
    let data = Resource::new(args, |(c, cat, page)| list_suggestions(c, cat, page));
    view! {
        <Title text=td_string!(locale, list_title).to_string() />
        <section class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! { <ListBody list /> }.into_any(),
                        Err(error) => view! { <TryAgain error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ListBody(list: SuggestionList) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let selected = list.community.as_ref().map(|c| c.code.clone()).unwrap_or_default();
    let heading = match &list.community {
        Some(c) => td_string!(locale, list_title_in, community = c.name(english)).to_string(),
        None => td_string!(locale, list_title).to_string(),
    };
    let next = list
        .more
        .then(|| format!("/suggestions?community={selected}&page={}", list.page + 1));
    view! {
        <h1>{heading}</h1>
        <form class="picker" method="get" action="/suggestions">
            <label for="community">{td!(locale, list_pick_community)}</label>
            <div class="picker-row">
                <select id="community" name="community">
                    <option value="">"—"</option>
                    {list.communities
                        .iter()
                        .map(|c| {
                            let label = format!("{} · {}", c.district(english), c.name(english));
                            view! { <option value=c.code.clone() selected=selected == c.code>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button">{td!(locale, list_show)}</button>
            </div>
        </form>
        {list.meal_coverage.map(|t| view! {
            <p class="coverage-line">
                <a href="/nearby?kind=meal">
                    {td_string!(
                        locale,
                        list_meal_coverage,
                        share = t.elderly_percent(),
                        covered = t.elderly_covered,
                        elderly = t.elderly
                    ).to_string()}
                </a>
            </p>
        })}
        <p><a class="button button-primary" href="/suggest">{td!(locale, list_suggest)}</a></p>
        {(list.community.is_some() && list.items.is_empty()).then(|| view! { <p class="notice">{td!(locale, list_empty)}</p> })}
        <ul class="cards">
            {list.items
                .into_iter()
                .map(|s| view! {
                    <li class="card">
                        <h2 class="card-title"><a href=format!("/track/{}", s.receipt_code)>{s.title.clone()}</a></h2>
                        <p class="card-kind">
                            <CategorySign category=s.category />
                            {category_name(locale, s.category)}
                            " · "
                            <strong>{status_name(locale, s.status)}</strong>
                        </p>
                        <p>
                            {date_text(locale, s.created_at)}
                            " · "
                            {td_string!(locale, track_supports, count = s.supports).to_string()}
                        </p>
                    </li>
                })
                .collect_view()}
        </ul>
        {next.map(|href| view! { <p><a class="button" href=href>{td!(locale, list_more)}</a></p> })}
    }
}
