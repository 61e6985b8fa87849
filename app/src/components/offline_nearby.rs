//! Finding the nearest without a connection.
//!
//! Offline, the service worker answers a search (`/nearby?kind=…&lat=…`)
//! with the kept `/nearby` page, which asks for a position. This island on
//! that page notices that the address holds a search the page does not
//! answer, and answers it here: the same query parsing, walking model and
//! result cards as the server, over the facilities the worker keeps: the
//! map tiles around the places searched from before
//! (`/kept/facilities.json`, merged by the worker), measured one by one
//! ([`crate::domain::nearby::scan`]: a few thousand points per place
//! searched from, a few milliseconds). When the walking radius reaches past the kept tiles, the
//! answer says it may be incomplete.

use leptos::prelude::*;

use crate::domain::facility::{Community, Facility};
use crate::domain::nearby::{NearbyParams, NearbyQuery, NearbyResult};
use crate::domain::tiles::{self, Tile};

/// What the phone keeps: the tiles, and their communities and facilities.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Kept {
    pub tiles: Vec<Tile>,
    pub communities: Vec<Community>,
    pub facilities: Vec<Facility>,
}

/// An answer worked out on the phone.
#[derive(Debug)]
pub struct Answer {
    pub query: NearbyQuery,
    pub result: NearbyResult,
    /// Whether the kept tiles hold the whole walking radius.
    pub complete: bool,
}

/// Reads the search from the address (as the page's server function does)
/// and answers it from what is kept.
pub fn answer(catalog: &Kept, query: &[(String, String)]) -> Option<Answer> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut params = NearbyParams {
        lat: get("lat"),
        lng: get("lng"),
        kind: get("kind"),
        minutes: get("minutes"),
        pace: get("pace"),
        limit: get("limit").or_else(|| Some(crate::pages::nearby::PAGE_LIMIT.into())),
        accepts: get("accepts"),
    };
    if !params.has_location() {
        let community = get("community")?;
        let c = catalog.communities.iter().find(|c| c.code == community)?;
        params.lat = Some(c.centre.lat.to_string());
        params.lng = Some(c.centre.lng.to_string());
    }
    let query = params.validate().ok()?;
    let result = crate::domain::nearby::scan(&catalog.facilities, &query);
    // Complete when the kept tiles hold every place the server could have
    // answered with: the walking radius, or, when nothing is inside it,
    // out to the farthest of a full list of "nearest beyond".
    let complete = if !result.within.is_empty() {
        tiles::covers(&catalog.tiles, query.origin, query.reach_m())
    } else {
        result.beyond.len() == crate::domain::nearby::BEYOND_COUNT.min(query.limit)
            && result
                .beyond
                .last()
                .is_some_and(|h| tiles::covers(&catalog.tiles, query.origin, h.distance_m))
    };
    Some(Answer {
        complete,
        result,
        query,
    })
}

/// Only a placeholder until the address holds a search the page does not
/// answer: then the answering code, with the result cards, is fetched
/// (`#[lazy]`, its own WASM chunk) and mounted here. Online, a resident
/// asking for a position downloads a couple of KB for this.
#[island(lazy)]
pub fn OfflineNearby(english: bool, notice: String, missing: String, partial: String) -> impl IntoView {
    let here = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = here.get() {
            let query = address_query();
            if query.iter().any(|(k, _)| k == "lat" || k == "community") {
                let texts = [notice.clone(), missing.clone(), partial.clone()];
                leptos::task::spawn_local(answer_here(el.into(), english, query, texts));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (english, &notice, &missing, &partial);
    });
    view! { <div class="offline-nearby" node_ref=here></div> }
}

/// Loads the kept facilities, answers the search and shows the answer
/// with the same cards as the server's page. `texts`: the notice, the
/// "nothing kept" error and the "may be incomplete" warning.
#[cfg(feature = "hydrate")]
#[lazy]
async fn answer_here(container: web_sys::HtmlElement, english: bool, query: Vec<(String, String)>, texts: [String; 3]) {
    let [notice, missing, partial] = texts;
    let found = load().await.map(|catalog| answer(&catalog, &query));
    let Some(view) = (match found {
        None => Some(view! { <p class="notice notice-error" role="alert">{missing}</p> }.into_any()),
        Some(None) => None,
        Some(Some(Answer {
            query,
            result,
            complete,
        })) => {
            let now = now();
            Some(
                view! {
                    <p class="notice offline-answer" role="status">{notice}</p>
                    {(!complete).then(|| view! { <p class="notice notice-warning offline-partial">{partial}</p> })}
                    <crate::pages::nearby::Results query result now />
                }
                .into_any(),
            )
        }
    }) else {
        return;
    };
    let prefs = crate::prefs::Prefs {
        locale: if english {
            crate::i18n::Locale::en
        } else {
            crate::i18n::Locale::zh_CN
        },
        large_text: false,
    };
    leptos::mount::mount_to(container, move || {
        provide_context(prefs);
        view
    })
    .forget();
}

/// The time in Shanghai from the browser's clock (chrono's own clock is
/// not available in WASM).
#[cfg(feature = "hydrate")]
fn now() -> crate::domain::hours::LocalTime {
    let utc = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    crate::domain::hours::LocalTime::shanghai(utc)
}

#[cfg(feature = "hydrate")]
fn address_query() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    let entries = js_sys::try_iter(&params.entries()).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    pairs
}

/// The kept tiles, merged by the service worker; `None` when none is kept.
///
/// Not shared with the sorting island's download, on purpose: a helper
/// called both from the main module and from this `#[lazy]` chunk kept the
/// chunk's code in the main module (+19 KB brotli on every page, measured).
#[cfg(feature = "hydrate")]
async fn load() -> Option<Kept> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str("/kept/facilities.json"))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    serde_json::from_str::<Kept>(&text).ok().filter(|k| !k.tiles.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coords::LatLng;
    use crate::domain::facility::{MealServices, Services};

    fn catalog() -> Kept {
        let facility = |id: i64, lat: f64| Facility {
            id,
            source_ref: format!("f{id}"),
            name_zh: format!("点{id}"),
            name_en: String::new(),
            address_zh: String::new(),
            address_en: String::new(),
            location: LatLng::new(lat, 104.0),
            phone: String::new(),
            community: "c".into(),
            hours: Default::default(),
            services: Services::Meal(MealServices::default()),
            closures: Vec::new(),
            checked_at: None,
            retired: false,
        };
        Kept {
            tiles: tiles::around(LatLng::new(30.6, 104.0), tiles::area_radius_m()),
            communities: vec![Community {
                code: "c".into(),
                name_zh: "社区".into(),
                name_en: "C".into(),
                district_zh: "区".into(),
                district_en: "D".into(),
                centre: LatLng::new(30.6, 104.0),
                boundary: None,
            }],
            facilities: vec![facility(1, 30.601), facility(2, 30.603), facility(3, 30.7)],
        }
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn answers_a_position_or_a_community_like_the_server() {
        let c = catalog();
        let a = answer(&c, &q(&[("lat", "30.6"), ("lng", "104.0"), ("kind", "meal")])).unwrap();
        assert_eq!(
            a.result.within.iter().map(|h| h.facility.id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert!(a.complete);
        let a = answer(&c, &q(&[("community", "c")])).unwrap();
        assert_eq!(a.query.origin, LatLng::new(30.6, 104.0));
        assert_eq!(a.result.within.len(), 2);
        // Beyond the kept tiles: answered from what is there, and said so.
        let a = answer(&c, &q(&[("lat", "30.7"), ("lng", "104.0")])).unwrap();
        assert_eq!(
            a.result.within.iter().map(|h| h.facility.id).collect::<Vec<_>>(),
            vec![3]
        );
        assert!(!a.complete);
        // Nothing inside one minute's walk: the nearest three beyond, the
        // farthest 9 km off, past the kept tiles: not complete …
        let one_minute = q(&[("lat", "30.62"), ("lng", "104.0"), ("minutes", "1")]);
        let a = answer(&c, &one_minute).unwrap();
        assert!(a.result.within.is_empty());
        assert_eq!(
            a.result.beyond.iter().map(|h| h.facility.id).collect::<Vec<_>>(),
            vec![2, 1, 3]
        );
        assert!(!a.complete, "the server may know a nearer third one");
        // … unless the tiles reach that far.
        let wide = Kept {
            tiles: tiles::around(LatLng::new(30.65, 104.0), 12_000.0),
            ..catalog()
        };
        assert!(answer(&wide, &one_minute).unwrap().complete);
        assert!(answer(&c, &q(&[("community", "nowhere")])).is_none());
        assert!(answer(&c, &q(&[("lat", "abc"), ("lng", "104")])).is_none());
        assert!(answer(&c, &q(&[("kind", "meal")])).is_none());
    }
}
