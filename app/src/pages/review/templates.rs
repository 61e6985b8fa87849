//! `/review/templates`: the community's reusable public replies.

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, Csrf, ReviewBar, Signed};
use crate::domain::review::Template;
use crate::i18n::*;
use crate::prefs::use_locale;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplatesView {
    pub signed: Signed,
    /// The community whose templates these are (an admin picks one).
    pub community: Option<String>,
    pub templates: Vec<Template>,
}

#[server]
pub async fn review_templates(community: String) -> Result<TemplatesView, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let community = match signed.member.scope() {
        Some(own) => Some(own.to_string()),
        None => Some(community).filter(|c| !c.is_empty()),
    };
    let templates = match &community {
        Some(c) => crate::server::review::templates(&state.db, &signed.member, c).await?,
        None => Vec::new(),
    };
    Ok(TemplatesView {
        signed,
        community,
        templates,
    })
}

#[component]
pub fn ReviewTemplatesPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let community = move || query.with(|q| q.get("community").unwrap_or_default());
    let data = Resource::new(community, review_templates);
    view! {
        <Title text=td_string!(locale, review_templates).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <TemplatesBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/templates"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TemplatesBody(view: TemplatesView) -> impl IntoView {
    let locale = use_locale();
    let csrf = view.signed.csrf.clone();
    let community = view.community.clone().unwrap_or_default();
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page narrow review">
            <h1>{td!(locale, review_templates)}</h1>
            {view.community.is_none().then(|| view! {
                <form class="picker" method="get" action="/review/templates">
                    <label for="community">{td!(locale, list_pick_community)}</label>
                    <div class="picker-row">
                        <input type="text" id="community" name="community" />
                        <button type="submit" class="button">{td!(locale, list_show)}</button>
                    </div>
                </form>
            })}
            <ul class="cards">
                {view.templates.into_iter().map(|t| view! {
                    <li class="card">
                        <h2 class="card-title">{t.title.clone()}</h2>
                        <p class="track-description">{t.body.clone()}</p>
                        <form method="post" action=format!("/review/templates/{}/delete", t.id)>
                            <Csrf token=csrf.clone() />
                            <input type="hidden" name="community" value=t.community.clone() />
                            <button type="submit" class="button button-small">{td!(locale, templates_delete)}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            {view.community.is_some().then(|| view! {
                <h2>{td!(locale, templates_add)}</h2>
                <form class="suggest-form" method="post" action="/review/templates">
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="community" value=community.clone() />
                    <label for="t-title">{td!(locale, templates_title)}</label>
                    <input type="text" id="t-title" name="title" maxlength="200" required />
                    <label for="t-body">{td!(locale, templates_body)}</label>
                    <textarea id="t-body" name="body" rows="4" maxlength="2000" required></textarea>
                    <button type="submit" class="button button-primary">{td!(locale, templates_add)}</button>
                </form>
            })}
        </section>
    }
}
