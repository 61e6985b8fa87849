//! `POST /review/new`: a committee member files a suggestion for a resident
//! who phoned or came in. The form is checked by the resident form's rules
//! (`Draft::validate_form`) and filed by the same code, marked with its
//! source and the member; the answer is the page again, with the receipt
//! slip or with what to fix. The form's key makes a resent form file once.

use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use app::domain::coords::split_pasted;
use app::domain::suggestion::{Draft, FieldErrors, Source};
use app::pages::review::assisted::AssistedOutcome;
use app::server::suggestions::{self, valid_idempotency_key, CreateError, Submission};

use super::review::CommitteeForm;
use crate::intake::field;
use crate::state::ServerState;

async fn answer(state: &ServerState, headers: HeaderMap, outcome: AssistedOutcome, status: StatusCode) -> Response {
    super::render_page(state, Uri::from_static("/review/new"), headers, status, move || {
        leptos::prelude::provide_context(outcome.clone())
    })
    .await
}

pub async fn file(
    State(state): State<ServerState>,
    extensions: Extensions,
    headers: HeaderMap,
    form: CommitteeForm,
) -> Response {
    let f = &form.fields;
    let member = &form.member;
    let coords = field(f, "coords").to_string();
    let (lat, lng) = split_pasted(&coords);
    let (lat, lng) = (lat.to_string(), lng.to_string());
    // A committee member files for their own community (the place may
    // still send it to the right one); an admin picks.
    let community = match member.scope() {
        Some(own) => own.to_string(),
        None => field(f, "community").to_string(),
    };
    let draft = Draft {
        category: field(f, "category").to_string(),
        lat,
        lng,
        community,
        location_text: field(f, "location_text").to_string(),
        title: field(f, "title").to_string(),
        description: field(f, "description").to_string(),
        contact_name: field(f, "contact_name").to_string(),
        contact_phone: field(f, "contact_phone").to_string(),
        consent: field(f, "consent") == "1",
        website: String::new(),
    };
    // Only the two ways a resident reaches a member; Open311 is for keys.
    let channel = Source::parse(field(f, "channel")).filter(|s| matches!(s, Source::Phone | Source::Visit));
    let problems = |errors: FieldErrors| AssistedOutcome::Problems {
        draft: Box::new(draft.clone()),
        coords: coords.clone(),
        channel: field(f, "channel").to_string(),
        errors,
        channel_missing: channel.is_none(),
    };
    let checked = draft.validate_form();
    let (valid, channel) = match (checked, channel) {
        (Ok(valid), Some(channel)) => (valid, channel),
        (Ok(_), None) => {
            return answer(
                &state,
                headers,
                problems(FieldErrors::default()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        (Err(errors), _) => return answer(&state, headers, problems(errors), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let key = field(f, "key");
    let submission = Submission {
        photos: Vec::new(),
        staged_tokens: Vec::new(),
        idempotency_key: valid_idempotency_key(key).then(|| format!("assisted:{}:{key}", member.id)),
        assisted: Some((member.id, channel)),
        api_key: None,
        note: String::new(),
    };
    let communities = state.app.catalog.snapshot().communities.clone();
    match suggestions::file(&state.app.db, &communities, &valid, &submission).await {
        Ok(filed) => {
            let base = crate::forwarded::client(&extensions).origin();
            let code = filed.receipt_code.to_string();
            let outcome = AssistedOutcome::Filed {
                url: format!("{base}/track/{code}"),
                code,
                title: valid.title.clone(),
                at: chrono::Utc::now().timestamp_millis(),
            };
            answer(&state, headers, outcome, StatusCode::OK).await
        }
        Err(CreateError::Fields(errors)) => {
            answer(&state, headers, problems(errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => {
            tracing::error!(error = %e, "filing for a resident failed");
            (StatusCode::SERVICE_UNAVAILABLE, "not filed; please try again").into_response()
        }
    }
}
