//! The administration area's POSTs on facilities. Each is a
//! [`CommitteeForm`] (a live session and its CSRF token), then
//! `app::server::admin` decides and writes; the catalogue is refreshed at
//! once so residents (and the offline tiles) see the change on their next
//! request. A form with mistakes, or a preview, goes back to its page with
//! what was typed (`?draft=`), so nothing is lost.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use app::domain::closures::{Closure, ClosureError};
use app::domain::hours::{parse_spans, LocalTime};
use app::server::admin::{self, AdminError};

use super::review::CommitteeForm;
use super::support::see_other;
use crate::intake::field;
use crate::state::ServerState;

/// The form's fields without its token, for `?draft=`.
fn draft(fields: &[(String, String)]) -> String {
    let kept: Vec<&(String, String)> = fields.iter().filter(|(k, _)| k != "csrf" && k != "intent").collect();
    let encoded = serde_urlencoded::to_string(kept).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&encoded, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn version(fields: &[(String, String)]) -> i64 {
    field(fields, "version").trim().parse().unwrap_or(-1)
}

fn closure_code(e: &ClosureError) -> String {
    match e {
        ClosureError::Order => "order".into(),
        ClosureError::TooLong => "too_long".into(),
        ClosureError::NoteMissing | ClosureError::NoteTooLong | ClosureError::NoteControl => "note".into(),
        ClosureError::Overlap(a, b) => format!("overlap:{a}:{b}"),
        ClosureError::TooMany => "too_many".into(),
    }
}

/// The answer to an action's result: back to the page, saying what happened.
async fn finish(
    state: &ServerState,
    result: Result<(), AdminError>,
    page: &str,
    fields: &[(String, String)],
) -> Response {
    match result {
        Ok(()) => {
            if let Err(e) = state.app.catalog.refresh(&state.app.db).await {
                // The watcher applies it within its poll interval anyway.
                tracing::warn!(error = %e, "catalogue refresh after an edit failed");
            }
            see_other(format!("{page}?done=1"))
        }
        Err(e) => failure(e, page, fields),
    }
}

fn failure(e: AdminError, page: &str, fields: &[(String, String)]) -> Response {
    match e {
        AdminError::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
        AdminError::Forbidden => (StatusCode::FORBIDDEN, "your account cannot make this change").into_response(),
        AdminError::Form(_) => see_other(format!("{page}?draft={}", draft(fields))),
        AdminError::Closure(c) => see_other(format!(
            "{page}?closure_error={}&cdraft={}#closures-h",
            percent_encoding::utf8_percent_encode(&closure_code(&c), percent_encoding::NON_ALPHANUMERIC),
            draft(fields)
        )),
        AdminError::Conflict => see_other(format!("{page}?error=conflict")),
        AdminError::Store(e) => {
            tracing::error!(error = %e, "a facility change failed");
            let status = if e.is_unavailable() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (status, "not saved; please try again").into_response()
        }
    }
}

/// `POST /review/facilities` (the form of `/review/facilities/new`; a
/// static `/new` POST route would shadow the page's GET).
pub async fn create(
    State(state): State<ServerState>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let page = "/review/facilities/new";
    if field(&f, "intent") == "preview" {
        return see_other(format!("{page}?draft={}", draft(&f)));
    }
    match admin::create(&state.app.db, &member, &f).await {
        Ok(id) => finish(&state, Ok(()), &format!("/review/facilities/{id}"), &f).await,
        Err(e) => failure(e, page, &f),
    }
}

/// `POST /review/facilities/{id}/{action}`: `save`, `closure`,
/// `closure-remove`, `checked`, `retire`, `restore`.
pub async fn act(
    State(state): State<ServerState>,
    Path((id, action)): Path<(String, String)>,
    CommitteeForm { member, fields: f, .. }: CommitteeForm,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let page = format!("/review/facilities/{id}");
    let db = &state.app.db;
    let expected = version(&f);
    let result = match action.as_str() {
        "save" if field(&f, "intent") == "preview" => {
            // Checked like a save (and refused the same way), then shown.
            return match admin::load(db, &member, id, app::domain::admin::FacilityAction::EditHours).await {
                Ok(_) => see_other(format!("{page}?draft={}", draft(&f))),
                Err(e) => failure(e, &page, &f),
            };
        }
        "save" => admin::save(db, &member, id, expected, &f).await,
        "closure" => {
            let date = |k: &str| NaiveDate::parse_from_str(field(&f, k).trim(), "%Y-%m-%d").ok();
            let (Some(from), Some(to)) = (date("from"), date("to")) else {
                return see_other(format!("{page}?closure_error=dates&cdraft={}#closures-h", draft(&f)));
            };
            let spans = match (field(&f, "open").trim(), field(&f, "close").trim()) {
                ("", "") => Vec::new(),
                (open, close) => match parse_spans(&format!("{open}-{close}")) {
                    Ok(s) if s.iter().all(|s| !s.overnight()) => s,
                    _ => return see_other(format!("{page}?closure_error=hours&cdraft={}#closures-h", draft(&f))),
                },
            };
            let closure = Closure {
                from,
                to,
                spans,
                note_zh: field(&f, "note_zh").trim().to_string(),
                note_en: field(&f, "note_en").trim().to_string(),
            };
            let today = LocalTime::shanghai(chrono::Utc::now()).date;
            admin::add_closure(db, &member, id, expected, closure, today).await
        }
        "closure-remove" => match NaiveDate::parse_from_str(field(&f, "from").trim(), "%Y-%m-%d") {
            Ok(from) => admin::remove_closure(db, &member, id, expected, from).await,
            Err(_) => Err(AdminError::NotFound),
        },
        "checked" => admin::mark_checked(db, &member, id, expected).await,
        "retire" => admin::set_retired(db, &member, id, expected, true).await,
        "restore" => admin::set_retired(db, &member, id, expected, false).await,
        _ => Err(AdminError::NotFound),
    };
    finish(&state, result, &page, &f).await
}
