//! `/track/{code}`: a suggestion as the public sees it, with its status
//! timeline and the committee's replies; `/track` asks for a code. Nothing
//! private is on this page: the data comes from the public view type, which
//! has no contact details.

use leptos::prelude::*;

use crate::pages::error::{PageError, TryAgain};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::components::read_aloud::ReadAloud;
use crate::components::suggestion_text::{category_name, date_text, status_name, CategorySign};
use crate::domain::facility::Community;
use crate::domain::suggestion::{PublicSuggestion, ReceiptCode};
use crate::i18n::*;
use crate::prefs::use_prefs;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackView {
    pub suggestion: PublicSuggestion,
    pub community: Option<Community>,
}

#[server]
pub async fn get_tracked(code: String) -> Result<Option<TrackView>, PageError> {
    let state = crate::pages::error::app_state()?;
    let Some(code) = ReceiptCode::parse(&code) else {
        return Ok(None);
    };
    let found = state.db.public_suggestion(&code).await?;
    Ok(found.map(|suggestion| TrackView {
        community: state.catalog.snapshot().community(&suggestion.community).cloned(),
        suggestion,
    }))
}

/// `/track`: a form for a receipt code (a plain GET that lands on the
/// suggestion's page).
#[component]
pub fn TrackLookupPage() -> impl IntoView {
    let locale = use_prefs().locale;
    let query = use_query_map();
    let typed = query.with_untracked(|q| q.get("code")).unwrap_or_default();
    let invalid = !typed.trim().is_empty();
    if let Some(code) = ReceiptCode::parse(&typed) {
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&format!("/track/{code}"));
        #[cfg(not(feature = "ssr"))]
        let _ = code;
    }
    view! {
        <Title text=td_string!(locale, track_lookup_title).to_string() />
        <section class="page narrow">
            <h1>{td!(locale, track_lookup_title)}</h1>
            <CodeForm typed invalid />
        </section>
    }
}

#[component]
fn CodeForm(typed: String, invalid: bool) -> impl IntoView {
    let locale = use_prefs().locale;
    view! {
        <form class="picker" method="get" action="/track">
            <label for="code">{td!(locale, track_code_label)}</label>
            {invalid.then(|| view! { <p class="field-error" id="code-error">{td!(locale, track_code_invalid)}</p> })}
            <div class="picker-row">
                <input
                    type="text"
                    id="code"
                    name="code"
                    value=typed
                    autocapitalize="characters"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="16"
                    aria-describedby=invalid.then_some("code-error")
                />
                <button type="submit" class="button button-primary">{td!(locale, track_code_submit)}</button>
            </div>
        </form>
    }
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let locale = use_prefs().locale;
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let data = Resource::new(code, get_tracked);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(view)) => view! { <Tracked view /> }.into_any(),
                    Ok(None) => {
                        crate::pages::not_found::answer_not_found();
                        view! {
                            <Title text=td_string!(locale, track_not_found).to_string() />
                            <section class="page narrow">
                                <h1>{td!(locale, track_not_found)}</h1>
                                <p>{td!(locale, track_not_found_body)}</p>
                                <CodeForm typed=code() invalid=false />
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
fn Tracked(view: TrackView) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let query = use_query_map();
    let flag = |k: &str| query.with_untracked(|q| q.get(k));
    let s = view.suggestion;
    let code = s.receipt_code.to_string();
    let heading = if s.hidden {
        td_string!(locale, track_heading_hidden, code = code.clone()).to_string()
    } else {
        s.title.clone()
    };
    let community = view.community.map(|c| (c.code.clone(), c.name(english).to_string()));
    let limited = flag("limited").and_then(|s| s.parse::<u64>().ok());
    let feedback = match (flag("supported").as_deref(), limited) {
        (_, Some(secs)) => Some(td_string!(locale, suggest_rate_limited, seconds = secs).to_string()),
        (Some("1"), _) => Some(td_string!(locale, track_support_thanks).to_string()),
        (Some("already"), _) => Some(td_string!(locale, track_support_already).to_string()),
        _ => None,
    };
    let can_support = !s.hidden && s.status.is_open();
    view! {
        <Title text=heading.clone() />
        <section class="page narrow track" data-speak="">
            {(flag("new").as_deref() == Some("1")).then(|| view! {
                <div class="notice receipt" role="status">
                    <p>{td!(locale, track_new_thanks)}</p>
                    <p class="receipt-label">{td!(locale, track_receipt_label)}</p>
                    <p class="receipt-code">{code.clone()}</p>
                    <p>{td!(locale, track_receipt_keep)}</p>
                </div>
            })}
            <p class="track-code">{td_string!(locale, track_code_line, code = code.clone()).to_string()}</p>
            <h1>{heading}</h1>
            <p class=format!("status-badge status-{}", s.status.as_str())>
                {td!(locale, track_status)}
                " "
                <strong>{status_name(locale, s.status)}</strong>
            </p>
            <ReadAloud label=td_string!(locale, read_aloud).to_string() />
            {s.duplicate_of.clone().map(|d| view! {
                <p>
                    {td!(locale, track_duplicate_of)}
                    " "
                    <a href=format!("/track/{d}")>{d.to_string()}</a>
                </p>
            })}
            {s.hidden.then(|| view! { <p class="notice">{td!(locale, track_hidden)}</p> })}
            <ul class="track-meta">
                <li><CategorySign category=s.category />" "{category_name(locale, s.category)}</li>
                {community.clone().map(|(_, name)| view! { <li>{name}</li> })}
                <li>{td_string!(locale, track_filed_on, date = date_text(locale, s.created_at)).to_string()}</li>
                <li>{td_string!(locale, track_supports, count = s.supports).to_string()}</li>
            </ul>
            {feedback.map(|text| view! { <p class="notice" role="status">{text}</p> })}
            {can_support.then(|| view! {
                <form method="post" action=format!("/track/{code}/support")>
                    <button type="submit" class="button">{td!(locale, track_support)}</button>
                </form>
            })}
            {(!s.description.is_empty()).then(|| view! { <p class="track-description">{s.description.clone()}</p> })}
            {(!s.location_text.is_empty()).then(|| view! {
                <p><strong>{td!(locale, track_place)}</strong>" "{s.location_text.clone()}</p>
            })}
            {(!s.photos.is_empty()).then(|| view! {
                <ul class="photo-list">
                    {s.photos
                        .iter()
                        .enumerate()
                        .map(|(i, p)| view! {
                            <li>
                                <img
                                    src=p.url.clone()
                                    width=p.width
                                    height=p.height
                                    loading="lazy"
                                    alt=td_string!(locale, suggest_photo_alt, n = i + 1).to_string()
                                />
                            </li>
                        })
                        .collect_view()}
                </ul>
            })}
            <h2>{td!(locale, track_timeline)}</h2>
            <ol class="timeline">
                {s.timeline
                    .into_iter()
                    .map(|e| view! {
                        <li>
                            <span class="timeline-date">{date_text(locale, e.at)}</span>
                            {e.status.map(|st| view! { <strong class="timeline-status">{status_name(locale, st)}</strong> })}
                            {(!e.reply.is_empty()).then(|| view! {
                                <p class="timeline-reply">
                                    <span class="visually-hidden">{td!(locale, track_reply)}</span>
                                    {e.reply}
                                </p>
                            })}
                        </li>
                    })
                    .collect_view()}
            </ol>
            {community.map(|(c, name)| view! {
                <p>
                    <a href=format!("/suggestions?community={c}")>
                        {td_string!(locale, track_more_in, community = name).to_string()}
                    </a>
                </p>
            })}
        </section>
    }
}
