//! One result in the nearby list: everything a resident needs to decide and
//! go, without opening another page.

use leptos::prelude::*;

use crate::components::read_aloud::ReadAloud;
use crate::components::services::{date_text, kind_name, ClosureNotice, KindIcon, OpenBadge, ServiceList};
use crate::domain::facility::Facility;
use crate::domain::hours::LocalTime;
use crate::domain::navigation::{geo_link, MapApp};
use crate::domain::nearby::Hit;
use crate::i18n::*;
use crate::prefs::use_prefs;

/// Metres below a kilometre, then kilometres with one decimal.
pub fn distance_text(locale: Locale, metres: f64) -> String {
    if metres < 1000.0 {
        let m = ((metres / 10.0).round() * 10.0) as u32;
        td_string!(locale, metres, metres = m).to_string()
    } else {
        td_string!(locale, kilometres, km = format!("{:.1}", metres / 1000.0)).to_string()
    }
}

#[component]
pub fn FacilityCard(hit: Hit, number: usize, now: LocalTime, detail_href: String) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let f = hit.facility.clone();
    let minutes = hit.display_minutes();
    let today = date_text(locale, &f, now.date);
    let kind = f.kind();
    view! {
        <li class=format!("card card-{}", kind.as_str()) id=format!("r{number}") data-speak="">
            <div class="card-head">
                <span class="card-number" aria-hidden="true">{number}</span>
                <div>
                    <h3 class="card-title">
                        <a href=detail_href.clone()>{f.name(english).to_string()}</a>
                    </h3>
                    <p class="card-kind">
                        <KindIcon kind=f.kind() />
                        {kind_name(locale, f.kind())}
                    </p>
                </div>
            </div>
            <p class="card-walk">
                <strong>{td_string!(locale, walk_minutes, minutes = minutes).to_string()}</strong>
                " · "
                {distance_text(locale, hit.distance_m)}
            </p>
            <p class="card-address">{f.address(english).to_string()}</p>
            <p class="card-hours">
                <OpenBadge state=f.state_at(now) />
                " "
                <span>{td_string!(locale, hours_today, hours = today).to_string()}</span>
            </p>
            <ClosureNotice closures=f.closures.clone() today=now.date />
            <ServiceList services=f.services.clone() />
            <Contact phone=f.phone.clone() />
            {read_aloud(locale)}
            <NavLinks facility=&f />
        </li>
    }
}

/// The card's read-aloud button; offline cards, drawn in the browser, have
/// it too.
fn read_aloud(locale: Locale) -> impl IntoView {
    view! { <ReadAloud label=td_string!(locale, read_aloud).to_string() /> }
}

#[component]
pub fn Contact(phone: String) -> impl IntoView {
    let locale = use_prefs().locale;
    (!phone.is_empty()).then(|| {
        let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        view! {
            <p class="card-phone">
                <a class="button" href=format!("tel:{tel}")>
                    <span aria-hidden="true">"☎ "</span>
                    {td!(locale, call)}" "{phone}
                </a>
            </p>
        }
    })
}

/// Links that hand the facility to a map app. A page from the server links
/// through `/facility/{id}/go/{app}`, which redirects to the app's address
/// (`server/src/navigation.rs`): three short links instead of three long
/// addresses with the name percent-encoded in each, a third of a result
/// card and of the time spent drawing it. Cards drawn on the phone when
/// offline link to the apps directly. `geo:` (any map app on the phone) is
/// always direct: it needs no connection.
#[component]
pub fn NavLinks<'a>(facility: &'a Facility) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let app = |app: MapApp| {
        if cfg!(feature = "ssr") {
            format!("/facility/{}/go/{}", facility.id, app.as_str())
        } else {
            app.link(facility.location, &facility.name_zh)
        }
    };
    let geo = geo_link(facility.location, &facility.name_zh);
    view! {
        <nav class="nav-links" aria-label=td_string!(locale, navigate).to_string()>
            <span class="nav-links-label" aria-hidden="true">{td!(locale, navigate)}</span>
            <a href=app(MapApp::Amap) rel="noopener" target="_blank">{td!(locale, nav_amap)}</a>
            <a href=app(MapApp::Baidu) rel="noopener" target="_blank">{td!(locale, nav_baidu)}</a>
            <a href=app(MapApp::Apple) rel="noopener" target="_blank">{td!(locale, nav_apple)}</a>
            <a href=geo>{td!(locale, nav_geo)}</a>
        </nav>
    }
}
