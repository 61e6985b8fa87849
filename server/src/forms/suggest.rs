//! `POST /suggest`: one step of the suggestion form. Reads the step's
//! answers (and photos), checks them, and answers with the Leptos page for
//! the next step, or the same step with its errors and everything typed.
//! The last step files the suggestion and redirects to its tracking page.

use std::collections::HashSet;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::provide_context;

use app::domain::coords::LatLng;
use app::domain::suggestion::draft::{Step, MAX_PHOTOS};
use app::domain::suggestion::{Category, Draft, FieldError, FieldErrors, ReceiptCode, SuggestionField};
use app::pages::suggest::{StagedPhoto, SuggestFlow};
use app::server::suggestions::{self, community_for_place, random_token, CreateError, Submission};

use super::support::see_other;
use crate::intake::{self, draft_from_fields, field, fields, Intake, IntakeError};
use crate::limits::{client_ip, retry_after_secs};
use crate::state::ServerState;

/// What the resident pressed.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Next,
    Back,
    /// Show the map at the position just chosen (or the community's centre).
    Locate,
    ClearLocation,
    GoTo(Step),
    Submit,
}

impl Action {
    fn parse(s: &str) -> Self {
        match s {
            "back" => Action::Back,
            "locate" => Action::Locate,
            "clear-location" => Action::ClearLocation,
            "submit" => Action::Submit,
            other => other
                .strip_prefix("goto-")
                .and_then(|n| n.parse().ok())
                .and_then(Step::from_number)
                .map_or(Action::Next, Action::GoTo),
        }
    }
}

pub async fn step(State(state): State<ServerState>, req: Request) -> Response {
    let uri = req.uri().clone();
    let headers = req.headers().clone();
    let extensions = req.extensions().clone();
    let limited = state.limits.check(client_ip(req.extensions())).await.err();
    // Over the limit, photos are not decoded; the text still comes back.
    let room = if limited.is_some() { 0 } else { MAX_PHOTOS };
    let mut intake = read_body(&state, req, room).await;
    let mut flow = restore(&state, &mut intake).await;
    if let Some(wait) = limited {
        flow.retry_after = Some(retry_after_secs(wait));
        return render(&state, uri, headers, flow, StatusCode::TOO_MANY_REQUESTS).await;
    }
    if flow.failed {
        // A photo could not be read or kept: nothing is filed without it.
        return render(&state, uri, headers, flow, StatusCode::SERVICE_UNAVAILABLE).await;
    }
    let action = Action::parse(field(&intake.fields, "action"));
    let status = advance(&state, &mut flow, action).await;
    match status {
        Ok(Some(code)) => {
            // The receipt, and the suggestion remembered on this phone.
            let mut response = see_other(format!("/track/{code}?new=1"));
            crate::mine::remember(&state, &headers, &extensions, &code, &mut response).await;
            response
        }
        Ok(None) => {
            let status = if flow.errors.is_empty() && flow.photo_problem.is_none() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            if flow.step == Step::Details {
                flow.duplicates = duplicates(&state, &flow.draft).await;
            }
            render(&state, uri, headers, flow, status).await
        }
        Err(()) => {
            flow.failed = true;
            render(&state, uri, headers, flow, StatusCode::SERVICE_UNAVAILABLE).await
        }
    }
}

async fn read_body(state: &ServerState, req: Request, room: usize) -> Intake {
    let content_type = intake::content_type(req.headers());
    if content_type.starts_with("multipart/form-data") {
        match Multipart::from_request(req, state).await {
            Ok(multipart) => intake::read_multipart(multipart, &state.app.photos, room).await,
            Err(_) => Intake::default(),
        }
    } else {
        // Without photos a step is small; a larger body is not a real form.
        let bytes = axum::body::to_bytes(req.into_body(), crate::state::BODY_LIMIT_BYTES)
            .await
            .unwrap_or_default();
        Intake {
            fields: serde_urlencoded::from_bytes(&bytes).unwrap_or_default(),
            ..Intake::default()
        }
    }
}

/// Rebuilds the form's state from the posted fields: the draft, the photos
/// kept from earlier steps (minus those removed) plus new uploads.
async fn restore(state: &ServerState, intake: &mut Intake) -> SuggestFlow {
    let f = &intake.fields;
    let step = field(f, "step")
        .parse()
        .ok()
        .and_then(Step::from_number)
        .unwrap_or_default();
    let key = field(f, "idempotency_key");
    let idempotency_key = if suggestions::valid_idempotency_key(key) {
        key.to_string()
    } else {
        random_token()
    };
    let removed: HashSet<&str> = fields(f, "remove_photo").collect();
    let mut photos: Vec<StagedPhoto> = Vec::new();
    let mut errors = FieldErrors::default();
    let mut unavailable = false;
    // At most MAX_PHOTOS lookups, of well-formed tokens only: a body full of
    // `photo=` fields costs nothing.
    let tokens = fields(f, "photo")
        .filter(|t| !removed.contains(t) && is_token(t))
        .collect::<HashSet<_>>();
    for token in tokens.into_iter().take(MAX_PHOTOS) {
        match state.app.db.staged_photo(token).await {
            Ok(Some(p)) => photos.push(StagedPhoto {
                token: token.to_string(),
                width: p.width,
                height: p.height,
            }),
            // Forgotten (a day old) or already used: say so, do not drop it
            // silently.
            Ok(None) => errors.add(SuggestionField::Photos, FieldError::Invalid),
            // The store is away: keep the photo in the form (its size is
            // only for display) and say "try again".
            Err(e) => {
                tracing::error!(error = %e, "reading a staged photo failed");
                unavailable = true;
                photos.push(StagedPhoto {
                    token: token.to_string(),
                    width: 0,
                    height: 0,
                });
            }
        }
    }
    // Keep the order the resident added them in.
    let order: Vec<&str> = fields(f, "photo").collect();
    photos.sort_by_key(|p| order.iter().position(|t| *t == p.token));
    let mut not_saved = false;
    for photo in std::mem::take(&mut intake.photos) {
        if photos.len() >= MAX_PHOTOS {
            intake.too_many = true;
            break;
        }
        let token = random_token();
        match state.app.db.stage_photo(&token, &photo).await {
            Ok(()) => photos.push(StagedPhoto {
                token,
                width: photo.width,
                height: photo.height,
            }),
            Err(e) => {
                tracing::error!(error = %e, "staging a photo failed");
                unavailable = true;
                not_saved = true;
            }
        }
    }
    if intake.too_many {
        errors.add(SuggestionField::Photos, FieldError::TooMany { max: MAX_PHOTOS });
    }
    // The photo store failing (a full disk) is "try again", not the photo's
    // fault.
    if matches!(intake.error, Some(IntakeError::Io(_))) {
        unavailable = true;
        not_saved = true;
    }
    let photo_problem = intake
        .rejected
        .first()
        .map(|p| p.code().to_string())
        .or_else(|| not_saved.then(|| "photo_not_saved".to_string()))
        .or_else(|| intake.error.as_ref().map(|_| "photo_too_large".to_string()));
    SuggestFlow {
        step,
        draft: draft_from_fields(f),
        photos,
        idempotency_key,
        errors,
        photo_problem,
        failed: unavailable,
        ..SuggestFlow::default()
    }
}

fn is_token(t: &str) -> bool {
    app::security::is_hex_token(t, 32)
}

/// Moves the form according to `action`. `Ok(Some(code))`: filed under
/// `code`. `Ok(None)`: render `flow`. `Err`: saving failed.
async fn advance(state: &ServerState, flow: &mut SuggestFlow, action: Action) -> Result<Option<ReceiptCode>, ()> {
    let photo_trouble = !flow.errors.is_empty() || flow.photo_problem.is_some();
    match action {
        Action::Back => flow.step = flow.step.previous(),
        Action::GoTo(step) => flow.step = step,
        Action::ClearLocation => {
            flow.draft.lat.clear();
            flow.draft.lng.clear();
            flow.step = Step::Place;
        }
        Action::Locate => {
            flow.step = Step::Place;
            if let Some(p) = position(&flow.draft) {
                // A new point decides the community again.
                flow.draft.community.clear();
                place_errors(state, &mut flow.draft, &mut flow.errors, Some(p));
            } else if !flow.draft.lat.trim().is_empty() {
                flow.errors.add(SuggestionField::Location, FieldError::Invalid);
            }
        }
        Action::Next => {
            let mut errors = step_errors(&flow.draft, flow.step);
            if flow.step == Step::Place && errors.is_empty() {
                let at = position(&flow.draft);
                place_errors(state, &mut flow.draft, &mut errors, at);
            }
            for (f, e) in errors.0 {
                flow.errors.add(f, e);
            }
            if flow.errors.is_empty() && !photo_trouble {
                flow.step = flow.step.next();
            }
        }
        Action::Submit => return submit(state, flow).await,
    }
    Ok(None)
}

fn position(d: &Draft) -> Option<LatLng> {
    let p = LatLng::new(d.lat.trim().parse().ok()?, d.lng.trim().parse().ok()?);
    p.is_valid().then_some(p)
}

fn step_errors(draft: &Draft, step: Step) -> FieldErrors {
    match draft.validate_form() {
        Ok(_) => FieldErrors::default(),
        Err(all) => all.for_step(step),
    }
}

/// Finds the community for a position, or says why there is none.
fn place_errors(state: &ServerState, draft: &mut Draft, errors: &mut FieldErrors, at: Option<LatLng>) {
    let Some(at) = at else { return };
    if !draft.community.trim().is_empty() {
        return;
    }
    // Shown to the resident, who confirms or changes it: not a guess then.
    match community_for_place(&state.app.catalog.snapshot().communities, at) {
        Some((c, _)) => draft.community = c.code.clone(),
        None => errors.add(SuggestionField::Location, FieldError::OutOfArea),
    }
}

async fn submit(state: &ServerState, flow: &mut SuggestFlow) -> Result<Option<ReceiptCode>, ()> {
    let db = &state.app.db;
    // Sent twice (a double tap, a resent form after a lost answer): the
    // first one was filed, show it. The same form changed after it was sent
    // (back, edit, send) is a new suggestion: nothing typed is dropped.
    match db.suggestion_by_key(&flow.idempotency_key).await {
        Ok(Some((code, _))) => match db.public_suggestion(&code).await {
            Ok(Some(filed)) if same_text(&filed, &flow.draft) => return Ok(Some(code)),
            Ok(_) => flow.idempotency_key = random_token(),
            Err(e) => {
                tracing::error!(error = %e, "idempotency lookup failed");
                return Err(());
            }
        },
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "idempotency lookup failed");
            return Err(());
        }
    }
    if flow.errors.get(SuggestionField::Photos).is_some() {
        flow.step = Step::Details;
        return Ok(None);
    }
    let valid = match flow.draft.validate_form() {
        Ok(valid) => valid,
        Err(errors) => {
            let first = errors.first_step().unwrap_or(Step::Review);
            flow.step = first;
            flow.errors = errors.for_step(first);
            return Ok(None);
        }
    };
    let mut photos = Vec::new();
    for p in &flow.photos {
        match db.staged_photo(&p.token).await {
            Ok(Some(stored)) => photos.push(stored),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "reading a staged photo failed");
                return Err(());
            }
        }
    }
    let submission = Submission {
        staged_tokens: flow.photos.iter().map(|p| p.token.clone()).collect(),
        photos,
        idempotency_key: Some(flow.idempotency_key.clone()),
        assisted: None,
        api_key: None,
        note: String::new(),
    };
    let communities = state.app.catalog.snapshot().communities.clone();
    match suggestions::file(db, &communities, &valid, &submission).await {
        Ok(filed) => Ok(Some(filed.receipt_code)),
        Err(CreateError::Fields(errors)) => {
            let first = errors.first_step().unwrap_or(Step::Review);
            flow.step = first;
            flow.errors = errors.for_step(first);
            Ok(None)
        }
        Err(e) => {
            tracing::error!(error = %e, "filing a suggestion failed");
            Err(())
        }
    }
}

/// Whether a filed suggestion has the text of this form.
fn same_text(filed: &app::domain::suggestion::PublicSuggestion, draft: &Draft) -> bool {
    filed.title == draft.title.trim()
        && filed.description == draft.description.trim()
        && filed.location_text == draft.location_text.trim()
        && filed.category.as_str() == draft.category.trim()
}

async fn duplicates(state: &ServerState, draft: &Draft) -> Vec<app::domain::suggestion::SuggestionSummary> {
    let (Some(category), Some(at)) = (Category::parse(&draft.category), position(draft)) else {
        return Vec::new();
    };
    suggestions::open_nearby(&state.app.db, category, at)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "duplicate lookup failed");
            Vec::new()
        })
}

/// Renders the app for `/suggest` with the form's state in context.
async fn render(state: &ServerState, uri: Uri, headers: HeaderMap, flow: SuggestFlow, status: StatusCode) -> Response {
    let retry_after = match status {
        StatusCode::TOO_MANY_REQUESTS => flow.retry_after,
        StatusCode::SERVICE_UNAVAILABLE => Some(app::pages::error::UNAVAILABLE_RETRY_SECS),
        _ => None,
    };
    let response = super::render_page(state, uri, headers, status, move || provide_context(flow.clone())).await;
    super::with_retry_after(response, retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse() {
        assert_eq!(Action::parse("back"), Action::Back);
        assert_eq!(Action::parse("goto-3"), Action::GoTo(Step::Details));
        assert_eq!(Action::parse("goto-9"), Action::Next);
        assert_eq!(Action::parse(""), Action::Next);
        assert_eq!(Action::parse("submit"), Action::Submit);
    }
}
