//! The administration of communities (admins): create one, or change its
//! names, district, centre and boundary (GeoJSON pasted from a GIS tool, in
//! any of the import's coordinate systems, or cleared). Checked by the same
//! rules as `server import --communities` (`parse_communities`); a form with
//! problems comes back with what was typed and each problem in the
//! reader's language.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use app::domain::admin::import::RowProblem;
use app::domain::coords::Crs;
use app::domain::review::Role;
use app::pages::review::communities::CommunityDraft;

use super::review::CommitteeForm;
use super::support::see_other;
use crate::import::{parse_communities, Record};
use crate::intake::field;
use crate::state::ServerState;

/// The form again with what was typed and what to fix (rendered, not
/// redirected: a pasted boundary is too long for an address).
async fn again(
    state: &ServerState,
    headers: HeaderMap,
    page: &str,
    fields: &[(String, String)],
    problems: Vec<(String, RowProblem)>,
) -> Response {
    let draft = CommunityDraft {
        fields: fields.iter().filter(|(k, _)| k != "csrf").cloned().collect(),
        problems,
    };
    let uri: Uri = page.parse().unwrap_or(Uri::from_static("/review/communities"));
    super::render_page(state, uri, headers, StatusCode::UNPROCESSABLE_ENTITY, move || {
        leptos::prelude::provide_context(draft.clone())
    })
    .await
}

/// A pasted boundary as a geometry: a bare geometry, a Feature, or the
/// first feature of a FeatureCollection.
fn geometry_text(pasted: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(pasted.trim()) else {
        return pasted.trim().to_string();
    };
    let geometry = match value.get("type").and_then(|t| t.as_str()) {
        Some("Feature") => value.get("geometry").cloned(),
        Some("FeatureCollection") => value
            .get("features")
            .and_then(|f| f.get(0))
            .and_then(|f| f.get("geometry"))
            .cloned(),
        _ => Some(value.clone()),
    };
    geometry.map(|g| g.to_string()).unwrap_or_default()
}

/// `POST /review/communities` (create, with `code`) and
/// `POST /review/communities/{code}/save`.
pub async fn create(State(state): State<ServerState>, headers: HeaderMap, form: CommitteeForm) -> Response {
    let code = field(&form.fields, "code").trim().to_string();
    save_as(&state, headers, form, code, true).await
}

pub async fn save(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    form: CommitteeForm,
) -> Response {
    save_as(&state, headers, form, code, false).await
}

async fn save_as(
    state: &ServerState,
    headers: HeaderMap,
    form: CommitteeForm,
    code: String,
    creating: bool,
) -> Response {
    if form.member.role != Role::Admin {
        return (
            StatusCode::FORBIDDEN,
            "only street or district staff change communities",
        )
            .into_response();
    }
    let f = &form.fields;
    let db = &state.app.db;
    let known = match db.community_codes().await {
        Ok(k) => k,
        Err(e) => return unavailable(e),
    };
    let page = if creating {
        "/review/communities/new".to_string()
    } else {
        if !known.contains(&code) {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
        format!("/review/communities/{code}")
    };
    if creating && known.contains(&code) {
        return again(
            state,
            headers,
            &page,
            f,
            vec![("code".into(), RowProblem::Duplicate(code.clone()))],
        )
        .await;
    }
    let crs = match field(f, "crs") {
        "" => Crs::Wgs84,
        other => match Crs::parse(other) {
            Some(c) => c,
            None => return again(state, headers, &page, f, vec![("crs".into(), RowProblem::Required)]).await,
        },
    };
    let (lat, lng) = app::domain::coords::split_pasted(field(f, "coords"));
    let clear = field(f, "clear_boundary") == "1";
    let boundary = if clear {
        String::new()
    } else {
        geometry_text(field(f, "boundary"))
    };
    let mut fields: HashMap<String, String> = ["name_zh", "name_en", "district_zh", "district_en"]
        .iter()
        .map(|k| (k.to_string(), field(f, k).to_string()))
        .collect();
    fields.insert("code".into(), code.clone());
    fields.insert("lat".into(), lat.to_string());
    fields.insert("lng".into(), lng.to_string());
    fields.insert("boundary".into(), boundary.clone());
    let record = Record {
        row: "form".into(),
        fields,
    };
    let community = match parse_communities(&[record], crs) {
        Ok(mut c) => c.remove(0),
        Err(errors) => {
            let problems = errors.into_iter().map(|e| (e.field, e.problem)).collect();
            return again(state, headers, &page, f, problems).await;
        }
    };
    if let Err(e) = db.write_community(&community, clear, form.member.id).await {
        return unavailable(e);
    }
    if let Err(e) = state.app.catalog.refresh(db).await {
        tracing::warn!(error = %e, "catalogue refresh after a community change failed");
    }
    see_other(format!("/review/communities/{}?done=1", community.code))
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a community change failed");
    (StatusCode::SERVICE_UNAVAILABLE, "not saved; please try again").into_response()
}
