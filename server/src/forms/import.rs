//! The browser's import of facilities (admins): upload a CSV, GeoJSON or
//! `.xlsx` file with its coordinate system; the answer is the import page
//! with a preview (every row's problems, or what would be added, updated
//! and, if asked, retired). Confirming plans again from the staged file and
//! writes it all or nothing. Plus the templates and the exports in the
//! same columns.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use app::domain::admin::import::ImportPreview;
use app::domain::coords::Crs;
use app::domain::review::{Member, Role};
use app::server::auth::random_hex32;
use app::server::store::{FacilityScope, StagedImport};

use super::review::{constant_time_eq, Committee, CommitteeForm};
use super::support::see_other;
use crate::export_facilities;
use crate::import::plan::plan;
use crate::import::Format;
use crate::intake::field;
use crate::state::ServerState;

const PAGE: &str = "/review/import";

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "only street or district staff import facilities").into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "an import failed");
    (StatusCode::SERVICE_UNAVAILABLE, "not saved; please try again").into_response()
}

/// The import page with a preview.
async fn show(state: &ServerState, headers: HeaderMap, preview: ImportPreview, status: StatusCode) -> Response {
    super::render_page(state, Uri::from_static(PAGE), headers, status, move || {
        leptos::prelude::provide_context(preview.clone())
    })
    .await
}

/// Whether the reader reads English (the names in the preview).
fn english(headers: &HeaderMap) -> bool {
    let text = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    app::prefs::Prefs::from_headers(text(header::COOKIE), text(header::ACCEPT_LANGUAGE)).english()
}

/// The upload's format, from the file's name.
fn format_of(file_name: &str) -> Format {
    Format::from_path(std::path::Path::new(file_name))
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    csrf: String,
    file_name: String,
    content: Vec<u8>,
    crs: String,
    retire_missing: bool,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, String> {
    let mut upload = Upload::default();
    while let Some(part) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = part.file_name().unwrap_or_default().chars().take(200).collect();
            upload.content = part.bytes().await.map_err(|e| e.to_string())?.to_vec();
        } else {
            let text = part.text().await.map_err(|e| e.to_string())?;
            match name.as_str() {
                "csrf" => upload.csrf = text,
                "crs" => upload.crs = text,
                "retire_missing" => upload.retire_missing = text == "1",
                _ => {}
            }
        }
    }
    Ok(upload)
}

/// `POST /review/import`: the upload, answered with its preview.
pub async fn upload(State(state): State<ServerState>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let committee = match Committee::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let headers = parts.headers.clone();
    let req = Request::from_parts(parts, body);
    let upload = match Multipart::from_request(req, &state).await {
        Ok(m) => read_upload(m).await,
        Err(e) => Err(e.body_text()),
    };
    let upload = match upload {
        Ok(u) => u,
        Err(e) => {
            tracing::info!(error = %e, "an import upload could not be read");
            return see_other(format!("{PAGE}?error=upload"));
        }
    };
    if !constant_time_eq(upload.csrf.as_bytes(), committee.session.csrf_token.as_bytes()) {
        return (
            StatusCode::FORBIDDEN,
            "this form has expired; reload the page and try again",
        )
            .into_response();
    }
    let member = committee.session.member;
    if member.role != Role::Admin {
        return forbidden();
    }
    if upload.content.is_empty() {
        return see_other(format!("{PAGE}?error=no_file"));
    }
    let Some(crs) = Crs::parse(&upload.crs) else {
        return see_other(format!("{PAGE}?error=crs"));
    };
    let format = format_of(&upload.file_name);
    let english = english(&headers);
    let db = &state.app.db;
    let mut planned = match plan(db, &upload.content, format, crs, upload.retire_missing, english).await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    planned.preview.file_name = upload.file_name.clone();
    let importable = planned.preview.errors.is_empty() && planned.preview.unreadable.is_none();
    if importable {
        let token = random_hex32();
        let staged = StagedImport {
            file_name: upload.file_name,
            format: format_name(format).into(),
            crs: upload.crs,
            content: upload.content,
        };
        if let Err(e) = db.stage_import(&token, member.id, &staged).await {
            return unavailable(e);
        }
        planned.preview.stage = Some(token);
    }
    let status = if importable {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    show(&state, headers, planned.preview, status).await
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Csv => "csv",
        Format::GeoJson => "geojson",
        Format::Xlsx => "xlsx",
    }
}

/// `POST /review/import/confirm`: `stage`, `retire_missing`.
pub async fn confirm(State(state): State<ServerState>, headers: HeaderMap, form: CommitteeForm) -> Response {
    let member: &Member = &form.member;
    if member.role != Role::Admin {
        return forbidden();
    }
    let db = &state.app.db;
    let stage = field(&form.fields, "stage").to_string();
    let retire_missing = field(&form.fields, "retire_missing") == "1";
    let staged = match db.staged_import(&stage, member.id).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other(format!("{PAGE}?error=expired")),
        Err(e) => return unavailable(e),
    };
    let (Some(format), Some(crs)) = (Format::parse(&staged.format), Crs::parse(&staged.crs)) else {
        return see_other(format!("{PAGE}?error=expired"));
    };
    let english = english(&headers);
    // Planned again: the facilities may have changed since the preview.
    let mut planned = match plan(db, &staged.content, format, crs, retire_missing, english).await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    planned.preview.file_name = staged.file_name.clone();
    if !planned.preview.errors.is_empty() || planned.preview.unreadable.is_some() {
        return show(&state, headers, planned.preview, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match db
        .apply_import(&stage, &planned.changes, &planned.retire, member.id)
        .await
    {
        Ok(true) => {}
        Ok(false) => return see_other(format!("{PAGE}?error=changed")),
        Err(e) => return unavailable(e),
    }
    if let Err(e) = state.app.catalog.refresh(db).await {
        tracing::warn!(error = %e, "catalogue refresh after an import failed");
    }
    let p = &planned.preview;
    see_other(format!(
        "{PAGE}?done=1&added={}&updated={}&retired={}",
        p.added.len(),
        p.updated.len(),
        planned.retire.len()
    ))
}

/// A file to download, never kept by a browser or proxy.
pub(super) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response()
}

pub(super) const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /review/import/template.{csv|xlsx}`.
pub async fn template(axum::extract::Path(file): axum::extract::Path<String>, _: Committee) -> Response {
    let made = match file.as_str() {
        "template.csv" => export_facilities::template_csv()
            .map_err(|e| e.to_string())
            .map(|b| (b, CSV)),
        "template.xlsx" => export_facilities::template_xlsx()
            .map_err(|e| e.to_string())
            .map(|b| (b, XLSX)),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    match made {
        Ok((bytes, kind)) => download(bytes, kind, &format!("linli-facilities-{file}")),
        Err(e) => unavailable(e),
    }
}

/// `GET /review/export/facilities.{csv|xlsx}[?community=CODE]`: the
/// facilities in use in the member's scope (a committee member: their own
/// community), in the import's columns.
pub async fn export(
    State(state): State<ServerState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Committee { session, .. }: Committee,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let asked = query.iter().find(|(k, _)| k == "community").map(|(_, v)| v.as_str());
    let community = match session.member.scope() {
        Some(own) => Some(own),
        None => asked.filter(|c| !c.is_empty()),
    };
    let scope = FacilityScope {
        community,
        kind: None,
        retired: Some(false),
    };
    let facilities: Vec<_> = match state.app.db.admin_facilities(&scope).await {
        Ok(records) => records.into_iter().map(|r| r.facility).collect(),
        Err(e) => return unavailable(e),
    };
    let name = format!("linli-facilities-{}", community.unwrap_or("all"));
    let made = match file.as_str() {
        "facilities.csv" => export_facilities::facilities_csv(&facilities)
            .map_err(|e| e.to_string())
            .map(|b| (b, CSV, format!("{name}.csv"))),
        "facilities.xlsx" => export_facilities::facilities_xlsx(&facilities)
            .map_err(|e| e.to_string())
            .map(|b| (b, XLSX, format!("{name}.xlsx"))),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    match made {
        Ok((bytes, kind, file_name)) => download(bytes, kind, &file_name),
        Err(e) => unavailable(e),
    }
}
