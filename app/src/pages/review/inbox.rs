//! `/review`: the inbox of the member's community (an admin: every
//! community), filtered by the URL's query, with counts per status.

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, ReviewBar, Signed};
use crate::components::suggestion_text::{category_name, date_text, status_name, CategorySign};
use crate::domain::review::{InboxFilter, InboxItem, Order};
use crate::domain::suggestion::{Category, Status};
use crate::i18n::*;
use crate::prefs::use_locale;

/// Rows shown at once; the export has them all.
pub const INBOX_LIMIT: i64 = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub signed: Signed,
    pub filter: InboxFilter,
    pub items: Vec<InboxItem>,
    pub counts: Vec<(Status, i64)>,
}

#[server]
pub async fn review_inbox(query: Vec<(String, String)>) -> Result<Inbox, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let filter = InboxFilter::from_query(|k| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let scope = signed.member.scope();
    let items = state.db.inbox(scope, &filter, INBOX_LIMIT).await?;
    let counts = state.db.status_counts(scope).await?;
    Ok(Inbox {
        signed,
        filter,
        items,
        counts,
    })
}

#[component]
pub fn ReviewInboxPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let raw = move || {
        query.with(|q| {
            ["status", "category", "from", "to", "q", "order", "community"]
                .iter()
                .filter_map(|k| q.get(k).map(|v| (k.to_string(), v)))
                .collect::<Vec<_>>()
        })
    };
    let data = Resource::new(raw, review_inbox);
    view! {
        <Title text=td_string!(locale, review_inbox).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(inbox) => view! { <InboxView inbox /> }.into_any(),
                    Err(e) => failed(e, "/review"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InboxView(inbox: Inbox) -> impl IntoView {
    let locale = use_locale();
    let f = inbox.filter.clone();
    let export = format!("/review/export.csv?{}", f.to_query());
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let handed = use_query_map().with_untracked(|q| q.get("handed").is_some());
    let welcome = use_query_map().with_untracked(|q| q.get("welcome").is_some());
    view! {
        <ReviewBar signed=inbox.signed.clone() />
        <section class="page review">
            <h1>{td!(locale, review_inbox)}</h1>
            {handed.then(|| view! { <p class="notice" role="status">{td!(locale, review_handed)}</p> })}
            {welcome.then(|| view! { <p class="notice" role="status" id="welcome-done">{td!(locale, welcome_done)}</p> })}
            <ul class="status-counts">
                {inbox.counts
                    .iter()
                    .map(|(s, n)| {
                        let href = format!("/review?status={}", s.as_str());
                        let current = f.status == Some(*s);
                        view! {
                            <li>
                                <a href=href aria-current=current.then_some("true")>
                                    {status_name(locale, *s)}" "<strong>{*n}</strong>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <details class="filters-details" open=f != InboxFilter::default()>
                <summary>{td!(locale, review_filters)}</summary>
                <form class="filters review-filters" method="get" action="/review">
                    <label for="f-status">{td!(locale, review_status)}</label>
                    <select id="f-status" name="status">
                        <option value="">{td_string!(locale, review_any).to_string()}</option>
                        {Status::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=f.status == Some(s)>{status_name(locale, s)}</option>
                        }).collect_view()}
                    </select>
                    <label for="f-category">{td!(locale, step_category)}</label>
                    <select id="f-category" name="category">
                        <option value="">{td_string!(locale, review_any).to_string()}</option>
                        {Category::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str() selected=f.category == Some(c)>{category_name(locale, c)}</option>
                        }).collect_view()}
                    </select>
                    <label for="f-from">{td!(locale, review_from)}</label>
                    <input type="date" id="f-from" name="from" value=date(f.from) />
                    <label for="f-to">{td!(locale, review_to)}</label>
                    <input type="date" id="f-to" name="to" value=date(f.to) />
                    <label for="f-q">{td!(locale, review_search)}</label>
                    <input type="search" id="f-q" name="q" value=f.search.clone() maxlength="100" />
                    <label for="f-order">{td!(locale, review_order)}</label>
                    <select id="f-order" name="order">
                        <option value="newest" selected=f.order == Order::Newest>{td!(locale, review_newest)}</option>
                        <option value="oldest" selected=f.order == Order::Oldest>{td!(locale, review_oldest)}</option>
                    </select>
                    <button type="submit" class="button button-primary">{td!(locale, review_apply)}</button>
                </form>
            </details>
            <p class="review-tools">
                <a class="button" href=export>{td!(locale, review_export)}</a>
            </p>
            {inbox.items.is_empty().then(|| view! { <p class="notice">{td!(locale, review_empty)}</p> })}
            <ul class="cards inbox">
                {inbox.items
                    .into_iter()
                    .map(|s| view! {
                        <li class="card">
                            <h2 class="card-title">
                                <a href=format!("/review/s/{}", s.receipt_code)>{s.title.clone()}</a>
                            </h2>
                            <p class="card-kind">
                                <CategorySign category=s.category />
                                {category_name(locale, s.category)}
                                " · "
                                <strong>{status_name(locale, s.status)}</strong>
                                {s.hidden.then(|| view! { " · "{td!(locale, review_hidden_badge)} })}
                            </p>
                            <p>
                                {s.receipt_code.to_string()}" · "{date_text(locale, s.created_at)}" · "
                                {td_string!(locale, track_supports, count = s.supports).to_string()}
                                {(s.photos > 0).then(|| view! { " · "{td_string!(locale, suggest_photo_count, count = s.photos).to_string()} })}
                                {s.assigned_to.clone().map(|u| view! { " · "{td_string!(locale, review_assigned_to, name = u).to_string()} })}
                            </p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
