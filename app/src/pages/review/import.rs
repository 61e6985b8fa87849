//! `/review/import` (admins): upload a facility list (CSV, GeoJSON or
//! Excel) with its coordinate system, see every problem of every row in
//! the reader's language or what would be added, updated and retired, and
//! confirm. The preview comes from the POST that read the file
//! ([`ImportPreview`] in the context); the templates and exports share the
//! import's columns.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, AdminsOnly, Csrf, ReviewBar, Signed};
use crate::components::services::kind_name;
use crate::domain::admin::import::{row_place, ImportPreview, PreviewFacility, RowError, RowProblem};
use crate::domain::boundary::BoundaryError;
use crate::domain::hours::HoursError;
use crate::i18n::*;
use crate::pages::error::PageError;
use crate::prefs::use_locale;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub signed: Signed,
    pub allowed: bool,
    pub preview: Option<ImportPreview>,
}

#[server]
pub async fn review_import() -> Result<ImportView, PageError> {
    let signed = super::signed().await?;
    let allowed = signed.member.role == crate::domain::review::Role::Admin;
    if !allowed {
        crate::pages::not_found::answer_status(axum::http::StatusCode::FORBIDDEN);
    }
    Ok(ImportView {
        allowed,
        preview: use_context::<ImportPreview>().filter(|_| allowed),
        signed,
    })
}

#[component]
pub fn AdminImportPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| review_import());
    view! {
        <Title text=td_string!(locale, imp_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <ImportBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/import"),
                }
            })}
        </Suspense>
    }
}

/// "Line 3" / "第3行", as the spreadsheet numbers it.
fn place_text(locale: Locale, row: &str) -> String {
    match row_place(row) {
        Some(("feature", n)) => td_string!(locale, imp_feature, n = n).to_string(),
        Some((_, n)) => td_string!(locale, imp_line, n = n).to_string(),
        None => td_string!(locale, imp_file).to_string(),
    }
}

/// A row's problem in the reader's language.
pub fn problem_text(locale: Locale, p: &RowProblem) -> String {
    match p {
        RowProblem::Required => td_string!(locale, imp_p_required).to_string(),
        RowProblem::TooLong(n) => td_string!(locale, imp_p_too_long, n = *n).to_string(),
        RowProblem::Control => td_string!(locale, imp_p_control).to_string(),
        RowProblem::OutOfRange(b) => td_string!(locale, imp_p_range, bound = *b).to_string(),
        RowProblem::NotDegrees => td_string!(locale, imp_p_degrees).to_string(),
        RowProblem::OutsideChina => td_string!(locale, imp_p_outside).to_string(),
        RowProblem::NotFlag => td_string!(locale, imp_p_flag).to_string(),
        RowProblem::Price => td_string!(locale, imp_p_price).to_string(),
        RowProblem::WholeNumber => td_string!(locale, imp_p_whole).to_string(),
        RowProblem::NoRows => td_string!(locale, imp_p_no_rows).to_string(),
        RowProblem::Duplicate(v) => td_string!(locale, imp_p_duplicate, value = v.clone()).to_string(),
        RowProblem::Kind => td_string!(locale, imp_p_kind).to_string(),
        RowProblem::Phone => td_string!(locale, imp_p_phone).to_string(),
        RowProblem::UnknownCommunity(c) => td_string!(locale, imp_p_community, code = c.clone()).to_string(),
        RowProblem::Hours(HoursError::Empty) => td_string!(locale, imp_p_hours_empty).to_string(),
        RowProblem::Hours(HoursError::Rule(r)) => td_string!(locale, imp_p_hours_rule, rule = r.clone()).to_string(),
        RowProblem::Hours(HoursError::Day(d)) => td_string!(locale, imp_p_hours_day, day = d.clone()).to_string(),
        RowProblem::Hours(HoursError::Span(s)) => td_string!(locale, imp_p_hours_span, span = s.clone()).to_string(),
        RowProblem::UnknownCategory(c) => td_string!(locale, imp_p_category, value = c.clone()).to_string(),
        RowProblem::AcceptsNone => td_string!(locale, imp_p_accepts_none).to_string(),
        RowProblem::Boundary(BoundaryError::TooManyPoints) => td_string!(locale, imp_p_boundary_large).to_string(),
        RowProblem::Boundary(_) => td_string!(locale, imp_p_boundary).to_string(),
        RowProblem::CentreOutside => td_string!(locale, imp_p_centre).to_string(),
        RowProblem::ElderlyOverResidents => td_string!(locale, imp_p_elderly).to_string(),
        // The dictionary's and communities' own columns, imported on the
        // command line only.
        other => other.to_string(),
    }
}

fn error_line(locale: Locale, e: &RowError) -> String {
    let colon = if locale == Locale::en { ": " } else { "：" };
    format!(
        "{} · {}{colon}{}",
        place_text(locale, &e.row),
        e.field,
        problem_text(locale, &e.problem)
    )
}

fn query_error(locale: Locale, code: &str) -> String {
    match code {
        "no_file" => td_string!(locale, imp_e_no_file),
        "crs" => td_string!(locale, imp_e_crs),
        "expired" => td_string!(locale, imp_e_expired),
        "changed" => td_string!(locale, imp_e_changed),
        _ => td_string!(locale, imp_e_upload),
    }
    .to_string()
}

#[component]
fn FacilityList(items: Vec<PreviewFacility>, changes: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ul class="import-list">
            {items.into_iter().map(|f| {
                let what = changes.then(|| format!(" — {}", f.changed.join(", ")));
                view! {
                    <li>
                        <strong>{f.name.clone()}</strong>
                        {format!(" ({} · {} · {})", kind_name(locale, f.kind), f.community, f.source_ref)}
                        {what}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Preview(preview: ImportPreview, csrf: String) -> impl IntoView {
    let locale = use_locale();
    let file = preview.file_name.clone();
    if let Some(detail) = preview.unreadable.clone() {
        return view! {
            <section class="import-preview" aria-labelledby="preview-h">
                <h2 id="preview-h">{td_string!(locale, imp_preview_of, file = file).to_string()}</h2>
                <div class="notice notice-error" role="alert" id="import-error">
                    <p>{td!(locale, imp_unreadable)}</p>
                    <p><code>{detail}</code></p>
                    <p>{td!(locale, imp_unreadable_hint)}</p>
                </div>
            </section>
        }
        .into_any();
    }
    if !preview.errors.is_empty() {
        let count = preview.errors.len();
        return view! {
            <section class="import-preview" aria-labelledby="preview-h">
                <h2 id="preview-h">{td_string!(locale, imp_preview_of, file = file).to_string()}</h2>
                <div class="notice notice-error" role="alert" id="import-error">
                    <p>{td_string!(locale, imp_errors, count = count).to_string()}</p>
                    <ul class="import-errors">
                        {preview.errors.iter().map(|e| view! { <li>{error_line(locale, e)}</li> }).collect_view()}
                    </ul>
                </div>
            </section>
        }
        .into_any();
    }
    let missing = preview.missing.len();
    let summary = td_string!(
        locale,
        imp_summary,
        rows = preview.rows,
        added = preview.added.len(),
        updated = preview.updated.len(),
        unchanged = preview.unchanged
    )
    .to_string();
    view! {
        <section class="import-preview" aria-labelledby="preview-h">
            <h2 id="preview-h">{td_string!(locale, imp_preview_of, file = file).to_string()}</h2>
            <p class="notice" role="status" id="import-summary">{summary}</p>
            {(!preview.added.is_empty()).then(|| view! {
                <h3>{td!(locale, imp_added)}</h3>
                <FacilityList items=preview.added.clone() changes=false />
            })}
            {(!preview.updated.is_empty()).then(|| view! {
                <h3>{td!(locale, imp_updated)}</h3>
                <FacilityList items=preview.updated.clone() changes=true />
            })}
            <form method="post" action="/review/import/confirm" class="suggest-form">
                <Csrf token=csrf />
                <input type="hidden" name="stage" value=preview.stage.clone().unwrap_or_default() />
                {(missing > 0).then(|| view! {
                    <h3>{td_string!(locale, imp_missing, count = missing).to_string()}</h3>
                    <FacilityList items=preview.missing.clone() changes=false />
                    <label class="check">
                        <input type="checkbox" name="retire_missing" value="1" checked=preview.retire_missing />
                        {td_string!(locale, imp_retire_these, count = missing).to_string()}
                    </label>
                })}
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, imp_confirm)}</button>
                    <a class="button" href="/review/import">{td!(locale, imp_cancel)}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn ImportBody(view: ImportView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = |k: &str| query.with_untracked(|q| q.get(k));
    if !view.allowed {
        let (title, message) = (td_string!(locale, imp_title), td_string!(locale, imp_admins_only));
        return view! {
            <AdminsOnly signed=view.signed.clone() title=title.to_string() message=message.to_string()>
                <p><a class="button" href="/review/export/facilities.xlsx">{td!(locale, imp_export_xlsx)}</a></p>
            </AdminsOnly>
        }
        .into_any();
    }
    let csrf = view.signed.csrf.clone();
    let done = get("done").map(|_| {
        let n = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        td_string!(
            locale,
            imp_done,
            added = n("added"),
            updated = n("updated"),
            retired = n("retired")
        )
        .to_string()
    });
    let code = get("error");
    let error = code.as_deref().map(|c| query_error(locale, c));
    // What to mark and give the cursor: the CRS choice when it was unknown,
    // else the file when it was missing, unreadable or had wrong rows.
    let crs_wrong = code.as_deref() == Some("crs");
    let file_wrong = !crs_wrong && (code.is_some() || view.preview.is_some());
    let file_described = if file_wrong {
        "import-error imp-file-hint"
    } else {
        "imp-file-hint"
    };
    let importable = view
        .preview
        .as_ref()
        .is_some_and(|p| p.errors.is_empty() && p.unreadable.is_none());
    let preview = view
        .preview
        .clone()
        .map(|p| view! { <Preview preview=p csrf=csrf.clone() /> });
    let upload = (!importable).then(|| {
        view! {
            <h2 id="upload-h">{td!(locale, imp_upload)}</h2>
            <form class="suggest-form" method="post" action="/review/import" enctype="multipart/form-data" aria-labelledby="upload-h">
                <Csrf token=csrf.clone() />
                <label for="imp-file">{td!(locale, imp_file_label)}</label>
                <p class="field-hint" id="imp-file-hint">{td!(locale, imp_file_hint)}</p>
                <input type="file" id="imp-file" name="file" required accept=".csv,.geojson,.json,.xlsx"
                    aria-invalid=file_wrong.then_some("true") aria-describedby=file_described autofocus=file_wrong />
                <fieldset aria-describedby=crs_wrong.then_some("import-error")>
                    <legend>{td!(locale, imp_crs)}</legend>
                    <label class="check"><input type="radio" name="crs" value="wgs84" checked autofocus=crs_wrong />{td!(locale, imp_crs_wgs84)}</label>
                    <label class="check"><input type="radio" name="crs" value="gcj02" />{td!(locale, imp_crs_gcj02)}</label>
                    <label class="check"><input type="radio" name="crs" value="bd09" />{td!(locale, imp_crs_bd09)}</label>
                </fieldset>
                <label class="check">
                    <input type="checkbox" name="retire_missing" value="1" />
                    {td!(locale, imp_retire_option)}
                </label>
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, imp_preview)}</button>
                </div>
            </form>
        }
    });
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page narrow review">
            <h1>{td!(locale, imp_title)}</h1>
            {done.map(|d| view! { <p class="notice" role="status" id="import-done">{d}</p> })}
            {error.map(|e| view! { <p class="notice notice-error" role="alert" id="import-error">{e}</p> })}
            {preview}
            {upload}
            <h2>{td!(locale, imp_templates)}</h2>
            <p>{td!(locale, imp_templates_lead)}</p>
            <ul class="import-links">
                <li><a href="/review/import/template.xlsx">{td!(locale, imp_template_xlsx)}</a></li>
                <li><a href="/review/import/template.csv">{td!(locale, imp_template_csv)}</a></li>
                <li><a href="/review/export/facilities.xlsx">{td!(locale, imp_export_xlsx)}</a></li>
                <li><a href="/review/export/facilities.csv">{td!(locale, imp_export_csv)}</a></li>
            </ul>
        </section>
    }
    .into_any()
}
