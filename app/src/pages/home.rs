//! The home page: three big doors into the find-nearby journey.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::pwa::InstallOffer;
use crate::components::services::KindIcon;
use crate::components::sorting_search::CategoryIcon;
use crate::components::suggestion_text::CategorySign;
use crate::domain::facility::{Kind, WasteCategory};
use crate::domain::suggestion::Category;
use crate::i18n::*;
use crate::pages::mine::MineDoor;
use crate::prefs::use_locale;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let door = move |kind: Kind| {
        let (title, long) = match kind {
            Kind::Meal => (td_string!(locale, kind_meal), td_string!(locale, kind_meal_long)),
            Kind::Reading => (td_string!(locale, kind_reading), td_string!(locale, kind_reading_long)),
            Kind::Sorting => (td_string!(locale, kind_sorting), td_string!(locale, kind_sorting_long)),
        };
        view! {
            <li>
                <a class=format!("door door-{}", kind.as_str()) href=format!("/nearby?kind={}", kind.as_str())>
                    <KindIcon kind />
                    <span class="door-title">{title.to_string()}</span>
                    <span class="door-text">{long.to_string()}</span>
                </a>
            </li>
        }
    };
    view! {
        <Title text="" />
        <section class="page">
            <h1>{td!(locale, home_title)}</h1>
            <p class="lead">{td!(locale, home_lead)}</p>
            <ul class="doors">
                {Kind::ALL.into_iter().map(door).collect_view()}
                <li>
                    <a class="door door-guide" href="/sorting">
                        <CategoryIcon category=WasteCategory::Recyclable />
                        <span class="door-title">{td!(locale, home_sorting_guide)}</span>
                        <span class="door-text">{td!(locale, home_sorting_guide_text)}</span>
                    </a>
                </li>
                <li>
                    <a class="door door-suggest" href="/suggest">
                        <CategorySign category=Category::Seating />
                        <span class="door-title">{td!(locale, home_suggest)}</span>
                        <span class="door-text">{td!(locale, home_suggest_text)}</span>
                    </a>
                </li>
            </ul>
            <p class="home-actions">
                <a class="button button-primary" href="/nearby">{td!(locale, home_find)}</a>
                <a class="button" href="/track">{td!(locale, home_track)}</a>
            </p>
            <MineDoor />
            <InstallOffer />
        </section>
    }
}
