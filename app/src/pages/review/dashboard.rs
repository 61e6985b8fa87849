//! `/review/dashboard?days=30|90|365`: counts by status and category, the
//! suggestions waiting longest, and the median time to a first response.

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, ReviewBar, Signed};
use crate::components::suggestion_text::{category_name, date_text, status_name};
use crate::domain::review::dashboard::Dashboard;
use crate::domain::review::InboxItem;
use crate::i18n::*;
use crate::prefs::use_locale;

pub const PERIODS: [u32; 3] = [30, 90, 365];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub signed: Signed,
    pub days: u32,
    pub figures: Dashboard,
    pub waiting: Vec<InboxItem>,
    /// Residents aged 60+ within 15 minutes' walk (normal pace) of a meal
    /// point, in the member's community (all for admins); `None` without
    /// compound data.
    pub meal_coverage: Option<crate::domain::coverage::Tally>,
}

#[server]
pub async fn review_dashboard(days: u32) -> Result<DashboardView, PageError> {
    use crate::domain::review::{dashboard::summarise, InboxFilter, Order};
    use crate::domain::suggestion::Status;
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let days = if PERIODS.contains(&days) { days } else { 30 };
    let since = chrono::Utc::now().timestamp_millis() - i64::from(days) * 24 * 3600 * 1000;
    let scope = signed.member.scope();
    let rows = state.db.dashboard_rows(scope, since).await?;
    // Waiting longest: received or under review, oldest first.
    let mut waiting = Vec::new();
    for status in [Status::Received, Status::Reviewing] {
        let filter = InboxFilter {
            status: Some(status),
            order: Order::Oldest,
            ..InboxFilter::default()
        };
        waiting.extend(state.db.inbox(scope, &filter, 5).await?);
    }
    waiting.sort_by_key(|s| s.created_at);
    waiting.truncate(5);
    let residences = state.db.residences(scope).await?;
    let meal_coverage = crate::server::coverage::meal_headline(&state.catalog.snapshot().index, &residences);
    Ok(DashboardView {
        signed,
        days,
        figures: summarise(&rows),
        waiting,
        meal_coverage,
    })
}

#[component]
pub fn ReviewDashboardPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let days = move || query.with(|q| q.get("days").and_then(|d| d.parse().ok()).unwrap_or(30));
    let data = Resource::new(days, review_dashboard);
    view! {
        <Title text=td_string!(locale, review_dashboard).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <DashboardBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/dashboard"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardBody(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let f = view.figures;
    let median = f
        .median_days_to_first_response
        .map(|d| td_string!(locale, dashboard_days, days = format!("{d:.1}")).to_string())
        .unwrap_or_else(|| "—".to_string());
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page review">
            <h1>{td!(locale, review_dashboard)}</h1>
            <nav class="status-counts" aria-label=td_string!(locale, dashboard_period).to_string()>
                {PERIODS.into_iter().map(|d| view! {
                    <a href=format!("/review/dashboard?days={d}") aria-current=(d == view.days).then_some("page")>
                        {td_string!(locale, dashboard_last_days, days = d).to_string()}
                    </a>
                }).collect_view()}
            </nav>
            <dl class="review">
                <div class="review-row"><dt>{td!(locale, dashboard_total)}</dt><dd>{f.total}</dd></div>
                <div class="review-row"><dt>{td!(locale, dashboard_median)}</dt><dd>{median}</dd></div>
                <div class="review-row"><dt>{td!(locale, dashboard_unanswered)}</dt><dd>{f.unanswered}</dd></div>
                {view.meal_coverage.map(|t| view! {
                    <div class="review-row">
                        <dt>{td!(locale, dashboard_meal_coverage)}</dt>
                        <dd>
                            <a href="/review/coverage?kind=meal&minutes=15&pace=normal">
                                {td_string!(
                                    locale,
                                    dashboard_meal_coverage_value,
                                    share = t.elderly_percent(),
                                    covered = t.elderly_covered,
                                    elderly = t.elderly
                                ).to_string()}
                            </a>
                        </dd>
                    </div>
                })}
            </dl>
            <h2>{td!(locale, dashboard_by_status)}</h2>
            <table class="figures">
                <tbody>
                    {f.by_status.iter().map(|(s, n)| view! { <tr><th scope="row">{status_name(locale, *s)}</th><td>{*n}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <h2>{td!(locale, dashboard_by_category)}</h2>
            <table class="figures">
                <tbody>
                    {f.by_category.iter().map(|(c, n)| view! { <tr><th scope="row">{category_name(locale, *c)}</th><td>{*n}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <h2>{td!(locale, dashboard_waiting)}</h2>
            <ul class="cards">
                {view.waiting.into_iter().map(|s| view! {
                    <li class="card">
                        <a href=format!("/review/s/{}", s.receipt_code)>{s.title.clone()}</a>
                        <p class="card-kind">{status_name(locale, s.status)}" · "{date_text(locale, s.created_at)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
