//! `/sorting?q=…` (which bin?) and `/sorting/{category}` (what goes in it).
//! Both are complete server-rendered pages; the search box is an island that
//! answers as the resident types.

use leptos::prelude::*;

use crate::pages::error::{PageError, TryAgain};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::components::services::waste_name;
use crate::components::sorting_search::{answer_view, CategoryIcon, SortingLabels, SortingSearch};
use crate::domain::facility::WasteCategory;
use crate::domain::sorting::SortingItem;
use crate::i18n::*;
use crate::prefs::use_prefs;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SortingAnswer {
    pub results: Vec<SortingItem>,
    pub did_you_mean: Vec<SortingItem>,
}

/// The server's answer to a search, from the same index the API uses.
#[server]
pub async fn search_sorting(q: String) -> Result<SortingAnswer, PageError> {
    let state = crate::pages::error::app_state()?;
    let snapshot = state.catalog.snapshot();
    let ix = &snapshot.sorting;
    let outcome = ix.search(&q, crate::components::sorting_search::RESULT_LIMIT);
    Ok(SortingAnswer {
        results: outcome.matches.iter().map(|m| ix.item(m.item).clone()).collect(),
        did_you_mean: outcome.did_you_mean.iter().map(|&i| ix.item(i).clone()).collect(),
    })
}

/// Items of one category, in dictionary order, as examples.
#[server]
pub async fn sorting_examples(category: WasteCategory, limit: usize) -> Result<Vec<SortingItem>, PageError> {
    let state = crate::pages::error::app_state()?;
    let snapshot = state.catalog.snapshot();
    Ok(snapshot
        .sorting
        .items()
        .iter()
        .filter(|i| i.category == category)
        .take(limit.min(60))
        .cloned()
        .collect())
}

fn bin_colour(locale: Locale, c: WasteCategory) -> String {
    match c {
        WasteCategory::Recyclable => td_string!(locale, bin_recyclable),
        WasteCategory::Hazardous => td_string!(locale, bin_hazardous),
        WasteCategory::Food => td_string!(locale, bin_food),
        WasteCategory::Residual => td_string!(locale, bin_residual),
    }
    .to_string()
}

fn labels(locale: Locale) -> SortingLabels {
    let per = |f: &dyn Fn(WasteCategory) -> String| WasteCategory::ALL.map(f);
    SortingLabels {
        label: td_string!(locale, sorting_search_label).to_string(),
        placeholder: td_string!(locale, sorting_search_placeholder).to_string(),
        submit: td_string!(locale, sorting_search_submit).to_string(),
        results: td_string!(locale, sorting_results).to_string(),
        no_match: td_string!(locale, sorting_no_match, query = "{query}").to_string(),
        did_you_mean: td_string!(locale, sorting_did_you_mean).to_string(),
        unknown_help: td_string!(locale, sorting_unknown_help).to_string(),
        tip: td_string!(locale, sorting_tip).to_string(),
        read_aloud: td_string!(locale, read_aloud).to_string(),
        nearest: per(&|c| td_string!(locale, sorting_nearest_points, category = waste_name(locale, c)).to_string()),
        categories: per(&|c| waste_name(locale, c)),
        bins: per(&|c| td_string!(locale, sorting_bin, colour = bin_colour(locale, c)).to_string()),
    }
}

#[component]
pub fn SortingPage() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let answer = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            Ok(SortingAnswer {
                results: vec![],
                did_you_mean: vec![],
            })
        } else {
            search_sorting(q).await
        }
    });
    view! {
        <Title text=td_string!(locale, sorting_title).to_string() />
        <section class="page">
            <h1>{td!(locale, sorting_title)}</h1>
            <p class="lead">{td!(locale, sorting_lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match answer.await {
                        Ok(a) => {
                            let query = q();
                            let server_answer = answer_view(&labels(locale), english, &query, a.results, a.did_you_mean);
                            view! { <SortingSearch labels=labels(locale) english query>{server_answer}</SortingSearch> }
                                .into_any()
                        }
                        Err(error) => view! { <TryAgain error /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{td!(locale, sorting_categories)}</h2>
            <ul class="categories">
                {WasteCategory::ALL
                    .into_iter()
                    .map(|c| view! {
                        <li>
                            <a class=format!("category-door waste-card-{}", c.as_str()) href=format!("/sorting/{}", c.as_str())>
                                <CategoryIcon category=c />
                                <span class="door-title">{waste_name(locale, c)}</span>
                                <span class="door-text">{td_string!(locale, sorting_bin, colour = bin_colour(locale, c)).to_string()}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
            <p class="sorting-note">{td!(locale, sorting_data_note)}</p>
        </section>
    }
}

#[component]
pub fn SortingCategoryPage() -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let params = use_params_map();
    let Some(c) = params.with_untracked(|p| p.get("category").and_then(|c| WasteCategory::parse(&c))) else {
        return view! { <crate::pages::not_found::NotFound /> }.into_any();
    };
    let (inside, outside, mistakes) = match c {
        WasteCategory::Recyclable => (
            td_string!(locale, cat_recyclable_in),
            td_string!(locale, cat_recyclable_not),
            td_string!(locale, cat_recyclable_mistakes),
        ),
        WasteCategory::Hazardous => (
            td_string!(locale, cat_hazardous_in),
            td_string!(locale, cat_hazardous_not),
            td_string!(locale, cat_hazardous_mistakes),
        ),
        WasteCategory::Food => (
            td_string!(locale, cat_food_in),
            td_string!(locale, cat_food_not),
            td_string!(locale, cat_food_mistakes),
        ),
        WasteCategory::Residual => (
            td_string!(locale, cat_residual_in),
            td_string!(locale, cat_residual_not),
            td_string!(locale, cat_residual_mistakes),
        ),
    };
    let examples = Resource::new(move || c, |c| sorting_examples(c, 24));
    let name = waste_name(locale, c);
    view! {
        <Title text=name.clone() />
        <article class=format!("page sorting-category waste-card-{}", c.as_str())>
            <p><a href="/sorting">"← "{td!(locale, sorting_title)}</a></p>
            <h1 class="category-heading">
                <CategoryIcon category=c />
                {name.clone()}
            </h1>
            <p class="bin-colour"><span class=format!("bin-swatch waste-{}", c.as_str()) aria-hidden="true"></span>
                {td_string!(locale, sorting_bin, colour = bin_colour(locale, c)).to_string()}
            </p>
            <p>
                <a class="button button-primary" href=format!("/nearby?kind=sorting&accepts={}", c.as_str())>
                    {td_string!(locale, sorting_nearest_points, category = name.clone()).to_string()}
                </a>
            </p>
            <h2>{td!(locale, sorting_in)}</h2>
            <p>{inside.to_string()}</p>
            <h2>{td!(locale, sorting_not_in)}</h2>
            <p>{outside.to_string()}</p>
            <h2>{td!(locale, sorting_mistakes)}</h2>
            <p>{mistakes.to_string()}</p>
            <h2>{td!(locale, sorting_examples)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    examples.await.ok().map(|items| view! {
                        <ul class="examples">
                            {items.into_iter().map(|i| view! { <li>{i.name(english).to_string()}</li> }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
            <p class="sorting-note">{td!(locale, sorting_data_note)}</p>
        </article>
    }
    .into_any()
}
