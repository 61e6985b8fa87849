//! `/review/communities` and `/review/communities/{code}` (admins): the
//! communities with their boundaries, and a form to create one or change
//! its names, district, centre and boundary, with a map of the boundary,
//! the centre and the community's facilities as it is stored.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{failed, AdminsOnly, Csrf, ReviewBar, Signed};
use crate::components::map::{OutlineMap, StaffMap};
use crate::components::map_draw::{DrawLabels, Target};
use crate::components::mistakes::Mistakes;
use crate::domain::admin::import::RowProblem;
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::pages::review::facility_edit::History;
use crate::pages::review::import::problem_text;
use crate::prefs::use_locale;

/// A form that came back: what was typed and each problem by field;
/// provided by the POST handler to the page it answers with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommunityDraft {
    pub fields: Vec<(String, String)>,
    pub problems: Vec<(String, RowProblem)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommunityRow {
    pub code: String,
    pub name: String,
    pub district: String,
    pub centre: String,
    /// Points of the boundary; 0: none (the centre decides, as a guess).
    pub vertices: usize,
    pub facilities: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommunitiesView {
    pub signed: Signed,
    pub allowed: bool,
    pub rows: Vec<CommunityRow>,
}

#[server]
pub async fn review_communities() -> Result<CommunitiesView, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let allowed = signed.member.role == crate::domain::review::Role::Admin;
    if !allowed {
        crate::pages::not_found::answer_status(axum::http::StatusCode::FORBIDDEN);
        return Ok(CommunitiesView {
            signed,
            allowed,
            rows: Vec::new(),
        });
    }
    let english = crate::prefs::use_prefs().english();
    let snapshot = state.catalog.snapshot();
    let facilities = snapshot.index.facilities();
    let rows = state
        .db
        .communities()
        .await?
        .into_iter()
        .map(|c| CommunityRow {
            name: c.name(english).to_string(),
            district: c.district(english).to_string(),
            centre: format!("{:.6}, {:.6}", c.centre.lat, c.centre.lng),
            vertices: c
                .boundary
                .as_ref()
                .map_or(0, |b| b.polygons.iter().flat_map(|p| &p.rings).map(Vec::len).sum()),
            facilities: facilities.iter().filter(|f| f.community == c.code).count(),
            code: c.code,
        })
        .collect();
    Ok(CommunitiesView { signed, allowed, rows })
}

#[component]
pub fn AdminCommunitiesPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| review_communities());
    view! {
        <Title text=td_string!(locale, com_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CommunitiesBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/communities"),
                }
            })}
        </Suspense>
    }
}

/// The communities' pages seen by a committee member.
#[component]
fn NotForCommittees(signed: Signed) -> impl IntoView {
    let locale = use_locale();
    let (title, message) = (td_string!(locale, com_title), td_string!(locale, com_admins_only));
    view! {
        <AdminsOnly signed title=title.to_string() message=message.to_string()>
            <p><a class="button" href="/review/facilities">{td!(locale, adm_facilities)}</a></p>
        </AdminsOnly>
    }
}

#[component]
fn CommunitiesBody(view: CommunitiesView) -> impl IntoView {
    let locale = use_locale();
    if !view.allowed {
        return view! { <NotForCommittees signed=view.signed /> }.into_any();
    }
    let rows = view
        .rows
        .into_iter()
        .map(|c| {
            let boundary = if c.vertices == 0 {
                td_string!(locale, com_no_boundary).to_string()
            } else {
                td_string!(locale, com_boundary_points, n = c.vertices).to_string()
            };
            view! {
                <li class="card">
                    <h2 class="card-title"><a href=format!("/review/communities/{}", c.code)>{c.name.clone()}</a></h2>
                    <p>{format!("{} · {} · {}", c.code, c.district, c.centre)}</p>
                    <p>{boundary}" · "{td_string!(locale, com_facilities, n = c.facilities).to_string()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page review">
            <h1>{td!(locale, com_title)}</h1>
            <p><a class="button button-primary" href="/review/communities/new">"+ "{td!(locale, com_new)}</a></p>
            <ul class="cards">{rows}</ul>
        </section>
    }
    .into_any()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommunityEditView {
    pub signed: Signed,
    pub allowed: bool,
    /// `None`: a new community.
    pub code: Option<String>,
    /// The form's fields as stored (or as typed, when it came back).
    pub fields: Vec<(String, String)>,
    pub problems: Vec<(String, RowProblem)>,
    pub map: Option<OutlineMap>,
    pub history: Vec<crate::domain::admin::HistoryEntry>,
}

#[server]
pub async fn community_edit(code: String) -> Result<Option<CommunityEditView>, PageError> {
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let allowed = signed.member.role == crate::domain::review::Role::Admin;
    let draft = use_context::<CommunityDraft>();
    let mut edit = CommunityEditView {
        signed,
        allowed,
        code: None,
        fields: Vec::new(),
        problems: Vec::new(),
        map: None,
        history: Vec::new(),
    };
    if !allowed {
        crate::pages::not_found::answer_status(axum::http::StatusCode::FORBIDDEN);
        return Ok(Some(edit));
    }
    if code != "new" {
        let Some(c) = state.db.communities().await?.into_iter().find(|c| c.code == code) else {
            crate::pages::not_found::answer_not_found();
            return Ok(None);
        };
        let boundary = c
            .boundary
            .as_ref()
            .map(|b| b.to_geojson().to_string())
            .unwrap_or_default();
        edit.fields = vec![
            ("name_zh".into(), c.name_zh.clone()),
            ("name_en".into(), c.name_en.clone()),
            ("district_zh".into(), c.district_zh.clone()),
            ("district_en".into(), c.district_en.clone()),
            ("coords".into(), format!("{:.6}, {:.6}", c.centre.lat, c.centre.lng)),
            ("boundary".into(), boundary),
        ];
        let snapshot = state.catalog.snapshot();
        let places: Vec<_> = snapshot
            .index
            .facilities()
            .iter()
            .filter(|f| f.community == c.code)
            .map(|f| f.location)
            .collect();
        edit.map = Some(OutlineMap::draw(
            c.boundary.as_ref(),
            Some(c.centre),
            &places,
            None,
            300.0,
        ));
        edit.history = state.db.community_history(&c.code).await?;
        edit.code = Some(c.code);
    }
    if edit.map.is_none() {
        // A new community: the city's other communities, to draw in.
        let centres: Vec<_> = state.catalog.snapshot().communities.iter().map(|c| c.centre).collect();
        edit.map = Some(OutlineMap::draw(None, None, &centres, None, 600.0));
    }
    if let Some(d) = draft {
        edit.fields = d.fields;
        edit.problems = d.problems;
    }
    Ok(Some(edit))
}

#[component]
pub fn AdminCommunityPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let data = Resource::new(code, community_edit);
    view! {
        <Title text=td_string!(locale, com_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(edit)) => view! { <EditBody edit /> }.into_any(),
                    Ok(None) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                    Err(e) => failed(e, "/review/communities"),
                }
            })}
        </Suspense>
    }
}

/// The form's fields, top to bottom.
const ORDER: [&str; 8] = [
    "code",
    "name_zh",
    "name_en",
    "district_zh",
    "district_en",
    "coords",
    "crs",
    "boundary",
];

#[component]
fn EditBody(edit: CommunityEditView) -> impl IntoView {
    let locale = use_locale();
    if !edit.allowed {
        return view! { <NotForCommittees signed=edit.signed /> }.into_any();
    }
    let query = use_query_map();
    let done = query.with_untracked(|q| q.get("done").is_some());
    let value = {
        let fields = edit.fields.clone();
        move |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        }
    };
    let wrong = Mistakes::new(
        &ORDER,
        edit.problems.iter().map(|(f, p)| {
            let field = if matches!(f.as_str(), "lat" | "lng") {
                "coords"
            } else {
                f.as_str()
            };
            let text = match p {
                RowProblem::Duplicate(_) => td_string!(locale, com_code_taken).to_string(),
                p => problem_text(locale, p),
            };
            (field, text)
        }),
    );
    let creating = edit.code.is_none();
    let action = match &edit.code {
        Some(code) => format!("/review/communities/{code}/save"),
        None => "/review/communities".to_string(),
    };
    let heading = match &edit.code {
        Some(_) => value("name_zh"),
        None => td_string!(locale, com_new).to_string(),
    };
    let text = |id: &'static str, label: String, required: bool| {
        let v = value(id);
        view! {
            <label for=format!("c-{id}")>{label}</label>
            <input type="text" id=format!("c-{id}") name=id value=v required=required maxlength="200"
                aria-invalid=wrong.invalid(id) aria-describedby=wrong.described(id, None) autofocus=wrong.first(id) />
            {wrong.message(id)}
        }
    };
    let map = edit.map.clone().map(|map| {
        let labels = DrawLabels {
            hint: td_string!(locale, draw_area_hint).to_string(),
            placed: String::new(),
            corners: td_string!(locale, draw_corners, n = "{n}").to_string(),
            undo: td_string!(locale, draw_undo).to_string(),
            restart: td_string!(locale, draw_restart).to_string(),
        };
        let target = Target::Area {
            geojson: "c-boundary".into(),
            crs: "c-crs".into(),
            clear: "c-clear".into(),
        };
        view! { <StaffMap map caption=td_string!(locale, com_map_caption).to_string() target labels /> }
    });
    view! {
        <ReviewBar signed=edit.signed.clone() />
        <section class="page narrow review">
            <p><a href="/review/communities">{td!(locale, com_title)}</a></p>
            <h1>{heading}</h1>
            {done.then(|| view! { <p class="notice" role="status" id="community-done">{td!(locale, adm_saved)}</p> })}
            {(!edit.problems.is_empty()).then(|| view! { <p class="notice notice-error" role="alert" id="community-error">{td!(locale, com_problems)}</p> })}
            {map}
            <form class="suggest-form" method="post" action=action>
                <Csrf token=edit.signed.csrf.clone() />
                {creating.then(|| view! {
                    <label for="c-code">{td!(locale, com_code)}</label>
                    <p class="field-hint" id="c-code-hint">{td!(locale, com_code_hint)}</p>
                    <input type="text" id="c-code" name="code" required maxlength="64" autocapitalize="none" value=value("code")
                        aria-invalid=wrong.invalid("code") aria-describedby=wrong.described("code", Some("c-code-hint"))
                        autofocus=wrong.first("code") />
                    {wrong.message("code")}
                })}
                {text("name_zh", td_string!(locale, adm_name_zh).to_string(), true)}
                {text("name_en", td_string!(locale, adm_name_en).to_string(), false)}
                {text("district_zh", td_string!(locale, com_district_zh).to_string(), false)}
                {text("district_en", td_string!(locale, com_district_en).to_string(), false)}
                <label for="c-coords">{td!(locale, com_centre)}</label>
                <p class="field-hint" id="c-coords-hint">{td!(locale, com_centre_hint)}</p>
                <input type="text" id="c-coords" name="coords" inputmode="decimal" value=value("coords")
                    aria-invalid=wrong.invalid("coords") aria-describedby=wrong.described("coords", Some("c-coords-hint"))
                    autofocus=wrong.first("coords") />
                {wrong.message("coords")}
                <label for="c-crs">{td!(locale, imp_crs)}</label>
                <select id="c-crs" name="crs" aria-invalid=wrong.invalid("crs") aria-describedby=wrong.described("crs", None)
                    autofocus=wrong.first("crs")>
                    <option value="wgs84">{td!(locale, imp_crs_wgs84)}</option>
                    <option value="gcj02">{td!(locale, imp_crs_gcj02)}</option>
                    <option value="bd09">{td!(locale, imp_crs_bd09)}</option>
                </select>
                {wrong.message("crs")}
                <label for="c-boundary">{td!(locale, com_boundary)}</label>
                <p class="field-hint" id="c-boundary-hint">{td!(locale, com_boundary_hint)}</p>
                <textarea id="c-boundary" name="boundary" rows="6" class="geojson" aria-invalid=wrong.invalid("boundary")
                    aria-describedby=wrong.described("boundary", Some("c-boundary-hint")) autofocus=wrong.first("boundary")>{value("boundary")}</textarea>
                {wrong.message("boundary")}
                {(!creating).then(|| view! {
                    <label class="check">
                        <input type="checkbox" id="c-clear" name="clear_boundary" value="1" />
                        {td!(locale, com_clear_boundary)}
                    </label>
                })}
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, adm_save)}</button>
                </div>
            </form>
            {(!creating).then(|| view! {
                <h2>{td!(locale, adm_history)}</h2>
                <History entries=edit.history.clone() />
            })}
        </section>
    }
    .into_any()
}
