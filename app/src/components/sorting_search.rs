//! The sorting search island: the same search as the server's, running in
//! the browser over the downloaded dictionary, so it answers as the resident
//! types (and, once cached, offline). Before the dictionary arrives, and
//! without JavaScript, it shows the server's answer to the submitted query.

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::read_aloud::ReadAloud;
use crate::domain::facility::WasteCategory;
use crate::domain::sorting::{SortingIndex, SortingItem};

/// The words the island shows, already translated by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SortingLabels {
    pub label: String,
    pub placeholder: String,
    pub submit: String,
    pub results: String,
    /// With `{query}` where the query goes.
    pub no_match: String,
    pub did_you_mean: String,
    pub unknown_help: String,
    pub tip: String,
    pub read_aloud: String,
    pub nearest: [String; 4],
    /// Category names in `WasteCategory::ALL` order.
    pub categories: [String; 4],
    pub bins: [String; 4],
}

fn slot(c: WasteCategory) -> usize {
    WasteCategory::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// How many results to list.
pub const RESULT_LIMIT: usize = 8;

/// `children`: the server's answer to `query` (also what shows without
/// JavaScript); replaced by the browser's own answer once the resident
/// types and the dictionary has arrived.
///
/// Woken by use (`data-wake`, see `hydration.rs`): the page downloads no
/// WASM until the resident turns to the box (most visits read the server's
/// answer, or a category). Not lazy: now that it loads only on use, its own
/// chunk saved nothing, and `wasm-split` cut it into some 70 pieces: on
/// focus 241 KB with the dictionary, against 164 KB in the main module
/// (which grows from 66 to 109 KB brotli for the other islands' pages: the
/// photo step on use, the offline pages from the phone's cache, committee
/// pages). README, "Page weight".
#[island]
pub fn SortingSearch(labels: SortingLabels, english: bool, query: String, children: Children) -> impl IntoView {
    let labels = Arc::new(labels);
    // What the box holds when the island wakes: the resident may have
    // typed before the WASM arrived.
    let (typed, focused) = box_state();
    let text = RwSignal::new(typed.unwrap_or_else(|| query.clone()));
    let index = RwSignal::new(None::<Arc<SortingIndex>>);
    // The dictionary (45 KB compressed) is fetched when the resident turns
    // to the search box, not with the page: most visits read the answer
    // the server gave, or a category, and never type.
    let asked = StoredValue::new(false);
    let fetch_dictionary = move || {
        if asked.get_value() {
            return;
        }
        asked.set_value(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match download().await {
                Some(items) => index.set(Some(Arc::new(SortingIndex::new(items)))),
                // Asked again at the next focus or keystroke.
                None => asked.set_value(false),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = index;
    };
    let query = StoredValue::new(query);
    // Offline, the service worker answers `/sorting?q=…` with the kept
    // `/sorting` page, which knows no query: take it from the address.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(q) = address_query().filter(|q| query.with_value(|s| s != q)) {
            text.set(q);
        }
        if focused || query.with_value(|q| text.with_untracked(|t| t != q)) {
            fetch_dictionary();
        }
    });
    let live = move || index.get().filter(|_| query.with_value(|q| text.with(|t| t != q)));
    let server_answer = children();
    let l = labels.clone();
    view! {
        <form class="sorting-search" method="get" action="/sorting" role="search" data-wake="" data-ready=move || index.with(|i| i.is_some()).then_some("true")>
            <label for="q">{l.label.clone()}</label>
            <div class="picker-row">
                <input
                    id="q"
                    name="q"
                    type="search"
                    maxlength="64"
                    autocomplete="off"
                    placeholder=l.placeholder.clone()
                    value=query.get_value()
                    prop:value=move || text.get()
                    on:focus=move |_| fetch_dictionary()
                    on:input=move |ev| {
                        fetch_dictionary();
                        text.set(event_target_value(&ev))
                    }
                />
                <button type="submit" class="button button-primary">{l.submit.clone()}</button>
            </div>
        </form>
        <section class="sorting-results" aria-live="polite" aria-labelledby="sorting-results-heading">
            <h2 id="sorting-results-heading" class="visually-hidden">{l.results.clone()}</h2>
            <div hidden=move || live().is_some()>{server_answer}</div>
            {move || {
                live().map(|ix| {
                    let q = text.get();
                    let outcome = ix.search(&q, RESULT_LIMIT);
                    let pick = |i: u32| ix.item(i).clone();
                    answer_view(
                        &labels,
                        english,
                        &q,
                        outcome.matches.iter().map(|m| pick(m.item)).collect(),
                        outcome.did_you_mean.iter().map(|&i| pick(i)).collect(),
                    )
                })
            }}
        </section>
    }
}

/// An answer: the matches, or the near misses and the rules in plain words.
pub fn answer_view(
    labels: &SortingLabels,
    english: bool,
    query: &str,
    results: Vec<SortingItem>,
    did_you_mean: Vec<SortingItem>,
) -> AnyView {
    if query.trim().is_empty() {
        return ().into_any();
    }
    if !results.is_empty() {
        return view! {
            <ol class="sort-results">
                {results.into_iter().map(|item| item_view(labels, english, item)).collect_view()}
            </ol>
        }
        .into_any();
    }
    let suggestions = (!did_you_mean.is_empty()).then(|| {
        view! {
            <p>{labels.did_you_mean.clone()}</p>
            <ol class="sort-results">
                {did_you_mean.into_iter().map(|item| item_view(labels, english, item)).collect_view()}
            </ol>
        }
    });
    view! {
        <p class="notice">{labels.no_match.replace("{query}", query.trim())}</p>
        {suggestions}
        <p class="sorting-help">{labels.unknown_help.clone()}</p>
    }
    .into_any()
}

fn item_view(labels: &SortingLabels, english: bool, item: SortingItem) -> impl IntoView {
    let c = item.category;
    let i = slot(c);
    let tip = item.tip(english).to_string();
    view! {
        <li class=format!("sort-result waste-card-{}", c.as_str()) data-speak="">
            <CategoryIcon category=c />
            <div>
                <h3 class="sort-name">{item.name(english).to_string()}</h3>
                <p class="sort-category">
                    <a href=format!("/sorting/{}", c.as_str())><strong>{labels.categories[i].clone()}</strong></a>
                    " · "
                    {labels.bins[i].clone()}
                </p>
                {(!tip.is_empty()).then(|| view! { <p class="sort-tip"><span class="visually-hidden">{labels.tip.clone()}": "</span>{tip}</p> })}
                <p><a href=format!("/nearby?kind=sorting&accepts={}", c.as_str())>{labels.nearest[i].clone()}</a></p>
                <ReadAloud label=labels.read_aloud.clone() />
            </div>
        </li>
    }
}

/// A distinct sign per category, drawn in its bin colour, so the colour is
/// never the only cue: arrows (recyclable), warning triangle (hazardous),
/// leaf (food), cross (residual).
#[component]
pub fn CategoryIcon(category: WasteCategory) -> impl IntoView {
    let path = match category {
        WasteCategory::Recyclable => "M7 10l3-5 3 5M10 5v0M17 9l3 5h-6M20 14l-3 5M4 14l3 5h6M7 19H4l3-5",
        WasteCategory::Hazardous => "M12 3l10 18H2zM12 10v5M12 18v.5",
        WasteCategory::Food => "M5 19c0-8 6-14 15-14 0 9-6 15-14 15M5 19l7-7",
        WasteCategory::Residual => "M6 6l12 12M18 6L6 18",
    };
    view! {
        <svg class=format!("category-icon waste-{}", category.as_str()) viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path />
        </svg>
    }
}

/// The search box's text if it differs from what the server rendered
/// (typed before the island woke), and whether it has the focus.
#[cfg(feature = "hydrate")]
fn box_state() -> (Option<String>, bool) {
    use wasm_bindgen::JsCast;
    let document = document();
    let Some(input) = document
        .get_element_by_id("q")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return (None, false);
    };
    let typed = input.value();
    let rendered = input.default_value();
    let focused = document.active_element().is_some_and(|e| e.id() == "q");
    ((typed != rendered).then_some(typed), focused)
}

#[cfg(not(feature = "hydrate"))]
fn box_state() -> (Option<String>, bool) {
    (None, false)
}

/// The query in the page's address.
#[cfg(feature = "hydrate")]
fn address_query() -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get("q")
}

/// Fetches the dictionary (tab-separated, see `dictionary::to_tsv`).
#[cfg(feature = "hydrate")]
async fn download() -> Option<Vec<SortingItem>> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("/api/v1/sorting/dictionary"))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    Some(crate::domain::sorting::dictionary::from_tsv(&text))
}
