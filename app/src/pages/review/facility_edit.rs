//! `/review/facilities/{id}` (and `/review/facilities/new`): one facility
//! as staff keep it. The edit form (the fields this member may change, the
//! weekday hours editor), a preview of the hours as residents see them,
//! temporary closures, "details are still right", retirement, and the
//! history of every change. Forms POST to `server::forms::facilities`; a
//! form with mistakes (or a preview) comes back here as `?draft=` and is
//! shown with every problem beside its field, nothing lost.

use leptos::prelude::*;

use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{failed, Csrf, ReviewBar, Signed};
use crate::components::map::{OutlineMap, StaffMap};
use crate::components::map_draw::{DrawLabels, Target};
use crate::components::mistakes::Mistakes;
use crate::components::services::{date_range, day_text, kind_name, spans_text, waste_name, weekday_name};
use crate::components::suggestion_text::date_text;
use crate::domain::admin::facility_form::{self, FormProblem, Problem};
use crate::domain::admin::hours_form::{self, DayProblem};
use crate::domain::admin::HistoryEntry;
use crate::domain::closures::Closure;
use crate::domain::facility::{Facility, Kind, WasteCategory};
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_prefs;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditView {
    pub signed: Signed,
    /// `None`: a new facility.
    pub facility: Option<Facility>,
    /// What the edit form must send back (the facility's `updated_at`).
    pub version: i64,
    /// May change names, place, kind and community.
    pub details: bool,
    /// May retire and restore.
    pub retire: bool,
    pub communities: Vec<(String, String)>,
    pub history: Vec<HistoryEntry>,
    pub today: chrono::NaiveDate,
    /// The form as last sent, when it came back (mistakes or a preview).
    pub draft: Option<Vec<(String, String)>>,
    /// The closure form as last sent, when it came back.
    pub closure_draft: Vec<(String, String)>,
    /// The community around the facility, to tap its place on.
    pub map: Option<OutlineMap>,
}

/// The map of the edit form: the facility's community (as typed in a form
/// that came back, else as stored, else the member's own) with its other
/// facilities, and the place as typed or stored marked.
#[cfg(feature = "ssr")]
fn place_map(
    snapshot: &crate::server::catalog::Snapshot,
    facility: Option<&Facility>,
    draft: Option<&[(String, String)]>,
    own: Option<&str>,
) -> OutlineMap {
    use crate::domain::coords::LatLng;
    let typed = |k: &str| {
        draft
            .and_then(|d| d.iter().find(|(n, _)| n == k))
            .map(|(_, v)| v.trim())
    };
    let code = typed("community")
        .filter(|c| !c.is_empty())
        .or(facility.map(|f| f.community.as_str()))
        .or(own);
    let marked = match (
        typed("lat").and_then(|v| v.parse().ok()),
        typed("lng").and_then(|v| v.parse().ok()),
    ) {
        (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)).filter(|p| crate::domain::coords::in_china(*p)),
        _ => None,
    }
    .or(facility.map(|f| f.location));
    match code.and_then(|c| snapshot.community(c)) {
        Some(c) => {
            let others: Vec<LatLng> = snapshot
                .index
                .facilities()
                .iter()
                .filter(|f| f.community == c.code && Some(f.id) != facility.map(|x| x.id))
                .map(|f| f.location)
                .collect();
            OutlineMap::draw(c.boundary.as_ref(), Some(c.centre), &others, marked, 300.0)
        }
        None => {
            let centres: Vec<LatLng> = snapshot.communities.iter().map(|c| c.centre).collect();
            OutlineMap::draw(None, None, &centres, marked, 600.0)
        }
    }
}

#[server]
pub async fn admin_facility(id: String, draft: String, cdraft: String) -> Result<Option<EditView>, PageError> {
    use crate::domain::admin::{may, FacilityAction};
    use crate::domain::hours::LocalTime;
    use crate::server::admin::{self, AdminError};
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let english = crate::prefs::use_prefs().english();
    let communities: Vec<(String, String)> = state
        .catalog
        .snapshot()
        .community_names(english, |code| signed.member.may_access(code));
    let today = LocalTime::shanghai(chrono::Utc::now()).date;
    let decode = |d: &str| -> Vec<(String, String)> { serde_urlencoded::from_str(d).unwrap_or_default() };
    let (draft, closure_draft) = (Some(decode(&draft)).filter(|d| !d.is_empty()), decode(&cdraft));
    if id == "new" {
        // Only who may create somewhere sees the empty form.
        if !communities
            .iter()
            .any(|(c, _)| may(&signed.member, FacilityAction::Create, c))
        {
            return Ok(None);
        }
        let map = Some(place_map(
            &state.catalog.snapshot(),
            None,
            draft.as_deref(),
            signed.member.scope(),
        ));
        return Ok(Some(EditView {
            map,
            signed,
            facility: None,
            version: 0,
            details: true,
            retire: false,
            communities,
            history: Vec::new(),
            today,
            draft,
            closure_draft,
        }));
    }
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let record = match admin::load(&state.db, &signed.member, id, FacilityAction::View).await {
        Ok(r) => r,
        Err(AdminError::NotFound | AdminError::Forbidden) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let community = record.facility.community.clone();
    let history = state.db.facility_history(id).await?;
    let map = Some(place_map(
        &state.catalog.snapshot(),
        Some(&record.facility),
        draft.as_deref(),
        None,
    ));
    Ok(Some(EditView {
        map,
        details: may(&signed.member, FacilityAction::EditDetails, &community),
        retire: may(&signed.member, FacilityAction::Retire, &community),
        signed,
        facility: Some(record.facility),
        version: record.updated_at,
        communities,
        history,
        today,
        draft,
        closure_draft,
    }))
}

#[component]
pub fn AdminFacilityPage() -> impl IntoView {
    let locale = use_prefs().locale;
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let key = move || {
        let (draft, cdraft) = query.with(|q| (q.get("draft").unwrap_or_default(), q.get("cdraft").unwrap_or_default()));
        (id(), draft, cdraft)
    };
    let data = Resource::new(key, |(id, draft, cdraft)| admin_facility(id, draft, cdraft));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(view)) => view! { <EditBody view /> }.into_any(),
                    Ok(None) => {
                        crate::pages::not_found::answer_not_found();
                        view! {
                            <section class="page narrow">
                                <h1>{td!(locale, not_found_title)}</h1>
                                <p><a href="/review/facilities">{td!(locale, adm_facilities)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => failed(e, &format!("/review/facilities/{}", id())),
                }
            })}
        </Suspense>
    }
}

/// A form problem in the reader's language.
pub fn problem_text(locale: Locale, p: &FormProblem) -> String {
    match p.problem {
        Problem::Required => td_string!(locale, adm_p_required).to_string(),
        Problem::TooLong(max) => td_string!(locale, adm_p_too_long, max = max).to_string(),
        Problem::Control => td_string!(locale, adm_p_control).to_string(),
        Problem::Phone => td_string!(locale, adm_p_phone).to_string(),
        Problem::Coordinate => td_string!(locale, adm_p_coordinate).to_string(),
        Problem::OutsideChina => td_string!(locale, adm_p_outside).to_string(),
        Problem::UnknownCommunity => td_string!(locale, adm_p_community).to_string(),
        Problem::Kind => td_string!(locale, adm_p_kind).to_string(),
        Problem::Price => td_string!(locale, adm_p_price).to_string(),
        Problem::Seats => td_string!(locale, adm_p_seats).to_string(),
        Problem::AcceptsNone => td_string!(locale, adm_p_accepts).to_string(),
        Problem::Hours(h) => {
            let day = weekday_name(locale, h.weekday);
            match h.problem {
                DayProblem::NoTimes => td_string!(locale, adm_p_no_times, day = day),
                DayProblem::BadTime => td_string!(locale, adm_p_bad_time, day = day),
                DayProblem::Unpaired => td_string!(locale, adm_p_unpaired, day = day),
                DayProblem::EndBeforeStart => td_string!(locale, adm_p_end_before, day = day),
                DayProblem::Overlap => td_string!(locale, adm_p_overlap, day = day),
            }
            .to_string()
        }
    }
}

/// A closure form's error code (from the handler) in words.
fn closure_error_text(locale: Locale, code: &str) -> String {
    if let Some(rest) = code.strip_prefix("overlap:") {
        let dates = rest
            .split_once(':')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .map(|(a, b)| date_range(locale, a, b))
            .unwrap_or_default();
        return td_string!(locale, adm_c_overlap, dates = dates).to_string();
    }
    match code {
        "order" => td_string!(locale, adm_c_order),
        "too_long" => td_string!(locale, adm_c_too_long),
        "note" => td_string!(locale, adm_c_note),
        "too_many" => td_string!(locale, adm_c_too_many),
        "hours" => td_string!(locale, adm_c_hours),
        _ => td_string!(locale, adm_c_dates),
    }
    .to_string()
}

fn change_name(locale: Locale, kind: &str) -> String {
    match kind {
        "created" => td_string!(locale, adm_change_created).to_string(),
        "edited" => td_string!(locale, adm_change_edited).to_string(),
        "closures" => td_string!(locale, adm_change_closures).to_string(),
        "checked" => td_string!(locale, adm_change_checked).to_string(),
        "retired" => td_string!(locale, adm_change_retired).to_string(),
        "restored" => td_string!(locale, adm_change_restored).to_string(),
        "imported" => td_string!(locale, adm_change_imported).to_string(),
        other => other.to_string(),
    }
}

/// A history, newest first: what, when, who, and each field before → after.
#[component]
pub fn History(entries: Vec<HistoryEntry>) -> impl IntoView {
    let locale = use_prefs().locale;
    if entries.is_empty() {
        return view! { <p>{td!(locale, adm_history_none)}</p> }.into_any();
    }
    view! {
        <ol class="audit">
            {entries.iter().map(|e| {
                let when = crate::components::suggestion_text::time_text(e.at);
                let who = e.actor.clone().unwrap_or_else(|| td_string!(locale, adm_by_cli).to_string());
                view! {
                    <li>
                        <strong>{change_name(locale, &e.kind)}</strong>" · "{when}" · "{who}
                        <ul class="diff">{differences(e).into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// "field: before → after" for every field that changed.
fn differences(e: &HistoryEntry) -> Vec<String> {
    let parse = |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).unwrap_or_default();
    let (before, after) = (parse(&e.before), parse(&e.after));
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) if s.is_empty() => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .filter(|k| !e.before.is_empty() || !matches!(after.get(*k), Some(serde_json::Value::Null)))
        .map(|k| format!("{k}: {} → {}", show(before.get(k)), show(after.get(k))))
        .collect()
}

/// The form's fields, top to bottom.
const ORDER: [&str; 13] = [
    "kind",
    "community",
    "name_zh",
    "name_en",
    "address_zh",
    "address_en",
    "lat",
    "phone",
    "price_60",
    "price_80",
    "seats",
    "accepts",
    "hours",
];

#[component]
fn EditBody(view: EditView) -> impl IntoView {
    let prefs = use_prefs();
    let locale = prefs.locale;
    let english = prefs.english();
    let query = use_query_map();
    let flag = |k: &str| query.with_untracked(|q| q.get(k));
    let draft = view.draft.clone();
    let csrf = view.signed.csrf.clone();
    let codes: Vec<String> = view.communities.iter().map(|(c, _)| c.clone()).collect();
    let base: Vec<(String, String)> = match &view.facility {
        Some(f) => facility_form::fields_of(f),
        None => Vec::new(),
    };
    let fields = draft.clone().unwrap_or(base);
    let value = {
        let fields = fields.clone();
        move |name: &str| -> String {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        }
    };
    let kind = view
        .facility
        .as_ref()
        .map(Facility::kind)
        .or_else(|| Kind::parse(&value("kind")))
        .unwrap_or(Kind::Meal);
    let shown_kind = if view.details {
        Kind::parse(&value("kind")).unwrap_or(kind)
    } else {
        kind
    };
    let parsed = draft
        .as_ref()
        .map(|d| facility_form::parse(d, view.details, kind, &codes));
    let problems: Vec<FormProblem> = match &parsed {
        Some(Err(p)) => p.clone(),
        _ => Vec::new(),
    };
    // Latitude and longitude are one place: one message, after the pasted
    // pair, and the cursor in the latitude.
    let wrong = Mistakes::new(
        &ORDER,
        problems.iter().map(|p| {
            let field = if p.field == "lng" { "lat" } else { p.field };
            (field, problem_text(locale, p))
        }),
    );
    let notice = if flag("error").as_deref() == Some("conflict") {
        Some((true, td_string!(locale, adm_conflict).to_string()))
    } else if !problems.is_empty() {
        Some((true, td_string!(locale, adm_fix).to_string()))
    } else if flag("done").is_some() {
        Some((false, td_string!(locale, adm_saved).to_string()))
    } else {
        None
    };
    let id = view.facility.as_ref().map(|f| f.id);
    let action = |what: &str| match id {
        Some(id) => format!("/review/facilities/{id}/{what}"),
        None => "/review/facilities".to_string(),
    };
    let title = view
        .facility
        .as_ref()
        .map(|f| f.name(english).to_string())
        .unwrap_or_else(|| td_string!(locale, adm_new_facility).to_string());

    // A text input with its label and its problem.
    let text_input = {
        let value = value.clone();
        let wrong = wrong.clone();
        move |name: &'static str, label: String, required: bool, max: usize| {
            let id = format!("e-{name}");
            view! {
                <label for=id.clone()>{label}</label>
                <input type="text" id=id name=name value=value(name) maxlength=max.to_string()
                    required=required aria-invalid=wrong.invalid(name)
                    aria-describedby=wrong.described(name, None) autofocus=wrong.first(name) />
                {wrong.message(name)}
            }
        }
    };

    let details = view.details.then(|| {
        let kinds = Kind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.as_str() selected=shown_kind == k>{kind_name(locale, k)}</option> })
            .collect_view();
        let community = value("community");
        let communities = view
            .communities
            .iter()
            .map(|(code, name)| view! { <option value=code.clone() selected=community == *code>{format!("{name} ({code})")}</option> })
            .collect_view();
        let map = view.map.clone().map(|map| {
            let labels = DrawLabels {
                hint: td_string!(locale, draw_point_hint).to_string(),
                placed: td_string!(locale, draw_placed).to_string(),
                corners: String::new(),
                undo: String::new(),
                restart: String::new(),
            };
            let target = Target::Point {
                lat: "e-lat".into(),
                lng: "e-lng".into(),
                paste: "e-coords".into(),
            };
            view! { <StaffMap map caption=td_string!(locale, draw_point_caption).to_string() target labels /> }
        });
        view! {
            <fieldset>
                <legend>{td!(locale, adm_edit)}</legend>
                <label for="e-kind">{td!(locale, adm_kind)}</label>
                <select id="e-kind" name="kind" aria-invalid=wrong.invalid("kind") aria-describedby=wrong.described("kind", None)
                    autofocus=wrong.first("kind")>{kinds}</select>
                {wrong.message("kind")}
                <label for="e-community">{td!(locale, adm_community)}</label>
                <select id="e-community" name="community" aria-invalid=wrong.invalid("community")
                    aria-describedby=wrong.described("community", None) autofocus=wrong.first("community")>
                    <option value="">"—"</option>
                    {communities}
                </select>
                {wrong.message("community")}
                {text_input("name_zh", td_string!(locale, adm_name_zh).to_string(), true, facility_form::MAX_NAME)}
                {text_input("name_en", td_string!(locale, adm_name_en).to_string(), false, facility_form::MAX_NAME)}
                {text_input("address_zh", td_string!(locale, adm_address_zh).to_string(), true, facility_form::MAX_ADDRESS)}
                {text_input("address_en", td_string!(locale, adm_address_en).to_string(), false, facility_form::MAX_ADDRESS)}
                {map}
                <div class="picker-row">
                    <div>
                        <label for="e-lat">{td!(locale, adm_lat)}</label>
                        <input type="text" inputmode="decimal" id="e-lat" name="lat" value=value("lat") aria-invalid=wrong.invalid("lat")
                            aria-describedby=wrong.described("lat", None) autofocus=wrong.first("lat") />
                    </div>
                    <div>
                        <label for="e-lng">{td!(locale, adm_lng)}</label>
                        <input type="text" inputmode="decimal" id="e-lng" name="lng" value=value("lng") aria-invalid=wrong.invalid("lat")
                            aria-describedby=wrong.described("lat", None) />
                    </div>
                </div>
                <label for="e-coords">{td!(locale, adm_coords)}</label>
                <input type="text" id="e-coords" name="coords" value=value("coords") aria-invalid=wrong.invalid("lat")
                    aria-describedby=wrong.described("lat", None) />
                {wrong.message("lat")}
            </fieldset>
        }
        .into_any()
    });

    let ticked = {
        let value = value.clone();
        move |name: &str| matches!(value(name).as_str(), "1" | "on")
    };
    let check = {
        let ticked = ticked.clone();
        move |name: String, label: String, focus: bool| {
            view! {
                <label class="check">
                    <input type="checkbox" name=name.clone() value="1" checked=ticked(&name) autofocus=focus />
                    {label}
                </label>
            }
        }
    };
    let services = match shown_kind {
        Kind::Meal => view! {
            {check("lunch".into(), td_string!(locale, meal_lunch).to_string(), false)}
            {check("dinner".into(), td_string!(locale, meal_dinner).to_string(), false)}
            {check("delivery".into(), td_string!(locale, meal_delivery).to_string(), false)}
            {text_input("price_60", td_string!(locale, meal_price_60, price = "…").to_string(), false, 10)}
            {text_input("price_80", td_string!(locale, meal_price_80, price = "…").to_string(), false, 10)}
        }
        .into_any(),
        Kind::Reading => view! {
            {check("children_corner".into(), td_string!(locale, reading_children).to_string(), false)}
            {text_input("seats", td_string!(locale, reading_seats, seats = "…").to_string(), false, 10)}
        }
        .into_any(),
        Kind::Sorting => {
            // The group is described by its message (checkboxes of a group
            // take no `aria-invalid` of their own); the first gets the cursor.
            view! {
                <div role="group" aria-label=td_string!(locale, sorting_accepts).to_string() aria-describedby=wrong.described("accepts", None)>
                    {wrong.message("accepts")}
                    {WasteCategory::ALL
                        .into_iter()
                        .enumerate()
                        .map(|(i, w)| check(format!("accepts_{}", w.as_str()), waste_name(locale, w), i == 0 && wrong.first("accepts")))
                        .collect_view()}
                </div>
            }
            .into_any()
        }
    };

    // Each wrong day's times are marked and described by the list of
    // problems; the first wrong day's first time gets the cursor.
    let wrong_days: Vec<u8> = problems
        .iter()
        .filter_map(|p| match p.problem {
            Problem::Hours(h) => Some(h.weekday),
            _ => None,
        })
        .collect();
    let hours_error = Mistakes::message_id("hours");
    let hours_rows = (0..7u8)
        .map(|d| {
            let name = |p: &str| hours_form::field_name(d, p);
            let day = weekday_name(locale, d);
            let day_wrong = wrong_days.contains(&d);
            let focus = wrong.first("hours") && wrong_days.iter().min() == Some(&d);
            let time = |p: &str, label: String| {
                view! {
                    <input type="time" name=name(p) value=value(&name(p)) aria-label=format!("{day} {label}")
                        aria-invalid=day_wrong.then_some("true") aria-describedby=day_wrong.then(|| hours_error.clone())
                        autofocus=focus && p == "open1" />
                }
            };
            view! {
                <tr>
                    <th scope="row">{day.clone()}</th>
                    <td>
                        {time("open1", format!("{} {}", td_string!(locale, adm_morning), td_string!(locale, adm_from)))}
                        " – "
                        {time("close1", format!("{} {}", td_string!(locale, adm_morning), td_string!(locale, adm_until)))}
                    </td>
                    <td>
                        {time("open2", format!("{} {}", td_string!(locale, adm_afternoon), td_string!(locale, adm_from)))}
                        " – "
                        {time("close2", format!("{} {}", td_string!(locale, adm_afternoon), td_string!(locale, adm_until)))}
                    </td>
                    <td>
                        <label class="check">
                            <input type="checkbox" name=name("closed") value="1" checked=ticked(&name("closed")) />
                            {td!(locale, adm_closed_day)}
                        </label>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let hours_problems: Vec<String> = problems
        .iter()
        .filter(|p| p.field == "hours")
        .map(|p| problem_text(locale, p))
        .collect();
    let unfit = draft.is_none()
        && view
            .facility
            .as_ref()
            .is_some_and(|f| !hours_form::fits_editor(&f.hours));
    // The preview: the draft's hours when they are valid, else the saved ones.
    let preview_hours = match &parsed {
        Some(Ok(edit)) => Some(edit.hours.clone()),
        _ => view.facility.as_ref().map(|f| f.hours.clone()),
    };
    let preview = preview_hours.map(|h| {
        let rows = (0..7u8)
            .map(
                |d| view! { <tr><th scope="row">{weekday_name(locale, d)}</th><td>{day_text(locale, &h, d)}</td></tr> },
            )
            .collect_view();
        view! {
            <section class="preview" aria-labelledby="preview-h">
                <h2 id="preview-h">{td!(locale, adm_preview_heading)}</h2>
                <table class="hours"><tbody>{rows}</tbody></table>
            </section>
        }
        .into_any()
    });

    let edit_form = view! {
        <form class="suggest-form admin-form" method="post" action=action("save")>
            <Csrf token=csrf.clone() />
            <input type="hidden" name="version" value=view.version.to_string() />
            {details}
            <fieldset>
                <legend>{td!(locale, adm_services)}</legend>
                {text_input("phone", td_string!(locale, adm_phone).to_string(), false, facility_form::MAX_PHONE)}
                {services}
            </fieldset>
            <fieldset>
                <legend>{td!(locale, adm_hours)}</legend>
                <p class="hint">{td!(locale, adm_hours_hint)}</p>
                {unfit.then(|| view! { <p class="field-error">{td!(locale, adm_hours_unfit)}</p> })}
                {(!hours_problems.is_empty()).then(|| view! {
                    <ul class="field-error" id=hours_error.clone()>{hours_problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                })}
                <div class="table-scroll">
                    <table class="hours-editor">
                        <thead><tr>
                            <th scope="col">{td!(locale, adm_day)}</th>
                            <th scope="col">{td!(locale, adm_morning)}</th>
                            <th scope="col">{td!(locale, adm_afternoon)}</th>
                            <th scope="col">{td!(locale, adm_closed_day)}</th>
                        </tr></thead>
                        <tbody>{hours_rows.into_any()}</tbody>
                    </table>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" name="intent" value="save" class="button button-primary">{td!(locale, adm_save)}</button>
                <button type="submit" name="intent" value="preview" class="button">{td!(locale, adm_preview)}</button>
            </div>
        </form>
    }
    .into_any();

    let rest = view.facility.clone().map(|f| {
        let closure_code = flag("closure_error");
        let closure_error = closure_code.as_deref().map(|c| closure_error_text(locale, c));
        // "dates" is about the two dates, anything else about the times.
        let closure_dates = closure_code.as_deref() == Some("dates");
        let closure_times = closure_code.is_some() && !closure_dates;
        let closure_described = |wrong: bool| wrong.then_some("closure-error");
        let cdraft = view.closure_draft.clone();
        let cval = |n: &str| cdraft.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
        let coming: Vec<Closure> = f.closures.iter().filter(|c| c.to >= view.today).cloned().collect();
        let closures = if coming.is_empty() {
            view! { <p>{td!(locale, adm_closures_none)}</p> }.into_any()
        } else {
            view! {
                <ul class="closures">
                    {coming.into_iter().map(|c| {
                        let hours = if c.is_closed() { td_string!(locale, closed).to_string() } else { spans_text(locale, &c.spans) };
                        view! {
                            <li>
                                {format!("{} · {} · {}", date_range(locale, c.from, c.to), hours, c.note(english))}
                                <form class="inline-form" method="post" action=action("closure-remove")>
                                    <Csrf token=csrf.clone() />
                                    <input type="hidden" name="version" value=view.version.to_string() />
                                    <input type="hidden" name="from" value=c.from.to_string() />
                                    <button type="submit" class="button button-small">{td!(locale, adm_remove)}</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let checked = match f.checked_at {
            Some(ms) => td_string!(locale, adm_checked_on, date = date_text(locale, ms)).to_string(),
            None => td_string!(locale, adm_checked_never).to_string(),
        };
        let history = view! { <History entries=view.history.clone() /> };
        view! {
            <section aria-labelledby="closures-h">
                <h2 id="closures-h">{td!(locale, adm_closures)}</h2>
                {closures}
                <form class="suggest-form admin-form" method="post" action=action("closure")>
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="version" value=view.version.to_string() />
                    <h3>{td!(locale, adm_closure_add)}</h3>
                    {closure_error.map(|e| view! { <p class="field-error" role="alert" id="closure-error">{e}</p> })}
                    <div class="picker-row">
                        <div>
                            <label for="c-from">{td!(locale, adm_closure_from)}</label>
                            <input type="date" id="c-from" name="from" value=cval("from") required aria-invalid=closure_dates.then_some("true")
                                aria-describedby=closure_described(closure_dates) autofocus=closure_dates />
                        </div>
                        <div>
                            <label for="c-to">{td!(locale, adm_closure_to)}</label>
                            <input type="date" id="c-to" name="to" value=cval("to") required aria-invalid=closure_dates.then_some("true")
                                aria-describedby=closure_described(closure_dates) />
                        </div>
                    </div>
                    <p class="hint">{td!(locale, adm_closure_special)}</p>
                    <div class="picker-row">
                        <input type="time" name="open" value=cval("open") aria-label=td_string!(locale, adm_from).to_string()
                            aria-invalid=closure_times.then_some("true") aria-describedby=closure_described(closure_times) autofocus=closure_times />
                        " – "
                        <input type="time" name="close" value=cval("close") aria-label=td_string!(locale, adm_until).to_string()
                            aria-invalid=closure_times.then_some("true") aria-describedby=closure_described(closure_times) />
                    </div>
                    <label for="c-note-zh">{td!(locale, adm_closure_note_zh)}</label>
                    <input type="text" id="c-note-zh" name="note_zh" maxlength="60" value=cval("note_zh") required />
                    <label for="c-note-en">{td!(locale, adm_closure_note_en)}</label>
                    <input type="text" id="c-note-en" name="note_en" maxlength="60" value=cval("note_en") />
                    <button type="submit" class="button button-primary">{td!(locale, adm_closure_add)}</button>
                </form>
            </section>
            <section aria-labelledby="check-h">
                <h2 id="check-h">{td!(locale, adm_check)}</h2>
                <p>{checked}</p>
                <p class="hint">{td!(locale, adm_check_hint)}</p>
                <form method="post" action=action("checked")>
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="version" value=view.version.to_string() />
                    <button type="submit" class="button">{td!(locale, adm_check)}</button>
                </form>
            </section>
            {view.retire.then(|| {
                let (what, label) = if f.retired { ("restore", td_string!(locale, adm_restore)) } else { ("retire", td_string!(locale, adm_retire)) };
                view! {
                    <section>
                        <h2>{label}</h2>
                        {(!f.retired).then(|| view! { <p class="hint">{td!(locale, adm_retire_hint)}</p> })}
                        <form method="post" action=action(what)>
                            <Csrf token=csrf.clone() />
                            <input type="hidden" name="version" value=view.version.to_string() />
                            <button type="submit" class="button">{label}</button>
                        </form>
                    </section>
                }
            })}
            <section aria-labelledby="history-h">
                <h2 id="history-h">{td!(locale, adm_history)}</h2>
                {history}
            </section>
        }
        .into_any()
    });
    let header = view.facility.as_ref().map(|f| {
        view! {
            <p class="card-kind">{kind_name(locale, f.kind())}" · "{f.community.clone()}" · "
                <a href=format!("/facility/{}", f.id)>{td!(locale, review_public_view)}</a>
            </p>
            {f.retired.then(|| view! { <p class="notice notice-error" role="status">"■ "{td!(locale, adm_retired_note)}</p> })}
        }
        .into_any()
    });
    view! {
        <Title text=title.clone() />
        <ReviewBar signed=view.signed.clone() />
        <article class="page review admin">
            <p><a href="/review/facilities">"← "{td!(locale, adm_facilities)}</a></p>
            <h1>{title}</h1>
            {header}
            {notice.map(|(error, text)| view! {
                <p class=if error { "notice notice-error" } else { "notice" } role=if error { "alert" } else { "status" }>{text}</p>
            })}
            {preview}
            {edit_form}
            {rest}
        </article>
    }
}
